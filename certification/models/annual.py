"""The ★4 holder's annual self-assessments: one per registration and anniversary, submitted to
the evaluation body the registration rests on, which accepts it or returns it for completion."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from .registrations import Registration


def annual_attachment_path(instance: "AnnualSelfAssessment", filename: str) -> str:
    """A server-generated storage name: nothing of the uploaded file name reaches the disk."""
    return f"annual/{instance.registration_id}/{instance.anniversary}-{uuid.uuid4().hex}"


class AnnualSelfAssessment(BaseModel):
    """The holder's statement for one anniversary of a ★4 registration (valid three years:
    anniversaries 1 and 2, due on valid_from + 1 and + 2 years).

    The row is created when the holder submits. The evaluation body accepts it, or returns it
    for completion; a returned statement is corrected and submitted again (the same row, the
    audit trail keeps every step).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, waiting for the evaluation body")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for completion")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="annual_self_assessments",
    )
    anniversary = models.PositiveSmallIntegerField(_("anniversary"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status)
    measures_maintained = models.BooleanField(
        _("all measures evaluated are still in place"), default=True
    )
    changes = models.TextField(_("changes since the evaluation"), max_length=5000, blank=True)
    incidents = models.TextField(_("security incidents"), max_length=5000, blank=True)
    statement = models.TextField(_("further remarks"), max_length=5000, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=annual_attachment_path, max_length=200, blank=True
    )
    attachment_name = models.CharField(_("attachment's file name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("attachment's type"), max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("attachment's size in bytes"), default=0)
    attachment_sha256 = models.CharField(_("SHA-256 of the attachment"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewer_comment = models.TextField(_("evaluation body's comment"), max_length=5000, blank=True)

    class Meta:
        ordering = ["registration", "anniversary"]
        verbose_name = _("annual self-assessment")
        verbose_name_plural = _("annual self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "anniversary"], name="certification_annual_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted", "returned"]),
                name="certification_annual_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(anniversary__gte=1), name="certification_annual_anniversary_positive"
            ),
            # Whoever returns a statement must say what is missing.
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(reviewer_comment=""),
                name="certification_annual_return_explained",
            ),
            models.CheckConstraint(
                condition=Q(attachment_sha256="") | Q(attachment_sha256__regex=r"^[0-9a-f]{64}$"),
                name="certification_annual_attachment_sha256_hex",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="certif_annual_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} #{self.anniversary} {self.status}"
