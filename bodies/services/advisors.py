"""Writes on advisors: their own profile and qualifications, and the registration body's
checks (verification of qualifications, suspension of advisors)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Industry, Prefecture
from accounts.models import Membership, Organisation, User
from core.exceptions import DomainError
from core.services import audit_record
from core.workflows import ensure_transition

from ..models import AdvisorArea, AdvisorIndustry, AdvisorProfile, Qualification
from ..permissions import (
    can_change_advisor_status,
    can_edit_advisor_profile,
    can_review_qualification,
)
from ..validators import normalise_qualification_number
from ..workflows import ADVISOR_TRANSITIONS, QUALIFICATION_TRANSITIONS
from . import notices
from ._common import Actor, acting_user

# --- the advisor's own profile -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AdvisorProfileData:
    """What an advisor enters about themselves."""

    display_name: str
    mode: str
    employer: Organisation | None = None
    prefectures: Sequence[str] = ()
    nationwide: bool = False
    industries: Sequence[str] = ()
    speaks_japanese: bool = True
    speaks_english: bool = False
    bio: str = ""
    contact_email: str = ""
    website: str = ""
    is_public: bool = False
    coi_statement: str = ""


_PROFILE_FIELDS = (
    "display_name",
    "mode",
    "employer",
    "nationwide",
    "speaks_japanese",
    "speaks_english",
    "bio",
    "contact_email",
    "website",
    "is_public",
    "coi_statement",
)


def _check_profile(data: AdvisorProfileData, user: User) -> None:
    if not data.display_name.strip():
        raise DomainError(_("Enter the name to show in the directory."))
    if data.mode not in AdvisorProfile.Mode.values:
        raise DomainError(_("Choose how you advise."))
    if data.mode != AdvisorProfile.Mode.EXTERNAL and data.employer is None:
        raise DomainError(_("An internal advisor names the employer they advise."))
    if (
        data.employer is not None
        and not Membership.objects.filter(user=user, organisation=data.employer).exists()
    ):
        raise DomainError(_("The employer must be an organisation you belong to."))
    if not (data.speaks_japanese or data.speaks_english):
        raise DomainError(_("Choose at least one language."))
    if not data.nationwide and not data.prefectures:
        raise DomainError(_("Choose the prefectures you serve, or all of Japan."))
    if set(data.prefectures) - set(Prefecture.values):
        raise DomainError(_("Unknown prefecture."))
    if set(data.industries) - set(Industry.values):
        raise DomainError(_("Unknown industry."))
    if not data.coi_statement.strip():
        raise DomainError(_("Declare your conflicts of interest (write “none” if there are none)."))


def _sync_areas_and_industries(profile: AdvisorProfile, data: AdvisorProfileData) -> None:
    wanted_areas = set(data.prefectures)
    profile.areas.exclude(prefecture__in=wanted_areas).delete()
    have_areas = set(profile.areas.values_list("prefecture", flat=True))
    AdvisorArea.objects.bulk_create(
        AdvisorArea(advisor=profile, prefecture=code) for code in sorted(wanted_areas - have_areas)
    )
    wanted_industries = set(data.industries)
    profile.industries.exclude(industry__in=wanted_industries).delete()
    have_industries = set(profile.industries.values_list("industry", flat=True))
    AdvisorIndustry.objects.bulk_create(
        AdvisorIndustry(advisor=profile, industry=code)
        for code in sorted(wanted_industries - have_industries)
    )


@transaction.atomic
def advisor_profile_create(
    *, by: Actor, data: AdvisorProfileData, coi_confirmed: bool
) -> AdvisorProfile:
    """Create the signed-in user's advisor profile. They become a privileged user (MFA)."""
    user = acting_user(by)
    if AdvisorProfile.objects.filter(user=user).exists():
        raise DomainError(_("You already have an advisor profile."))
    _check_profile(data, user)
    if not coi_confirmed:
        raise DomainError(_("Confirm your conflict-of-interest declaration."))
    profile = AdvisorProfile.objects.create(
        user=user,
        coi_declared_at=timezone.now(),
        **{field: getattr(data, field) for field in _PROFILE_FIELDS},
    )
    _sync_areas_and_industries(profile, data)
    audit_record(action="bodies.advisor.created", by=user, obj=profile)
    return profile


