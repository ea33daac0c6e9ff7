"""Read-only admin for the requirement catalogue.

The catalogue changes only through `manage.py load_catalogue` (scheme.services), which keeps the
content hash, the immutability of published editions and the audit trail. The admin therefore
lets staff look at every row and check an edition's content hash, and never add, change or delete.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Category, Criterion, Edition, Item, ItemCorrespondence, Level, Subcategory
from .services import edition_verify_hash


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: the catalogue is written by the loader, never by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Level)
class LevelAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "code", "name_ja", "name_en", "validity_months"]


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_ja", "status", "published_on", "supersedes", "short_hash"]
    list_filter = ["status"]
    search_fields = ["code", "title_ja", "title_en"]
    list_select_related = ["supersedes"]
    readonly_fields = ["hash_verified"]
    actions = ["verify_hashes"]

    @admin.display(description=_("content hash"))
    def short_hash(self, obj: Edition) -> str:
        return f"{obj.content_hash[:12]}…"

    @admin.display(description=_("rows match the content hash"), boolean=True)
    def hash_verified(self, obj: Edition) -> bool:
        return edition_verify_hash(obj)

    @admin.action(description=_("Verify the content hash"), permissions=["view"])
    def verify_hashes(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            if edition_verify_hash(edition):
                self.message_user(
                    request,
                    gettext("%(code)s: the rows match the stored content hash.")
                    % {"code": edition.code},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(code)s: the rows do NOT match the stored content hash; they were "
                        "changed outside the loader."
                    )
                    % {"code": edition.code},
                    messages.ERROR,
                )


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_ja", "name_en", "csf_function", "edition"]
    list_filter = ["edition"]
    list_select_related = ["edition"]


@admin.register(Subcategory)
class SubcategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_ja", "name_en", "csf_category", "edition"]
    list_filter = ["edition"]
    list_select_related = ["edition"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_ja", "level_list", "identical_to", "edition"]
    list_filter = ["edition", "levels"]
    search_fields = ["code", "title_ja", "title_en"]
    list_select_related = ["edition", "identical_to"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Item]:
        return super().get_queryset(request).prefetch_related("levels")

    @admin.display(description=_("levels"))
    def level_list(self, obj: Item) -> str:
        return " ".join(str(level) for level in obj.levels.all())


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["code", "level", "csf_function", "statement_ja", "source_row", "edition"]
    list_filter = ["edition", "level", "csf_function"]
    search_fields = ["code", "statement_ja", "statement_en"]
    list_select_related = ["edition", "level"]


@admin.register(ItemCorrespondence)
class ItemCorrespondenceAdmin(ReadOnlyAdmin):
    list_display = ["from_item", "to_item", "confidence", "note_en"]
    list_filter = ["confidence", "from_item__edition", "to_item__edition"]
    list_select_related = ["from_item", "to_item"]
