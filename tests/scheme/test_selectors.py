"""Reads of the catalogue against the shipped catalogue (both editions, loaded once per module)."""

import pytest
from django.utils import translation

from scheme import selectors
from scheme.models import Edition, Level
from tests.factories.scheme import (
    CriterionFactory,
    EditionFactory,
    ItemFactory,
    LevelFactory,
    catalogue_loaded,
)

FINAL = "scs-2026-03"
INTERIM = "scs-2025-04-interim"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


@pytest.fixture
def final(catalogue) -> Edition:
    return Edition.objects.get(code=FINAL)


@pytest.fixture
def interim(catalogue) -> Edition:
    return Edition.objects.get(code=INTERIM)


@pytest.fixture
def star3(catalogue) -> Level:
    return Level.objects.get(code="star3")


@pytest.fixture
def star4(catalogue) -> Level:
    return Level.objects.get(code="star4")


# ------------------------------------------------------------------------------------------------
# Editions
# ------------------------------------------------------------------------------------------------


def test_current_edition_comes_from_the_setting(final, settings):
    assert selectors.edition_current() == final
    settings.SCHEME_CURRENT_EDITION = INTERIM
    current = selectors.edition_current()
    assert current is not None
    assert current.code == INTERIM
    settings.SCHEME_CURRENT_EDITION = "not-loaded"
    assert selectors.edition_current() is None


def test_drafts_are_not_public(catalogue):
    draft = EditionFactory(code="scs-2027-draft")
    assert draft not in selectors.edition_public_queryset()
    with pytest.raises(Edition.DoesNotExist):
        selectors.edition_get_public(code="scs-2027-draft")


def test_summaries_put_the_current_edition_first_with_counts(catalogue):
    summaries = selectors.edition_summaries()
    assert [s.edition.code for s in summaries] == [FINAL, INTERIM]
    final, interim = summaries
    assert final.is_current
    assert not interim.is_current
    assert (final.item_count, final.criterion_count) == (43, 153)
    assert [(c.level.code, c.items) for c in final.level_counts] == [("star3", 26), ("star4", 43)]
    assert [(c.level.code, c.items) for c in interim.level_counts] == [("star3", 25), ("star4", 44)]


def test_levels_of_an_edition_are_those_with_items(final, interim):
    assert [lv.code for lv in selectors.edition_levels(final)] == ["star3", "star4"]
    assert [lv.code for lv in selectors.level_list()] == ["star3", "star4", "star5"]


# ------------------------------------------------------------------------------------------------
# The tree and the level rule
# ------------------------------------------------------------------------------------------------


def test_overview_tree_has_every_category_and_subcategory(final):
    tree = selectors.edition_tree(final)
    assert [c.category.code for c in tree] == ["1", "2", "3", "4", "5", "6", "7"]
    assert sum(len(c.subcategories) for c in tree) == 16
    counts = selectors.edition_level_counts(tree, selectors.edition_levels(final))
    assert [(c.level.code, c.items, c.criteria) for c in counts] == [
        ("star3", 26, 81),
        ("star4", 43, 153),
    ]


def test_at_star3_only_star3_tagged_criteria_apply(final, star3):
    tree = selectors.edition_tree(final, level=star3)
    entries = [e for c in tree for s in c.subcategories for e in s.items]
    assert len(entries) == 26
    criteria = [crit for e in entries for crit in e.criteria]
    assert len(criteria) == 81
    assert {crit.level.code for crit in criteria} == {"star3"}
    # Subcategories without a ★3 item are left out (1-1 has only a ★4 item).
    assert "1-1" not in {s.subcategory.code for c in tree for s in c.subcategories}


def test_at_star4_every_criterion_of_every_item_applies(final, star4):
    tree = selectors.edition_tree(final, level=star4)
    entries = [e for c in tree for s in c.subcategories for e in s.items]
    assert len(entries) == 43
    assert sum(len(e.criteria) for e in entries) == 153


def test_tree_narrowed_to_one_category(final, star3):
    category = final.categories.get(code="4")
    tree = selectors.edition_tree(final, level=star3, category=category)
    assert [c.category.code for c in tree] == ["4"]
    assert tree[0].level_counts[0].items == 13
    assert tree[0].level_counts[0].criteria == 48


def test_tree_query_count_does_not_grow_with_the_catalogue(final, star4, django_assert_num_queries):
    with django_assert_num_queries(5):
        selectors.edition_tree(final, level=star4)


