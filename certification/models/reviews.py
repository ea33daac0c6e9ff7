"""The registration body's decisions on submitted ★3 applications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registrations import Registration


class RegistrationDecision(models.Model):
    """The registration body's answer to one submission of an application: registered, returned
    for revision (with the reasons to fix) or rejected for good (with the reasons).

    Rows are only inserted; an application returned and submitted again gets a new decision.
    """

    class Outcome(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        RETURNED = "returned", _("Returned for revision")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(
        "assessments.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="registration_decisions",
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome)
    reasons = models.TextField(_("reasons"), max_length=5000, blank=True)
    registration = models.OneToOneField(
        Registration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["application", "decided_at"]
        verbose_name = _("registration decision")
        verbose_name_plural = _("registration decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["registered", "returned", "rejected"]),
                name="certification_decision_outcome_valid",
            ),
            # The applicant must be told why it was returned or rejected.
            models.CheckConstraint(
                condition=Q(outcome="registered") | ~Q(reasons=""),
                name="certification_decision_reasons_given",
            ),
            models.CheckConstraint(
                condition=Q(outcome="registered", registration__isnull=False)
                | (~Q(outcome="registered") & Q(registration__isnull=True)),
                name="certification_decision_registration_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.outcome} {self.decided_at:%Y-%m-%d}"
