"""The nightly jobs at 300,000 registrations (run with `make bench`; not part of `make test`).

Prints timings; asserts only that the results are correct, never that they are fast, because
timings depend on the machine. The registrations end on days spread evenly over the coming year
(about 820 a day), one of them yesterday; the reminders of earlier days are marked as sent, as
after a year of daily runs. One night's work is then: record the lapses of yesterday, send the
reminders whose windows open today, and answer the public list and filters of the API.
"""

import datetime
import os
from functools import partial

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Organisation
from benchmarks.helpers import check, corporate_number, holders_with_admins, timed
from bodies.choices import BodyRole
from bodies.models import SchemeBody, SchemeBodyRole
from certification.models import Registration, Reminder
from certification.selectors import reminder_window, scheme_today
from certification.services.lifecycle import registrations_lapse
from certification.services.reminders import renewal_candidates, send_renewal_reminders
from certification.services.snapshots import daily_snapshot_publish
from notifications.models import Notification
from scheme.models import Edition, Level

# BENCH_REGISTRATIONS runs a smaller variant (e.g. while profiling).
N = int(os.environ.get("BENCH_REGISTRATIONS", "300000"))
PER_ORGANISATION = 10
OFFSETS = [-90, -60, -30, -7, 7]
LATE_WINDOW = 30


_corporate_number = partial(corporate_number, base=3_000_000_000)


