"""Read-only admin for the public ledger.

Entries are appended by registry.services.ledger_append and checkpoints signed by
checkpoint_sign; the admin only shows them. The stored Merkle hashes are an internal index and
are not listed (manage.py ledger_verify checks them).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .ledger.note import b64encode
from .models import Checkpoint, LedgerEntry


class LedgerAdmin(admin.ModelAdmin):
    """Viewing only: the ledger is append-only and written by its services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(LedgerAdmin):
    list_display = ["seq", "event_type", "registration_number", "corporate_number", "recorded_at"]
    list_filter = ["event_type"]
    search_fields = ["=registration_number", "=corporate_number"]
    fields = [
        "seq",
        "event_type",
        "registration_number",
        "corporate_number",
        "recorded_at",
        "leaf_text",
        "leaf_hash_b64",
    ]
    readonly_fields = ["leaf_text", "leaf_hash_b64"]

    @admin.display(description=_("canonical leaf"))
    def leaf_text(self, obj: LedgerEntry) -> str:
        return bytes(obj.leaf).decode("utf-8")

    @admin.display(description=_("leaf hash"))
    def leaf_hash_b64(self, obj: LedgerEntry) -> str:
        return b64encode(bytes(obj.leaf_hash))


@admin.register(Checkpoint)
class CheckpointAdmin(LedgerAdmin):
    list_display = ["tree_size", "root_hash_b64", "signed_at"]
    fields = ["tree_size", "signed_at", "root_hash_b64", "note"]
    readonly_fields = ["root_hash_b64"]

    @admin.display(description=_("root hash"))
    def root_hash_b64(self, obj: Checkpoint) -> str:
        return b64encode(bytes(obj.root_hash))
