"""Reads of the requirement catalogue for the public pages and the API.

Every function here is read-only. An edition is small (tens of items, a few hundred criteria),
so a page loads the rows it needs in a fixed number of queries and groups them in Python. That
keeps the query count independent of the catalogue's size (no N+1) and makes the search behave
the same on PostgreSQL and on SQLite (the trial run), including Unicode normalisation, which
neither database's LIKE does.

The level rule (scheme-brief): an item applies at the levels it lists; at a level, the criteria
that apply are those tagged with that level or a lower one (★3: the ★3-tagged criteria; ★4: all
criteria of the item).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from .models import Category, Criterion, Edition, Item, ItemCorrespondence, Level, Subcategory

# ------------------------------------------------------------------------------------------------
# Editions and levels
# ------------------------------------------------------------------------------------------------


def edition_public_queryset() -> QuerySet[Edition]:
    """Editions the public may see: published and retired ones, never drafts."""
    return Edition.objects.exclude(status=Edition.Status.DRAFT).select_related("supersedes")


def edition_get_public(*, code: str) -> Edition:
    """The public edition with this code; raises Edition.DoesNotExist otherwise."""
    return edition_public_queryset().get(code=code)


def edition_current() -> Edition | None:
    """The edition in force (settings.SCHEME_CURRENT_EDITION), when it is loaded and public."""
    return edition_public_queryset().filter(code=settings.SCHEME_CURRENT_EDITION).first()


def edition_is_current(edition: Edition) -> bool:
    """Whether this is the edition in force (settings.SCHEME_CURRENT_EDITION)."""
    return bool(edition.code == settings.SCHEME_CURRENT_EDITION)


def level_list() -> list[Level]:
    """Every star level, lowest first."""
    return list(Level.objects.order_by("stars"))


def edition_levels(edition: Edition) -> list[Level]:
    """The levels at which at least one item of the edition applies, lowest first."""
    return list(Level.objects.filter(items__edition=edition).distinct().order_by("stars"))


def _applies(criterion: Criterion, level: Level) -> bool:
    return criterion.level.stars <= level.stars


@dataclass(frozen=True)
class LevelCount:
    """How many items and criteria of an edition (or of a part of it) apply at one level."""

    level: Level
    items: int
    criteria: int


@dataclass(frozen=True)
class EditionSummary:
    """One line of the edition list: the edition, whether it is in force, and its size."""

    edition: Edition
    is_current: bool
    item_count: int
    criterion_count: int
    level_counts: list[LevelCount]


def edition_summaries() -> list[EditionSummary]:
    """Public editions with their counts: the current one first, then the newest first."""
    editions = list(edition_api_queryset())
    levels = {level.pk: level for level in Level.objects.all()}
    item_levels = (
        Item.levels.through.objects.filter(item__edition__in=editions)
        .values("item__edition_id", "level_id")
        .annotate(n=Count("item_id"))
    )
    per_edition: dict[int, list[LevelCount]] = defaultdict(list)
    for row in item_levels.order_by("item__edition_id", "level__stars"):
        per_edition[row["item__edition_id"]].append(
            LevelCount(level=levels[row["level_id"]], items=row["n"], criteria=0)
        )
    current_code = settings.SCHEME_CURRENT_EDITION
    summaries = [
        EditionSummary(
            edition=edition,
            is_current=edition.code == current_code,
            item_count=getattr(edition, "n_items", 0),
            criterion_count=getattr(edition, "n_criteria", 0),
            level_counts=per_edition.get(edition.pk, []),
        )
        for edition in editions
    ]
    return sorted(summaries, key=lambda s: not s.is_current)


# ------------------------------------------------------------------------------------------------
# The tree of an edition: categories → subcategories → items → criteria
# ------------------------------------------------------------------------------------------------


@dataclass
class ItemEntry:
    """An item with its levels and the criteria shown with it."""

    item: Item
    levels: list[Level]
    criteria: list[Criterion]


@dataclass
class SubcategoryEntry:
    """A subcategory with its items and their counts per level."""

    subcategory: Subcategory
    items: list[ItemEntry] = field(default_factory=list)
    level_counts: list[LevelCount] = field(default_factory=list)


@dataclass
class CategoryEntry:
    """A category with its subcategories and their counts per level."""

    category: Category
    subcategories: list[SubcategoryEntry] = field(default_factory=list)
    level_counts: list[LevelCount] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(sub.items) for sub in self.subcategories)


def _item_queryset(edition: Edition) -> QuerySet[Item]:
    return (
        Item.objects.filter(edition=edition)
        .select_related("edition", "subcategory", "subcategory__category", "identical_to")
        .prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("stars")))
        .order_by("position")
    )


def _criteria_by_item(edition: Edition) -> dict[int, list[Criterion]]:
    grouped: dict[int, list[Criterion]] = defaultdict(list)
    criteria = Criterion.objects.filter(edition=edition).select_related("level")
    for criterion in criteria.order_by("position"):
        grouped[criterion.item_id].append(criterion)
    return grouped


def _count_levels(entries: Iterable[ItemEntry], levels: Sequence[Level]) -> list[LevelCount]:
    counts = []
    for level in levels:
        items = [entry for entry in entries if level in entry.levels]
        criteria = sum(1 for e in items for c in e.criteria if _applies(c, level))
        counts.append(LevelCount(level=level, items=len(items), criteria=criteria))
    return counts


def edition_tree(
    edition: Edition, *, level: Level | None = None, category: Category | None = None
) -> list[CategoryEntry]:
    """The edition's categories, subcategories and items, optionally narrowed.

    With `level`, only the items that apply at that level are kept, each with the criteria
    that apply at that level; without it, every item with all of its criteria. With
    `category`, only that category. Empty subcategories are kept only without a level filter,
    so the overview still shows the whole structure. Five queries whatever the size.
    """
    categories = Category.objects.filter(edition=edition).order_by("position")
    if category is not None:
        categories = categories.filter(pk=category.pk)
    category_entries = {c.pk: CategoryEntry(category=c) for c in categories}
    subcategory_entries: dict[int, SubcategoryEntry] = {}
    subcategories = Subcategory.objects.filter(edition=edition, category__in=categories)
    for subcategory in subcategories.order_by("position"):
        entry = SubcategoryEntry(subcategory=subcategory)
        subcategory_entries[subcategory.pk] = entry
        category_entries[subcategory.category_id].subcategories.append(entry)

    criteria = _criteria_by_item(edition)
    for item in _item_queryset(edition).filter(subcategory__in=subcategory_entries.keys()):
        levels = list(item.levels.all())
        if level is not None and level not in levels:
            continue
        item_criteria = criteria.get(item.pk, [])
        if level is not None:
            item_criteria = [c for c in item_criteria if _applies(c, level)]
        subcategory_entries[item.subcategory_id].items.append(
            ItemEntry(item=item, levels=levels, criteria=item_criteria)
        )

    if level is None:
        seen = {
            lv.pk: lv for sub in subcategory_entries.values() for e in sub.items for lv in e.levels
        }
        all_levels = sorted(seen.values(), key=lambda lv: lv.stars)
    else:
        all_levels = [level]
    result = []
    for cat in category_entries.values():
        if level is not None:
            cat.subcategories = [sub for sub in cat.subcategories if sub.items]
        for sub in cat.subcategories:
            sub.level_counts = _count_levels(sub.items, all_levels)
        cat.level_counts = _count_levels(
            [i for sub in cat.subcategories for i in sub.items], all_levels
        )
        if level is None or cat.subcategories:
            result.append(cat)
    return result


def edition_level_counts(
    tree: Sequence[CategoryEntry], levels: Sequence[Level]
) -> list[LevelCount]:
    """Totals per level over a tree built by `edition_tree` (no query)."""
    entries = [item for cat in tree for sub in cat.subcategories for item in sub.items]
    return [count for count in _count_levels(entries, levels) if count.items]


# ------------------------------------------------------------------------------------------------
# One item
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefTarget:
    """Where a cited ID points inside the same edition: an item, or a criterion of an item."""

    code: str
    item_code: str
    is_criterion: bool


@dataclass(frozen=True)
class ItemDetail:
    """Everything the item page shows."""

    item: Item
    levels: list[Level]
    criteria: list[Criterion]
    refs: dict[str, RefTarget]
    older: list[ItemCorrespondence]
    newer: list[ItemCorrespondence]
    identical_items: list[Item]
    dissolved: bool
    dissolved_note: str


def item_get(*, edition: Edition, code: str) -> Item:
    """The item of the edition with this code; raises Item.DoesNotExist otherwise."""
    return _item_queryset(edition).get(code=code)


def refs_resolve(edition: Edition, codes: Iterable[str]) -> dict[str, RefTarget]:
    """Resolve cited IDs to the items and criteria of the edition (IDs not found are left out)."""
    wanted = set(codes)
    if not wanted:
        return {}
    targets: dict[str, RefTarget] = {}
    for code in Item.objects.filter(edition=edition, code__in=wanted).values_list(
        "code", flat=True
    ):
        targets[code] = RefTarget(code=code, item_code=code, is_criterion=False)
    criteria = Criterion.objects.filter(edition=edition, code__in=wanted - targets.keys())
    for code, item_code in criteria.values_list("code", "item__code"):
        targets[code] = RefTarget(code=code, item_code=item_code, is_criterion=True)
    return targets


def _correspondences() -> QuerySet[ItemCorrespondence]:
    return ItemCorrespondence.objects.select_related(
        "from_item", "from_item__edition", "to_item", "to_item__edition"
    ).exclude(
        Q(from_item__edition__status=Edition.Status.DRAFT)
        | Q(to_item__edition__status=Edition.Status.DRAFT)
    )


def item_correspondences(
    item: Item,
) -> tuple[list[ItemCorrespondence], list[ItemCorrespondence]]:
    """(older, newer): the links from items of earlier editions, and to items of later ones."""
    older = list(
        _correspondences()
        .filter(to_item=item)
        .order_by("from_item__edition__published_on", "from_item__position")
    )
    newer = list(
        _correspondences()
        .filter(from_item=item)
        .order_by("to_item__edition__published_on", "to_item__position")
    )
    return older, newer


def item_detail(*, edition: Edition, code: str) -> ItemDetail:
    """The item with its levels, all criteria, resolved references and correspondences.

    Raises Item.DoesNotExist for an unknown code.
    """
    item = item_get(edition=edition, code=code)
    criteria = list(item.criteria.select_related("level").order_by("position"))
    refs = refs_resolve(edition, (ref for c in criteria for ref in c.refs if isinstance(ref, str)))
    older, newer = item_correspondences(item)
    # Dissolved: the edition was mapped to a newer one, but nothing continues this item.
    dissolved = not newer and _correspondences().filter(from_item__edition=edition).exists()
    extra = item.extra if isinstance(item.extra, dict) else {}
    return ItemDetail(
        item=item,
        levels=list(item.levels.all()),
        criteria=criteria,
        refs=refs,
        older=older,
        newer=newer,
        identical_items=list(item.identical_items.select_related("edition").order_by("position")),
        dissolved=dissolved,
        dissolved_note=_localised_extra(extra, "final_note") if dissolved else "",
    )


# ------------------------------------------------------------------------------------------------
# Querysets of the API (filtered and paginated by the API views)
# ------------------------------------------------------------------------------------------------


def edition_api_queryset() -> QuerySet[Edition]:
    """Public editions with their item and criterion counts, newest first."""
    # An aggregation ignores Meta.ordering, so the order is spelled out.
    return (
        edition_public_queryset()
        .annotate(
            n_items=Count("items", distinct=True), n_criteria=Count("criteria", distinct=True)
        )
        .order_by("-published_on", "code")
    )


def item_api_queryset(edition: Edition) -> QuerySet[Item]:
    """The items of an edition with their levels, codes of their groups and criterion counts."""
    return _item_queryset(edition).annotate(n_criteria=Count("criteria"))


def item_api_detail_queryset(edition: Edition) -> QuerySet[Item]:
    """As item_api_queryset, with every criterion (and its level) prefetched."""
    criteria = Criterion.objects.select_related("level").order_by("position")
    return item_api_queryset(edition).prefetch_related(Prefetch("criteria", queryset=criteria))


def criterion_api_queryset(edition: Edition) -> QuerySet[Criterion]:
    """The criteria of an edition in catalogue order, with their item and level."""
    return (
        Criterion.objects.filter(edition=edition)
        .select_related("item", "level")
        .order_by("position")
    )


def criteria_applying_at(criteria: QuerySet[Criterion], level: Level) -> QuerySet[Criterion]:
    """The criteria that an applicant at `level` meets (the level rule, as a query)."""
    return criteria.filter(item__levels=level, level__stars__lte=level.stars)


# ------------------------------------------------------------------------------------------------
# What a higher level adds (★3 → ★4)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddedCriteria:
    """An item that applies at both levels, with the criteria only the higher level requires."""

    item: Item
    criteria: list[Criterion]


@dataclass(frozen=True)
class CategoryComparison:
    """Counts of one category at the lower and at the higher level."""

    category: Category
    lower_items: int
    upper_items: int
    lower_criteria: int
    upper_criteria: int


@dataclass(frozen=True)
class Comparison:
    """What the higher level adds to the lower one, with totals computed from the rows."""

    lower: Level
    upper: Level
    upper_only: list[Item]
    with_additions: list[AddedCriteria]
    identical: list[Item]
    lower_items: int
    upper_items: int
    lower_criteria: int
    upper_criteria: int
    categories: list[CategoryComparison]

    @property
    def added_criteria(self) -> int:
        return self.upper_criteria - self.lower_criteria

    @property
    def added_items(self) -> int:
        return self.upper_items - self.lower_items


def edition_comparable_levels(edition: Edition) -> tuple[Level, Level] | None:
    """(★3, ★4) when the edition has items shared by both levels, so that a comparison item by
    item makes sense; None otherwise (e.g. the interim edition numbers each level apart)."""
    levels = {level.stars: level for level in edition_levels(edition)}
    lower, upper = levels.get(3), levels.get(4)
    if lower is None or upper is None:
        return None
    shared = Item.objects.filter(edition=edition, levels=lower).filter(levels=upper).exists()
    return (lower, upper) if shared else None


def edition_comparison(edition: Edition, *, lower: Level, upper: Level) -> Comparison:
    """Compare two levels of an edition item by item.

    - upper_only: items that apply at the higher level and not at the lower one (an item of a
      per-level numbering that is `identical_to` a lower-level item counts as identical);
    - with_additions: items at both levels, with the criteria the higher level adds;
    - identical: items at both levels that the higher level does not change.
    """
    tree = edition_tree(edition)
    upper_only: list[Item] = []
    with_additions: list[AddedCriteria] = []
    identical: list[Item] = []
    lower_ids: set[int] = set()
    per_category: list[CategoryComparison] = []
    totals = [0, 0, 0, 0]
    for cat in tree:
        counts = [0, 0, 0, 0]
        entries = [entry for sub in cat.subcategories for entry in sub.items]
        lower_ids.update(e.item.pk for e in entries if lower in e.levels)
        for entry in entries:
            at_lower, at_upper = lower in entry.levels, upper in entry.levels
            lower_criteria = [c for c in entry.criteria if _applies(c, lower)]
            upper_criteria = [c for c in entry.criteria if _applies(c, upper)]
            if at_lower:
                counts[0] += 1
                counts[2] += len(lower_criteria)
            if at_upper:
                counts[1] += 1
                counts[3] += len(upper_criteria)
            if not at_upper:
                continue
            if at_lower:
                added = [c for c in upper_criteria if not _applies(c, lower)]
                if added:
                    with_additions.append(AddedCriteria(item=entry.item, criteria=added))
                else:
                    identical.append(entry.item)
            elif entry.item.identical_to_id is not None:
                identical.append(entry.item)
            else:
                upper_only.append(entry.item)
        per_category.append(
            CategoryComparison(cat.category, counts[0], counts[1], counts[2], counts[3])
        )
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    # A per-level numbering (interim edition) links a higher-level item to an identical lower
    # one only when that one is really at the lower level.
    identical = [
        item
        for item in identical
        if item.identical_to_id is None or item.identical_to_id in lower_ids
    ]
    return Comparison(
        lower=lower,
        upper=upper,
        upper_only=upper_only,
        with_additions=with_additions,
        identical=identical,
        lower_items=totals[0],
        upper_items=totals[1],
        lower_criteria=totals[2],
        upper_criteria=totals[3],
        categories=per_category,
    )


# ------------------------------------------------------------------------------------------------
# Mapping between two editions (interim → final)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingRow:
    """One item of the older edition and the items of the newer edition it became."""

    item: Item
    correspondences: list[ItemCorrespondence]

    @property
    def dissolved(self) -> bool:
        """No item of the newer edition continues this one."""
        return not self.correspondences

    @property
    def notes(self) -> list[str]:
        """The notes of the correspondences in the active language, each once."""
        notes = [link.note for link in self.correspondences if link.note]
        return list(dict.fromkeys(notes))

    @property
    def dissolved_note(self) -> str:
        """The loader's explanation for a dissolved item, in the active language."""
        extra = self.item.extra if isinstance(self.item.extra, dict) else {}
        return _localised_extra(extra, "final_note")