# ------------------------------------------------------------------------------------------------
# One item
# ------------------------------------------------------------------------------------------------


def test_item_detail_resolves_references_and_correspondences(final):
    detail = selectors.item_detail(edition=final, code="4-1-5")
    assert [c.code for c in detail.criteria] == [f"4-1-5-{n}" for n in range(1, 6)]
    assert detail.refs["4-1-3-3"].item_code == "4-1-3"
    assert detail.refs["4-1-3-3"].is_criterion
    assert {link.from_item.code for link in detail.older} == {"★3-15", "★4-22"}
    assert detail.newer == []
    assert not detail.dissolved


def test_refs_to_unknown_ids_are_left_out(final):
    refs = selectors.refs_resolve(final, ["4-1-5", "4-1-3-3", "9-9-9"])
    assert set(refs) == {"4-1-5", "4-1-3-3"}
    assert not refs["4-1-5"].is_criterion


def test_dissolved_interim_item_carries_its_note(interim):
    detail = selectors.item_detail(edition=interim, code="★3-04")
    assert detail.dissolved
    with translation.override("en"):
        assert "dissolved" in selectors.item_detail(edition=interim, code="★3-04").dissolved_note
    with translation.override("ja"):
        assert "廃止" in selectors.item_detail(edition=interim, code="★3-04").dissolved_note
    assert [
        link.to_item.code for link in selectors.item_detail(edition=interim, code="★3-01").newer
    ] == ["1-2-1"]


def test_unknown_item_raises(final):
    from scheme.models import Item

    with pytest.raises(Item.DoesNotExist):
        selectors.item_detail(edition=final, code="9-9-9")


# ------------------------------------------------------------------------------------------------
# ★3 → ★4
# ------------------------------------------------------------------------------------------------


def test_comparison_totals_are_computed_from_the_rows(final, star3, star4):
    comparison = selectors.edition_comparison(final, lower=star3, upper=star4)
    assert (comparison.lower_items, comparison.upper_items) == (26, 43)
    assert (comparison.lower_criteria, comparison.upper_criteria) == (81, 153)
    assert comparison.added_items == 17
    assert comparison.added_criteria == 72
    assert len(comparison.upper_only) == 17
    assert len(comparison.with_additions) == 14
    assert len(comparison.identical) == 12
    # What ★4 adds = the ★4 criteria of shared items + every criterion of the ★4-only items.
    added_in_shared = sum(len(entry.criteria) for entry in comparison.with_additions)
    in_star4_only = sum(item.criteria.count() for item in comparison.upper_only)
    assert added_in_shared + in_star4_only == 72
    assert all(c.level == star4 for e in comparison.with_additions for c in e.criteria)
    assert sum(row.upper_criteria for row in comparison.categories) == 153


def test_comparison_follows_the_data_not_constants(catalogue, star3, star4):
    edition = EditionFactory.create(published=True)
    shared = ItemFactory(subcategory__category__edition=edition, levels=[star3, star4])
    CriterionFactory(item=shared, level=star3)
    added = CriterionFactory(item=shared, level=star4)
    only4 = ItemFactory(subcategory=shared.subcategory, levels=[star4])
    comparison = selectors.edition_comparison(edition, lower=star3, upper=star4)
    assert (comparison.lower_items, comparison.upper_items) == (1, 2)
    assert (comparison.lower_criteria, comparison.upper_criteria) == (1, 2)
    assert comparison.upper_only == [only4]
    assert comparison.with_additions[0].criteria == [added]
    assert comparison.identical == []


def test_editions_numbered_per_level_are_not_compared(final, interim):
    assert selectors.edition_comparable_levels(interim) is None
    levels = selectors.edition_comparable_levels(final)
    assert levels is not None
    lower, upper = levels
    assert (lower.code, upper.code) == ("star3", "star4")


# ------------------------------------------------------------------------------------------------
# Interim → final
# ------------------------------------------------------------------------------------------------


