"""ledger_verify (the nightly monitor), ledger_keygen and ledger_checkpoint."""

import base64
import hashlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from registry import selectors, services
from registry.ledger import merkle, note
from registry.management.commands.ledger_verify import Command as LedgerVerify
from registry.models import Checkpoint

ROOT = Path(__file__).resolve().parent.parent.parent


def issued(n: int) -> dict:
    return {"type": "cert.issued", "v": 1, "registration_number": f"SCS3-{n:06d}", "star": 3}


def append(count: int, start: int = 0) -> None:
    for i in range(count):
        services.ledger_append(event=issued(start + i))


def tamper(sql: str, params: list, table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def verify(*args: str) -> str:
    out = StringIO()
    call_command("ledger_verify", *args, stdout=out)
    return out.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as exc_info:
        verify(*args)
    message = str(exc_info.value)
    assert message.startswith("LEDGER VERIFICATION FAILED")
    return message


@pytest.fixture
def ledger(db):
    """Three checkpoints (sizes 4, 7, 9) and two entries appended after the last one."""
    append(4)
    services.checkpoint_sign()
    append(3, start=4)
    services.checkpoint_sign()
    append(2, start=7)
    services.checkpoint_sign()
    append(2, start=9)


# --- ledger_verify -----------------------------------------------------------------------------
def test_verify_a_sound_ledger(ledger):
    output = verify()
    assert "Ledger verified: 11 entries" in output
    assert f"{merkle.stored_hash_count(11)} stored hashes, 3 checkpoints" in output
    assert "latest checkpoint: size 9" in output
    assert "2 entries not yet covered by a checkpoint" in output


def test_verify_an_empty_ledger(db):
    assert "Ledger verified: 0 entries, 0 stored hashes, 0 checkpoints; no checkpoint" in verify()
    services.checkpoint_sign()
    assert "latest checkpoint: size 0" in verify()


def test_verify_with_a_pinned_public_key_needs_no_signing_key(ledger):
    vkey = selectors.ledger_verifier().vkey
    assert "Ledger verified" in verify("--vkey", vkey)
    stranger = note.Signer(settings.LEDGER_ORIGIN, bytes(range(32))).verifier.vkey
    message = verify_fails("--vkey", stranger)
    assert "checkpoint 4: its signed note fails" in message
    with pytest.raises(CommandError, match="invalid --vkey"):
        verify("--vkey", "garbage")


def test_verify_detects_a_rewritten_leaf(ledger):
    forged = b'{"registration_number":"SCS3-000001","seq":1,"star":4,"type":"cert.issued","v":1}'
    tamper(
        "UPDATE registry_ledgerentry SET leaf = %s WHERE seq = 1", [forged], "registry_ledgerentry"
    )
    message = verify_fails()
    assert "entry 1: its leaf hash does not match its leaf bytes" in message
    assert "checkpoint 4: its root does not match the entries" in message


def test_verify_detects_a_non_canonical_leaf_with_a_matching_hash(ledger):
    spaced = (
        b'{"registration_number": "SCS3-000002", "seq": 2, "star": 3, "type": "cert.issued", '
        b'"v": 1}'
    )
    tamper(
        "UPDATE registry_ledgerentry SET leaf = %s, leaf_hash = %s WHERE seq = 2",
        [spaced, merkle.leaf_hash(spaced)],
        "registry_ledgerentry",
    )
    assert "entry 2: its leaf is not canonical JSON" in verify_fails()


def test_verify_detects_a_rewritten_stored_hash_the_signer_never_reads(ledger):
    # Leaf hash 0 sits inside the complete subtree [0, 4), whose own stored hash is what roots and
    # proofs read: only recomputing from the leaves (the monitor) can notice this rewrite.
    tamper(
        "UPDATE registry_ledgerhash SET hash = %s WHERE index = 0",
        [b"\x01" * 32],
        "registry_ledgerhash",
    )
    assert services.checkpoint_sign().tree_size == 11
    assert "stored hash 0 (entry 0) does not match the leaves" in verify_fails()


def test_verify_detects_removed_entries(ledger):
    tamper("DELETE FROM registry_ledgerentry WHERE seq >= 8", [], "registry_ledgerentry")
    message = verify_fails()
    assert "checkpoint 9 covers more entries than the ledger holds (8)" in message


def test_verify_detects_a_gap(ledger):
    tamper("DELETE FROM registry_ledgerentry WHERE seq = 5", [], "registry_ledgerentry")
    assert "entry 5 is missing (the next entry is 6)" in verify_fails()


def test_verify_detects_a_rewritten_checkpoint(ledger):
    checkpoint = Checkpoint.objects.get(tree_size=7)
    tamper(
        "UPDATE registry_checkpoint SET root_hash = %s WHERE id = %s",
        [b"\x02" * 32, checkpoint.pk],
        "registry_checkpoint",
    )
    assert "checkpoint 7: its columns differ from its note" in verify_fails()


def test_verify_detects_inconsistent_checkpoints_signed_with_the_real_key(ledger):
    # A stolen key signs a forked history at size 8: the note verifies, the monitor does not.
    signer = services.ledger_signer()
    forged_root = merkle.node_hash(b"\x03" * 32, b"\x04" * 32)
    head_text = f"{settings.LEDGER_ORIGIN}\n8\n{base64.b64encode(forged_root).decode()}\n"
    Checkpoint.objects.create(
        tree_size=8, root_hash=forged_root, note=note.sign_note(head_text, [signer])
    )
    message = verify_fails()
    assert "checkpoint 8: its root does not match the entries" in message
    assert "checkpoints 7 and 8 are not consistent" in message
    assert "checkpoints 8 and 9 are not consistent" in message


def test_verify_exits_non_zero_from_the_command_line(ledger):
    tamper("DELETE FROM registry_ledgerentry WHERE seq = 10", [], "registry_ledgerentry")
    tamper("DELETE FROM registry_ledgerentry WHERE seq = 9", [], "registry_ledgerentry")
    tamper("DELETE FROM registry_ledgerentry WHERE seq = 8", [], "registry_ledgerentry")
    # run_from_argv is what manage.py calls: it turns the CommandError into exit status 1.
    with pytest.raises(SystemExit) as exc_info:
        LedgerVerify().run_from_argv(["manage.py", "ledger_verify", "--skip-checks"])
    assert exc_info.value.code == 1


# --- ledger_keygen and ledger_checkpoint --------------------------------------------------------
def test_keygen_prints_a_fresh_key_and_its_verifier_key():
    out = StringIO()
    call_command("ledger_keygen", "--origin", "registry.example.jp/ledger", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("LEDGER_SIGNING_KEY=")
    assert lines[1] == "LEDGER_ORIGIN=registry.example.jp/ledger"
    seed = base64.b64decode(lines[0].removeprefix("LEDGER_SIGNING_KEY="), validate=True)
    assert len(seed) == 32
    vkey = lines[3]
    assert vkey == note.Signer("registry.example.jp/ledger", seed).verifier.vkey
    assert note.Verifier.from_vkey(vkey).name == "registry.example.jp/ledger"

    again = StringIO()
    call_command("ledger_keygen", stdout=again)
    assert again.getvalue().splitlines()[0] != lines[0]
    assert f"LEDGER_ORIGIN={settings.LEDGER_ORIGIN}" in again.getvalue()
    with pytest.raises(CommandError, match="invalid origin"):
        call_command("ledger_keygen", "--origin", "with space", stdout=StringIO())


@pytest.mark.django_db
def test_checkpoint_command_signs_once():
    append(3)
    out = StringIO()
    call_command("ledger_checkpoint", stdout=out)
    assert out.getvalue().startswith("Checkpoint: size 3, root ")
    assert f"\n{settings.LEDGER_ORIGIN}\n3\n" in out.getvalue()
    call_command("ledger_checkpoint", stdout=StringIO())
    assert Checkpoint.objects.count() == 1
    tamper("DELETE FROM registry_ledgerentry WHERE seq = 2", [], "registry_ledgerentry")
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="smaller than its last checkpoint"),
    ):
        call_command("ledger_checkpoint", stdout=StringIO())


