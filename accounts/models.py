"""People who use the registry. Organisations, memberships and roles join them later."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from .choices import Industry, Prefecture, SizeBand
from .corporate_number import validate_corporate_number


class UserManager(BaseUserManager["User"]):
    """Creates users identified by e-mail address (there is no username)."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with a login. Identified by e-mail; the display name is free text (Japanese or
    Latin), and the preferred language drives pages and e-mail."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="ja",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class Organisation(BaseModel):
    """A legal entity (法人) known to the registry: a supplier, a procurer, a scheme body, or
    several at once. Identified by its 法人番号; `parent` links the members of a corporate group,
    so that a group can apply for a scope covering several legal entities."""

    name = models.CharField(_("legal name"), max_length=200)
    name_kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    corporate_number = models.CharField(
        _("corporate number (法人番号)"),
        max_length=13,
        unique=True,
        validators=[validate_corporate_number],
    )
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture)
    address = models.CharField(_("head-office address"), max_length=300)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry)
    size_band = models.CharField(_("number of employees"), max_length=10, choices=SizeBand)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )

    class Meta:
        ordering = ["name_kana", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(corporate_number__regex=r"^[1-9][0-9]{12}$"),
                name="accounts_organisation_corporate_number_13_digits",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="accounts_organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Membership(BaseModel):
    """A user's place in an organisation, with the roles they hold there.

    admin: invites and removes members, grants roles; member: works on assessments;
    executive: may sign the management declaration; procurer: uses the procurer tools.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation administrator")
        MEMBER = "member", _("Member")
        EXECUTIVE = "executive", _("Executive")
        PROCURER = "procurer", _("Procurer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("organisation administrator"), default=False)
    is_member = models.BooleanField(_("member"), default=True)
    is_executive = models.BooleanField(_("executive"), default=False)
    is_procurer = models.BooleanField(_("procurer"), default=False)
    title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def roles(self) -> list[str]:
        return [role for role in self.Role.values if getattr(self, f"is_{role}")]
