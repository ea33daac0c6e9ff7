"""Reads of the certification app.

The effective status: every page, the API, the ★ mark and the verification page read
registrations through `with_effective_status` (or `effective_status_of` for one instance), which
combines the stored status with the dates, today in Tokyo. A registration whose validity ended is
therefore never shown as active, whether or not the nightly sweep has run.
"""

import calendar
import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from assessments.models import Answer, Application, ReviewRound
from assessments.selectors import latest_approval, latest_declaration
from bodies.choices import BodyRole, StaffRole
from bodies.models import SchemeBody
from bodies.permissions import accreditation_bodies_of, bodies_where_staff
from bodies.selectors import advisor_is_qualified

from .choices import EffectiveStatus
from .models import AnnualSelfAssessment, Registration, RegistrationDecision, RegistrationEvent

SCHEME_TIME_ZONE = ZoneInfo("Asia/Tokyo")
S = Registration.Status
E = EffectiveStatus

# A renewal that continues a registration is "live" unless it was revoked or withdrawn; the
# registration it continues then ends as superseded rather than expired.
LIVE_SUCCESSOR_STATUSES: tuple[str, ...] = (S.ACTIVE, S.SUSPENDED, S.EXPIRED, S.SUPERSEDED)
STORED_FINAL: tuple[str, ...] = (S.REVOKED, S.WITHDRAWN, S.EXPIRED, S.SUPERSEDED)


def scheme_today() -> datetime.date:
    """Today in Japan: validity dates are Japanese calendar days, whatever the server's zone."""
    return timezone.now().astimezone(SCHEME_TIME_ZONE).date()


