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


class Invitation(BaseModel):
    """An organisation administrator's invitation of an e-mail address into the organisation.

    Only the SHA-256 of the token is stored (the token itself is only in the e-mail). It grants
    the listed membership roles when the person who signs in with that e-mail accepts it before
    `expires_at`; it is used once (accepted or declined) or revoked when a new one replaces it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    roles = models.JSONField(_("roles to grant"), default=list)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="accounts_invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class UserSession(models.Model):
    """One signed-in browser session of a user, so that they can see and end their sessions.

    Only a SHA-256 of the session key is kept. A session whose row is ended (`ended_at`) is
    refused by accounts.middleware.SessionSecurityMiddleware at its next request, whatever the
    session store still holds.
    """

    class EndReason(models.TextChoices):
        LOGOUT = "logout", _("Signed out")
        ENDED_BY_USER = "ended_by_user", _("Ended by the user")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        MFA_CHANGED = "mfa_changed", _("Two-factor authentication changed")
        IDLE_TIMEOUT = "idle_timeout", _("Idle timeout")
        ABSOLUTE_TIMEOUT = "absolute_timeout", _("Maximum session length reached")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="user_sessions"
    )
    session_key_hash = models.CharField(_("session key hash"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"))
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason, blank=True
    )

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
