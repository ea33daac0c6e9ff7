"""Reads: the public directories, the management lists scoped to a user, and the checks other
apps call (`user_privileged_roles` for MFA enforcement, `advisor_is_qualified` and
`designation_valid_for` for the ★3 and ★4 workflows)."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from core.models import AuditEvent
from scheme.models import Level

from .choices import ADVISOR_ROLE, BODY_ADMIN_ROLE, DESIGNATED_ROLES, OPERATOR_ROLES
from .models import (
    AdvisorArea,
    AdvisorIndustry,
    AdvisorProfile,
    BodyStaff,
    Designation,
    Qualification,
    SchemeBody,
    SchemeBodyRole,
)
from .permissions import accreditation_bodies_of

# --- privileged roles (called by accounts' MFA enforcement) ------------------------------------


def user_privileged_roles(user: Any) -> list[str]:
    """The privileged roles `user` holds: each active body-staff role, "scheme_body_admin" for an
    administrator of a scheme body's organisation (they grant the staff roles, so a stolen
    password must not be enough to hand them out), and "advisor" for an active advisor profile.
    Any of them makes MFA mandatory (settings.ACCOUNTS_PRIVILEGED_ROLE_CHECKS)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return []
    roles: list[str] = sorted(
        set(BodyStaff.objects.filter(user_id=user.pk, active=True).values_list("role", flat=True))
    )
    if SchemeBody.objects.filter(
        organisation__memberships__user_id=user.pk, organisation__memberships__is_admin=True
    ).exists():
        roles.append(BODY_ADMIN_ROLE)
    if AdvisorProfile.objects.filter(user_id=user.pk, status=AdvisorProfile.Status.ACTIVE).exists():
        roles.append(ADVISOR_ROLE)
    return roles


# --- scheme bodies and designations ------------------------------------------------------------


def _designations_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "designations",
        queryset=Designation.objects.prefetch_related("levels").order_by("role", "-valid_from"),
    )


def _valid_designations(on: datetime.date) -> QuerySet[Designation]:
    return Designation.objects.filter(
        status=Designation.Status.ACTIVE, valid_from__lte=on, valid_until__gte=on
    )


def scheme_body_directory(
    *,
    role: str | None = None,
    level: Level | None = None,
    prefecture: str | None = None,
    valid_only: bool = False,
    on: datetime.date | None = None,
) -> QuerySet[SchemeBody]:
    """The public directory of scheme bodies with their roles and designations (all of them,
    withdrawn and expired included, so that the public sees what changed).

    `level` and `valid_only` look at designations: "bodies designated for ★4 (and valid today)".
    """
    on = on or timezone.localdate()
    bodies = SchemeBody.objects.filter(Exists(SchemeBodyRole.objects.filter(body=OuterRef("pk"))))
    if role in OPERATOR_ROLES:
        bodies = bodies.filter(
            Exists(SchemeBodyRole.objects.filter(body=OuterRef("pk"), role=role))
        )
    if role in DESIGNATED_ROLES or level is not None or valid_only:
        designations = (
            _valid_designations(on) if valid_only else Designation.objects.all()
        ).filter(body=OuterRef("pk"))
        if role in DESIGNATED_ROLES:
            designations = designations.filter(role=role)
        if level is not None:
            designations = designations.filter(levels=level)
        bodies = bodies.filter(Exists(designations))
    if prefecture:
        bodies = bodies.filter(organisation__prefecture=prefecture)
    return bodies.select_related("organisation").prefetch_related("roles", _designations_prefetch())


def scheme_body_public(corporate_number: str) -> QuerySet[SchemeBody]:
    """The public body with this 法人番号 (empty when it holds no role)."""
    return scheme_body_directory().filter(organisation__corporate_number=corporate_number)


def designation_valid_for(
    *, body: SchemeBody, role: str, level: Level, on: datetime.date | None = None
) -> bool:
    """Whether `body` may act in `role` for `level` on `on` (today by default)."""
    on = on or timezone.localdate()
    return _valid_designations(on).filter(body=body, role=role, levels=level).exists()


def designation_list_for(user: Any) -> QuerySet[Designation]:
    """The designations `user` manages: those granted by their accreditation bodies."""
    return (
        Designation.objects.filter(designated_by__in=accreditation_bodies_of(user))
        .select_related("body__organisation", "designated_by__organisation", "renewal_of")
        .prefetch_related("levels")
        .order_by(
            "body__organisation__name_kana", "body__organisation__name", "role", "-valid_from"
        )
    )


# --- body staff --------------------------------------------------------------------------------


def bodies_administered_by(user: Any) -> QuerySet[SchemeBody]:
    """The scheme bodies whose organisation `user` administers (they manage its staff)."""
    if not getattr(user, "is_authenticated", False):
        return SchemeBody.objects.none()
    return (
        SchemeBody.objects.filter(
            organisation__memberships__user=user, organisation__memberships__is_admin=True
        )
        .select_related("organisation")
        .prefetch_related("roles")
    )