@dataclass(frozen=True)
class MappingGroup:
    """The mapping rows of the items that apply at one level of the older edition."""

    level: Level | None
    rows: list[MappingRow]

    @property
    def dissolved_count(self) -> int:
        return sum(1 for row in self.rows if row.dissolved)


def _localised_extra(extra: dict[str, object], key: str) -> str:
    if (get_language() or "ja").startswith("en"):
        value = extra.get(f"{key}_en") or extra.get(key)
    else:
        value = extra.get(f"{key}_ja") or extra.get(key)
    return str(value) if value else ""


def edition_pairs_mapped(edition: Edition) -> list[tuple[Edition, Edition]]:
    """(older, newer) pairs of public editions linked by correspondences, involving `edition`."""
    rows = (
        _correspondences()
        .filter(Q(from_item__edition=edition) | Q(to_item__edition=edition))
        .values_list("from_item__edition_id", "to_item__edition_id")
        .distinct()
    )
    pairs = list(rows)
    editions = edition_public_queryset().in_bulk({pk for pair in pairs for pk in pair})
    return [(editions[a], editions[b]) for a, b in sorted(pairs) if a in editions and b in editions]


def edition_mapping(*, older: Edition, newer: Edition) -> list[MappingGroup]:
    """Every item of `older`, grouped by level, with the items of `newer` it maps to.

    An item that applies at several levels appears in the group of each. Items without any
    correspondence are dissolved. Four queries whatever the size.
    """
    items = list(_item_queryset(older))
    by_item: dict[int, list[ItemCorrespondence]] = defaultdict(list)
    correspondences = (
        _correspondences()
        .filter(from_item__edition=older, to_item__edition=newer)
        .order_by("to_item__position")
    )
    for correspondence in correspondences:
        by_item[correspondence.from_item_id].append(correspondence)
    groups: list[MappingGroup] = []
    for level in level_list():
        rows = [
            MappingRow(item=item, correspondences=by_item.get(item.pk, []))
            for item in items
            if level in item.levels.all()
        ]
        if rows:
            groups.append(MappingGroup(level=level, rows=rows))
    without_level = [
        MappingRow(item=item, correspondences=by_item.get(item.pk, []))
        for item in items
        if not item.levels.all()
    ]
    if without_level:
        groups.append(MappingGroup(level=None, rows=without_level))
    return groups


