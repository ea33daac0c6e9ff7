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
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from ..models import Registration, Reminder, ReviewNudge
from ..selectors import (
    LIVE_SUCCESSOR_STATUSES,
    SCHEME_TIME_ZONE,
    age_in_days,
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
        columns = ["registration_id", "kind", "offset_days", "due_on", "created_at"]
        conflict = ["registration_id", "kind", "offset_days"]
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
        registration_id=OuterRef("pk"), kind=Reminder.Kind.RENEWAL, offset_days=offset
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
