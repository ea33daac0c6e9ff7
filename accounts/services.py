"""Writes of the accounts app. Each one checks its rules, records an audit event in the same
transaction and sends mail only after commit."""

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.services import audit_record

from .corporate_number import normalise_corporate_number
from .models import Invitation, Membership, Organisation, User, UserSession
from .permissions import (
    ALL_ROLES,
    can_change_membership,
    can_register_organisation,
    can_revoke_invitation,
    grantable_roles,
)
from .selectors import (
    forget_privileged_roles,
    hash_session_key,
    hash_token,
    organisations_administered_by,
    user_get_by_email,
)

ROLE_ORDER: list[str] = list(Membership.Role.values)


# ------------------------------------------------------------------------------------------------
# E-mail in the recipient's language
# ------------------------------------------------------------------------------------------------
def send_email_in_language(
    *,
    to: str,
    language: str,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
) -> None:
    """Render and send one e-mail in `language`: `body_template` is the plain-text template
    (".txt"); the template of the same name ending ".html", when it exists, is attached as the
    HTML alternative."""
    with translation.override(language):
        full_context = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = " ".join(render_to_string(subject_template, full_context).splitlines()).strip()
        text = render_to_string(body_template, full_context)
        html: str | None = None
        if body_template.endswith(".txt"):
            try:
                html = render_to_string(body_template[: -len(".txt")] + ".html", full_context)
            except TemplateDoesNotExist:
                html = None
        site_name = _("SCS Registry")
        message = EmailMultiAlternatives(
            subject=f"[{site_name}] {subject}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
        )
        if html is not None:
            message.attach_alternative(html, "text/html")
        message.send()


def send_user_email(
    *,
    user: User,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
) -> None:
    """Send `user` an e-mail rendered in their preferred language (plain text and HTML)."""
    send_email_in_language(
        to=user.email,
        language=user.language,
        subject_template=subject_template,
        body_template=body_template,
        context={"user": user, **context},
    )


# ------------------------------------------------------------------------------------------------
# Profile
# ------------------------------------------------------------------------------------------------
def _check_language(language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("This language is not available."), code="invalid_language")


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Store the user's preferred language (pages and e-mails use it from now on)."""
    _check_language(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_update_profile(*, by: User, user: User, name: str, language: str) -> User:
    """Change a user's display name and preferred language; users edit only themselves."""
    if by.pk != user.pk:
        raise PermissionDenied
    _check_language(language)
    user.name = name.strip()
    user.language = language
    user.save(update_fields=["name", "language"])
    return user


# ------------------------------------------------------------------------------------------------
# Organisations and memberships
# ------------------------------------------------------------------------------------------------
def _role_flags(roles: Iterable[str]) -> dict[str, bool]:
    chosen = set(roles)
    return {f"is_{role}": role in chosen for role in ROLE_ORDER}


def _audit_role_changes(
    *, by: User | None, membership: Membership, before: set[str], after: set[str]
) -> None:
    for role in ROLE_ORDER:
        if role in after and role not in before:
            action = "accounts.membership.role_granted"
        elif role in before and role not in after:
            action = "accounts.membership.role_revoked"
        else:
            continue
        audit_record(
            action=action,
            by=by,
            obj=membership,
            data={
                "role": role,
                "user_id": membership.user_id,
                "organisation_id": membership.organisation_id,
            },
        )


@transaction.atomic
def organisation_create(
    *,
    by: User,
    name: str,
    corporate_number: str,
    prefecture: str,
    address: str,
    industry: str,
    size_band: str,
    name_kana: str = "",
    name_en: str = "",
    parent: Organisation | None = None,
) -> Organisation:
    """Register an organisation; its creator becomes its first administrator (and member).

    The 法人番号 is normalised and must be new; a parent must be an organisation the creator
    administers.
    """
    if not can_register_organisation(by):
        raise PermissionDenied
    number = normalise_corporate_number(corporate_number)
    if Organisation.objects.filter(corporate_number=number).exists():
        raise DomainError(
            _("An organisation with this corporate number is already registered."),
            code="duplicate_corporate_number",
        )
    if parent is not None and not organisations_administered_by(by).filter(pk=parent.pk).exists():
        raise DomainError(
            _("The parent company must be an organisation you administer."),
            code="parent_not_administered",
        )
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name.strip(),
                name_kana=name_kana.strip(),
                name_en=name_en.strip(),
                corporate_number=number,
                prefecture=prefecture,
                address=address.strip(),
                industry=industry,
                size_band=size_band,
                parent=parent,
            )
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise DomainError(
            _("An organisation with this corporate number is already registered."),
            code="duplicate_corporate_number",
        ) from exc
    membership = Membership.objects.create(
        user=by, organisation=organisation, is_admin=True, is_member=True
    )
    audit_record(
        action="accounts.organisation.created",
        by=by,
        obj=organisation,
        data={"corporate_number": number, "name": organisation.name},
    )
    _audit_role_changes(by=by, membership=membership, before=set(), after={"admin", "member"})
    return organisation


