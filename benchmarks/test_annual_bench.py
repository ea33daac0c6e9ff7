"""The ★4 annual self-assessment reminders at 300,000 registrations (run with `make bench`; not
part of `make test`).

Prints timings; asserts only that the results are correct, never that they are fast. The ★4
registrations started on days spread evenly over the last three years (about 270 a day), so
both anniversaries and every reminder offset have candidates today. As after years of daily
runs, the reminders whose windows opened before today are marked as sent, and nine in ten
holders whose anniversary passed three weeks ago or more submitted their self-assessment (and
were accepted). One morning's work is then: the holders' reminders and the evaluation body's
escalations whose windows open today, for both anniversaries.
"""

import datetime
import os
from functools import partial

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Exists, Max, OuterRef

from accounts.models import User
from benchmarks.helpers import (
    check,
    corporate_number,
    holders_with_admins,
    timed,
    unsaved_organisation,
)
from bodies.choices import BodyRole, StaffRole
from bodies.models import BodyStaff, SchemeBody, SchemeBodyRole
from certification.models import AnnualSelfAssessment, Registration, Reminder
from certification.selectors import scheme_today, validity_for
from certification.services.reminders import (
    annual_candidates,
    annual_schedule,
    send_annual_self_assessment_reminders,
)
from notifications.models import Notification
from scheme.models import Edition, Level

N = int(os.environ.get("BENCH_REGISTRATIONS", "300000"))
PER_ORGANISATION = 10
DAYS = 3 * 365


BASE = 4_000_000_000


def _populate(today: datetime.date) -> None:
    level, _ = Level.objects.get_or_create(
        stars=4,
        defaults={
            "code": "star4",
            "name_ja": "スタンダード",
            "name_en": "Standard",
            "validity_months": 36,
        },
    )
    edition, _ = Edition.objects.get_or_create(
        code="bench-edition",
        defaults={"title_ja": "ベンチマーク", "title_en": "Benchmark", "status": "published"},
    )
    body_org = unsaved_organisation("評価機関", corporate_number(N, base=BASE))
    body_org.save()
    body = SchemeBody.objects.create(organisation=body_org)
    SchemeBodyRole.objects.create(body=body, role=BodyRole.ACCREDITATION)
    SchemeBodyRole.objects.create(body=body, role=BodyRole.EVALUATION)
    unusable = make_password(None)
    evaluator = User.objects.create(email="evaluator@bench.example.jp", password=unusable)
    BodyStaff.objects.create(body=body, user=evaluator, role=StaffRole.EVALUATOR)
    organisations = holders_with_admins(N // PER_ORGANISATION, base=BASE)
    batch: list[Registration] = []
    for i in range(N):
        organisation = organisations[i // PER_ORGANISATION]
        valid_from = today - datetime.timedelta(days=i % DAYS)
        batch.append(
            Registration(
                number=f"SCS4-2099-{i + 1:06d}",
                organisation=organisation,
                holder_name=organisation.name,
                corporate_number=organisation.corporate_number,
                level=level,
                edition=edition,
                scope={"entities": [], "sites": [f"拠点{i}"]},
                registering_body=body,
                evaluation_body=body,
                registered_on=valid_from,
                valid_from=valid_from,
                valid_until=validity_for(valid_from, 36),
                status_since=valid_from,
            )
        )
        if len(batch) == 10_000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        for anniversary in (1, 2):
            due = f"(valid_from + interval '{anniversary} years')::date"
            # Years of daily runs: every reminder whose window opened before today was sent.
            for kind, offset, (start, end) in annual_schedule():
                cursor.execute(
                    "INSERT INTO certification_reminder "  # noqa: S608 - constants only
                    "(registration_id, kind, anniversary, offset_days, due_on, created_at) "
                    f"SELECT id, %s, %s, %s, {due} + %s, now() "
                    "FROM certification_registration "
                    f"WHERE %s - {due} > %s AND %s - {due} < %s",
                    [kind, anniversary, offset, offset, today, start, today, end],
                )
            # Nine in ten holders submitted in time, and were accepted.
            cursor.execute(
                "INSERT INTO certification_annualselfassessment "  # noqa: S608 - constants only
                "(created_at, updated_at, registration_id, anniversary, due_on, status, "
                "measures_maintained, changes, incidents, statement, attachment, "
                "attachment_name, attachment_type, attachment_size, attachment_sha256, "
                "submitted_at, reviewer_comment) "
                f"SELECT now(), now(), id, %s, {due}, 'accepted', true, '', '', '', '', "
                f"'', '', 0, '', now(), '' FROM certification_registration "
                f"WHERE {due} < %s AND id %% 10 <> 0",
                [anniversary, today - datetime.timedelta(days=21)],
            )
        cursor.execute("ANALYZE")


@pytest.mark.django_db
def test_the_annual_reminders_at_300k_star4_registrations(capsys, settings):
    settings.CERTIFICATION_ANNUAL_REMINDER_OFFSETS = [-60, -30, -7, 1]
    settings.CERTIFICATION_ANNUAL_ESCALATION_OFFSET = 14
    settings.CERTIFICATION_ANNUAL_ESCALATION_WINDOW_DAYS = 90
    settings.CERTIFICATION_REMINDER_LATE_WINDOW_DAYS = 30
    today = scheme_today()
    populate_seconds, _ = timed(lambda: _populate(today))
    check(Registration.objects.count() == N)
    reminders_before = Reminder.objects.count()
    last_before = Reminder.objects.aggregate(last=Max("pk"))["last"] or 0

    def count(kind: str, anniversary: int, offset: int, window: tuple[int, int]) -> int:
        return annual_candidates(
            kind=kind, anniversary=anniversary, offset=offset, window=window, today=today
        ).count()

    query_times = []
    for anniversary in (1, 2):
        for kind, offset, window in annual_schedule():
            t, found = timed(partial(count, kind, anniversary, offset, window))
            query_times.append((anniversary, kind, offset, t, found))
    expected = sum(found for *_, found in query_times)
    send_seconds, sent = timed(lambda: send_annual_self_assessment_reminders(today=today))
    again_seconds, again = timed(lambda: send_annual_self_assessment_reminders(today=today))
    check(sent == expected, f"sent {sent}, candidates {expected}")
    check(again == 0, "the second run sent reminders again")
    check(Reminder.objects.count() == reminders_before + sent, "one send-marker per reminder")
    submitted = AnnualSelfAssessment.objects.filter(
        registration_id=OuterRef("registration_id"), anniversary=OuterRef("anniversary")
    )
    check(
        not Reminder.objects.filter(pk__gt=last_before).filter(Exists(submitted)).exists(),
        "a reminder for a self-assessment already submitted",
    )
    check(
        Notification.objects.count() == sent,
        "one notice per reminder (one administrator per holder, one evaluator per body)",
    )
    check(AnnualSelfAssessment.objects.exists())

    with capsys.disabled():
        print(
            f"\n[setup]     {N:,} ★4 registrations, the reminders of earlier days and "
            f"{AnnualSelfAssessment.objects.count():,} self-assessments: {populate_seconds:.1f} s"
        )
        for anniversary, kind, offset, t, found in query_times:
            print(
                f"[query]     anniversary {anniversary} {kind} at {offset:+d} days: "
                f"{found:,} in {t * 1000:.0f} ms"
            )
        print(
            f"[annual]    sent: {sent:,} in {send_seconds:.2f} s "
            f"(second run: {again} in {again_seconds:.2f} s)"
        )
