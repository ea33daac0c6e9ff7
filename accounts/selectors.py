"""Reads of the accounts app, scoped to the user who asks."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import AuditEvent

from .models import Invitation, Membership, Organisation, User, UserSession

_PRIVILEGED_ROLES_CACHE = "_accounts_privileged_roles"


def _role_checks() -> list[Any]:
    checks = []
    for path in settings.ACCOUNTS_PRIVILEGED_ROLE_CHECKS:
        try:
            checks.append(import_string(path))
        except ImportError as exc:
            # Failing closed: a check that cannot be loaded would silently exempt privileged
            # users from MFA, so it is a configuration error, never "no roles".
            raise ImproperlyConfigured(
                f"ACCOUNTS_PRIVILEGED_ROLE_CHECKS names {path!r}, which cannot be imported"
            ) from exc
    return checks


def privileged_roles_for(user: Any) -> list[str]:
    """The privileged roles `user` holds: "superuser", "staff" and whatever the registered checks
    (settings.ACCOUNTS_PRIVILEGED_ROLE_CHECKS) report. Cached on the user object, which lives
    for one request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _PRIVILEGED_ROLES_CACHE, None)
    if cached is not None:
        return list(cached)
    roles: list[str] = []
    if user.is_superuser:
        roles.append("superuser")
    if user.is_staff:
        roles.append("staff")
    if user.pk is not None:
        for check in _role_checks():
            roles.extend(role for role in check(user) if role not in roles)
        setattr(user, _PRIVILEGED_ROLES_CACHE, tuple(roles))
    return roles


def user_is_privileged(user: Any) -> bool:
    """True when MFA is mandatory for `user` (staff, superuser or any privileged role)."""
    return bool(privileged_roles_for(user))


def forget_privileged_roles(user: Any) -> None:
    """Drop the per-request cache after a role change in the same request."""
    if hasattr(user, _PRIVILEGED_ROLES_CACHE):
        delattr(user, _PRIVILEGED_ROLES_CACHE)


def organisation_list_for(user: Any) -> QuerySet[Organisation]:
    """Organisations `user` may see: those they belong to; every one for holders of
    accounts.view_organisation (the operator's staff)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.has_perm("accounts.view_organisation"):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()


def organisations_administered_by(user: Any) -> QuerySet[Organisation]:
    """Organisations in which `user` holds the administrator role."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__is_admin=True)


def membership_for(user: Any, organisation: Organisation) -> Membership | None:
    """`user`'s membership of `organisation`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def membership_list_for_organisation(organisation: Organisation) -> QuerySet[Membership]:
    """The members of `organisation` with their users, administrators first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_admin", "user__name", "user__email")
    )


def membership_list_for(user: Any) -> QuerySet[Membership]:
    """Memberships `user` may see: those of organisations visible to them."""
    return Membership.objects.filter(organisation__in=organisation_list_for(user)).select_related(
        "user", "organisation"
    )


def my_memberships(user: Any) -> QuerySet[Membership]:
    """`user`'s own memberships with their organisations (for navigation and lists)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_kana", "organisation__name")
    )


def organisation_list_with_my_membership(user: Any) -> QuerySet[Organisation]:
    """Organisations visible to `user`, each with `my_memberships` prefetched."""
    return organisation_list_for(user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(user=user),
            to_attr="my_memberships",
        )
    )


def admin_count(organisation: Organisation) -> int:
    """How many administrators `organisation` has."""
    return Membership.objects.filter(organisation=organisation, is_admin=True).count()


def hash_token(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_get_by_token(token: str) -> Invitation | None:
    """The invitation whose token this is (whatever its status), or None."""
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_list_pending_for(organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations of `organisation` still waiting for an answer and not yet expired."""
    return Invitation.objects.filter(
        organisation=organisation,
        status=Invitation.Status.PENDING,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_list_for(user: Any) -> QuerySet[Invitation]:
    """Invitations `user` may manage: those of organisations they administer."""
    return Invitation.objects.filter(organisation__in=organisations_administered_by(user))


def hash_session_key(session_key: str) -> str:
    """The stored form of a session key."""
    return hashlib.sha256(session_key.encode("ascii")).hexdigest()


def user_session_list_for(user: Any) -> QuerySet[UserSession]:
    """`user`'s live sessions, most recently used first: not ended, and used within the longest
    idle limit (older ones have expired in the session store without a request to notice)."""
    if not getattr(user, "is_authenticated", False):
        return UserSession.objects.none()
    idle = timedelta(seconds=settings.ACCOUNTS_SESSION_IDLE_TIMEOUT)
    return UserSession.objects.filter(
        user=user, ended_at__isnull=True, last_seen_at__gte=timezone.now() - idle
    )


def audit_event_list(
    *,
    action: str = "",
    actor: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, filtered by action prefix, actor (e-mail or name, partial)
    and an occurred_at range [since, until). Only for holders of core.view_auditevent."""
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(Q(actor__email__icontains=actor) | Q(actor__name__icontains=actor))
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    return events


def audit_action_choices() -> list[str]:
    """The distinct action codes recorded so far, for the filter's list."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def user_get_by_email(email: str) -> User | None:
    """The user with this e-mail address (case-insensitive), or None."""
    return User.objects.filter(email__iexact=email).first()