def _lock_memberships(organisation: Organisation) -> None:
    # Two administrators demoting each other at once must not leave the organisation with
    # none: lock every membership row of the organisation before counting administrators.
    list(Membership.objects.select_for_update().filter(organisation=organisation))


@transaction.atomic
def membership_set_roles(*, by: User, membership: Membership, roles: Iterable[str]) -> Membership:
    """Replace a member's roles. Needs an administrator of the organisation; keeps at least one
    role and at least one administrator."""
    chosen = set(roles)
    if not chosen or not chosen <= ALL_ROLES:
        raise DomainError(_("Choose at least one role."), code="no_roles")
    if not can_change_membership(by, membership):
        raise PermissionDenied
    _lock_memberships(membership.organisation)
    membership = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
    before = set(membership.roles)
    if "admin" in before and "admin" not in chosen and _admin_count(membership) == 1:
        raise DomainError(
            _("An organisation needs at least one administrator; appoint another one first."),
            code="last_admin",
        )
    for field, value in _role_flags(chosen).items():
        setattr(membership, field, value)
    membership.save(update_fields=[*_role_flags(chosen).keys(), "updated_at"])
    _audit_role_changes(by=by, membership=membership, before=before, after=chosen)
    forget_privileged_roles(membership.user)
    return membership


def _admin_count(membership: Membership) -> int:
    return Membership.objects.filter(
        organisation_id=membership.organisation_id, is_admin=True
    ).count()


@transaction.atomic
def membership_remove(*, by: User, membership: Membership) -> None:
    """Remove a member from the organisation (never the last administrator)."""
    if not can_change_membership(by, membership):
        raise PermissionDenied
    _lock_memberships(membership.organisation)
    membership = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
    if membership.is_admin and _admin_count(membership) == 1:
        raise DomainError(
            _("The last administrator cannot be removed; appoint another one first."),
            code="last_admin",
        )
    audit_record(
        action="accounts.membership.removed",
        by=by,
        obj=membership,
        data={
            "user_id": membership.user_id,
            "organisation_id": membership.organisation_id,
            "roles": membership.roles,
        },
    )
    membership.delete()


# ------------------------------------------------------------------------------------------------
# Invitations
# ------------------------------------------------------------------------------------------------
def _invitation_link(token: str) -> str:
    path: str = reverse("accounts:invitation", args=[token])
    return str(settings.SITE_URL).rstrip("/") + path


@transaction.atomic
def invitation_send(
    *, by: User, organisation: Organisation, email: str, roles: Iterable[str]
) -> tuple[Invitation, str]:
    """Invite `email` into `organisation` with `roles`, which must all be roles `by` may grant
    there. Replaces an earlier pending invitation of the same address. Returns the invitation
    and its token (which only the e-mail carries; the database keeps its hash)."""
    wanted = set(roles)
    chosen = sorted(wanted, key=ROLE_ORDER.index) if wanted <= ALL_ROLES else []
    if not chosen:
        raise DomainError(_("Choose at least one role."), code="no_roles")
    allowed = grantable_roles(by, organisation)
    if not allowed:
        raise PermissionDenied
    if not set(chosen) <= allowed:
        raise DomainError(
            _("You may not grant these roles: %(roles)s.")
            % {"roles": ", ".join(sorted(set(chosen) - allowed))},
            code="role_not_grantable",
        )
    address = User.objects.normalize_email(email.strip())
    if Membership.objects.filter(organisation=organisation, user__email__iexact=address).exists():
        raise DomainError(
            _("This person is already a member; change their roles on the members page."),
            code="already_member",
        )
    now = timezone.now()
    previous = Invitation.objects.select_for_update().filter(
        organisation=organisation, email__iexact=address, status=Invitation.Status.PENDING
    )
    for old in previous:
        old.status = Invitation.Status.REVOKED
        old.responded_at = now
        old.save(update_fields=["status", "responded_at", "updated_at"])
        audit_record(action="accounts.invitation.revoked", by=by, obj=old, data={"replaced": True})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=address,
        roles=chosen,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=settings.ACCOUNTS_INVITATION_VALIDITY_DAYS),
        invited_by=by,
    )
    audit_record(
        action="accounts.invitation.sent",
        by=by,
        obj=invitation,
        data={"email": address, "roles": chosen, "organisation_id": organisation.pk},
    )
    invitee = user_get_by_email(address)
    language = invitee.language if invitee else (translation.get_language() or "ja")[:2]
    link = _invitation_link(token)
    transaction.on_commit(
        lambda: send_email_in_language(
            to=address,
            language=language if language in dict(settings.LANGUAGES) else "ja",
            subject_template="accounts/email/invitation_subject.txt",
            body_template="accounts/email/invitation_message.txt",
            context={"invitation": invitation, "link": link, "inviter": by},
        )
    )
    return invitation, token


