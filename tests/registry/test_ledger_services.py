"""Appending events, signing checkpoints (the internal witness) and proofs from stored hashes."""

import base64
import itertools
import json
import threading
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from core.exceptions import DomainError
from core.models import AuditEvent
from registry import selectors, services
from registry.ledger import merkle, standalone_verify
from registry.ledger.checkpoint import open_checkpoint
from registry.models import Checkpoint, LedgerEntry, LedgerHash

pytestmark = pytest.mark.django_db


def issued(n: int, **extra) -> dict:
    """A ★3 registration event for the n-th (fictitious) registration."""
    return {
        "type": "cert.issued",
        "v": 1,
        "registration_number": f"SCS3-{n:06d}",
        "corporate_number": "7000012050002",
        "star": 3,
        "valid_from": "2026-10-01",
        "valid_until": "2027-09-30",
        **extra,
    }


def append(count: int, start: int = 0) -> list[LedgerEntry]:
    return [services.ledger_append(event=issued(start + i)) for i in range(count)]


def tamper(sql: str, params: list, table: str) -> None:
    """Rewrite a ledger row as an attacker with table-owner rights would (trigger off, then on)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


# --- ledger_append -------------------------------------------------------------------------------
def test_append_assigns_seq_and_stores_the_canonical_leaf_and_its_hashes():
    first = services.ledger_append(event=issued(1, organisation_name="株式会社テスト"))
    assert first.seq == 0
    assert (
        bytes(first.leaf)
        == (
            '{"corporate_number":"7000012050002","organisation_name":"株式会社テスト",'
            '"registration_number":"SCS3-000001","seq":0,"star":3,"type":"cert.issued","v":1,'
            '"valid_from":"2026-10-01","valid_until":"2027-09-30"}'
        ).encode()
    )
    assert bytes(first.leaf_hash) == merkle.leaf_hash(bytes(first.leaf))
    assert (first.event_type, first.registration_number, first.corporate_number) == (
        "cert.issued",
        "SCS3-000001",
        "7000012050002",
    )
    entries = [first, *append(6, start=2)]
    assert [e.seq for e in entries] == list(range(7))
    assert LedgerHash.objects.count() == merkle.stored_hash_count(7)
    leaf_hashes = [bytes(e.leaf_hash) for e in entries]
    store = merkle.MemoryHashStore()
    for h in leaf_hashes:
        store.append(h)
    stored = [bytes(h) for h in LedgerHash.objects.order_by("index").values_list("hash", flat=True)]
    assert stored == store.hashes


def test_a_batch_stores_exactly_what_single_appends_store(django_assert_max_num_queries):
    append(5)
    # savepoint, lock, size, frontier, entries, hashes, release: independent of the batch size
    with django_assert_max_num_queries(7):
        batch = services.ledger_append_many(events=[issued(i) for i in range(5, 300)])
    assert [e.seq for e in batch] == list(range(5, 300))
    assert all(e.pk for e in batch)
    leaves = [bytes(leaf) for leaf in LedgerEntry.objects.values_list("leaf", flat=True)]
    store = merkle.MemoryHashStore()
    for leaf in leaves:
        store.append(merkle.leaf_hash(leaf))
    stored = [bytes(h) for h in LedgerHash.objects.order_by("index").values_list("hash", flat=True)]
    assert stored == store.hashes
    assert json.loads(leaves[299]) == {**issued(299), "seq": 299}
    assert selectors.ledger_audit().ok


def test_a_batch_is_all_or_nothing():
    append(2)
    with pytest.raises(DomainError):
        services.ledger_append_many(events=[issued(2), issued(3, email="x@example.jp")])
    assert LedgerEntry.objects.count() == 2
    assert LedgerHash.objects.count() == merkle.stored_hash_count(2)
    assert services.ledger_append_many(events=[]) == []


def test_cert_id_serves_as_the_look_up_key_when_there_is_no_registration_number():
    entry = services.ledger_append(
        event={"type": "cert.issued", "v": 1, "cert_id": "SCS4-000001", "star": 4}
    )
    assert entry.registration_number == "SCS4-000001"


@pytest.mark.parametrize(
    ("event", "code"),
    [
        ({"v": 1}, "ledger_event_type"),
        ({"type": "Issued", "v": 1}, "ledger_event_type"),
        ({"type": "cert.issued"}, "ledger_event_version"),
        ({"type": "cert.issued", "v": True}, "ledger_event_version"),
        ({"type": "cert.issued", "v": "1"}, "ledger_event_version"),
        ({"type": "cert.issued", "v": 1, "seq": 5}, "ledger_event_seq"),
        ({"type": "cert.issued", "v": 1, "email": "a@example.jp"}, "ledger_field_not_public"),
        ({"type": "cert.issued", "v": 1, "representative": "山田"}, "ledger_field_not_public"),
        (
            {"type": "cert.issued", "v": 1, "corporate_number": "7000012050003"},
            "ledger_field_invalid",
        ),
        ({"type": "cert.issued", "v": 1, "star": 2}, "ledger_field_invalid"),
        ({"type": "cert.issued", "v": 1, "star": 3.0}, "ledger_field_invalid"),
        ({"type": "cert.issued", "v": 1, "valid_from": "20261001"}, "ledger_field_invalid"),
        ({"type": "cert.issued", "v": 1, "valid_from": "2026-02-30"}, "ledger_field_invalid"),
        ({"type": "cert.issued", "v": 1, "scope": "line\nbreak"}, "ledger_field_invalid"),
        ({"type": "cert.issued", "v": 1, "sha256": "ABC"}, "ledger_field_invalid"),
        (
            {
                "type": "cert.issued",
                "v": 1,
                "valid_from": "2027-01-01",
                "valid_until": "2026-01-01",
            },
            "ledger_event_validity",
        ),
        (
            {
                "type": "cert.issued",
                "v": 1,
                "scope": "範" * 500,
                "organisation_name": "名" * 500,
                "evaluation_body": "機" * 500,
            },
            "ledger_event_too_large",
        ),
    ],
)
def test_events_that_are_not_public_well_formed_facts_are_refused(event, code):
    with pytest.raises(DomainError) as exc_info:
        services.ledger_append(event=event)
    assert exc_info.value.code == code
    assert not LedgerEntry.objects.exists()


def test_the_caller_cannot_change_the_stored_event_afterwards():
    event = issued(1)
    entry = services.ledger_append(event=event)
    event["star"] = 4
    assert json.loads(bytes(LedgerEntry.objects.get(pk=entry.pk).leaf))["star"] == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_serialise_without_gaps():
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(15):
                services.ledger_append(event=issued(offset * 100 + i))
        except BaseException as exc:  # reported below, with the thread's own traceback lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(LedgerEntry.objects.values_list("seq", flat=True)) == list(range(60))
    assert LedgerHash.objects.count() == merkle.stored_hash_count(60)
    assert selectors.ledger_audit().ok


# --- checkpoint_sign -----------------------------------------------------------------------------
def test_sign_an_empty_ledger_then_grow_it():
    empty = services.checkpoint_sign()
    assert (empty.tree_size, bytes(empty.root_hash)) == (0, merkle.EMPTY_ROOT)
    append(5)
    checkpoint = services.checkpoint_sign(now=datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    assert checkpoint.tree_size == 5
    assert checkpoint.signed_at == datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    head = open_checkpoint(
        checkpoint.note,
        origin="registry.scs.example.jp/ledger",
        verifiers=[selectors.ledger_verifier()],
    )
    leaf_hashes = [bytes(h) for h in LedgerEntry.objects.values_list("leaf_hash", flat=True)]
    assert head.root_hash == merkle.merkle_tree_hash(leaf_hashes) == bytes(checkpoint.root_hash)
    event = AuditEvent.objects.get(
        action="registry.checkpoint.signed", object_id=str(checkpoint.pk)
    )
    assert event.data["tree_size"] == 5


def test_signing_twice_without_new_entries_signs_nothing_new():
    append(3)
    first = services.checkpoint_sign()
    assert services.checkpoint_sign() == first
    assert Checkpoint.objects.count() == 1


def test_each_checkpoint_is_consistent_with_the_previous_one():
    sizes = [1, 2, 3, 4, 7, 8, 13]
    for previous, size in zip([0, *sizes], sizes, strict=False):
        append(size - previous, start=previous)
        services.checkpoint_sign()
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    for old, new in itertools.pairwise(checkpoints):
        proof = selectors.consistency_proof(old=old.tree_size, new=new.tree_size)
        assert merkle.verify_consistency(
            old.tree_size, new.tree_size, bytes(old.root_hash), bytes(new.root_hash), proof
        )


def test_signer_refuses_when_a_stored_hash_under_the_old_tree_was_rewritten():
    append(4)
    services.checkpoint_sign()
    append(2, start=4)
    forged = merkle.node_hash(b"\x00" * 32, b"\x01" * 32)
    tamper(
        "UPDATE registry_ledgerhash SET hash = %s WHERE index = %s",
        [forged, merkle.stored_hash_index(2, 0)],
        "registry_ledgerhash",
    )
    with pytest.raises(DomainError) as exc_info:
        services.checkpoint_sign()
    assert exc_info.value.code == "ledger_inconsistent"
    assert Checkpoint.objects.count() == 1


def test_signer_refuses_a_different_root_at_the_same_size():
    append(4)
    services.checkpoint_sign()
    tamper(
        "UPDATE registry_ledgerhash SET hash = %s WHERE index = %s",
        [b"\x07" * 32, merkle.stored_hash_index(2, 0)],
        "registry_ledgerhash",
    )
    with pytest.raises(DomainError) as exc_info:
        services.checkpoint_sign()
    assert exc_info.value.code == "ledger_inconsistent"


def test_signer_refuses_a_smaller_ledger():
    append(4)
    services.checkpoint_sign()
    tamper("DELETE FROM registry_ledgerentry WHERE seq = %s", [3], "registry_ledgerentry")
    with pytest.raises(DomainError) as exc_info:
        services.checkpoint_sign()
    assert exc_info.value.code == "ledger_inconsistent"


def test_signer_refuses_when_its_last_checkpoint_was_rewritten():
    append(2)
    checkpoint = services.checkpoint_sign()
    append(1, start=2)
    tamper(
        "UPDATE registry_checkpoint SET note = %s WHERE id = %s",
        [checkpoint.note.replace("\n2\n", "\n1\n"), checkpoint.pk],
        "registry_checkpoint",
    )
    with pytest.raises(DomainError) as exc_info:
        services.checkpoint_sign()
    assert exc_info.value.code == "ledger_checkpoint_untrusted"


def test_signer_refuses_to_continue_a_log_signed_with_another_key(settings):
    append(2)
    services.checkpoint_sign()
    append(1, start=2)
    settings.LEDGER_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    with pytest.raises(DomainError) as exc_info:
        services.checkpoint_sign()
    assert exc_info.value.code == "ledger_checkpoint_untrusted"


def test_a_malformed_signing_key_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.LEDGER_SIGNING_KEY = "not base64"
    with pytest.raises(ImproperlyConfigured):
        services.checkpoint_sign()
    settings.LEDGER_SIGNING_KEY = base64.b64encode(bytes(32)).decode()
    settings.LEDGER_ORIGIN = "has space"
    with pytest.raises(ImproperlyConfigured):
        services.checkpoint_sign()


# --- proofs and look-ups -------------------------------------------------------------------------
def test_inclusion_proofs_for_every_entry_verify_against_the_checkpoint():
    entries = append(13)
    checkpoint = services.checkpoint_sign()
    root = bytes(checkpoint.root_hash)
    for entry in entries:
        path = selectors.inclusion_proof(seq=entry.seq)
        assert merkle.verify_inclusion(entry.seq, 13, bytes(entry.leaf_hash), path, root)
    small = selectors.inclusion_proof(seq=2, size=5)
    leaf_hashes = [bytes(e.leaf_hash) for e in entries]
    assert small == merkle.inclusion_path(2, leaf_hashes[:5])


def test_proofs_read_the_stored_hashes_in_one_query(django_assert_num_queries):
    append(100)
    services.checkpoint_sign()
    with django_assert_num_queries(3):  # latest checkpoint, ledger size, stored hashes
        selectors.inclusion_proof(seq=37)
    with django_assert_num_queries(2):  # ledger size, stored hashes
        selectors.consistency_proof(old=37, new=100)


def test_proofs_refuse_what_no_checkpoint_covers():
    append(3)
    with pytest.raises(DomainError):
        selectors.inclusion_proof(seq=0)
    with pytest.raises(DomainError):
        selectors.tlog_proof_text(seq=0)
    services.checkpoint_sign()
    append(1, start=3)
    with pytest.raises(DomainError):
        selectors.inclusion_proof(seq=3)
    with pytest.raises(DomainError):
        selectors.tlog_proof_text(seq=3)
    with pytest.raises(DomainError):
        selectors.inclusion_proof(seq=0, size=9)
    with pytest.raises(DomainError):
        selectors.consistency_proof(old=0, new=3)
    with pytest.raises(DomainError):
        selectors.consistency_proof(old=2, new=5)


def test_tlog_proof_of_an_entry_verifies_offline_with_the_published_key():
    entries = append(6)
    services.checkpoint_sign()
    vkey = selectors.ledger_verifier().vkey
    for entry in entries:
        text = selectors.tlog_proof_text(seq=entry.seq)
        assert text.startswith(f"c2sp.org/tlog-proof@v1\nindex {entry.seq}\n")
        result = standalone_verify.verify(text, bytes(entry.leaf), vkeys=[vkey])
        assert (result.index, result.tree_size) == (entry.seq, 6)
    other = bytes(entries[1].leaf)
    with pytest.raises(standalone_verify.VerificationError):
        standalone_verify.verify(selectors.tlog_proof_text(seq=0), other, vkeys=[vkey])


def test_entries_are_found_by_registration_and_corporate_number():
    services.ledger_append(event=issued(1))
    services.ledger_append(event=issued(2, corporate_number="4000012090001", star=4))
    services.ledger_append(
        event={
            "type": "cert.suspended",
            "v": 1,
            "registration_number": "SCS3-000001",
            "corporate_number": "7000012050002",
            "effective": "2026-11-01",
            "reason_code": "surveillance-nc",
        }
    )
    history = selectors.ledger_entries_for_registration(registration_number="SCS3-000001")
    assert [(e.seq, e.event_type) for e in history] == [(0, "cert.issued"), (2, "cert.suspended")]
    by_company = selectors.ledger_entries_for_corporate_number(corporate_number="4000012090001")
    assert [e.registration_number for e in by_company] == ["SCS3-000002"]
    assert selectors.ledger_entry_get(seq=1).registration_number == "SCS3-000002"
    assert selectors.ledger_size() == 3
    assert selectors.latest_checkpoint() is None


# --- append-only, in the ORM and in the database -------------------------------------------------
def test_the_orm_refuses_to_change_or_delete_ledger_rows():
    entry = services.ledger_append(event=issued(1))
    checkpoint = services.checkpoint_sign()
    for obj in (entry, checkpoint, LedgerHash.objects.get(index=0)):
        with pytest.raises(TypeError):
            obj.save()
        with pytest.raises(TypeError):
            obj.delete()
    for model in (LedgerEntry, LedgerHash, Checkpoint):
        with pytest.raises(TypeError):
            model.objects.all().delete()
        with pytest.raises(TypeError):
            model.objects.update(pk=1)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE registry_ledgerentry SET event_type = 'cert.withdrawn'",
        "UPDATE registry_ledgerentry SET leaf = leaf || '\\x20'::bytea",
        "DELETE FROM registry_ledgerentry",
        "UPDATE registry_ledgerhash SET hash = sha256(hash)",
        "DELETE FROM registry_ledgerhash WHERE index = 0",
        "UPDATE registry_checkpoint SET tree_size = tree_size + 1",
        "DELETE FROM registry_checkpoint",
    ],
)
def test_the_database_refuses_update_and_delete_of_ledger_rows(sql):
    services.ledger_append(event=issued(1))
    services.checkpoint_sign()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LedgerEntry.objects.count() == 1
    assert Checkpoint.objects.count() == 1


def test_the_database_checks_hash_lengths():
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerHash.objects.create(index=99, hash=b"short")