# ------------------------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------------------------

# Dashes people type for the "-" in an ID: hyphen, non-breaking hyphen, figure dash, en/em
# dash, minus sign, katakana long vowel mark and the half-width one (NFKC already maps the
# full-width hyphen-minus "－" to "-").
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70]")
_ID_QUERY = re.compile(r"^(?:no\.?\s*)?(\d+(?:-\d+)*)$")
MAX_QUERY_LENGTH = 200


def normalise_text(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), dashes unified, case folded."""
    normalised = unicodedata.normalize("NFKC", text)
    return _DASHES.sub("-", normalised).casefold()


def normalise_query(query: str) -> str:
    """The query as searched: normalised, trimmed, inner whitespace collapsed."""
    return " ".join(normalise_text(query[:MAX_QUERY_LENGTH]).split())


@dataclass(frozen=True)
class SearchHit:
    """An item that matched, itself (title or requirement) and/or through some criteria."""

    item: Item
    item_matched: bool
    criteria: list[Criterion]


@dataclass(frozen=True)
class SearchResults:
    """The hits of one search, in catalogue order."""

    query: str
    terms: list[str]
    is_id_query: bool
    hits: list[SearchHit]

    @property
    def item_count(self) -> int:
        return len(self.hits)

    @property
    def criterion_count(self) -> int:
        return sum(len(hit.criteria) for hit in self.hits)


def _matches(haystack: str, terms: Sequence[str]) -> bool:
    compact = "".join(haystack.split())
    for term in terms:
        if term in haystack:
            continue
        # Japanese text is not split by spaces; tolerate stray spaces such as "e ラーニング".
        if not term.isascii() and term in compact:
            continue
        return False
    return True


def _item_haystack(item: Item) -> str:
    parts = [item.code, item.title_ja, item.title_en, item.requirement_ja, item.requirement_en]
    return normalise_text("\n".join(parts))


def _criterion_haystack(criterion: Criterion) -> str:
    parts = [criterion.code, criterion.statement_ja, criterion.statement_en]
    parts += [str(d) for d in (criterion.details_ja or [])]
    parts += [str(d) for d in (criterion.details_en or [])]
    parts += [criterion.guidance_ja, criterion.guidance_en]
    return normalise_text("\n".join(parts))


def _code_matches(code: str, wanted: str) -> bool:
    return code == wanted or code.startswith(wanted + "-")


def catalogue_search(edition: Edition, query: str) -> SearchResults:
    """Search the Japanese and English texts and the IDs of an edition's items and criteria.

    The query is NFKC-normalised (so "４－１－３" is "4-1-3") and matched case-insensitively.
    An ID ("4-1-3", "No.4-1-3") finds the item and its criteria, or every item and criterion
    under a shorter prefix ("4-1"). Any other query is split on whitespace and every word must
    appear in one item's texts or one criterion's texts. An empty query finds nothing.
    Three queries whatever the size.
    """
    normalised = normalise_query(query)
    if not normalised:
        return SearchResults(query="", terms=[], is_id_query=False, hits=[])
    id_match = _ID_QUERY.match(normalised)
    terms = [id_match.group(1)] if id_match else normalised.split(" ")
    criteria = _criteria_by_item(edition)
    hits: list[SearchHit] = []
    for item in _item_queryset(edition):
        item_criteria = criteria.get(item.pk, [])
        if id_match:
            wanted = id_match.group(1)
            item_matched = _code_matches(item.code, wanted)
            matched = [c for c in item_criteria if _code_matches(c.code, wanted)]
        else:
            item_matched = _matches(_item_haystack(item), terms)
            matched = [c for c in item_criteria if _matches(_criterion_haystack(c), terms)]
        if item_matched or matched:
            hits.append(SearchHit(item=item, item_matched=item_matched, criteria=matched))
    return SearchResults(query=normalised, terms=terms, is_id_query=id_match is not None, hits=hits)
