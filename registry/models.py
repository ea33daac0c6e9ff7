"""The public ledger: an append-only, verifiable log of registration events.

Three insert-only tables implement an RFC 6962 transparency log (see registry/ledger/):
`LedgerEntry` holds the events (canonical JSON leaves), `LedgerHash` the Merkle tree's stored
hashes and `Checkpoint` the signed tree heads. Rows are never changed or deleted: the models and
querysets refuse it, and on PostgreSQL a trigger (migration 0002) refuses it for any client.
Corrections are new events that point back to the old ones.
"""

from typing import Any, TypeVar

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "the public ledger is append-only"

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """A queryset that can insert and read, but never update or delete in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(APPEND_ONLY)


class AppendOnlyModel(models.Model):
    """A row that can be inserted once and never saved again or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(APPEND_ONLY)


class LedgerEntry(AppendOnlyModel):
    """One public registration event (a ★ obtained, renewed, suspended …) in the ledger.

    `leaf` is the RFC 8785 canonical JSON that the Merkle tree commits to; the other columns are
    copies of its facts for look-up. `seq` is the leaf index: 0, 1, 2 … with no gaps.
    """

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    event_type = models.CharField(_("event type"), max_length=64, db_index=True)
    registration_number = models.CharField(
        _("registration number"), max_length=64, blank=True, db_index=True
    )
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, db_index=True
    )
    leaf = models.BinaryField(_("canonical leaf"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = AppendOnlyQuerySet["LedgerEntry"].as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("leaf_hash"), 32), name="registry_ledgerentry_leaf_hash_32"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.registration_number}".rstrip()


class LedgerHash(AppendOnlyModel):
    """One stored hash of the ledger's Merkle tree, at its dense index (Go sumdb/tlog layout).

    Appending entry n inserts its leaf hash and the hashes of the subtrees it completes; roots
    and proofs are then computed from at most ~2·log2(n) of these rows.
    """

    index = models.PositiveBigIntegerField(_("index"), primary_key=True)
    hash = models.BinaryField(_("hash"), max_length=32)

    objects = AppendOnlyQuerySet["LedgerHash"].as_manager()

    class Meta:
        ordering = ["index"]
        verbose_name = _("ledger hash")
        verbose_name_plural = _("ledger hashes")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("hash"), 32), name="registry_ledgerhash_hash_32"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index}: {bytes(self.hash).hex()}"


class Checkpoint(AppendOnlyModel):
    """A signed tree head: the registry's signed statement of the ledger's size and root.

    `note` is the C2SP signed note exactly as published; `tree_size` and `root_hash` repeat its
    body for queries. Every checkpoint is consistent with all earlier ones (the signer checks).
    """

    tree_size = models.PositiveBigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    objects = AppendOnlyQuerySet["Checkpoint"].as_manager()

    class Meta:
        ordering = ["tree_size"]
        get_latest_by = "tree_size"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("root_hash"), 32), name="registry_checkpoint_root_hash_32"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tree_size} @ {self.signed_at:%Y-%m-%d %H:%M}"


class Snapshot(AppendOnlyModel):
    """A published daily list of the registrations valid on `as_of` (a CSV document), which the
    ledger commits to with a `scheme.snapshot` entry (its SHA-256 and row count).

    With it, someone who holds a checkpoint can check offline that a registration was still valid
    on a day, not only that it was once registered; and the daily entry keeps the ledger moving,
    so a fresh checkpoint is signed every day even when nothing else happened. One per day.
    """

    as_of = models.DateField(_("valid on"), unique=True)
    document = models.CharField(_("stored document"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    count = models.PositiveIntegerField(_("registrations listed"))
    ledger_seq = models.PositiveBigIntegerField(_("ledger entry"), unique=True)
    created_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = AppendOnlyQuerySet["Snapshot"].as_manager()

    class Meta:
        ordering = ["-as_of"]
        get_latest_by = "as_of"
        verbose_name = _("ledger snapshot")
        verbose_name_plural = _("ledger snapshots")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="registry_snapshot_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.count})"