def validity_for(start: datetime.date, months: int) -> datetime.date:
    """The last day of validity of a registration starting on `start` that is valid `months`
    months (★3: one year, so 2027-01-15 → 2028-01-14): the day before the corresponding day,
    or the month's last day when the month has no corresponding day (民法第143条), so
    2028-02-29 → 2029-02-28."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return datetime.date(year, month, last)
    return datetime.date(year, month, start.day) - datetime.timedelta(days=1)


# ------------------------------------------------------------------------------------------------
# The effective status
# ------------------------------------------------------------------------------------------------


def derive_status(
    *,
    status: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    continued: bool,
    today: datetime.date,
) -> str:
    """The effective status from the stored one and the dates (the same rule as the queryset
    annotation in `with_effective_status`, which the tests hold to each other)."""
    if status in STORED_FINAL:
        return status
    if valid_until < today:
        return E.SUPERSEDED if continued else E.EXPIRED
    if status == S.SUSPENDED:
        return E.SUSPENDED
    if valid_from > today:
        return E.NOT_YET_VALID
    return E.ACTIVE


def _continued() -> Q:
    """A live renewal continues the registration: a join on the unique `supersedes` column
    (read by index for a page, hashed for a whole table), never a subquery per row."""
    return Q(superseded_by__status__in=LIVE_SUCCESSOR_STATUSES)


def with_effective_status(
    queryset: QuerySet[Registration] | None = None, *, today: datetime.date | None = None
) -> QuerySet[Registration]:
    """`queryset` (all registrations by default) annotated with `effective_status` and
    `continued` (a live renewal continues it)."""
    today = today or scheme_today()
    queryset = Registration.objects.all() if queryset is None else queryset
    return queryset.annotate(
        continued=Case(
            When(_continued(), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).annotate(
        effective_status=Case(
            When(status__in=STORED_FINAL, then="status"),
            When(valid_until__lt=today, continued=True, then=Value(E.SUPERSEDED)),
            When(valid_until__lt=today, then=Value(E.EXPIRED)),
            When(status=S.SUSPENDED, then=Value(E.SUSPENDED)),
            When(valid_from__gt=today, then=Value(E.NOT_YET_VALID)),
            default=Value(E.ACTIVE),
            output_field=CharField(),
        )
    )


def effective_status_q(status: str, *, today: datetime.date | None = None) -> Q:
    """A filter for registrations whose effective status is `status` that the database answers
    from the stored status and the dates directly (indexed), without computing the annotation
    for every row. Equivalent to filtering `with_effective_status` on `effective_status`."""
    today = today or scheme_today()
    lapsed = Q(status__in=(S.ACTIVE, S.SUSPENDED), valid_until__lt=today)
    conditions = {
        E.ACTIVE: Q(status=S.ACTIVE, valid_from__lte=today, valid_until__gte=today),
        E.NOT_YET_VALID: Q(status=S.ACTIVE, valid_from__gt=today, valid_until__gte=today),
        E.SUSPENDED: Q(status=S.SUSPENDED, valid_until__gte=today),
        E.REVOKED: Q(status=S.REVOKED),
        E.WITHDRAWN: Q(status=S.WITHDRAWN),
        E.EXPIRED: Q(status=S.EXPIRED) | (lapsed & ~_continued()),
        E.SUPERSEDED: Q(status=S.SUPERSEDED) | (lapsed & _continued()),
    }
    return conditions[EffectiveStatus(status)]


def effective_status_of(registration: Registration, *, today: datetime.date | None = None) -> str:
    """The effective status of one registration (uses the annotation when it is there)."""
    annotated = getattr(registration, "effective_status", None)
    if annotated is not None and today is None:
        return str(annotated)
    continued = Registration.objects.filter(
        supersedes_id=registration.pk, status__in=LIVE_SUCCESSOR_STATUSES
    ).exists()
    return derive_status(
        status=registration.status,
        valid_from=registration.valid_from,
        valid_until=registration.valid_until,
        continued=continued,
        today=today or scheme_today(),
    )


@dataclass(frozen=True)
class StatusFacts:
    """What the public is told about a registration's status: the effective status, since when
    (or until when) and the published reason."""

    status: str
    label: str
    is_valid: bool
    since: datetime.date | None
    reason_code: str
    reason: str


def status_facts(registration: Registration, *, today: datetime.date | None = None) -> StatusFacts:
    """The effective status with its date and reason, for the verification page, the ★ mark and
    the certificate. A lapse the sweep has not recorded yet is dated the day after validity."""
    status = effective_status_of(registration, today=today)
    labels = dict(EffectiveStatus.choices)
    since: datetime.date | None = registration.valid_from
    reason_code, reason = "", ""
    if status in (E.EXPIRED, E.SUPERSEDED):
        # Recorded by the sweep, or not yet: either way it lapsed the day after validity.
        since = registration.status_since if registration.status == status else None
        since = since or registration.lapses_on()
        reason_code = registration.status_reason_code if registration.status == status else ""
    elif status in (E.SUSPENDED, E.REVOKED, E.WITHDRAWN):
        since = registration.status_since
        reason_code, reason = registration.status_reason_code, registration.status_reason
    return StatusFacts(
        status=status,
        label=str(labels[status]),
        is_valid=status == E.ACTIVE,
        since=since,
        reason_code=reason_code,
        reason=reason,
    )


# ------------------------------------------------------------------------------------------------
# Public reads
# ------------------------------------------------------------------------------------------------


def _public(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    return queryset.select_related(
        "level", "edition", "registering_body__organisation", "supersedes"
    )


def registration_public_list(
    *,
    corporate_number: str | None = None,
    star: int | None = None,
    status: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Registration]:
    """Every registration, for the public (the ledger is public), newest first, optionally
    for one 法人番号 (already normalised), one ★ level and one effective status."""
    registrations = with_effective_status(today=today)
    if corporate_number:
        registrations = registrations.filter(corporate_number=corporate_number)
    if star:
        registrations = registrations.filter(level__stars=star)
    if status:
        registrations = registrations.filter(effective_status_q(status, today=today))
    return _public(registrations).order_by("-registered_on", "-number")


def registration_get_public(number: str) -> Registration:
    """The registration with this number (annotated); raises Registration.DoesNotExist."""
    normalised = unicodedata.normalize("NFKC", number).strip().upper()
    return _public(with_effective_status()).get(number=normalised)


def registrations_of_organisation(organisation: Organisation) -> list[Registration]:
    """The organisation's registrations for its public page: the current ones (valid, suspended
    or waiting to start) first, then the history."""
    registrations = list(
        _public(with_effective_status(Registration.objects.filter(organisation=organisation)))
        .prefetch_related("events")
        .order_by("-valid_from", "-number")
    )
    current = {E.ACTIVE, E.SUSPENDED, E.NOT_YET_VALID}
    return sorted(registrations, key=lambda r: getattr(r, "effective_status", "") not in current)


def registration_history(registration: Registration) -> QuerySet[RegistrationEvent]:
    """The published steps of a registration, oldest first."""
    return RegistrationEvent.objects.filter(registration=registration).order_by("created_at", "pk")


def organisation_public(corporate_number: str) -> Organisation | None:
    """The organisation with this 法人番号, when it holds or held a registration (other
    organisations have no public page here)."""
    return (
        Organisation.objects.filter(corporate_number=corporate_number, registrations__isnull=False)
        .distinct()
        .first()
    )


# ------------------------------------------------------------------------------------------------
# Holders and scheme bodies
# ------------------------------------------------------------------------------------------------


def holder_people_of(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active administrators, members and executives of each organisation, in one query
    (for the scheduled jobs, which tell many holders at once)."""
    people: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(
            Q(is_admin=True) | Q(is_member=True) | Q(is_executive=True),
            organisation_id__in=set(organisation_ids),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("organisation_id", "user_id")
    )
    for membership in memberships:
        people.setdefault(membership.organisation_id, []).append(membership.user)
    return people