def body_staff_list(body: SchemeBody) -> QuerySet[BodyStaff]:
    """Everyone who holds or held a staff role at `body`, active first."""
    return (
        BodyStaff.objects.filter(body=body)
        .select_related("user")
        .order_by("-active", "role", "user__email")
    )


def staff_candidates(body: SchemeBody) -> QuerySet[User]:
    """The members of the body's organisation, who may be given staff roles there."""
    return User.objects.filter(
        memberships__organisation_id=body.organisation_id, is_active=True
    ).order_by("email")


# --- advisors ----------------------------------------------------------------------------------


def _valid_qualifications(on: datetime.date) -> QuerySet[Qualification]:
    return Qualification.objects.filter(
        status=Qualification.Status.VERIFIED, obtained_on__lte=on
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def advisor_is_qualified(advisor: AdvisorProfile, on: datetime.date | None = None) -> bool:
    """Whether `advisor` may act as the qualified advisor of a ★3 self-assessment on `on`:
    the profile is active and a verified qualification is valid that day. Read from the
    database, so a stale instance cannot pass a suspended advisor."""
    on = on or timezone.localdate()
    return AdvisorProfile.objects.filter(
        Exists(_valid_qualifications(on).filter(advisor=OuterRef("pk"))),
        pk=advisor.pk,
        status=AdvisorProfile.Status.ACTIVE,
        user__is_active=True,
    ).exists()


DIRECTORY_MODES = ("external", "internal", "any")


def advisor_directory(
    *,
    q: str = "",
    prefecture: str | None = None,
    industry: str | None = None,
    language: str | None = None,
    mode: str = "external",
    on: datetime.date | None = None,
) -> QuerySet[AdvisorProfile]:
    """The public advisor directory: public, active profiles with at least one verified
    qualification valid on `on`. `mode` "external" (the default) lists advisors who take
    outside clients; a prefecture matches advisors who serve it or all of Japan."""
    on = on or timezone.localdate()
    advisors = AdvisorProfile.objects.filter(
        Exists(_valid_qualifications(on).filter(advisor=OuterRef("pk"))),
        is_public=True,
        status=AdvisorProfile.Status.ACTIVE,
        user__is_active=True,
    )
    text = unicodedata.normalize("NFKC", q).strip()
    for word in text.split():
        advisors = advisors.filter(Q(display_name__icontains=word) | Q(bio__icontains=word))
    if prefecture:
        advisors = advisors.filter(
            Q(nationwide=True)
            | Exists(AdvisorArea.objects.filter(advisor=OuterRef("pk"), prefecture=prefecture))
        )
    if industry:
        advisors = advisors.filter(
            Exists(AdvisorIndustry.objects.filter(advisor=OuterRef("pk"), industry=industry))
        )
    if language == "ja":
        advisors = advisors.filter(speaks_japanese=True)
    elif language == "en":
        advisors = advisors.filter(speaks_english=True)
    if mode == "external":
        advisors = advisors.exclude(mode=AdvisorProfile.Mode.INTERNAL)
    elif mode == "internal":
        advisors = advisors.exclude(mode=AdvisorProfile.Mode.EXTERNAL)
    return advisors.select_related("employer").prefetch_related(
        "areas",
        "industries",
        Prefetch(
            "qualifications",
            queryset=_valid_qualifications(on).order_by("kind", "obtained_on"),
            to_attr="public_qualifications",
        ),
    )


def advisor_public(pk: int) -> QuerySet[AdvisorProfile]:
    """The directory entry `pk`, whatever its mode (empty when it is not listed)."""
    return advisor_directory(mode="any").filter(pk=pk)


def advisor_profile_of(user: Any) -> AdvisorProfile | None:
    """The signed-in user's own advisor profile with all its qualifications, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        AdvisorProfile.objects.select_related("employer")
        .prefetch_related("areas", "industries", "qualifications")
        .filter(user=user)
        .first()
    )


def employers_for(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` belongs to: the possible employers on their advisor profile."""
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def qualification_review_queue() -> QuerySet[Qualification]:
    """Qualifications waiting for the registration body's check, oldest change first."""
    return (
        Qualification.objects.filter(status=Qualification.Status.UNVERIFIED)
        .select_related("advisor__user")
        .order_by("updated_at", "pk")
    )


def advisor_list_for_review(*, status: str | None = None) -> QuerySet[AdvisorProfile]:
    """Every advisor profile (public or not) for the registration body's overview."""
    advisors = AdvisorProfile.objects.select_related("user", "employer").prefetch_related(
        "qualifications"
    )
    if status:
        advisors = advisors.filter(status=status)
    return advisors.order_by("display_name", "pk")


def audit_trail_of(obj: models.Model) -> QuerySet[AuditEvent]:
    """The audit events recorded for `obj`, newest first (shown to the staff who manage it)."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
