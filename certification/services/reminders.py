"""Renewal reminders and review nudges: each sent exactly once, whatever happens to the job.

A reminder is due in a window, not on one date: the one at -30 days is due from 30 days before
the end of validity until the -7 one is due, so a sweep that missed a day (or a week) sends the
reminder then due and skips the obsolete ones. Each batch claims its keys with
INSERT … ON CONFLICT DO NOTHING RETURNING in the same transaction that records the notices (the
e-mails leave after commit, from the notifications outbox); a job that runs twice or is killed
and redelivered therefore finds the keys taken and sends nothing twice, and a batch that did
not commit is redone. Candidates are found with set-based queries on indexed columns, in
batches.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateField, Exists, Expression, Func, Max, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from scheme.models import Level

from ..models import AnnualSelfAssessment, Registration, Reminder, ReviewNudge
from ..selectors import (
    ANNUAL_DONE,
    ANNUAL_MIN_STARS,
    LIVE_SUCCESSOR_STATUSES,
    SCHEME_TIME_ZONE,
    age_in_days,
    anniversary_on,
    first_start_with_anniversary_after,
    registration_staff,
    reminder_window,
    scheme_today,
    waiting_review_rounds,
    waiting_submissions,
)
from . import notices

S = Registration.Status


def _claim(
    table: type[Reminder] | type[ReviewNudge], rows: Sequence[tuple[object, ...]]
) -> set[int]:
    """Insert send-markers, skipping keys already taken; return the keys' first column
    (registration or application id) of the rows inserted by this call."""
    if not rows:
        return set()
    meta = table._meta
    if table is Reminder:
        columns = ["registration_id", "kind", "anniversary", "offset_days", "due_on", "created_at"]
        conflict = ["registration_id", "kind", "anniversary", "offset_days"]
    else:
        columns = ["application_id", "kind", "waiting_since", "sequence", "created_at"]
        conflict = ["application_id", "kind", "waiting_since", "sequence"]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from the model
        f"VALUES {placeholders} "
        f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO NOTHING "
        f"RETURNING {quote(columns[0])}"
    )
    params: list[Any] = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(row[0]) for row in cursor.fetchall()}


def renewal_candidates(
    *, offset: int, today: datetime.date, offsets: Sequence[int], late_window: int
) -> QuerySet[Registration]:
    """Registrations whose renewal reminder at `offset` is due today and not yet sent: the
    reminder's window contains today, the registration has not been renewed, and (before the
    end) it is still running or (after the end) it lapsed without being revoked or given up."""
    start, end = reminder_window(offsets, offset, late_window)
    # today - valid_until in [start, end)  <=>  valid_until in (today - end, today - start]
    lower = today - datetime.timedelta(days=end)
    upper = today - datetime.timedelta(days=start)
    sent = Reminder.objects.filter(
        registration_id=OuterRef("pk"),
        kind=Reminder.Kind.RENEWAL,
        anniversary=0,
        offset_days=offset,
    )
    renewed = Registration.objects.filter(
        supersedes_id=OuterRef("pk"), status__in=LIVE_SUCCESSOR_STATUSES
    )
    # A renewal registered after the lapse continues nothing, but renews all the same: its
    # application names the lapsed registration's application as the one it renews.
    renewed_late = Registration.objects.filter(
        application__renewal_of_id=OuterRef("application_id")
    )
    statuses = (S.ACTIVE, S.SUSPENDED) if offset < 0 else (S.ACTIVE, S.SUSPENDED, S.EXPIRED)
    return (
        Registration.objects.filter(
            status__in=statuses,
            valid_until__gt=lower,
            valid_until__lte=upper,
            valid_from__lte=today,
        )
        .exclude(Exists(sent))
        .exclude(Exists(renewed))
        .exclude(Exists(renewed_late))
    )


@transaction.atomic
def _renewal_batch(
    *, offset: int, today: datetime.date, offsets: Sequence[int], late_window: int, limit: int
) -> tuple[int, int]:
    candidates = list(
        renewal_candidates(offset=offset, today=today, offsets=offsets, late_window=late_window)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("level")
        .order_by("valid_until", "pk")[:limit]
    )
    if not candidates:
        return 0, 0
    now = timezone.now()
    claimed = _claim(
        Reminder,
        [
            (
                r.pk,
                Reminder.Kind.RENEWAL,
                0,
                offset,
                r.valid_until + datetime.timedelta(days=offset),
                now,
            )
            for r in candidates
        ],
    )
    notices.renewal_reminders([(r, offset) for r in candidates if r.pk in claimed])
    return len(candidates), len(claimed)


def send_renewal_reminders(
    *, today: datetime.date | None = None, batch_size: int | None = None
) -> int:
    """Send every renewal reminder due today (settings.CERTIFICATION_RENEWAL_REMINDER_OFFSETS),
    batch by batch, each batch in its own transaction; returns how many reminders were sent.
    Safe to run twice, and to run again after a crash."""
    today = today or scheme_today()
    limit = batch_size or int(settings.CERTIFICATION_SWEEP_BATCH_SIZE)
    offsets = sorted(int(o) for o in settings.CERTIFICATION_RENEWAL_REMINDER_OFFSETS)
    late_window = int(settings.CERTIFICATION_REMINDER_LATE_WINDOW_DAYS)
    sent = 0
    for offset in offsets:
        while True:
            found, claimed = _renewal_batch(
                offset=offset, today=today, offsets=offsets, late_window=late_window, limit=limit
            )
            sent += claimed
            if found < limit:
                break
    return sent


# ------------------------------------------------------------------------------------------------
# ★4 annual self-assessments: reminders to the holder, escalation to the evaluation body
# ------------------------------------------------------------------------------------------------


class _Anniversary(Func):
    """`expression` (a date) plus `years` years in PostgreSQL: 29 February gives 28 February in
    a common year, as selectors.anniversary_on does."""

    output_field = DateField()

    def __init__(self, expression: Expression | str, years: int) -> None:
        super().__init__(
            expression, template=f"(%(expressions)s + interval '{int(years)} years')::date"
        )


def annual_candidates(
    *, kind: str, anniversary: int, offset: int, window: tuple[int, int], today: datetime.date
) -> QuerySet[Registration]:
    """Running (active or suspended) ★4 registrations whose `anniversary`-th self-assessment is
    not submitted (or was returned) and whose reminder of `kind` at `offset` days from the due
    date is due today (today - due date within `window`) and not yet sent.

    The due date is valid_from + `anniversary` years, so the window becomes a range of
    valid_from (indexed with the status), computed here once instead of per row."""
    start, end = window
    # today - due in [start, end)  <=>  due in (today - end, today - start]
    lowest = first_start_with_anniversary_after(today - datetime.timedelta(days=end), anniversary)
    beyond = first_start_with_anniversary_after(today - datetime.timedelta(days=start), anniversary)
    sent = Reminder.objects.filter(
        registration_id=OuterRef("pk"), kind=kind, anniversary=anniversary, offset_days=offset
    )
    submitted = AnnualSelfAssessment.objects.filter(
        registration_id=OuterRef("pk"), anniversary=anniversary, status__in=ANNUAL_DONE
    )
    queryset = Registration.objects.filter(
        status__in=(S.ACTIVE, S.SUSPENDED),
        valid_from__gte=lowest,
        valid_from__lt=beyond,
        valid_until__gte=today,
        level__stars__gte=ANNUAL_MIN_STARS,
    ).filter(valid_until__gt=_Anniversary("valid_from", anniversary))
    if kind == Reminder.Kind.ANNUAL_ESCALATION:
        queryset = queryset.filter(evaluation_body__isnull=False)
    return queryset.exclude(Exists(sent)).exclude(Exists(submitted))


@transaction.atomic
def _annual_batch(
    *,
    kind: str,
    anniversary: int,
    offset: int,
    window: tuple[int, int],
    today: datetime.date,
    limit: int,
) -> tuple[int, int]:
    candidates = list(
        annual_candidates(
            kind=kind, anniversary=anniversary, offset=offset, window=window, today=today
        )
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("level")
        .order_by("valid_from", "pk")[:limit]
    )
    if not candidates:
        return 0, 0
    now = timezone.now()
    due = {r.pk: anniversary_on(r.valid_from, anniversary) for r in candidates}
    claimed = _claim(
        Reminder,
        [
            (r.pk, kind, anniversary, offset, due[r.pk] + datetime.timedelta(days=offset), now)
            for r in candidates
        ],
    )
    items = [(r, anniversary, due[r.pk], offset) for r in candidates if r.pk in claimed]
    if kind == Reminder.Kind.ANNUAL_ESCALATION:
        notices.annual_escalations(items)
    else:
        notices.annual_reminders(items)
    return len(candidates), len(claimed)


def annual_schedule() -> list[tuple[str, int, tuple[int, int]]]:
    """(kind, offset, window) of every annual reminder from the settings: the holder's at
    CERTIFICATION_ANNUAL_REMINDER_OFFSETS (each due until the next one is, the last one for
    CERTIFICATION_REMINDER_LATE_WINDOW_DAYS), the evaluation body's at
    CERTIFICATION_ANNUAL_ESCALATION_OFFSET (for CERTIFICATION_ANNUAL_ESCALATION_WINDOW_DAYS)."""
    offsets = sorted(int(o) for o in settings.CERTIFICATION_ANNUAL_REMINDER_OFFSETS)
    late_window = int(settings.CERTIFICATION_REMINDER_LATE_WINDOW_DAYS)
    schedule = [
        (str(Reminder.Kind.ANNUAL), offset, reminder_window(offsets, offset, late_window))
        for offset in offsets
    ]
    escalation = int(settings.CERTIFICATION_ANNUAL_ESCALATION_OFFSET)
    escalation_window = int(settings.CERTIFICATION_ANNUAL_ESCALATION_WINDOW_DAYS)
    schedule.append(
        (
            str(Reminder.Kind.ANNUAL_ESCALATION),
            escalation,
            (escalation, escalation + escalation_window),
        )
    )
    return schedule


def _annual_anniversary_numbers() -> range:
    """1 … the longest validity of an annual level in years (anniversaries past the end of a
    registration's validity are filtered out by the candidate query)."""
    longest = Level.objects.filter(stars__gte=ANNUAL_MIN_STARS).aggregate(
        months=Max("validity_months")
    )["months"]
    return range(1, max(int(longest or 36) // 12, 1) + 1)


def send_annual_self_assessment_reminders(
    *, today: datetime.date | None = None, batch_size: int | None = None
) -> int:
    """Send every annual self-assessment reminder and escalation due today, batch by batch, each
    batch in its own transaction; returns how many were sent (registrations reminded). Safe to
    run twice and to run again after a crash; a run after missed days sends the reminder then
    due and skips those overtaken by a later one."""
    today = today or scheme_today()
    limit = batch_size or int(settings.CERTIFICATION_SWEEP_BATCH_SIZE)
    sent = 0
    for anniversary in _annual_anniversary_numbers():
        for kind, offset, window in annual_schedule():
            while True:
                found, claimed = _annual_batch(
                    kind=kind,
                    anniversary=anniversary,
                    offset=offset,
                    window=window,
                    today=today,
                    limit=limit,
                )
                sent += claimed
                if found < limit:
                    break
    return sent


# ------------------------------------------------------------------------------------------------
# Review nudges
# ------------------------------------------------------------------------------------------------


def _nudge_sequence(waiting_since: datetime.datetime, today: datetime.date, every: int) -> int:
    """1 after `every` days of waiting, 2 after twice that, …"""
    return age_in_days(waiting_since, today=today) // every


@transaction.atomic
def _nudge_advisors(*, today: datetime.date, every: int, limit: int) -> int:
    threshold = datetime.datetime.combine(
        today - datetime.timedelta(days=every - 1), datetime.time.min, tzinfo=SCHEME_TIME_ZONE
    )
    rounds = list(waiting_review_rounds(older_than=threshold)[:limit])
    now = timezone.now()
    keyed = {
        r.application_id: (r, _nudge_sequence(r.started_at, today, every))
        for r in rounds
        if _nudge_sequence(r.started_at, today, every) >= 1
    }
    claimed = _claim(
        ReviewNudge,
        [
            (app_id, ReviewNudge.Kind.ADVISOR_REVIEW, r.started_at, seq, now)
            for app_id, (r, seq) in keyed.items()
        ],
    )
    for app_id in claimed:
        review_round, seq = keyed[app_id]
        advisor = review_round.engagement.advisor.user
        notices.review_nudge(
            review_round.application,
            [advisor] if advisor.is_active else [],
            name="nudge_advisor",
            url=reverse("assessments:review", kwargs={"pk": app_id}),
            days=age_in_days(review_round.started_at, today=today),
            key=f"nudge:advisor:{app_id}:{review_round.number}:{seq}",
        )
    return len(claimed)


@transaction.atomic
def _nudge_registration_staff(*, today: datetime.date, every: int, limit: int) -> int:
    threshold = datetime.datetime.combine(
        today - datetime.timedelta(days=every - 1), datetime.time.min, tzinfo=SCHEME_TIME_ZONE
    )
    applications = list(waiting_submissions(older_than=threshold)[:limit])
    now = timezone.now()
    keyed = {
        a.pk: (a, _nudge_sequence(a.submitted_at, today, every))
        for a in applications
        if a.submitted_at is not None and _nudge_sequence(a.submitted_at, today, every) >= 1
    }
    claimed = _claim(
        ReviewNudge,
        [
            (pk, ReviewNudge.Kind.REGISTRATION_REVIEW, a.submitted_at, seq, now)
            for pk, (a, seq) in keyed.items()
        ],
    )
    staff = list(registration_staff()) if claimed else []
    for pk in claimed:
        application, seq = keyed[pk]
        submitted = application.submitted_at or now
        notices.review_nudge(
            application,
            staff,
            name="nudge_registration",
            url=reverse("certification:submission", kwargs={"pk": pk}),
            days=age_in_days(submitted, today=today),
            key=f"nudge:registration:{pk}:{int(submitted.timestamp())}:{seq}",
        )
    return len(claimed)


def send_review_nudges(*, today: datetime.date | None = None, limit: int = 1000) -> int:
    """Nudge advisors whose review round and registration staff whose queue has waited longer
    than settings.CERTIFICATION_REVIEW_NUDGE_AFTER_DAYS (again after each further period);
    returns how many nudges were sent. Safe to run twice."""
    today = today or scheme_today()
    every = int(settings.CERTIFICATION_REVIEW_NUDGE_AFTER_DAYS)
    return _nudge_advisors(today=today, every=every, limit=limit) + _nudge_registration_staff(
        today=today, every=every, limit=limit
    )