def invitation_problem(invitation: Invitation, user: Any = None) -> str | None:
    """Why `invitation` cannot be answered (by `user`, when given), as a message for the user;
    None when it can."""
    if invitation.status == Invitation.Status.ACCEPTED:
        return _("This invitation has already been accepted.")
    if invitation.status == Invitation.Status.DECLINED:
        return _("This invitation has been declined.")
    if invitation.status == Invitation.Status.REVOKED:
        return _("This invitation has been withdrawn. Ask the administrator for a new one.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the administrator for a new one.")
    if user is not None and user.email.lower() != invitation.email.lower():
        return _(
            "This invitation was sent to another e-mail address. Sign in with the address "
            "that received it."
        )
    return None


def _lock_pending(invitation: Invitation, by: User) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    problem = invitation_problem(locked, by)
    if problem:
        raise DomainError(problem, code="invitation_unusable")
    return locked


@transaction.atomic
def invitation_accept(*, by: User, invitation: Invitation) -> Membership:
    """Accept an invitation addressed to `by`'s e-mail: grant its roles (added to any the user
    already holds there) and mark it used. Refused when expired, used, withdrawn, or when the
    inviter may no longer grant those roles."""
    invitation = _lock_pending(invitation, by)
    organisation = invitation.organisation
    if invitation.invited_by is None or not set(invitation.roles) <= grantable_roles(
        invitation.invited_by, organisation
    ):
        raise DomainError(
            _(
                "The person who invited you can no longer grant these roles. "
                "Ask for a new invitation."
            ),
            code="inviter_lost_rights",
        )
    _lock_memberships(organisation)
    membership, created = Membership.objects.get_or_create(
        user=by, organisation=organisation, defaults=_role_flags(invitation.roles)
    )
    before = set() if created else set(membership.roles)
    after = before | set(invitation.roles)
    if not created and after != before:
        for field, value in _role_flags(after).items():
            setattr(membership, field, value)
        membership.save()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["status", "responded_at", "accepted_by", "updated_at"])
    audit_record(
        action="accounts.invitation.accepted",
        by=by,
        obj=invitation,
        data={"organisation_id": organisation.pk, "roles": invitation.roles},
    )
    _audit_role_changes(by=by, membership=membership, before=before, after=after)
    forget_privileged_roles(by)
    return membership


