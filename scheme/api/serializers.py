"""Output shapes of the read-only catalogue API. Field names are English; every text comes in
both languages (`*_ja` is authoritative, `*_en` is ours)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheme.models import (
    Category,
    Criterion,
    Edition,
    Item,
    ItemCorrespondence,
    Level,
    Subcategory,
)
from scheme.selectors import LevelCount


class CatalogueErrorSerializer(serializers.Serializer[Any]):
    """The error shape of the API (core.api.exception_handler): `detail`, and for invalid
    input also `code` and `fields` (the messages per query parameter)."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "fields" cannot be a class attribute: it would hide Serializer.fields.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        )
        return fields


class LevelSerializer(serializers.ModelSerializer[Level]):
    class Meta:
        model = Level
        fields = [
            "code",
            "stars",
            "name_ja",
            "name_en",
            "description_ja",
            "description_en",
            "validity_months",
        ]


class LevelCountSerializer(serializers.Serializer[Any]):
    level = serializers.CharField(source="level.code", help_text="Level code, e.g. star3.")
    items = serializers.IntegerField(help_text="Items that apply at this level.")
    criteria = serializers.IntegerField(help_text="Criteria that apply at this level.")


class EditionSerializer(serializers.ModelSerializer[Edition]):
    supersedes: serializers.SlugRelatedField[Edition] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    is_current = serializers.SerializerMethodField()
    item_count = serializers.IntegerField(read_only=True, source="n_items")
    criterion_count = serializers.IntegerField(read_only=True, source="n_criteria")
    url = serializers.HyperlinkedIdentityField(
        view_name="scheme-api:edition", lookup_field="code", lookup_url_kwarg="edition"
    )

    class Meta:
        model = Edition
        fields = [
            "code",
            "url",
            "title_ja",
            "title_en",
            "status",
            "published_on",
            "is_current",
            "supersedes",
            "notice_ja",
            "notice_en",
            "item_count",
            "criterion_count",
        ]

    def get_is_current(self, edition: Edition) -> bool:
        current: str = self.context.get("current_edition", "")
        return edition.code == current


class SubcategorySerializer(serializers.ModelSerializer[Subcategory]):
    class Meta:
        model = Subcategory
        fields = ["code", "name_ja", "name_en", "csf_function", "csf_category"]


class CategorySerializer(serializers.ModelSerializer[Category]):
    subcategories = SubcategorySerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name_ja", "name_en", "csf_function", "subcategories"]


class EditionDetailSerializer(EditionSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    level_counts = serializers.SerializerMethodField(
        help_text="Items and criteria that apply at each level of the edition."
    )

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "level_counts", "categories"]

    @extend_schema_field(LevelCountSerializer(many=True))
    def get_level_counts(self, edition: Edition) -> list[dict[str, Any]]:
        counts: list[LevelCount] = self.context.get("level_counts", [])
        return list(LevelCountSerializer(counts, many=True).data)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": (
            "The exact figures of the criterion, e.g. "
            '{"frequency": "yearly"} or {"patch_deadline_days": 14, "cvss_base_min": 7.0}.'
        ),
    }
)
class ParamsField(serializers.JSONField):
    pass


class CriterionSerializer(serializers.ModelSerializer[Criterion]):
    item = serializers.CharField(source="item.code", read_only=True)
    level = serializers.CharField(source="level.code", read_only=True)
    details_ja = serializers.ListField(child=serializers.CharField(), read_only=True)
    details_en = serializers.ListField(child=serializers.CharField(), read_only=True)
    refs = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="IDs of cited items or criteria."
    )
    params = ParamsField(read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "code",
            "item",
            "level",
            "csf_function",
            "statement_ja",
            "statement_en",
            "details_ja",
            "details_en",
            "guidance_ja",
            "guidance_en",
            "refs",
            "params",
            "source_row",
        ]


class ItemSerializer(serializers.ModelSerializer[Item]):
    category = serializers.CharField(source="subcategory.category.code", read_only=True)
    subcategory = serializers.CharField(source="subcategory.code", read_only=True)
    levels: serializers.SlugRelatedField[Level] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    identical_to: serializers.SlugRelatedField[Item] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    criterion_count = serializers.IntegerField(read_only=True, source="n_criteria")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "code",
            "url",
            "category",
            "subcategory",
            "levels",
            "title_ja",
            "title_en",
            "requirement_ja",
            "requirement_en",
            "identical_to",
            "criterion_count",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item: Item) -> str:
        edition: Edition = self.context.get("edition") or item.edition
        path = reverse("scheme-api:item", kwargs={"edition": edition.code, "item": item.code})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class CorrespondenceSerializer(serializers.ModelSerializer[ItemCorrespondence]):
    """One link between an item and an item of another edition."""

    edition = serializers.CharField(help_text="Code of the other edition.")
    item = serializers.CharField(help_text="Code of the item in the other edition.")

    class Meta:
        model = ItemCorrespondence
        fields = ["edition", "item", "confidence", "note_ja", "note_en"]


class ItemDetailSerializer(ItemSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    derived_from = serializers.SerializerMethodField(
        help_text="Items of earlier editions that this item continues."
    )
    continued_by = serializers.SerializerMethodField(
        help_text="Items of later editions that continue this item."
    )

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "criteria", "derived_from", "continued_by"]

    @extend_schema_field(CorrespondenceSerializer(many=True))
    def get_derived_from(self, item: Item) -> list[dict[str, Any]]:
        links: list[ItemCorrespondence] = self.context.get("older", [])
        return [_link(link, link.from_item) for link in links]

    @extend_schema_field(CorrespondenceSerializer(many=True))
    def get_continued_by(self, item: Item) -> list[dict[str, Any]]:
        links: list[ItemCorrespondence] = self.context.get("newer", [])
        return [_link(link, link.to_item) for link in links]


def _link(link: ItemCorrespondence, other: Item) -> dict[str, Any]:
    return {
        "edition": other.edition.code,
        "item": other.code,
        "confidence": link.confidence,
        "note_ja": link.note_ja,
        "note_en": link.note_en,
    }
