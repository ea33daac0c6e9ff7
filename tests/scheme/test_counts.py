"""The exact counts of both editions, counted from the database rows the loader wrote.

Final edition (2026-03-27): ★3 26 items / 81 criteria; ★4 43 items / 153 criteria (every
criterion of every item); 17 ★4-only items, 12 items identical at ★4, 14 with ★4 additions.
Interim edition (2025-04): ★3 25 items, ★4 44 items, 11 ★4 items identical to ★3 items.
"""

import re
from collections import Counter

import pytest
from django.db.models import Count, Q

from scheme.models import Category, Criterion, Edition, Item, ItemCorrespondence, Subcategory
from tests.factories.scheme import catalogue_loaded

FINAL = "scs-2026-03"
INTERIM = "scs-2025-04-interim"


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


@pytest.fixture
def final(catalogue, db):
    return Edition.objects.get(code=FINAL)


@pytest.fixture
def interim(catalogue, db):
    return Edition.objects.get(code=INTERIM)


# Count helpers: the level rule, as queries.


def items_at(edition: Edition, stars: int):
    return Item.objects.filter(edition=edition, levels__stars=stars)


def criteria_required_at(edition: Edition, stars: int):
    """Criteria a ★n applicant must meet: tagged ★n or lower, of items that apply at ★n."""
    return Criterion.objects.filter(
        edition=edition, level__stars__lte=stars, item__levels__stars=stars
    )


def shared_items(edition: Edition):
    """★3 items (which all apply at ★4 too), with their number of ★4-tagged criteria."""
    return items_at(edition, 3).annotate(
        star4_tagged=Count("criteria", filter=Q(criteria__level__stars=4))
    )


# ------------------------------------------------------------------------------------------------
# Final edition
# ------------------------------------------------------------------------------------------------


def test_final_structure(final):
    assert Category.objects.filter(edition=final).count() == 7
    assert Subcategory.objects.filter(edition=final).count() == 16
    assert Item.objects.filter(edition=final).count() == 43
    assert Criterion.objects.filter(edition=final).count() == 153


def test_final_star3(final):
    assert items_at(final, 3).count() == 26
    assert criteria_required_at(final, 3).count() == 81
    assert Criterion.objects.filter(edition=final, level__code="star3").count() == 81


def test_final_star4(final):
    assert items_at(final, 4).count() == 43
    assert criteria_required_at(final, 4).count() == 153
    assert Criterion.objects.filter(edition=final, level__code="star4").count() == 72


def test_final_star4_only_identical_and_with_additions(final):
    star4_only = items_at(final, 4).exclude(levels__stars=3)
    assert star4_only.count() == 17
    assert shared_items(final).filter(star4_tagged=0).count() == 12
    assert shared_items(final).filter(star4_tagged__gt=0).count() == 14
    # the loader keeps the file's own flag, and it agrees with the rows
    flags = Counter(item.extra["identical_at_star4"] for item in Item.objects.filter(edition=final))
    assert flags == {True: 12, False: 14, None: 17}


def test_final_star3_criteria_per_category(final):
    per_category = dict(
        criteria_required_at(final, 3)
        .values_list("item__subcategory__category__code")
        .annotate(n=Count("pk"))
    )
    assert per_category == {"1": 8, "2": 4, "3": 11, "4": 48, "5": 3, "6": 6, "7": 1}


def test_final_star4_tagged_criteria_per_category(final):
    per_category = dict(
        Criterion.objects.filter(edition=final, level__code="star4")
        .values_list("item__subcategory__category__code")
        .annotate(n=Count("pk"))
    )
    assert per_category == {"1": 11, "2": 3, "3": 18, "4": 34, "5": 5, "7": 1}


def test_no_star5_items(final, interim):
    assert not Item.objects.filter(levels__stars=5).exists()


def test_final_rows_are_in_document_order(final):
    criteria = list(Criterion.objects.filter(edition=final).select_related("item"))
    assert [c.position for c in criteria] == list(range(1, 154))
    assert [c.source_row for c in criteria] == list(range(3, 156))
    assert all(c.code.startswith(c.item.code + "-") for c in criteria)
    items = list(Item.objects.filter(edition=final))
    assert [i.position for i in items] == list(range(1, 44))
    assert items[0].code == "1-1-1"
    assert items[-1].code == "7-1-1"
    anchors = {"1-2-1-1": 6, "4-1-3-1": 70, "5-1-1-1": 140, "7-1-1-1": 154}
    assert {c.code: c.source_row for c in criteria if c.code in anchors} == anchors


def test_final_csf_functions_follow_the_categories(final):
    expected = {"1": "GV", "2": "GV", "3": "ID", "4": "PR", "5": "DE", "6": "RS", "7": "RC"}
    assert dict(Category.objects.filter(edition=final).values_list("code", "csf_function")) == (
        expected
    )
    for criterion in Criterion.objects.filter(edition=final).select_related(
        "item__subcategory__category"
    ):
        assert criterion.csf_function == expected[criterion.item.subcategory.category.code]
    subcategory = Subcategory.objects.get(edition=final, code="4-1")
    assert (subcategory.csf_category, subcategory.name_ja) == (
        "PR.AA",
        "アイデンティティ管理、認証、アクセス制御",
    )