# --- settings ------------------------------------------------------------------------------------
def test_the_development_key_is_the_documented_public_derivation():
    label = b"INSECURE scs-registry development ledger signing key"
    expected = base64.b64encode(hashlib.sha256(label).digest()).decode()
    assert expected == settings.LEDGER_INSECURE_DEV_SIGNING_KEY
    assert expected == settings.LEDGER_SIGNING_KEY  # the test run uses it
    assert settings.LEDGER_ORIGIN == "registry.scs.example.jp/ledger"


def _production_check(ledger_key: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LEDGER_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "p" * 60,
            "DJANGO_ALLOWED_HOSTS": "registry.example.jp",
            "DATABASE_URL": "postgres://portal:portal@127.0.0.1:5432/portal",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    if ledger_key is not None:
        env["LEDGER_SIGNING_KEY"] = ledger_key
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    [None, "", settings.LEDGER_INSECURE_DEV_SIGNING_KEY, "c2hvcnQ=", "not base64 at all!!"],
    ids=["missing", "empty", "development key", "too short", "not base64"],
)
def test_production_requires_a_real_signing_key(key):
    result = _production_check(key)
    assert result.returncode != 0
    assert "production settings need LEDGER_SIGNING_KEY" in result.stderr


def test_production_accepts_a_generated_signing_key():
    result = _production_check(base64.b64encode(os.urandom(32)).decode())
    assert "LEDGER_SIGNING_KEY" not in result.stderr