@transaction.atomic
def advisor_profile_update(
    *, profile: AdvisorProfile, by: Actor, data: AdvisorProfileData, coi_confirmed: bool
) -> AdvisorProfile:
    """Change one's own profile. A changed conflict-of-interest declaration must be confirmed
    again, which renews its date (so does confirming an unchanged one)."""
    user = acting_user(by)
    locked = AdvisorProfile.objects.select_for_update().get(pk=profile.pk)
    if not can_edit_advisor_profile(user, locked):
        raise PermissionDenied(_("You can only change your own advisor profile."))
    _check_profile(data, user)
    coi_changed = data.coi_statement.strip() != locked.coi_statement.strip()
    if coi_changed and not coi_confirmed:
        raise DomainError(_("Your conflict-of-interest declaration changed: confirm it again."))
    changed = [field for field in _PROFILE_FIELDS if getattr(locked, field) != getattr(data, field)]
    for field in _PROFILE_FIELDS:
        setattr(locked, field, getattr(data, field))
    update_fields = [*_PROFILE_FIELDS, "updated_at"]
    if coi_confirmed:
        locked.coi_declared_at = timezone.now()
        update_fields.append("coi_declared_at")
    locked.save(update_fields=update_fields)
    if set(locked.areas.values_list("prefecture", flat=True)) != set(data.prefectures):
        changed.append("prefectures")
    if set(locked.industries.values_list("industry", flat=True)) != set(data.industries):
        changed.append("industries")
    _sync_areas_and_industries(locked, data)
    audit_record(
        action="bodies.advisor.updated",
        by=user,
        obj=locked,
        data={"changed": changed, "coi_declared": coi_confirmed},
    )
    return locked


# --- the registration body's decisions on advisors ---------------------------------------------


def _advisor_change_status(
    *, profile: AdvisorProfile, by: Actor, reason: str, target: str, action: str
) -> AdvisorProfile:
    user = acting_user(by)
    locked = AdvisorProfile.objects.select_for_update().get(pk=profile.pk)
    if not can_change_advisor_status(user, locked):
        raise PermissionDenied(_("Only registration staff may do this (never for themselves)."))
    ensure_transition(locked.status, target, ADVISOR_TRANSITIONS)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for this decision."))
    previous = locked.status
    locked.status = target
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = user
    locked.save(
        update_fields=[
            "status",
            "status_reason",
            "status_changed_at",
            "status_changed_by",
            "updated_at",
        ]
    )
    audit_record(
        action=action, by=user, obj=locked, data={"from": previous, "to": target, "reason": reason}
    )
    notices.advisor_status_changed(locked)
    return locked


@transaction.atomic
def advisor_suspend(*, profile: AdvisorProfile, by: Actor, reason: str) -> AdvisorProfile:
    """Suspend an advisor: they leave the directory and may not confirm ★3 self-assessments."""
    return _advisor_change_status(
        profile=profile,
        by=by,
        reason=reason,
        target=AdvisorProfile.Status.SUSPENDED,
        action="bodies.advisor.suspended",
    )


@transaction.atomic
def advisor_reinstate(*, profile: AdvisorProfile, by: Actor, reason: str) -> AdvisorProfile:
    """Lift an advisor's suspension."""
    return _advisor_change_status(
        profile=profile,
        by=by,
        reason=reason,
        target=AdvisorProfile.Status.ACTIVE,
        action="bodies.advisor.reinstated",
    )


# --- qualifications ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QualificationData:
    """What an advisor enters about one of their qualifications."""

    kind: str
    number: str
    obtained_on: datetime.date
    expires_on: datetime.date | None = None
    other_name: str = ""
    evidence_note: str = ""


# Changing any of these on a verified qualification means the check must be made again.
_VERIFIED_FIELDS = ("kind", "other_name", "number", "obtained_on", "expires_on")


def _checked_qualification(data: QualificationData) -> dict[str, object]:
    if data.kind not in Qualification.Kind.values:
        raise DomainError(_("Choose a qualification."))
    other_name = data.other_name.strip() if data.kind == Qualification.Kind.OTHER else ""
    if data.kind == Qualification.Kind.OTHER and not other_name:
        raise DomainError(_("Enter the name of the qualification."))
    try:
        number = normalise_qualification_number(data.kind, data.number)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    if data.obtained_on > timezone.localdate():
        raise DomainError(_("The date obtained cannot be in the future."))
    if data.expires_on is not None and data.expires_on <= data.obtained_on:
        raise DomainError(_("The expiry date must come after the date obtained."))
    return {
        "kind": data.kind,
        "other_name": other_name,
        "number": number,
        "obtained_on": data.obtained_on,
        "expires_on": data.expires_on,
        "evidence_note": data.evidence_note.strip(),
    }


def _ensure_number_free(values: dict[str, object], exclude_pk: int | None = None) -> None:
    if values["kind"] == Qualification.Kind.OTHER:
        return
    claimed = Qualification.objects.filter(kind=values["kind"], number=values["number"]).exclude(
        status=Qualification.Status.REJECTED
    )
    if exclude_pk is not None:
        claimed = claimed.exclude(pk=exclude_pk)
    if claimed.exists():
        raise DomainError(
            _("This number is already registered; contact the registration body if it is yours.")
        )


