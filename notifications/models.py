"""What the portal told a user, and which optional notices the user wants."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about. Legal and status notices (decisions, suspensions,
    revocations, work assigned to a person) always reach the user; the kinds in OPTIONAL_KINDS
    can be switched off in the preferences."""

    REGISTRATION_DECISION = "registration_decision", _("Decisions on applications")
    REGISTRATION_STATUS = "registration_status", _("Changes to registrations")
    WORK_ITEM = "work_item", _("Work waiting for you")
    RENEWAL_REMINDER = "renewal_reminder", _("Renewal reminders")
    REVIEW_NUDGE = "review_nudge", _("Reminders of reviews waiting for you")


OPTIONAL_KINDS: frozenset[str] = frozenset({Kind.RENEWAL_REMINDER, Kind.REVIEW_NUDGE})


class Notification(models.Model):
    """One notice to one user: shown in the portal's notification list and sent by e-mail.

    Subject and bodies are rendered once, in the user's language, when the notice is created.
    The e-mail is an outbox: `email_status` is pending until it was handed to the mail server.
    `key`, when given, makes the notice unique (a reminder is never recorded twice), and the
    Message-ID is fixed per notice, so a re-sent e-mail after a crash is recognisable as the
    same message.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (no active e-mail address)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8)
    key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=8, choices=EmailStatus, default=EmailStatus.PENDING
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notifications_notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(email_status__in=["pending", "sent", "skipped"]),
                name="notifications_notification_email_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(email_status="sent") | Q(email_sent_at__isnull=False),
                name="notifications_notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notif_user_read_idx"),
            models.Index(
                fields=["created_at"],
                name="notif_pending_email_idx",
                condition=Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice to receive an optional kind of notification or not (both in the portal
    and by e-mail). Without a row, the user receives it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=[(value, label) for value, label in Kind.choices if value in OPTIONAL_KINDS],
    )
    enabled = models.BooleanField(_("receive"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_once"),
            # Legal and status notices cannot be switched off.
            models.CheckConstraint(
                condition=Q(kind__in=sorted(OPTIONAL_KINDS)),
                name="notifications_preference_optional_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.enabled}"
