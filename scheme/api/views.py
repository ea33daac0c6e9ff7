"""The read-only catalogue API: levels, editions, items and criteria. Public (AllowAny), throttled
by the project default, lists of items and criteria paginated. Reads go through scheme.selectors.
"""

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from scheme import selectors
from scheme.models import Category, Criterion, Edition, Item, Level, Subcategory

from .serializers import (
    CatalogueErrorSerializer,
    CriterionSerializer,
    EditionDetailSerializer,
    EditionSerializer,
    ItemDetailSerializer,
    ItemSerializer,
    LevelSerializer,
)

EDITION_PARAMETER = OpenApiParameter(
    "edition",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Code of the edition, e.g. scs-2026-03.",
)
ITEM_PARAMETER = OpenApiParameter(
    "item", OpenApiTypes.STR, OpenApiParameter.PATH, description="Code of the item, e.g. 4-1-3."
)
NOT_FOUND = OpenApiResponse(
    CatalogueErrorSerializer, description="No such public edition (or item)."
)
BAD_FILTER = OpenApiResponse(CatalogueErrorSerializer, description="A filter value is not valid.")


class CataloguePagination(PageNumberPagination):
    """50 rows a page by default; `page_size` may ask for up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class EditionScopedMixin:
    """Resolves the public edition named in the URL once per request (404 when unknown)."""

    kwargs: dict[str, Any]
    _edition: Edition | None = None

    def get_edition(self) -> Edition:
        if self._edition is None:
            try:
                self._edition = selectors.edition_get_public(code=self.kwargs["edition"])
            except Edition.DoesNotExist as exc:
                raise NotFound(_("There is no such edition of the catalogue.")) from exc
        return self._edition


class ItemFilter(django_filters.FilterSet):
    level = django_filters.ModelChoiceFilter(
        field_name="levels",
        to_field_name="code",
        queryset=Level.objects.all(),
        label="Only the items that apply at this level (level code, e.g. star3).",
    )
    category = django_filters.CharFilter(
        field_name="subcategory__category__code",
        label="Only the items of this category (its number, e.g. 4).",
    )
    subcategory = django_filters.CharFilter(
        field_name="subcategory__code",
        label="Only the items of this subcategory (its number, e.g. 4-1).",
    )

    class Meta:
        model = Item
        fields = ["level", "category", "subcategory"]


class CriterionFilter(django_filters.FilterSet):
    level = django_filters.ModelChoiceFilter(
        to_field_name="code",
        queryset=Level.objects.all(),
        method="filter_applying_at",
        label=(
            "Only the criteria an applicant at this level meets (star3: the ★3-tagged criteria "
            "of ★3 items; star4: every criterion of ★4 items)."
        ),
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="level",
        to_field_name="code",
        queryset=Level.objects.all(),
        label="Only the criteria tagged with this level (the level that introduces them).",
    )
    category = django_filters.CharFilter(
        field_name="item__subcategory__category__code",
        label="Only the criteria of this category (its number, e.g. 4).",
    )
    item = django_filters.CharFilter(
        field_name="item__code", label="Only the criteria of this item (its code, e.g. 4-1-3)."
    )

    class Meta:
        model = Criterion
        fields = ["level", "tag", "category", "item"]

    def filter_applying_at(
        self, queryset: QuerySet[Criterion], name: str, value: Level | None
    ) -> QuerySet[Criterion]:
        if value is None:
            return queryset
        return selectors.criteria_applying_at(queryset, value)


@extend_schema(tags=["catalogue"], summary="List the star levels")
class LevelListView(generics.ListAPIView[Level]):
    """Every star level of the scheme, lowest first (★5 is defined but has no items yet)."""

    permission_classes = [AllowAny]

    serializer_class = LevelSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Level]:
        return Level.objects.order_by("stars")


@extend_schema(tags=["catalogue"], summary="List the editions of the catalogue")
class EditionListView(generics.ListAPIView[Edition]):
    """Published and retired editions, newest first, with their item and criterion counts."""

    permission_classes = [AllowAny]

    serializer_class = EditionSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Edition]:
        return selectors.edition_api_queryset()

    def get_serializer_context(self) -> dict[str, Any]:
        current = selectors.edition_current()
        return {
            **super().get_serializer_context(),
            "current_edition": current.code if current else "",
        }


@extend_schema(
    tags=["catalogue"],
    summary="Get an edition",
    parameters=[EDITION_PARAMETER],
    responses={200: EditionDetailSerializer, 404: NOT_FOUND},
)
class EditionDetailView(EditionScopedMixin, generics.GenericAPIView[Edition]):
    """One edition with its categories, subcategories and counts per level."""

    permission_classes = [AllowAny]

    serializer_class = EditionDetailSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        edition = self.get_edition()
        annotated = selectors.edition_api_queryset().prefetch_related(
            Prefetch(
                "categories",
                queryset=Category.objects.order_by("position").prefetch_related(
                    Prefetch("subcategories", queryset=Subcategory.objects.order_by("position"))
                ),
            )
        )
        instance = annotated.get(pk=edition.pk)
        tree = selectors.edition_tree(edition)
        counts = selectors.edition_level_counts(tree, selectors.edition_levels(edition))
        current = selectors.edition_current()
        serializer = self.get_serializer(
            instance,
            context={
                **self.get_serializer_context(),
                "level_counts": counts,
                "current_edition": current.code if current else "",
            },
        )
        return Response(serializer.data)


@extend_schema(
    tags=["catalogue"],
    summary="List the items of an edition",
    parameters=[EDITION_PARAMETER],
    responses={200: ItemSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
)
class ItemListView(EditionScopedMixin, generics.ListAPIView[Item]):
    """The items (要求事項) of an edition in catalogue order, filterable by level and category."""

    permission_classes = [AllowAny]

    serializer_class = ItemSerializer
    pagination_class = CataloguePagination
    filterset_class = ItemFilter

    def get_queryset(self) -> QuerySet[Item]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL kwargs
            return Item.objects.none()
        return selectors.item_api_queryset(self.get_edition())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "edition": self.get_edition()}


@extend_schema(
    tags=["catalogue"],
    summary="Get an item with its criteria",
    parameters=[EDITION_PARAMETER, ITEM_PARAMETER],
    responses={200: ItemDetailSerializer, 404: NOT_FOUND},
)
class ItemDetailView(EditionScopedMixin, generics.GenericAPIView[Item]):
    """One item with all of its criteria and its correspondences with other editions."""

    permission_classes = [AllowAny]

    serializer_class = ItemDetailSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        edition = self.get_edition()
        try:
            item = selectors.item_api_detail_queryset(edition).get(code=kwargs["item"])
        except Item.DoesNotExist as exc:
            raise NotFound(_("There is no such item in this edition.")) from exc
        older, newer = selectors.item_correspondences(item)
        context = {
            **self.get_serializer_context(),
            "edition": edition,
            "older": older,
            "newer": newer,
        }
        return Response(self.get_serializer(item, context=context).data)


@extend_schema(
    tags=["catalogue"],
    summary="List the criteria of an edition",
    parameters=[EDITION_PARAMETER],
    responses={200: CriterionSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
)
class CriterionListView(EditionScopedMixin, generics.ListAPIView[Criterion]):
    """The criteria (評価基準) of an edition in catalogue order, filterable by level, category
    and item."""

    permission_classes = [AllowAny]

    serializer_class = CriterionSerializer
    pagination_class = CataloguePagination
    filterset_class = CriterionFilter

    def get_queryset(self) -> QuerySet[Criterion]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL kwargs
            return Criterion.objects.none()
        return selectors.criterion_api_queryset(self.get_edition())
