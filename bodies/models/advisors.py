"""Qualified security experts (セキュリティ専門家) who advise ★3 applicants, and their
qualifications as checked by the registration body."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Industry, Prefecture
from accounts.models import Organisation
from core.models import BaseModel


class AdvisorProfile(BaseModel):
    """A user's public profile as an advisor: whom they can help (regions, industries,
    languages), whether they advise their own employer, other companies or both, and their
    conflict-of-interest declaration. The registration body may suspend an advisor.

    The profile appears in the public directory only when it is public, active and has at least
    one verified, unexpired qualification (see bodies.selectors.advisor_directory).
    """

    class Mode(models.TextChoices):
        INTERNAL = "internal", _("Internal advisor for my employer")
        EXTERNAL = "external", _("External advisor for other companies")
        BOTH = "both", _("Both internal and external")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="advisor_profile",
    )
    display_name = models.CharField(_("public display name"), max_length=100)
    nationwide = models.BooleanField(
        _("serves all of Japan"),
        default=False,
        help_text=_("For example by online meetings; the prefectures below are then optional."),
    )
    speaks_japanese = models.BooleanField(_("advises in Japanese"), default=True)
    speaks_english = models.BooleanField(_("advises in English"), default=False)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode, default=Mode.EXTERNAL)
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisors",
    )
    bio = models.TextField(_("short introduction"), max_length=1000, blank=True)
    contact_email = models.EmailField(_("public contact e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(_("listed in the public directory"), default=False)
    coi_statement = models.TextField(_("conflict-of-interest declaration"), max_length=2000)
    coi_declared_at = models.DateTimeField(_("conflict of interest declared at"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    status_reason = models.TextField(_("reason for the last status change"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "suspended"]),
                name="bodies_advisor_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["internal", "external", "both"]),
                name="bodies_advisor_mode_valid",
            ),
            # An internal advisor advises their employer, so the employer must be known.
            models.CheckConstraint(
                condition=Q(mode="external") | Q(employer__isnull=False),
                name="bodies_advisor_internal_has_employer",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("bodies:advisor-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def advises_externally(self) -> bool:
        return self.mode in (self.Mode.EXTERNAL, self.Mode.BOTH)


class AdvisorArea(models.Model):
    """A prefecture an advisor serves (besides or instead of `nationwide`)."""

    advisor = models.ForeignKey(AdvisorProfile, on_delete=models.CASCADE, related_name="areas")
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture)

    class Meta:
        ordering = ["prefecture"]
        verbose_name = _("advisor area")
        verbose_name_plural = _("advisor areas")
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "prefecture"], name="bodies_advisor_area_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_prefecture_display()


class AdvisorIndustry(models.Model):
    """An industry (JSIC division) an advisor knows well."""

    advisor = models.ForeignKey(AdvisorProfile, on_delete=models.CASCADE, related_name="industries")
    industry = models.CharField(_("industry"), max_length=1, choices=Industry)

    class Meta:
        ordering = ["industry"]
        verbose_name = _("advisor industry")
        verbose_name_plural = _("advisor industries")
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "industry"], name="bodies_advisor_industry_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_industry_display()


class Qualification(BaseModel):
    """A professional qualification an advisor holds, with the registration body's check of it.

    Only the registration number of a 情報処理安全確保支援士 (RISS) is ever published: IPA
    publishes it in its own public register (登録セキスペ検索), so anyone can cross-check it there.
    Other numbers stay with the registration body.
    """

    class Kind(models.TextChoices):
        RISS = "riss", _("Registered Information Security Specialist (RISS)")
        CISSP = "cissp", _("CISSP")
        CISA = "cisa", _("CISA")
        ISMS_AUDITOR = "isms_auditor", _("ISMS auditor")
        SME_CONSULTANT = "sme_consultant", _("Certified SME management consultant")
        IT_COORDINATOR = "it_coordinator", _("IT Coordinator")
        OTHER = "other", _("Other qualification")

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Not yet verified")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("advisor"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    kind = models.CharField(_("qualification"), max_length=16, choices=Kind)
    other_name = models.CharField(
        _("name of the qualification"),
        max_length=200,
        blank=True,
        help_text=_("Only for “Other qualification”."),
    )
    number = models.CharField(_("registration or certificate number"), max_length=32)
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    evidence_note = models.TextField(
        _("evidence"),
        max_length=2000,
        blank=True,
        help_text=_("Where the registration body can check the qualification."),
    )
    status = models.CharField(
        _("verification"), max_length=16, choices=Status, default=Status.UNVERIFIED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        ordering = ["advisor", "kind", "obtained_on"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["unverified", "verified", "rejected"]),
                name="bodies_qualification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="other", other_name__gt="")
                | (~Q(kind="other") & Q(other_name="")),
                name="bodies_qualification_other_has_name",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("obtained_on")),
                name="bodies_qualification_expiry_after_obtained",
            ),
            # One person per registration number: a second claim of the same number can only
            # be made once the registration body has rejected the first.
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=~Q(kind="other") & ~Q(status="rejected"),
                name="bodies_qualification_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    @property
    def name(self) -> str:
        return self.other_name if self.kind == self.Kind.OTHER else str(self.get_kind_display())

    @property
    def number_is_public(self) -> bool:
        return self.kind == self.Kind.RISS

    def is_valid_on(self, day: datetime.date) -> bool:
        """Verified and within its dates on `day`."""
        return (
            self.status == self.Status.VERIFIED
            and self.obtained_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )
