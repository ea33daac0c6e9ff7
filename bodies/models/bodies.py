"""Scheme bodies, the roles they hold, their designations and their staff."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.models import BaseModel
from scheme.models import Level

from ..choices import DESIGNATED_ROLES, BodyRole, StaffRole

DESIGNATION_YEARS = 3


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class SchemeBody(BaseModel):
    """An organisation that takes part in running the scheme: the operator (registration body),
    the accreditation (designation) body, or a designated evaluation body, technical
    verification provider or training provider. The roles it holds are SchemeBodyRole rows."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="scheme_body",
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("public contact e-mail address"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["organisation__name_kana", "organisation__name"]
        verbose_name = _("scheme body")
        verbose_name_plural = _("scheme bodies")

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse(
            "bodies:detail", kwargs={"corporate_number": self.organisation.corporate_number}
        )

    @property
    def description(self) -> str:
        if (get_language() or "ja").startswith("en") and self.description_en:
            return self.description_en
        return self.description_ja


class SchemeBodyRole(BaseModel):
    """One role a scheme body holds. Operator roles are appointed by the platform administrator;
    designated roles appear with the body's first designation for that role and stay (the
    designation records say whether the body may currently act in it)."""

    body = models.ForeignKey(
        SchemeBody, verbose_name=_("scheme body"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=BodyRole)

    class Meta:
        ordering = ["body", "role"]
        verbose_name = _("scheme body role")
        verbose_name_plural = _("scheme body roles")
        constraints = [
            models.UniqueConstraint(fields=["body", "role"], name="bodies_role_unique"),
            models.CheckConstraint(
                condition=Q(role__in=BodyRole.values), name="bodies_role_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_role_display()}"


class Designation(BaseModel):
    """A period (three years by default) for which an accreditation body has designated a body
    to act in a role (evaluation, technical verification or training) for some star levels.

    `status` records decisions (suspension, reinstatement, withdrawal); whether the designation
    is valid on a given day also depends on its dates, see `state_on`. A renewal is a new row
    pointing at the one it renews, so the history of periods stays visible.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class State(models.TextChoices):
        """What the public sees on a given day: the status combined with the dates."""

        VALID = "valid", _("Valid")
        NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
        EXPIRED = "expired", _("Expired")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    body = models.ForeignKey(
        SchemeBody,
        verbose_name=_("designated body"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=[(value, label) for value, label in BodyRole.choices if value in DESIGNATED_ROLES],
    )
    levels = models.ManyToManyField(Level, verbose_name=_("levels"), related_name="designations")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), help_text=_("The last day of validity."))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    status_reason = models.TextField(
        _("reason for the last status change"),
        blank=True,
        help_text=_("Kept for the scheme bodies; not shown in the public directory."),
    )
    status_effective_on = models.DateField(_("status effective on"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    designated_by = models.ForeignKey(
        SchemeBody,
        verbose_name=_("designated by"),
        on_delete=models.PROTECT,
        related_name="designations_granted",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )

    class Meta:
        ordering = ["body", "role", "-valid_from"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")),
                name="bodies_designation_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "suspended", "withdrawn"]),
                name="bodies_designation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(role__in=list(DESIGNATED_ROLES)),
                name="bodies_designation_role_designated",
            ),
        ]
        indexes = [models.Index(fields=["role", "status", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.body} – {self.get_role_display()} ({self.valid_from} – {self.valid_until})"

    @staticmethod
    def default_valid_until(valid_from: datetime.date) -> datetime.date:
        """Three years, the last day included: from 2027-04-01 until 2030-03-31."""
        return add_years(valid_from, DESIGNATION_YEARS) - datetime.timedelta(days=1)

    def state_on(self, day: datetime.date) -> str:
        """The public state on `day`; dates count even before any scheduled job has run."""
        if self.status == self.Status.WITHDRAWN:
            return self.State.WITHDRAWN
        if day > self.valid_until:
            return self.State.EXPIRED
        if self.status == self.Status.SUSPENDED:
            return self.State.SUSPENDED
        if day < self.valid_from:
            return self.State.NOT_YET_VALID
        return self.State.VALID

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.state_on(day) == self.State.VALID

    @property
    def current_state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def is_currently_valid(self) -> bool:
        return self.current_state == self.State.VALID

    def get_current_state_display(self) -> str:
        return str(self.State(self.current_state).label)


class BodyStaff(BaseModel):
    """A person's privileged role inside a scheme body (evaluator, registration staff, …).

    Granted and revoked by the body organisation's administrators; revoking keeps the row
    (inactive) so that later records can still say who acted in which role.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="body_staff_roles",
    )
    body = models.ForeignKey(
        SchemeBody, verbose_name=_("scheme body"), on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=24, choices=StaffRole)
    active = models.BooleanField(_("active"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["body", "role", "user__email"]
        verbose_name = _("body staff role")
        verbose_name_plural = _("body staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "body", "role"], name="bodies_staff_unique"),
            models.CheckConstraint(
                condition=Q(role__in=StaffRole.values), name="bodies_staff_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} @ {self.body}"