def applicant_people(application: Application) -> QuerySet[User]:
    """The active administrators, members and executives of an application's applicant: they
    hear about the registration body's decisions."""
    return (
        User.objects.filter(
            Q(memberships__is_admin=True)
            | Q(memberships__is_member=True)
            | Q(memberships__is_executive=True),
            memberships__organisation_id=application.organisation_id,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def registration_list_for(user: Any) -> QuerySet[Registration]:
    """The registrations of the organisations `user` belongs to (any role)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Registration.objects.none()
    member = Membership.objects.filter(organisation_id=OuterRef("organisation_id"), user_id=user.pk)
    return _public(with_effective_status(Registration.objects.filter(Exists(member)))).order_by(
        "-valid_from", "-number"
    )


def registration_bodies_of(user: Any) -> QuerySet[SchemeBody]:
    """The registration bodies at which `user` works as registration staff."""
    return bodies_where_staff(
        user, staff_role=StaffRole.REGISTRATION_STAFF, body_role=BodyRole.REGISTRATION
    )


def decision_bodies_of(user: Any) -> QuerySet[SchemeBody]:
    """The evaluation bodies at which `user` is a decision maker."""
    return bodies_where_staff(
        user, staff_role=StaffRole.DECISION_MAKER, body_role=BodyRole.EVALUATION
    )


def registration_list_for_staff(user: Any) -> QuerySet[Registration]:
    """The registrations a scheme body's staff look after: ★3 for registration staff, ★4 for
    accreditation staff, and ★4 resting on their evaluation body for its decision makers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Registration.objects.none()
    scope = Q(pk__in=[])
    if registration_bodies_of(user).exists():
        scope |= Q(level__stars=3)
    if accreditation_bodies_of(user).exists():
        scope |= Q(level__stars__gte=4)
    bodies = list(decision_bodies_of(user).values_list("pk", flat=True))
    if bodies:
        scope |= Q(level__stars__gte=4, evaluation_body_id__in=bodies)
    return _public(with_effective_status(Registration.objects.filter(scope))).order_by(
        "-registered_on", "-number"
    )


# ------------------------------------------------------------------------------------------------
# The registration body's queue of ★3 submissions
# ------------------------------------------------------------------------------------------------

QUEUE_STATUSES: tuple[str, ...] = (
    Application.Status.SUBMITTED,
    Application.Status.RETURNED,
    Application.Status.REGISTERED,
    Application.Status.REJECTED,
)


def submission_queue(
    *,
    status: str = Application.Status.SUBMITTED,
    organisation: str = "",
    older_than_days: int | None = None,
) -> QuerySet[Application]:
    """Applications that reached the registration body, oldest submission first: waiting
    (submitted) by default, or those it returned, registered or rejected. `organisation`
    matches the applicant's name or 法人番号; `older_than_days` keeps submissions waiting
    longer than that."""
    applications = Application.objects.filter(submitted_at__isnull=False)
    if status in QUEUE_STATUSES:
        applications = applications.filter(status=status)
    else:
        applications = applications.filter(status__in=QUEUE_STATUSES)
    text = unicodedata.normalize("NFKC", organisation).strip()
    for word in text.split():
        applications = applications.filter(
            Q(organisation__name__icontains=word)
            | Q(organisation__name_kana__icontains=word)
            | Q(organisation__name_en__icontains=word)
            | Q(organisation__corporate_number=word)
        )
    if older_than_days is not None:
        applications = applications.filter(
            submitted_at__lt=timezone.now() - datetime.timedelta(days=older_than_days)
        )
    return applications.select_related("organisation", "level", "edition").order_by(
        "submitted_at", "pk"
    )


def age_in_days(moment: datetime.datetime | None, *, today: datetime.date | None = None) -> int:
    """Whole days from `moment` (e.g. a submission) to today, in Tokyo."""
    if moment is None:
        return 0
    return ((today or scheme_today()) - moment.astimezone(SCHEME_TIME_ZONE).date()).days


def sla_days() -> int:
    return int(settings.CERTIFICATION_REGISTRATION_SLA_DAYS)


def submission_get(pk: int) -> Application:
    """An application that reached the registration body; raises Application.DoesNotExist."""
    return submission_queue(status="").get(pk=pk)


def decisions_of(application: Application) -> QuerySet[RegistrationDecision]:
    """The registration body's decisions on the application, oldest first."""
    return (
        RegistrationDecision.objects.filter(application=application)
        .select_related("decided_by", "registration")
        .order_by("decided_at", "pk")
    )


@dataclass(frozen=True)
class Check:
    """One completeness check of a submission, with what was found."""

    code: str
    label: str
    passed: bool
    detail: str


def registration_checks(application: Application) -> list[Check]:
    """What the registration body checks before registering: every criterion answered (and
    every "not applicable" justified), the advisor qualified and verified on the day of the
    approval, the declaration signed for that approval, and the scope present."""
    answers = list(Answer.objects.filter(application=application))
    unanswered = sum(1 for a in answers if not a.is_answered)
    unjustified = sum(1 for a in answers if a.needs_justification)
    checks = [
        Check(
            code="answers",
            label=_("Every criterion is answered"),
            passed=bool(answers) and not unanswered and not unjustified,
            detail=_(
                "%(total)d criteria; %(unanswered)d unanswered; %(unjustified)d “not applicable” "
                "without a justification."
            )
            % {"total": len(answers), "unanswered": unanswered, "unjustified": unjustified},
        )
    ]
    approval = latest_approval(application)
    if approval is None:
        checks.append(
            Check("advisor", _("A qualified advisor approved it"), False, _("No approval."))
        )
    else:
        approved_on = approval.approved_at.astimezone(SCHEME_TIME_ZONE).date()
        qualified = advisor_is_qualified(approval.advisor, on=approved_on)
        checks.append(
            Check(
                code="advisor",
                label=_("A qualified advisor approved it"),
                passed=qualified,
                detail=(
                    _("%(name)s approved it on %(day)s; a verified qualification was valid then.")
                    if qualified
                    else _(
                        "%(name)s approved it on %(day)s, but holds no verified qualification "
                        "valid that day, or the advisor is suspended."
                    )
                )
                % {"name": approval.advisor_name, "day": approved_on.isoformat()},
            )
        )
    declaration = latest_declaration(application)
    signed = (
        declaration is not None and approval is not None and declaration.approval_id == approval.pk
    )
    checks.append(
        Check(
            code="declaration",
            label=_("Management signed the declaration"),
            passed=signed,
            detail=(
                _("Signed by %(name)s (%(title)s) on %(day)s.")
                % {
                    "name": declaration.signer_name,
                    "title": declaration.signer_title,
                    "day": declaration.signed_on.isoformat(),
                }
                if declaration is not None and signed
                else _("No declaration signed for the advisor's latest approval.")
            ),
        )
    )
    entities = application.covered_entities.count()
    has_scope = entities > 0 and (
        bool(application.infrastructure.strip()) or application.all_it_outsourced
    )
    checks.append(
        Check(
            code="scope",
            label=_("The scope is described"),
            passed=has_scope,
            detail=_("%(entities)d legal entities; %(sites)d sites.")
            % {"entities": entities, "sites": len(application.sites or [])},
        )
    )
    return checks


def registration_of_application(application: Application) -> Registration | None:
    """The registration created from `application`, if any."""
    return Registration.objects.filter(application=application).first()


def previous_registration(application: Application) -> Registration | None:
    """For a renewal application: the registration of the application it renews."""
    if application.renewal_of_id is None:
        return None
    return Registration.objects.filter(application_id=application.renewal_of_id).first()


# ------------------------------------------------------------------------------------------------
# The scheduled jobs' candidates
# ------------------------------------------------------------------------------------------------


def lapsed_registration_ids(*, today: datetime.date, limit: int) -> list[int]:
    """Up to `limit` registrations still stored active or suspended whose validity ended
    before `today`; locked for this transaction, skipping rows another worker holds."""
    return list(
        Registration.objects.select_for_update(skip_locked=True)
        .filter(status__in=(S.ACTIVE, S.SUSPENDED), valid_until__lt=today)
        .order_by("valid_until", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def reminder_window(offsets: Iterable[int], offset: int, late_window: int) -> tuple[int, int]:
    """The days-from-end-of-validity range [start, end) in which the reminder at `offset` is
    due: until the next offset's reminder is due (or `late_window` days for the last one)."""
    ordered = sorted(offsets)
    index = ordered.index(offset)
    end = ordered[index + 1] if index + 1 < len(ordered) else offset + late_window
    return offset, end


def waiting_review_rounds(*, older_than: datetime.datetime) -> QuerySet[ReviewRound]:
    """Open review rounds of applications in review that started before `older_than`."""
    return (
        ReviewRound.objects.filter(
            decision="",
            started_at__lt=older_than,
            application__status=Application.Status.IN_REVIEW,
        )
        .select_related("application__organisation", "engagement__advisor__user")
        .order_by("started_at", "pk")
    )


def waiting_submissions(*, older_than: datetime.datetime) -> QuerySet[Application]:
    """Applications submitted to the registration body before `older_than`, still waiting."""
    return (
        Application.objects.filter(status=Application.Status.SUBMITTED, submitted_at__lt=older_than)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def registration_staff() -> QuerySet[User]:
    """Everyone who works as registration staff at a registration body."""
    return (
        User.objects.filter(
            is_active=True,
            body_staff_roles__active=True,
            body_staff_roles__role=StaffRole.REGISTRATION_STAFF,
            body_staff_roles__body__roles__role=BodyRole.REGISTRATION,
        )
        .distinct()
        .order_by("pk")
    )


# ------------------------------------------------------------------------------------------------
# ★4 annual self-assessments
# ------------------------------------------------------------------------------------------------

# Levels from this many stars up are valid several years and owe a self-assessment each year.
ANNUAL_MIN_STARS = 4
EVALUATION_STAFF_ROLES: tuple[str, ...] = (
    StaffRole.EVALUATOR,
    StaffRole.LEAD_EVALUATOR,
    StaffRole.DECISION_MAKER,
)
# Statements that count as "submitted": no reminder any more for their anniversary.
ANNUAL_DONE: tuple[str, ...] = (
    AnnualSelfAssessment.Status.SUBMITTED,
    AnnualSelfAssessment.Status.ACCEPTED,
)


def anniversary_on(start: datetime.date, years: int) -> datetime.date:
    """The `years`-th anniversary of `start`: the same day `years` later, or 28 February when
    `start` is 29 February and the year is not a leap year (as PostgreSQL's date + interval)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return datetime.date(start.year + years, 2, 28)


def first_start_with_anniversary_after(day: datetime.date, years: int) -> datetime.date:
    """The earliest start date whose `years`-th anniversary falls after `day` (anniversary_on is
    non-decreasing in the start, so starts from this one on all have later anniversaries)."""
    start = anniversary_on(day, -years) - datetime.timedelta(days=2)
    while anniversary_on(start, years) <= day:
        start += datetime.timedelta(days=1)
    return start


def annual_anniversaries(registration: Registration) -> list[tuple[int, datetime.date]]:
    """(anniversary, due date) of every annual self-assessment a registration owes: each
    anniversary of its start before its last day of validity (★4, three years: 1 and 2; a
    start on 29 February ends on 28 February three years later, its third "anniversary")."""
    if registration.level.stars < ANNUAL_MIN_STARS:
        return []
    result = []
    years = 1
    while (due := anniversary_on(registration.valid_from, years)) < registration.valid_until:
        result.append((years, due))
        years += 1
    return result


def annual_window_days() -> int:
    """How many days before its due date an annual self-assessment may be submitted."""
    return int(settings.CERTIFICATION_ANNUAL_SUBMISSION_OPENS_DAYS)


@dataclass(frozen=True)
class AnnualRow:
    """One anniversary of a registration as the holder and the evaluation body see it."""

    anniversary: int
    due_on: datetime.date
    opens_on: datetime.date
    record: AnnualSelfAssessment | None
    state: str  # upcoming, open, overdue, submitted, accepted, returned
    can_submit: bool  # the window is open and nothing is pending or accepted

    @property
    def overdue(self) -> bool:
        return self.state == "overdue" or (
            self.state == "returned" and self.due_on < scheme_today()
        )


def annual_rows(
    registration: Registration, *, today: datetime.date | None = None
) -> list[AnnualRow]:
    """Every anniversary of the registration with its self-assessment (if submitted) and state.
    Submitting is possible while the registration is active or suspended."""
    today = today or scheme_today()
    records = {a.anniversary: a for a in registration.annual_self_assessments.all()}
    running = effective_status_of(registration) in (E.ACTIVE, E.SUSPENDED)
    window = datetime.timedelta(days=annual_window_days())
    rows = []
    for anniversary, due_on in annual_anniversaries(registration):
        record = records.get(anniversary)
        opens_on = due_on - window
        if record is not None:
            state = record.status
        elif today < opens_on:
            state = "upcoming"
        elif today <= due_on:
            state = "open"
        else:
            state = "overdue"
        can_submit = (
            running
            and today >= opens_on
            and (record is None or record.status == AnnualSelfAssessment.Status.RETURNED)
        )
        rows.append(AnnualRow(anniversary, due_on, opens_on, record, state, can_submit))
    return rows


def evaluation_bodies_of(user: Any) -> QuerySet[SchemeBody]:
    """The evaluation bodies at which `user` actively works as evaluator, lead evaluator or
    decision maker: they receive the annual self-assessments of the registrations resting on
    their evaluations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SchemeBody.objects.none()
    return SchemeBody.objects.filter(
        staff__user=user,
        staff__active=True,
        staff__role__in=EVALUATION_STAFF_ROLES,
        roles__role=BodyRole.EVALUATION,
    ).distinct()


def evaluation_staff_of(body_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active evaluation staff of each evaluation body, in one query (for the sweep)."""
    people: dict[int, list[User]] = {}
    rows = (
        SchemeBody.objects.filter(
            pk__in=set(body_ids),
            roles__role=BodyRole.EVALUATION,
            staff__active=True,
            staff__role__in=EVALUATION_STAFF_ROLES,
            staff__user__is_active=True,
        )
        .values_list("pk", "staff__user_id")
        .distinct()
        .order_by("pk", "staff__user_id")
    )
    pairs = list(rows)
    by_id = User.objects.in_bulk({user_id for _, user_id in pairs})
    for body_id, user_id in pairs:
        people.setdefault(body_id, []).append(by_id[user_id])
    return people


def annual_received_for(user: Any, *, status: str = "") -> QuerySet[AnnualSelfAssessment]:
    """The annual self-assessments submitted to the user's evaluation bodies (optionally of one
    status), the ones waiting first."""
    queryset = AnnualSelfAssessment.objects.filter(
        registration__evaluation_body__in=evaluation_bodies_of(user)
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("registration__level", "submitted_by").order_by(
        Case(When(status=AnnualSelfAssessment.Status.SUBMITTED, then=Value(0)), default=Value(1)),
        "due_on",
        "pk",
    )


def annual_overdue_for(user: Any, *, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """The anniversaries of running registrations resting on the user's evaluation bodies whose
    self-assessment is overdue (never submitted, or returned and not submitted again)."""
    today = today or scheme_today()
    registrations = (
        with_effective_status(
            Registration.objects.filter(
                evaluation_body__in=evaluation_bodies_of(user),
                level__stars__gte=ANNUAL_MIN_STARS,
                status__in=(S.ACTIVE, S.SUSPENDED),
                valid_from__lte=today - datetime.timedelta(days=365),
                valid_until__gte=today,
            ),
            today=today,
        )
        .select_related("level")
        .prefetch_related("annual_self_assessments")
        .order_by("valid_from", "pk")
    )
    overdue = []
    for registration in registrations:
        for row in annual_rows(registration, today=today):
            if row.due_on < today and row.state in ("overdue", "returned"):
                overdue.append(
                    {
                        "registration": registration,
                        "row": row,
                        "days": (today - row.due_on).days,
                    }
                )
    return overdue


def annual_get_for_staff(user: Any, pk: int) -> AnnualSelfAssessment:
    """One annual self-assessment received by the user's evaluation bodies (DoesNotExist
    otherwise)."""
    return annual_received_for(user).select_related("registration__organisation").get(pk=pk)
