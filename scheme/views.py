"""The public catalogue pages: editions, browsing by level, items, the ★3 → ★4 comparison, the
mapping between editions, search and downloads. No login; every read goes through selectors."""

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import exports, selectors
from .forms import CatalogueSearchForm, CategoryFilterForm
from .models import Category, Criterion, Edition, Item, Level

Crumb = tuple[str, str]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home_crumbs() -> list[Crumb]:
    return [(_("Home"), reverse("home")), (_("Catalogue"), reverse("scheme:index"))]


def _edition_or_404(code: str) -> Edition:
    try:
        return selectors.edition_get_public(code=code)
    except Edition.DoesNotExist as exc:
        raise Http404(_("There is no such edition of the catalogue.")) from exc


def _level_or_404(edition: Edition, code: str) -> Level:
    for level in selectors.edition_levels(edition):
        if level.code == code:
            return level
    raise Http404(_("This edition has no items at that level."))


def _cited(criteria: Iterable[Criterion]) -> list[str]:
    return [ref for criterion in criteria for ref in criterion.refs if isinstance(ref, str)]


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


class EditionListView(TemplateView):
    """`/catalogue/`: every public edition, the one in force first, with its counts."""

    template_name = "scheme/edition_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["summaries"] = selectors.edition_summaries()
        context["breadcrumbs"] = [*_home_crumbs()[:1], (_("Catalogue"), "")]
        return context


class EditionPageMixin:
    """Looks the edition up from the URL (404 when unknown or a draft) and starts breadcrumbs."""

    edition: Edition
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.edition = _edition_or_404(kwargs["edition"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def edition_crumbs(self, *tail: Crumb) -> list[Crumb]:
        crumbs = _home_crumbs()
        if tail:
            crumbs.append((self.edition.title, self.edition.get_absolute_url()))
            crumbs.extend(tail)
        else:
            crumbs.append((self.edition.title, ""))
        return crumbs


class EditionDetailView(EditionPageMixin, TemplateView):
    """`/catalogue/<edition>/`: the structure of an edition and where to go from there."""

    template_name = "scheme/edition_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tree = selectors.edition_tree(self.edition)
        levels = selectors.edition_levels(self.edition)
        context.update(
            edition=self.edition,
            is_current=selectors.edition_is_current(self.edition),
            tree=tree,
            levels=levels,
            level_counts=selectors.edition_level_counts(tree, levels),
            can_compare=selectors.edition_comparable_levels(self.edition) is not None,
            mapped_pairs=selectors.edition_pairs_mapped(self.edition),
            has_criteria=any(
                entry.criteria for cat in tree for sub in cat.subcategories for entry in sub.items
            ),
            search_form=CatalogueSearchForm(),
            breadcrumbs=self.edition_crumbs(),
        )
        return context


class LevelBrowseView(EditionPageMixin, TemplateView):
    """`/catalogue/<edition>/level/<level>/`: the items and criteria that apply at one level."""

    template_name = "scheme/level_browse.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        level = _level_or_404(self.edition, kwargs["level"])
        categories = list(Category.objects.filter(edition=self.edition).order_by("position"))
        form = CategoryFilterForm(self.request.GET or None, categories=categories)
        category = form.selected() if form.is_bound else None
        tree = selectors.edition_tree(self.edition, level=level, category=category)
        counts = selectors.edition_level_counts(tree, [level])
        criteria = (
            c for cat in tree for sub in cat.subcategories for e in sub.items for c in e.criteria
        )
        context.update(
            edition=self.edition,
            level=level,
            category=category,
            form=form,
            tree=tree,
            refs=selectors.refs_resolve(self.edition, _cited(criteria)),
            count=counts[0] if counts else None,
            breadcrumbs=self.edition_crumbs(
                (_("Items at ★%(stars)s") % {"stars": level.stars}, "")
            ),
        )
        return context


class ItemDetailView(EditionPageMixin, TemplateView):
    """`/catalogue/<edition>/items/<item>/`: one item with its criteria and correspondences."""

    template_name = "scheme/item_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            detail = selectors.item_detail(edition=self.edition, code=kwargs["item"])
        except Item.DoesNotExist as exc:
            raise Http404(_("There is no such item in this edition.")) from exc
        item = detail.item
        context.update(
            edition=self.edition,
            detail=detail,
            item=item,
            breadcrumbs=self.edition_crumbs((f"{item.code} {item.title}", "")),
        )
        return context


class ComparisonView(EditionPageMixin, TemplateView):
    """`/catalogue/<edition>/compare/`: what ★4 adds to ★3."""

    template_name = "scheme/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        levels = selectors.edition_comparable_levels(self.edition)
        if levels is None:
            raise Http404(_("This edition has no items shared by ★3 and ★4 to compare."))
        lower, upper = levels
        context.update(
            edition=self.edition,
            comparison=selectors.edition_comparison(self.edition, lower=lower, upper=upper),
            breadcrumbs=self.edition_crumbs((_("★3 and ★4 compared"), "")),
        )
        return context


class MappingView(TemplateView):
    """`/catalogue/mapping/<older>/<newer>/`: where each item of an older edition went."""

    template_name = "scheme/mapping.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        older = _edition_or_404(kwargs["older"])
        newer = _edition_or_404(kwargs["newer"])
        if (older, newer) not in selectors.edition_pairs_mapped(older):
            raise Http404(_("These editions are not mapped to each other."))
        groups = selectors.edition_mapping(older=older, newer=newer)
        context.update(
            older=older,
            newer=newer,
            groups=groups,
            breadcrumbs=[
                *_home_crumbs(),
                (older.title, older.get_absolute_url()),
                (_("Mapping to %(code)s") % {"code": newer.code}, ""),
            ],
        )
        return context


class SearchView(EditionPageMixin, TemplateView):
    """`/catalogue/<edition>/search/?q=…`: items and criteria matching words or an ID."""

    template_name = "scheme/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = CatalogueSearchForm(self.request.GET)
        results = None
        if form.is_valid() and selectors.normalise_query(form.cleaned_data["q"]):
            results = selectors.catalogue_search(self.edition, form.cleaned_data["q"])
        hits = results.hits if results else []
        context.update(
            edition=self.edition,
            form=form,
            results=results,
            refs=selectors.refs_resolve(self.edition, _cited(c for h in hits for c in h.criteria)),
            breadcrumbs=self.edition_crumbs((_("Search"), "")),
        )
        return context


class CsvExportView(EditionPageMixin, View):
    """`/catalogue/<edition>/export.csv[?level=star3]`: the edition's criteria as CSV."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        level_code = request.GET.get("level") or None
        level = _level_or_404(self.edition, level_code) if level_code else None
        content = exports.edition_csv(self.edition, level=level)
        suffix = f"-{level.code}" if level else ""
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _attachment(f"{self.edition.code}{suffix}.csv")
        return response


class ChecklistExportView(EditionPageMixin, View):
    """`/catalogue/<edition>/checklist-<level>.xlsx`: a self-assessment checklist for one level."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        level = _level_or_404(self.edition, kwargs["level"])
        content = exports.edition_checklist_xlsx(self.edition, level=level)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        filename = f"{self.edition.code}-checklist-{level.code}.xlsx"
        response["Content-Disposition"] = _attachment(filename)
        return response
