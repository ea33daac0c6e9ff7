"""Send-markers of the scheduled jobs: one row per reminder or nudge that was sent.

The unique constraints are the jobs' idempotency keys. A job claims a key by inserting its row
(INSERT … ON CONFLICT DO NOTHING) in the same transaction that records the notifications, so a
job that runs twice, or is killed and redelivered, sends each reminder exactly once.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registrations import Registration


class Reminder(models.Model):
    """A renewal reminder sent to a holder `offset_days` from the end of a registration's
    validity (negative: before; positive: after it lapsed)."""

    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal reminder")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    offset_days = models.SmallIntegerField(_("days from the end of validity"))
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["registration", "offset_days"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "offset_days"],
                name="certification_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["renewal"]), name="certification_reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.kind} {self.offset_days:+d}"


class ReviewNudge(models.Model):
    """A nudge to the people a review is waiting for: the advisor of an open review round, or
    the registration body's staff for a submitted application. `waiting_since` identifies the
    wait (the round's start or the submission), `sequence` counts the nudges for that wait (one
    per `CERTIFICATION_REVIEW_NUDGE_AFTER_DAYS` days of waiting)."""

    class Kind(models.TextChoices):
        ADVISOR_REVIEW = "advisor_review", _("Advisor review waiting")
        REGISTRATION_REVIEW = "registration_review", _("Registration review waiting")

    application = models.ForeignKey(
        "assessments.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_nudges",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    waiting_since = models.DateTimeField(_("waiting since"))
    sequence = models.PositiveSmallIntegerField(_("nudge number"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "sequence"]
        verbose_name = _("review nudge")
        verbose_name_plural = _("review nudges")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "waiting_since", "sequence"],
                name="certification_nudge_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["advisor_review", "registration_review"]),
                name="certification_nudge_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="certification_nudge_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} #{self.sequence}"
