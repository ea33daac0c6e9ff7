"""Who may do what in the accounts app: pure predicates, reused by views, the API and templates.

Visibility (404) is the selectors' job; these answer "may this user, who can see the object,
perform the action" (403 when not).
"""

from typing import Any

from .models import Invitation, Membership, Organisation, UserSession

ALL_ROLES: frozenset[str] = frozenset(Membership.Role.values)


def _membership(user: Any, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """Members see their organisation; so do holders of accounts.view_organisation."""
    if _membership(user, organisation) is not None:
        return True
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("accounts.view_organisation")
    )


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    """Only the organisation's administrators invite, change roles and remove members."""
    membership = _membership(user, organisation)
    return membership is not None and membership.is_admin


def grantable_roles(user: Any, organisation: Organisation) -> frozenset[str]:
    """The membership roles `user` may grant in `organisation`: every role for an
    administrator, none for anybody else."""
    return ALL_ROLES if can_manage_members(user, organisation) else frozenset()


def can_invite(user: Any, organisation: Organisation) -> bool:
    """Inviting needs at least one role the inviter may grant."""
    return bool(grantable_roles(user, organisation))


def can_change_membership(user: Any, membership: Membership) -> bool:
    """An administrator of the membership's organisation may change its roles or remove it."""
    return can_manage_members(user, membership.organisation)


def can_revoke_invitation(user: Any, invitation: Invitation) -> bool:
    """An administrator of the organisation may withdraw a pending invitation."""
    return invitation.status == Invitation.Status.PENDING and can_manage_members(
        user, invitation.organisation
    )


def can_register_organisation(user: Any) -> bool:
    """Any signed-in, active user may register an organisation (and becomes its admin)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_end_session(user: Any, session: UserSession) -> bool:
    """Users end only their own sessions."""
    return bool(getattr(user, "is_authenticated", False) and session.user_id == user.pk)


def can_view_audit_trail(user: Any) -> bool:
    """The operator's staff with the core.view_auditevent permission."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("core.view_auditevent")
    )