def test_final_criterion_fields(final):
    patching = Criterion.objects.get(edition=final, params__has_key="patch_deadline_days")
    assert patching.params["patch_deadline_days"] == 14
    assert patching.params["cvss_base_min"] == 7.0
    listed = Criterion.objects.get(edition=final, code="2-1-2-1")
    assert len(listed.details_ja) == len(listed.details_en) == 3
    assert Criterion.objects.get(edition=final, code="1-1-1-2").refs == ["1-1-1-1"]
    item = Item.objects.get(edition=final, code="1-2-1")
    assert item.extra["interim"] == {"star3_no": 1, "star4_no": 2}
    assert item.extra["technical_verification"] == "unknown"
    assert item.requirement_ja
    assert item.requirement_en


# ------------------------------------------------------------------------------------------------
# Interim edition
# ------------------------------------------------------------------------------------------------


def test_interim_counts(interim):
    assert Category.objects.filter(edition=interim).count() == 7
    assert Subcategory.objects.filter(edition=interim).count() == 16
    assert items_at(interim, 3).count() == 25
    assert items_at(interim, 4).count() == 44
    assert Item.objects.filter(edition=interim).count() == 69
    assert not Criterion.objects.filter(edition=interim).exists()


def test_interim_identical_items(interim):
    identical = Item.objects.filter(edition=interim, identical_to__isnull=False).select_related(
        "identical_to"
    )
    assert identical.count() == 11
    pairs = {(item.code, getattr(item.identical_to, "code", "")) for item in identical}
    assert pairs == {
        ("★4-05", "★3-03"),
        ("★4-09", "★3-06"),
        ("★4-15", "★3-09"),
        ("★4-18", "★3-11"),
        ("★4-19", "★3-12"),
        ("★4-21", "★3-14"),
        ("★4-22", "★3-15"),
        ("★4-23", "★3-16"),
        ("★4-28", "★3-18"),
        ("★4-36", "★3-21"),
        ("★4-43", "★3-25"),
    }
    assert all(item.levels.get().code == "star4" for item in identical)
    targets = Item.objects.filter(identical_items__in=identical).distinct()
    assert targets.count() == 11
    assert all(target.levels.get().code == "star3" for target in targets)


def test_interim_codes_and_facts(interim):
    codes = list(Item.objects.filter(edition=interim).values_list("code", flat=True))
    assert codes[:2] == ["★3-01", "★3-02"]
    assert codes[24:27] == ["★3-25", "★4-01", "★4-02"]
    assert codes[-1] == "★4-44"
    assert all(re.fullmatch(r"★[34]-\d\d", code) for code in codes)
    items = {item.code: item for item in Item.objects.filter(edition=interim)}
    assert sum(items[f"★3-{n:02d}"].extra["criteria"] for n in range(1, 26)) == 78
    assert sum(items[f"★4-{n:02d}"].extra["criteria"]["star4_row"] for n in range(1, 45)) == 74
    uncertain = [n for n in range(1, 45) if items[f"★4-{n:02d}"].extra["confidence"] == "low"]
    assert uncertain == list(range(18, 29))
    assert items["★4-27"].extra["no_candidates"] == [26, 27, 28]
    assert items["★4-27"].extra["merged_by_assumption"] is True
    assert items["★3-01"].requirement_ja.startswith("統括役員（CISO等）")
    assert (
        items["★3-04"].extra["final_note_ja"]
        == "廃止。年1回以上の点検は確定版の各要求事項に移された"
    )


# ------------------------------------------------------------------------------------------------
# Interim → final
# ------------------------------------------------------------------------------------------------


def test_correspondences(final, interim):
    rows = ItemCorrespondence.objects.select_related("from_item", "to_item")
    assert rows.count() == 68
    assert {r.from_item.edition_id for r in rows} == {interim.pk}
    assert {r.to_item.edition_id for r in rows} == {final.pk}
    mapped = {(r.from_item.code, r.to_item.code): r for r in rows}
    assert mapped[("★3-01", "1-2-1")].confidence == "high"
    assert mapped[("★4-18", "4-1-1")].confidence == "low"
    assert {to for (frm, to) in mapped if frm == "★4-32"} == {"4-3-4", "7-1-1"}
    assert mapped[("★4-32", "7-1-1")].note_en == "restore testing moved to 7-1-1-2"
    assert mapped[("★4-32", "7-1-1")].note_ja == "復元確認は7-1-1-2に移された"


def test_dissolved_items_keep_their_note(interim):
    dissolved = Item.objects.filter(edition=interim, mapped_to__isnull=True)
    assert sorted(dissolved.values_list("code", flat=True)) == ["★3-04", "★4-06"]
    for item in dissolved:
        assert item.extra["final_items"] == []
        assert item.extra["final_note"].startswith("dissolved")
        assert item.extra["final_note_ja"].startswith("廃止")


def test_every_final_item_continues_something_except_the_new_one(final):
    new = Item.objects.filter(edition=final, mapped_from__isnull=True)
    assert list(new.values_list("code", flat=True)) == ["3-1-5"]
