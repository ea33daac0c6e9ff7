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
    """A reminder sent about a registration, `offset_days` from its reference day (negative:
    before; positive: after):

    - renewal: to the holder, from the end of the validity (`anniversary` 0);
    - annual: to the holder, from anniversary `anniversary` (1, 2) of a ★4 registration, while
      the annual self-assessment of that anniversary has not been submitted;
    - annual_escalation: to the evaluation body's staff, when that self-assessment is overdue.
    """

    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal reminder")
        ANNUAL = "annual", _("Annual self-assessment reminder")
        ANNUAL_ESCALATION = (
            "annual_escalation",
            _("Annual self-assessment overdue (evaluation body)"),
        )

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    anniversary = models.PositiveSmallIntegerField(
        _("anniversary"), default=0, db_default=0, help_text=_("0 for renewal reminders.")
    )
    offset_days = models.SmallIntegerField(_("days from the reference day"))
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["registration", "anniversary", "offset_days"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "anniversary", "offset_days"],
                name="certification_reminder_once_per_anniversary",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["renewal", "annual", "annual_escalation"]),
                name="certification_reminder_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="renewal", anniversary=0)
                | (~Q(kind="renewal") & Q(anniversary__gte=1)),
                name="certification_reminder_anniversary_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.kind} #{self.anniversary} {self.offset_days:+d}"


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
