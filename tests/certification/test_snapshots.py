"""The daily snapshot of valid registrations: published in the ledger with a fresh checkpoint
every day, even when nothing else happened; safe to run twice; served byte for byte."""

import csv
import datetime
import hashlib
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.test import Client

from certification import tasks
from certification.models import Registration
from certification.services.lifecycle import registration_suspend
from certification.services.snapshots import SNAPSHOT_COLUMNS, valid_registrations_document
from core.exceptions import DomainError
from core.models import AuditEvent
from registry import selectors as ledger
from registry.ledger import merkle
from registry.ledger.checkpoint import open_checkpoint
from registry.models import Checkpoint, LedgerEntry, Snapshot
from registry.services import ledger_snapshot_publish
from tests.factories.certification import RegistrationFactory, register, registration_staff

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: datetime.date, hour: int = 0, minute: int = 30) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TOKYO)


def rows(document: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(document.decode())))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_document_lists_exactly_the_registrations_valid_that_day():
    day = datetime.date(2027, 3, 1)
    valid = RegistrationFactory.create(valid_from=day - datetime.timedelta(days=30))
    last_day = RegistrationFactory.create(
        valid_from=datetime.date(2026, 3, 1), valid_until=day, registered_on=day
    )
    # Stored as active, but its validity ended yesterday: never listed as valid.
    RegistrationFactory.create(
        valid_from=datetime.date(2026, 2, 28),
        valid_until=day - datetime.timedelta(days=1),
        registered_on=datetime.date(2026, 2, 28),
    )
    RegistrationFactory.create(status=Registration.Status.SUSPENDED, valid_from=day)
    RegistrationFactory.create(status=Registration.Status.REVOKED, valid_from=day)
    RegistrationFactory.create(valid_from=day + datetime.timedelta(days=1))  # not yet valid

    document, count = valid_registrations_document(day)

    listed = rows(document)
    assert count == 2
    assert [r["registration_number"] for r in listed] == sorted([valid.number, last_day.number])
    assert tuple(listed[0]) == SNAPSHOT_COLUMNS
    first = next(r for r in listed if r["registration_number"] == last_day.number)
    assert first == {
        "registration_number": last_day.number,
        "corporate_number": last_day.corporate_number,
        "star": "3",
        "scheme_edition": last_day.edition.code,
        "valid_from": "2026-03-01",
        "valid_until": "2027-03-01",
    }
    assert b"\r" not in document
    # Deterministic: the same registrations give the same bytes.
    assert valid_registrations_document(day) == (document, count)


def test_the_daily_job_publishes_a_snapshot_and_signs_a_checkpoint_covering_it(media, settings):
    day = datetime.date(2027, 4, 1)
    with time_machine.travel(at(day - datetime.timedelta(days=10), 10), tick=False):
        registration = register()
    entries_before = LedgerEntry.objects.count()

    with time_machine.travel(at(day), tick=False):
        size = tasks.publish_daily_snapshot.delay().get()

    snapshot = Snapshot.objects.get()
    assert snapshot.as_of == day
    assert snapshot.count == 1
    stored = default_storage.open(snapshot.document).read()
    assert hashlib.sha256(stored).hexdigest() == snapshot.sha256
    assert [r["registration_number"] for r in rows(stored)] == [registration.number]

    entry = LedgerEntry.objects.get(seq=snapshot.ledger_seq)
    assert entry.seq == entries_before
    assert entry.event_type == "scheme.snapshot"
    assert json.loads(bytes(entry.leaf)) == {
        "type": "scheme.snapshot",
        "v": 1,
        "seq": entry.seq,
        "as_of": "2027-04-01",
        "count": 1,
        "sha256": snapshot.sha256,
    }
    checkpoint = Checkpoint.objects.order_by("-tree_size").first()
    assert checkpoint is not None
    assert size == checkpoint.tree_size == entry.seq + 1
    head = open_checkpoint(
        checkpoint.note, origin=settings.LEDGER_ORIGIN, verifiers=[ledger.ledger_verifier()]
    )
    # Anyone holding the checkpoint can check offline that the day's snapshot is in the ledger.
    assert merkle.verify_inclusion(
        entry.seq,
        head.size,
        bytes(entry.leaf_hash),
        ledger.inclusion_proof(seq=entry.seq),
        head.root_hash,
    )
    assert AuditEvent.objects.filter(action="registry.snapshot.published").count() == 1