@transaction.atomic
def qualification_add(
    *, advisor: AdvisorProfile, by: Actor, data: QualificationData
) -> Qualification:
    """Add a qualification to one's own profile; it waits for the registration body's check."""
    user = acting_user(by)
    if not can_edit_advisor_profile(user, advisor):
        raise PermissionDenied(_("You can only change your own advisor profile."))
    values = _checked_qualification(data)
    _ensure_number_free(values)
    try:
        with transaction.atomic():
            qualification = Qualification.objects.create(advisor=advisor, **values)
    except IntegrityError as error:  # a concurrent claim of the same number
        raise DomainError(_("This number is already registered.")) from error
    audit_record(
        action="bodies.qualification.added",
        by=user,
        obj=qualification,
        data={"kind": qualification.kind},
    )
    notices.qualification_submitted(qualification)
    return qualification


@transaction.atomic
def qualification_update(
    *, qualification: Qualification, by: Actor, data: QualificationData
) -> Qualification:
    """Correct one's own qualification. A verified one goes back to the queue when what was
    verified changes (kind, name, number or dates); a rejected one goes back on any change."""
    user = acting_user(by)
    locked = (
        Qualification.objects.select_for_update().select_related("advisor").get(pk=qualification.pk)
    )
    if not can_edit_advisor_profile(user, locked.advisor):
        raise PermissionDenied(_("You can only change your own advisor profile."))
    values = _checked_qualification(data)
    _ensure_number_free(values, exclude_pk=locked.pk)
    changed = [field for field, value in values.items() if getattr(locked, field) != value]
    if not changed:
        return locked
    resubmit = locked.status == Qualification.Status.REJECTED or (
        locked.status == Qualification.Status.VERIFIED
        and any(field in _VERIFIED_FIELDS for field in changed)
    )
    previous = locked.status
    for field, value in values.items():
        setattr(locked, field, value)
    if resubmit:
        ensure_transition(locked.status, Qualification.Status.UNVERIFIED, QUALIFICATION_TRANSITIONS)
        locked.status = Qualification.Status.UNVERIFIED
        locked.reviewed_by = None
        locked.reviewed_at = None
        locked.rejection_reason = ""
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        raise DomainError(_("This number is already registered.")) from error
    audit_record(
        action="bodies.qualification.updated",
        by=user,
        obj=locked,
        data={"changed": changed, "from": previous, "to": locked.status},
    )
    if resubmit:
        notices.qualification_submitted(locked)
    return locked


@transaction.atomic
def qualification_remove(*, qualification: Qualification, by: Actor) -> None:
    """Remove one of one's own qualifications."""
    user = acting_user(by)
    locked = (
        Qualification.objects.select_for_update().select_related("advisor").get(pk=qualification.pk)
    )
    if not can_edit_advisor_profile(user, locked.advisor):
        raise PermissionDenied(_("You can only change your own advisor profile."))
    audit_record(
        action="bodies.qualification.removed",
        by=user,
        obj=locked,
        data={"kind": locked.kind, "status": locked.status, "advisor": locked.advisor_id},
    )
    locked.delete()


@transaction.atomic
def qualification_verify(*, qualification: Qualification, by: Actor) -> Qualification:
    """Record that the registration body checked the qualification and found it genuine."""
    user = acting_user(by)
    locked = (
        Qualification.objects.select_for_update().select_related("advisor").get(pk=qualification.pk)
    )
    if not can_review_qualification(user, locked):
        raise PermissionDenied(_("Only registration staff may do this (never for themselves)."))
    ensure_transition(locked.status, Qualification.Status.VERIFIED, QUALIFICATION_TRANSITIONS)
    locked.status = Qualification.Status.VERIFIED
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.rejection_reason = ""
    locked.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"]
    )
    audit_record(action="bodies.qualification.verified", by=user, obj=locked)
    notices.qualification_decided(locked)
    return locked


@transaction.atomic
def qualification_reject(*, qualification: Qualification, by: Actor, reason: str) -> Qualification:
    """Record that the qualification could not be confirmed (or was found to be false)."""
    user = acting_user(by)
    locked = (
        Qualification.objects.select_for_update().select_related("advisor").get(pk=qualification.pk)
    )
    if not can_review_qualification(user, locked):
        raise PermissionDenied(_("Only registration staff may do this (never for themselves)."))
    ensure_transition(locked.status, Qualification.Status.REJECTED, QUALIFICATION_TRANSITIONS)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for this decision."))
    previous = locked.status
    locked.status = Qualification.Status.REJECTED
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.rejection_reason = reason
    locked.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"]
    )
    audit_record(
        action="bodies.qualification.rejected",
        by=user,
        obj=locked,
        data={"from": previous, "reason": reason},
    )
    notices.qualification_decided(locked)
    return locked