def test_mapping_lists_every_interim_item_per_level(final, interim):
    assert selectors.edition_pairs_mapped(final) == [(interim, final)]
    assert selectors.edition_pairs_mapped(interim) == [(interim, final)]
    groups = selectors.edition_mapping(older=interim, newer=final)
    assert [(g.level and g.level.code, len(g.rows)) for g in groups] == [
        ("star3", 25),
        ("star4", 44),
    ]
    dissolved = {row.item.code for g in groups for row in g.rows if row.dissolved}
    assert dissolved == {"★3-04", "★4-06"}
    star4_32 = next(row for row in groups[1].rows if row.item.code == "★4-32")
    assert [link.to_item.code for link in star4_32.correspondences] == ["4-3-4", "7-1-1"]
    with translation.override("en"):
        assert star4_32.notes == ["restore testing moved to 7-1-1-2"]


def test_mapping_query_count_is_flat(final, interim, django_assert_num_queries):
    with django_assert_num_queries(4):
        groups = selectors.edition_mapping(older=interim, newer=final)
        for group in groups:
            for row in group.rows:
                [link.to_item.code for link in row.correspondences]


# ------------------------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------------------------


def _codes(results: selectors.SearchResults) -> list[str]:
    return [hit.item.code for hit in results.hits]


def test_search_by_japanese_word(final):
    results = selectors.catalogue_search(final, "バックアップ")
    assert "4-3-4" in _codes(results)
    hit = next(h for h in results.hits if h.item.code == "4-3-4")
    assert hit.item_matched
    assert [c.code for c in hit.criteria] == ["4-3-4-1", "4-3-4-2", "4-3-4-3"]


def test_search_by_english_word_ignores_case_and_width(final):
    plain = selectors.catalogue_search(final, "backup")
    assert "4-3-4" in _codes(plain)
    assert _codes(selectors.catalogue_search(final, "BACKUP")) == _codes(plain)
    assert _codes(selectors.catalogue_search(final, "ＢａｃｋＵＰ")) == _codes(plain)


def test_search_words_must_all_match(final):
    one = selectors.catalogue_search(final, "password")
    both = selectors.catalogue_search(final, "password  administrator")
    assert both.item_count < one.item_count
    assert both.terms == ["password", "administrator"]
    assert set(_codes(both)) <= set(_codes(one))


@pytest.mark.parametrize("query", ["4-1-3", "４－１－３", " 4‐1‐3 ", "No.4-1-3", "no 4ー1ー3"])
def test_search_by_item_id_finds_the_item_and_its_criteria(final, query):
    results = selectors.catalogue_search(final, query)
    assert results.is_id_query
    assert _codes(results) == ["4-1-3"]
    hit = results.hits[0]
    assert hit.item_matched
    assert [c.code for c in hit.criteria] == [
        c.code for c in hit.item.criteria.order_by("position")
    ]
    assert results.criterion_count == 5


def test_search_by_criterion_id_finds_only_that_criterion(final):
    results = selectors.catalogue_search(final, "4-1-3-2")
    assert _codes(results) == ["4-1-3"]
    assert not results.hits[0].item_matched
    assert [c.code for c in results.hits[0].criteria] == ["4-1-3-2"]


def test_search_by_id_prefix_finds_the_whole_subcategory(final):
    results = selectors.catalogue_search(final, "4-1")
    assert _codes(results) == [f"4-1-{n}" for n in range(1, 10)]


def test_search_for_interim_codes(interim):
    assert _codes(selectors.catalogue_search(interim, "★3-04")) == ["★3-04"]


def test_search_finds_nothing(final):
    results = selectors.catalogue_search(final, "zzqqxx")
    assert results.hits == []
    assert results.query == "zzqqxx"


@pytest.mark.parametrize("query", ["", "   ", "\u3000"])
def test_empty_search_finds_nothing(final, query):
    results = selectors.catalogue_search(final, query)
    assert results.hits == []
    assert results.query == ""


def test_search_runs_in_a_fixed_number_of_queries(final, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.catalogue_search(final, "パスワード")


def test_query_normalisation():
    assert selectors.normalise_query("  ＰａｓｓＷＯＲＤ\u3000４－１ ") == "password 4-1"
    assert selectors.normalise_query("4−1–3") == "4-1-3"
    assert len(selectors.normalise_query("あ" * 500)) == selectors.MAX_QUERY_LENGTH


def test_applying_at_matches_the_level_rule(final, star3, star4):
    criteria = selectors.criterion_api_queryset(final)
    assert selectors.criteria_applying_at(criteria, star3).count() == 81
    assert selectors.criteria_applying_at(criteria, star4).count() == 153


def test_factory_levels_are_shared_with_the_loaded_ones(star3):
    assert LevelFactory(stars=3) == star3