def _populate(today: datetime.date) -> None:
    level, _ = Level.objects.get_or_create(
        stars=3,
        defaults={
            "code": "star3",
            "name_ja": "ベーシック",
            "name_en": "Basic",
            "validity_months": 12,
        },
    )
    edition, _ = Edition.objects.get_or_create(
        code="bench-edition",
        defaults={"title_ja": "ベンチマーク", "title_en": "Benchmark", "status": "published"},
    )
    body_org = Organisation.objects.create(
        name="登録機関",
        corporate_number=_corporate_number(N),
        prefecture="13",
        address="東京都",
        industry="S",
        size_band="101-300",
    )
    body = SchemeBody.objects.create(organisation=body_org)
    SchemeBodyRole.objects.create(body=body, role=BodyRole.REGISTRATION)
    organisations = holders_with_admins(N // PER_ORGANISATION, base=3_000_000_000)
    batch: list[Registration] = []
    for i in range(N):
        organisation = organisations[i // PER_ORGANISATION]
        valid_until = today + datetime.timedelta(days=(i % 365) - 1)  # yesterday … in 363 days
        valid_from = valid_until - datetime.timedelta(days=364)
        batch.append(
            Registration(
                number=f"SCS3-2099-{i + 1:06d}",
                organisation=organisation,
                holder_name=organisation.name,
                corporate_number=organisation.corporate_number,
                level=level,
                edition=edition,
                scope={
                    "entities": [
                        {
                            "name": organisation.name,
                            "corporate_number": organisation.corporate_number,
                        }
                    ],
                    "sites": [f"拠点{i}"],
                    "infrastructure": "社内LAN",
                    "cloud_services": "",
                    "all_it_outsourced": False,
                },
                registering_body=body,
                registered_on=valid_from,
                valid_from=valid_from,
                valid_until=valid_until,
                status_since=valid_from,
            )
        )
        if len(batch) == 10_000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    # A year of daily runs: every reminder whose window opened before today was sent.
    with connection.cursor() as cursor:
        for offset in OFFSETS:
            start, end = reminder_window(OFFSETS, offset, LATE_WINDOW)
            cursor.execute(
                "INSERT INTO certification_reminder "
                "(registration_id, kind, offset_days, due_on, created_at) "
                "SELECT id, 'renewal', %s, valid_until + %s, now() FROM certification_registration "
                "WHERE valid_until > %s AND valid_until < %s",
                [
                    offset,
                    offset,
                    today - datetime.timedelta(days=end),
                    today - datetime.timedelta(days=start),
                ],
            )
        cursor.execute("ANALYZE")


def _candidates(offset: int, today: datetime.date) -> int:
    return renewal_candidates(
        offset=offset, today=today, offsets=OFFSETS, late_window=LATE_WINDOW
    ).count()


@pytest.mark.django_db
def test_one_night_at_300k_registrations(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CERTIFICATION_RENEWAL_REMINDER_OFFSETS = OFFSETS
    settings.CERTIFICATION_REMINDER_LATE_WINDOW_DAYS = LATE_WINDOW
    today = scheme_today()
    populate_seconds, _ = timed(lambda: _populate(today))
    check(Registration.objects.count() == N)
    reminders_before = Reminder.objects.count()

    client = Client()
    # Warm up: the first request imports the URL configuration and the views (once per process).
    client.get("/api/v1/ledger/registrations/", {"corporate_number": _corporate_number(1)})

    query_times = []
    for offset in OFFSETS:
        t, count = timed(partial(_candidates, offset, today))
        query_times.append((offset, t, count))
    lapse_seconds, lapsed = timed(lambda: registrations_lapse(today=today, batch_size=500))
    check(lapsed == len(range(0, N, 365)), f"lapsed {lapsed}")
    check(
        not Registration.objects.filter(status="active", valid_until__lt=today).exists(),
        "a lapsed registration is still stored active",
    )
    remind_seconds, sent = timed(lambda: send_renewal_reminders(today=today, batch_size=500))
    again_seconds, again = timed(lambda: send_renewal_reminders(today=today, batch_size=500))
    check(again == 0, "the second run sent reminders again")
    check(
        Notification.objects.filter(kind="renewal_reminder").count() == sent,
        "one notice per reminder (one administrator per holder)",
    )
    check(Reminder.objects.count() == reminders_before + sent, "one send-marker per reminder")
    lapse_again_seconds, lapsed_again = timed(lambda: registrations_lapse(today=today))
    check(lapsed_again == 0)

    # The ledger's daily snapshot of the registrations valid today, and its signed checkpoint.
    snapshot_seconds, (snapshot, checkpoint) = timed(lambda: daily_snapshot_publish(as_of=today))
    valid_today = Registration.objects.filter(
        status="active", valid_from__lte=today, valid_until__gte=today
    ).count()
    check(snapshot.count == valid_today, f"snapshot lists {snapshot.count} of {valid_today}")
    check(checkpoint.tree_size == snapshot.ledger_seq + 1, "the checkpoint covers the snapshot")
    snapshot_again_seconds, (same, _) = timed(lambda: daily_snapshot_publish(as_of=today))
    check(same.pk == snapshot.pk, "the second run published another snapshot")

    api_times = []
    for params in (
        {},
        {"status": "active"},
        {"status": "expired"},
        {"corporate_number": _corporate_number(7)},
    ):
        t, response = timed(partial(client.get, "/api/v1/ledger/registrations/", params))
        check(response.status_code == 200)
        api_times.append((params, t, response.json()["count"]))

    with capsys.disabled():
        print(
            f"\n[setup]     {N:,} registrations and the reminders of earlier days: "
            f"{populate_seconds:.1f} s"
        )
        for offset, t, count in query_times:
            print(
                f"[query]     reminder candidates at {offset:+d} days: {count:,} "
                f"in {t * 1000:.0f} ms"
            )
        print(
            f"[sweep]     lapses recorded: {lapsed:,} in {lapse_seconds:.2f} s "
            f"(second run: {lapsed_again} in {lapse_again_seconds:.2f} s)"
        )
        print(
            f"[reminders] sent: {sent:,} in {remind_seconds:.2f} s "
            f"(second run: {again} in {again_seconds:.2f} s)"
        )
        print(
            f"[snapshot]  {snapshot.count:,} valid registrations listed, stored, appended and "
            f"signed in {snapshot_seconds:.2f} s (second run: {snapshot_again_seconds:.2f} s)"
        )
        for params, t, count in api_times:
            print(
                f"[api]       GET ledger/registrations {params or ''}: {count:,} rows, "
                f"{t * 1000:.0f} ms"
            )