@transaction.atomic
def invitation_decline(*, by: User, invitation: Invitation) -> Invitation:
    """Decline an invitation addressed to `by`'s e-mail."""
    invitation = _lock_pending(invitation, by)
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated_at"])
    audit_record(action="accounts.invitation.declined", by=by, obj=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, by: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation (an administrator of its organisation)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not can_revoke_invitation(by, invitation):
        raise PermissionDenied
    invitation.status = Invitation.Status.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated_at"])
    audit_record(action="accounts.invitation.revoked", by=by, obj=invitation)
    return invitation


# ------------------------------------------------------------------------------------------------
# Sessions and authentication events
# ------------------------------------------------------------------------------------------------
SESSION_ID_KEY = "accounts.session_id"
SESSION_KEY_HASH_KEY = "accounts.session_key_hash"
AUTHENTICATED_AT_KEY = "accounts.authenticated_at"
LAST_SEEN_KEY = "accounts.last_seen_at"


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    try:
        ip = get_client_ip(request) or ""
    except ImproperlyConfigured:
        ip = str(request.META.get("REMOTE_ADDR", ""))
    return {"ip": ip[:45], "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:300]}


@transaction.atomic
def user_session_start(*, user: User, request: HttpRequest) -> UserSession:
    """Record the session `user` has just signed in with, and stamp the session with its id and
    the time of authentication (the start of the absolute timeout)."""
    now = timezone.now()
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key or ""
    existing_id = session.get(SESSION_ID_KEY)
    record = (
        UserSession.objects.filter(pk=existing_id, user=user, ended_at__isnull=True).first()
        if existing_id
        else None
    )
    client = _client(request)
    if record is None:
        record = UserSession.objects.create(
            user=user,
            session_key_hash=hash_session_key(key),
            last_seen_at=now,
            user_agent=client.get("user_agent", ""),
            ip_address=client.get("ip") or None,
        )
    else:
        record.session_key_hash = hash_session_key(key)
        record.last_seen_at = now
        record.save(update_fields=["session_key_hash", "last_seen_at"])
    session[SESSION_ID_KEY] = record.pk
    session[SESSION_KEY_HASH_KEY] = record.session_key_hash
    session[AUTHENTICATED_AT_KEY] = now.timestamp()
    session[LAST_SEEN_KEY] = now.timestamp()
    audit_record(action="accounts.login.succeeded", by=user, obj=user, data=client)
    return record


def user_session_touch(*, session_id: int, session_key: str | None) -> None:
    """Note that a session is still in use (and its key, which changes on password change)."""
    fields: dict[str, Any] = {"last_seen_at": timezone.now()}
    if session_key:
        fields["session_key_hash"] = hash_session_key(session_key)
    UserSession.objects.filter(pk=session_id).update(**fields)


def user_session_end(
    *, by: User | None, session: UserSession, reason: str, audit: bool = True
) -> None:
    """End one session: its browser is signed out at its next request."""
    if by is not None and session.user_id != by.pk:
        raise PermissionDenied
    updated = UserSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )
    if updated and audit:
        audit_record(
            action="accounts.session.ended",
            by=by,
            obj=session,
            data={"reason": reason, "user_id": session.user_id},
        )


@transaction.atomic
def user_sessions_end_others(
    *, user: User, keep_session_id: int | None, reason: str, by: User | None = None
) -> int:
    """End every session of `user` except `keep_session_id`; returns how many were ended."""
    sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_session_id is not None:
        sessions = sessions.exclude(pk=keep_session_id)
    count = sessions.update(ended_at=timezone.now(), end_reason=reason)
    if count:
        audit_record(
            action="accounts.session.others_ended",
            by=by,
            obj=user,
            data={"reason": reason, "count": count},
        )
    return count


def current_session_id(request: HttpRequest | None) -> int | None:
    """The UserSession id stamped on this request's session, if any."""
    if request is None or not hasattr(request, "session"):
        return None
    value = request.session.get(SESSION_ID_KEY)
    return int(value) if value is not None else None


@transaction.atomic
def record_logout(*, user: User | None, request: HttpRequest | None) -> None:
    """A user signed out: end their session record and audit it."""
    session_id = current_session_id(request)
    if session_id is not None:
        UserSession.objects.filter(pk=session_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=UserSession.EndReason.LOGOUT
        )
    if user is not None:
        audit_record(action="accounts.logout", by=user, obj=user, data=_client(request))


@transaction.atomic
def record_login_failed(*, email: str, request: HttpRequest | None) -> None:
    """A sign-in failed. Only the address typed is kept, never the password."""
    audit_record(
        action="accounts.login.failed",
        data={"email": email[:254], **_client(request)},
    )


@transaction.atomic
def record_password_changed(*, user: User, request: HttpRequest | None, reset: bool) -> None:
    """A password was changed (or reset by e-mail): every other session of the user ends."""
    keep = current_session_id(request) if request is not None and request.user == user else None
    audit_record(
        action="accounts.password.reset" if reset else "accounts.password.changed",
        by=user,
        obj=user,
        data=_client(request),
    )
    user_sessions_end_others(
        user=user, keep_session_id=keep, reason=UserSession.EndReason.PASSWORD_CHANGED, by=user
    )


@transaction.atomic
def record_mfa_changed(
    *, user: User, request: HttpRequest | None, authenticator_type: str, added: bool
) -> None:
    """An authenticator was added or removed: every other session of the user ends."""
    audit_record(
        action="accounts.mfa.added" if added else "accounts.mfa.removed",
        by=user,
        obj=user,
        data={"type": authenticator_type, **_client(request)},
    )
    user_sessions_end_others(
        user=user,
        keep_session_id=current_session_id(request),
        reason=UserSession.EndReason.MFA_CHANGED,
        by=user,
    )


@transaction.atomic
def record_recovery_codes_regenerated(*, user: User, request: HttpRequest | None) -> None:
    """New recovery codes replaced the old ones."""
    audit_record(
        action="accounts.mfa.recovery_codes_regenerated", by=user, obj=user, data=_client(request)
    )
