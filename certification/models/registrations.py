"""Registrations: the ★ an organisation holds for a scope, and their append-only history."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from bodies.models import SchemeBody
from core.models import BaseModel
from scheme.models import Edition, Level

NUMBER_PATTERN = r"^SCS[345]-[0-9]{4}-[0-9]{6}$"


def certificate_path(instance: "Registration", filename: str) -> str:
    """A deterministic name per revision, so that re-rendering replaces the same file."""
    return f"certificates/{instance.number}-r{instance.revision}.pdf"


class Registration(BaseModel):
    """A ★ level that an organisation holds for a scope: the registration body's (★3) or the
    accreditation body's (★4) decision made public, with its number, scope and validity.

    The holder's name, 法人番号 and the scope are copied when registering, so that the record
    (and the public ledger) keep saying what was registered even if the organisation or the
    application change later. `status` holds decisions and the nightly sweep's results; what
    anybody sees is the *effective* status (certification.selectors.effective_status), which also
    looks at the dates, so that a registration whose validity ended is never shown as active.
    A renewal registered before expiry `supersedes` the registration it continues: it starts the
    day after the old one ends (no gap, no overlap).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        WITHDRAWN = "withdrawn", _("Withdrawn by the holder")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded by its renewal")

    number = models.CharField(_("registration number"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    holder_name = models.CharField(_("holder's name at registration"), max_length=200)
    holder_name_en = models.CharField(
        _("holder's English name at registration"), max_length=200, blank=True
    )
    corporate_number = models.CharField(_("corporate number at registration"), max_length=13)
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="registrations"
    )
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("catalogue edition"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    scope = models.JSONField(_("scope"), default=dict)
    application = models.OneToOneField(
        "assessments.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration",
    )
    registering_body = models.ForeignKey(
        SchemeBody,
        verbose_name=_("registering body"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    evaluation_body = models.ForeignKey(
        SchemeBody,
        verbose_name=_("evaluation body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluated_registrations",
        help_text=_("★4 only: the evaluation body whose evaluation the registration rests on."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_on = models.DateField(_("registered on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), help_text=_("The last day of validity."))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("continues"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    status_since = models.DateField(_("status effective since"))
    status_reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    status_reason = models.TextField(_("published reason"), max_length=2000, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    certificate = models.FileField(
        _("certificate of registration"), upload_to=certificate_path, max_length=200, blank=True
    )
    certificate_revision = models.PositiveIntegerField(_("certificate revision"), default=0)
    certificate_sha256 = models.CharField(
        _("SHA-256 of the certificate"), max_length=64, blank=True
    )

    class Meta:
        ordering = ["-registered_on", "-number"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "active",
                        "suspended",
                        "revoked",
                        "withdrawn",
                        "expired",
                        "superseded",
                    ]
                ),
                name="certification_registration_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=NUMBER_PATTERN),
                name="certification_registration_number_format",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")),
                name="certification_registration_validity_order",
            ),
            models.CheckConstraint(
                condition=Q(corporate_number__regex=r"^[1-9][0-9]{12}$"),
                name="certification_registration_corporate_number_13_digits",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="certification_registration_not_own_renewal",
            ),
            models.CheckConstraint(
                condition=Q(certificate_sha256="") | Q(certificate_sha256__regex=r"^[0-9a-f]{64}$"),
                name="certification_registration_certificate_sha256_hex",
            ),
        ]
        indexes = [
            # The nightly sweep and the reminders look registrations up by status and end date.
            models.Index(fields=["status", "valid_until"], name="certif_reg_status_until_idx"),
            # The annual self-assessment reminders look ★4 registrations up by their start.
            models.Index(fields=["status", "valid_from"], name="certif_reg_status_from_idx"),
            models.Index(fields=["corporate_number"], name="certif_reg_corporate_no_idx"),
            # The public list's order (newest first), so a page is read from the index.
            models.Index(fields=["-registered_on", "-number"], name="certif_reg_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certification:verify", kwargs={"number": self.number})

    @property
    def stars(self) -> int:
        return int(self.number[3])

    @property
    def display_holder_name(self) -> str:
        if (get_language() or "ja").startswith("en") and self.holder_name_en:
            return self.holder_name_en
        return self.holder_name

    @property
    def certificate_name(self) -> str:
        """The storage name of the current revision's certificate."""
        return certificate_path(self, "")

    @property
    def certificate_is_current(self) -> bool:
        return bool(self.certificate) and self.certificate_revision == self.revision

    def lapses_on(self) -> datetime.date:
        """The first day on which the registration is no longer valid by its dates."""
        return self.valid_until + datetime.timedelta(days=1)


class RegistrationEventQuerySet(models.QuerySet["RegistrationEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("registration events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("registration events are append-only")


class RegistrationEvent(models.Model):
    """One step in a registration's life: registered, suspended, reinstated, revoked, withdrawn,
    expired or superseded, with the reason as published and the day it took effect.

    Append-only, like the audit trail: rows are inserted by the lifecycle services and never
    changed. `ledger_seq` points at the public ledger entry that published the step.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Suspension lifted")
        REVOKED = "revoked", _("Revoked")
        WITHDRAWN = "withdrawn", _("Withdrawn by the holder")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded by its renewal")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16)
    reason_code = models.CharField(_("reason code"), max_length=40)
    reason = models.TextField(_("published reason"), max_length=2000, blank=True)
    effective_on = models.DateField(_("effective on"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ledger_seq = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RegistrationEventQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "created_at", "pk"]
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "registered",
                        "suspended",
                        "reinstated",
                        "revoked",
                        "withdrawn",
                        "expired",
                        "superseded",
                    ]
                ),
                name="certification_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.kind} {self.effective_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("registration events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("registration events are append-only")


class RegistrationCounter(models.Model):
    """The last sequence number used for registration numbers of one level and year
    ("SCS3-2027-000123" is the 123rd ★3 registration of 2027)."""

    stars = models.PositiveSmallIntegerField(_("stars"))
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number used"), default=0)

    class Meta:
        verbose_name = _("registration number counter")
        verbose_name_plural = _("registration number counters")
        constraints = [
            models.UniqueConstraint(fields=["stars", "year"], name="certification_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"★{self.stars} {self.year}: {self.last}"
