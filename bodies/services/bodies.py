"""Writes on scheme bodies: operator roles, designations and body staff."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from core.exceptions import DomainError
from core.services import audit_record
from core.workflows import ensure_transition
from scheme.models import Level

from ..choices import DESIGNATED_ROLES, OPERATOR_ROLES, STAFF_ROLES_FOR_BODY_ROLE, BodyRole
from ..models import BodyStaff, Designation, SchemeBody, SchemeBodyRole
from ..permissions import accreditation_bodies_of, can_manage_designation, can_manage_staff
from ..workflows import DESIGNATION_TRANSITIONS
from . import notices
from ._common import Actor, acting_user

# --- operator roles ----------------------------------------------------------------------------


@transaction.atomic
def scheme_body_role_grant(*, organisation: Organisation, role: str, by: Actor) -> SchemeBodyRole:
    """Appoint `organisation` as registration body or accreditation body (platform
    administrators only; the designated roles come with a designation instead)."""
    user = acting_user(by)
    if not user.is_superuser:
        raise PermissionDenied(
            _("Only the platform administrator appoints the scheme operator and the bodies.")
        )
    if role not in OPERATOR_ROLES:
        raise DomainError(
            _("Evaluation bodies, verification and training providers are designated instead.")
        )
    body, _created = SchemeBody.objects.get_or_create(organisation=organisation)
    body_role, created = SchemeBodyRole.objects.get_or_create(body=body, role=role)
    if created:
        audit_record(action="bodies.role.granted", by=user, obj=body, data={"role": role})
    return body_role


# --- designations ------------------------------------------------------------------------------


def _designating_body(by: Actor) -> SchemeBody:
    body = accreditation_bodies_of(by).order_by("pk").first()
    if body is None:
        raise PermissionDenied(_("Only accreditation staff may manage designations."))
    return body


def _ensure_no_overlap(
    *,
    body: SchemeBody,
    role: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
) -> None:
    overlapping = Designation.objects.filter(
        body=body, role=role, valid_from__lte=valid_until, valid_until__gte=valid_from
    ).exclude(status=Designation.Status.WITHDRAWN)
    if overlapping.exists():
        raise DomainError(
            _("This body already has a designation for this role in that period; renew it instead.")
        )


def _checked_period(
    valid_from: datetime.date, valid_until: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    valid_until = valid_until or Designation.default_valid_until(valid_from)
    if valid_until <= valid_from:
        raise DomainError(_("The last day of validity must come after the first."))
    return valid_from, valid_until


@transaction.atomic
def designation_grant(
    *,
    organisation: Organisation,
    role: str,
    levels: Iterable[Level],
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    by: Actor,
) -> Designation:
    """Designate `organisation` for `role` and `levels` from `valid_from` (three years unless
    `valid_until` says otherwise). Accreditation staff only; never their own organisation."""
    user = acting_user(by)
    designator = _designating_body(user)
    if role not in DESIGNATED_ROLES:
        raise DomainError(
            _("Only evaluation bodies, verification and training providers are designated.")
        )
    level_list = list(levels)
    if not level_list:
        raise DomainError(_("Choose at least one level."))
    if organisation.pk == designator.organisation_id:
        raise DomainError(_("An accreditation body cannot designate its own organisation."))
    valid_from, valid_until = _checked_period(valid_from, valid_until)
    body, _created = SchemeBody.objects.get_or_create(organisation=organisation)
    # Lock the body so that two grants for it cannot both pass the overlap check.
    body = SchemeBody.objects.select_for_update().get(pk=body.pk)
    _ensure_no_overlap(body=body, role=role, valid_from=valid_from, valid_until=valid_until)
    SchemeBodyRole.objects.get_or_create(body=body, role=role)
    designation = Designation.objects.create(
        body=body,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
        designated_by=designator,
        granted_by=user,
    )
    designation.levels.set(level_list)
    audit_record(
        action="bodies.designation.granted",
        by=user,
        obj=designation,
        data={
            "body": organisation.corporate_number,
            "role": role,
            "levels": sorted(level.code for level in level_list),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    notices.designation_changed(designation, event="granted")
    return designation


def _designation_change_status(
    *,
    designation: Designation,
    target: str,
    by: Actor,
    reason: str,
    effective_on: datetime.date | None,
    action: str,
) -> Designation:
    user = acting_user(by)
    locked = Designation.objects.select_for_update().get(pk=designation.pk)
    if not can_manage_designation(user, locked):
        raise PermissionDenied(_("Only staff of the designating accreditation body may do this."))
    ensure_transition(locked.status, target, DESIGNATION_TRANSITIONS)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for this decision."))
    today = timezone.localdate()
    effective_on = effective_on or today
    if effective_on > today:
        raise DomainError(_("The effective date cannot be in the future."))
    if locked.status_effective_on and effective_on < locked.status_effective_on:
        raise DomainError(_("The effective date cannot precede the previous status change."))
    previous = locked.status
    locked.status = target
    locked.status_reason = reason
    locked.status_effective_on = effective_on
    locked.status_changed_by = user
    locked.save(
        update_fields=[
            "status",
            "status_reason",
            "status_effective_on",
            "status_changed_by",
            "updated_at",
        ]
    )
    audit_record(
        action=action,
        by=user,
        obj=locked,
        data={
            "from": previous,
            "to": target,
            "reason": reason,
            "effective_on": effective_on.isoformat(),
        },
    )
    notices.designation_changed(locked, event=action.rsplit(".", 1)[1], reason=reason)
    return locked


@transaction.atomic
def designation_suspend(
    *,
    designation: Designation,
    by: Actor,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Designation:
    """Suspend an active designation (the body may not act in the role until reinstated)."""
    return _designation_change_status(
        designation=designation,
        target=Designation.Status.SUSPENDED,
        by=by,
        reason=reason,
        effective_on=effective_on,
        action="bodies.designation.suspended",
    )


@transaction.atomic
def designation_reinstate(
    *,
    designation: Designation,
    by: Actor,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Designation:
    """Lift a suspension; the designation keeps its original dates."""
    return _designation_change_status(
        designation=designation,
        target=Designation.Status.ACTIVE,
        by=by,
        reason=reason,
        effective_on=effective_on,
        action="bodies.designation.reinstated",
    )


@transaction.atomic
def designation_withdraw(
    *,
    designation: Designation,
    by: Actor,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Designation:
    """Withdraw a designation for good (a new designation is then a fresh grant)."""
    return _designation_change_status(
        designation=designation,
        target=Designation.Status.WITHDRAWN,
        by=by,
        reason=reason,
        effective_on=effective_on,
        action="bodies.designation.withdrawn",
    )


@transaction.atomic
def designation_renew(
    *,
    designation: Designation,
    by: Actor,
    valid_until: datetime.date | None = None,
    levels: Iterable[Level] | None = None,
) -> Designation:
    """Designate the body again for the next period, which starts the day after the current
    one ends (or today when it has already expired). The levels stay unless given."""
    user = acting_user(by)
    locked = Designation.objects.select_for_update().get(pk=designation.pk)
    if not can_manage_designation(user, locked):
        raise PermissionDenied(_("Only staff of the designating accreditation body may do this."))
    if locked.status != Designation.Status.ACTIVE:
        raise DomainError(_("Only an active designation can be renewed."))
    if Designation.objects.filter(renewal_of=locked).exists():
        raise DomainError(_("This designation has already been renewed."))
    level_list = list(levels) if levels is not None else list(locked.levels.all())
    if not level_list:
        raise DomainError(_("Choose at least one level."))
    start = max(locked.valid_until + datetime.timedelta(days=1), timezone.localdate())
    valid_from, valid_until = _checked_period(start, valid_until)
    body = SchemeBody.objects.select_for_update().get(pk=locked.body_id)
    _ensure_no_overlap(body=body, role=locked.role, valid_from=valid_from, valid_until=valid_until)
    renewal = Designation.objects.create(
        body=body,
        role=locked.role,
        valid_from=valid_from,
        valid_until=valid_until,
        designated_by_id=locked.designated_by_id,
        granted_by=user,
        renewal_of=locked,
    )
    renewal.levels.set(level_list)
    audit_record(
        action="bodies.designation.renewed",
        by=user,
        obj=renewal,
        data={
            "renews": locked.pk,
            "levels": sorted(level.code for level in level_list),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    notices.designation_changed(renewal, event="renewed")
    return renewal


# --- body staff --------------------------------------------------------------------------------


def staff_roles_allowed_at(body: SchemeBody) -> list[str]:
    """The staff roles that fit the roles `body` holds, in a stable order."""
    held = set(body.roles.values_list("role", flat=True))
    return [
        staff_role
        for body_role in BodyRole.values
        if body_role in held
        for staff_role in STAFF_ROLES_FOR_BODY_ROLE[body_role]
    ]


@transaction.atomic
def body_staff_grant(*, body: SchemeBody, user: User, role: str, by: Actor) -> BodyStaff:
    """Give a member of the body's organisation a staff role there (its administrators only).
    Granting a role again after it was revoked reactivates the same row."""
    actor = acting_user(by)
    if not can_manage_staff(actor, body):
        raise PermissionDenied(_("Only administrators of the body's organisation grant roles."))
    if role not in staff_roles_allowed_at(body):
        raise DomainError(_("This role does not fit the roles this body holds in the scheme."))
    if (
        not user.is_active
        or not Membership.objects.filter(user=user, organisation_id=body.organisation_id).exists()
    ):
        raise DomainError(_("Only active members of the body's organisation can hold its roles."))
    staff, created = BodyStaff.objects.select_for_update().get_or_create(
        user=user, body=body, role=role, defaults={"granted_by": actor}
    )
    if not created:
        if staff.active:
            raise DomainError(_("This person already holds this role."))
        staff.active = True
        staff.granted_by = actor
        staff.revoked_at = None
        staff.revoked_by = None
        staff.save(update_fields=["active", "granted_by", "revoked_at", "revoked_by", "updated_at"])
    audit_record(
        action="bodies.staff.granted",
        by=actor,
        obj=staff,
        data={"user": user.pk, "body": body.pk, "role": role},
    )
    return staff


@transaction.atomic
def body_staff_revoke(*, staff: BodyStaff, by: Actor) -> BodyStaff:
    """End a staff role; the row stays (inactive) for the record."""
    actor = acting_user(by)
    locked = BodyStaff.objects.select_for_update().select_related("body").get(pk=staff.pk)
    if not can_manage_staff(actor, locked.body):
        raise PermissionDenied(_("Only administrators of the body's organisation revoke roles."))
    if not locked.active:
        raise DomainError(_("This role has already been revoked."))
    locked.active = False
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["active", "revoked_at", "revoked_by", "updated_at"])
    audit_record(
        action="bodies.staff.revoked",
        by=actor,
        obj=locked,
        data={"user": locked.user_id, "body": locked.body_id, "role": locked.role},
    )
    return locked