def test_running_twice_a_day_publishes_once_and_an_idle_day_still_gets_a_new_checkpoint(media):
    day = datetime.date(2027, 5, 10)
    with time_machine.travel(at(day - datetime.timedelta(days=1), 10), tick=False):
        register()
    with time_machine.travel(at(day), tick=False):
        first = tasks.publish_daily_snapshot.delay().get()
    with time_machine.travel(at(day, 23, 59), tick=False):
        again = tasks.publish_daily_snapshot.delay().get()
    assert again == first
    assert Snapshot.objects.count() == 1
    assert Checkpoint.objects.filter(tree_size=first).count() == 1

    # Nothing happens for a day: the next run still appends the day's snapshot and signs anew.
    next_day = day + datetime.timedelta(days=1)
    with time_machine.travel(at(next_day), tick=False):
        size = tasks.publish_daily_snapshot.delay().get()
    assert size == first + 1
    newest = Checkpoint.objects.order_by("-tree_size").first()
    assert newest is not None
    assert newest.tree_size == size
    assert newest.signed_at.astimezone(TOKYO).date() == next_day
    assert list(Snapshot.objects.values_list("as_of", flat=True)) == [next_day, day]


def test_a_status_change_shows_in_the_next_snapshot(media):
    day = datetime.date(2027, 6, 1)
    with time_machine.travel(at(day - datetime.timedelta(days=5), 10), tick=False):
        registration = register()
    with time_machine.travel(at(day), tick=False):
        tasks.publish_daily_snapshot.delay().get()
    with time_machine.travel(at(day, 11), tick=False):
        registration_suspend(
            registration=registration,
            by=registration_staff(),
            reason_code="incident",
            reason="調査中のため一時停止します。",
        )
    with time_machine.travel(at(day + datetime.timedelta(days=1)), tick=False):
        tasks.publish_daily_snapshot.delay().get()
    before, after = Snapshot.objects.order_by("as_of")
    assert (before.count, after.count) == (1, 0)
    assert before.sha256 != after.sha256


def test_snapshots_only_move_forward(media):
    ledger_snapshot_publish(as_of=datetime.date(2027, 7, 2), document=b"h\n", count=0)
    with pytest.raises(DomainError) as caught:
        ledger_snapshot_publish(as_of=datetime.date(2027, 7, 1), document=b"h\n", count=0)
    assert caught.value.code == "ledger_snapshot_backdated"
    assert Snapshot.objects.count() == 1


def test_the_database_refuses_to_change_a_published_snapshot(media):
    snapshot, _ = ledger_snapshot_publish(as_of=datetime.date(2027, 7, 2), document=b"h\n", count=0)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_snapshot SET count = 5 WHERE id = %s", [snapshot.pk])
    with pytest.raises(TypeError):
        snapshot.save()


def test_the_snapshot_and_the_checkpoint_are_published_for_anyone(media, client: Client):
    assert client.get("/ledger/checkpoint").status_code == 404
    day = datetime.date(2027, 8, 1)
    with time_machine.travel(at(day - datetime.timedelta(days=3), 10), tick=False):
        registration = register()
    with time_machine.travel(at(day), tick=False):
        tasks.publish_daily_snapshot.delay().get()
    snapshot = Snapshot.objects.get()

    response = client.get("/ledger/snapshots/2027-08-01.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()
    assert hashlib.sha256(body).hexdigest() == snapshot.sha256 == response["X-Content-SHA256"]
    assert response["X-Ledger-Seq"] == str(snapshot.ledger_seq)
    assert registration.number.encode() in body

    assert client.get("/ledger/snapshots/2027-08-02.csv").status_code == 404
    assert client.get("/ledger/snapshots/2027-02-30.csv").status_code == 404

    checkpoint = client.get("/ledger/checkpoint")
    assert checkpoint.status_code == 200
    assert checkpoint["Content-Type"] == "text/plain; charset=utf-8"
    newest = Checkpoint.objects.order_by("-tree_size").first()
    assert newest is not None
    assert checkpoint.content.decode() == newest.note
