"""The public catalogue pages, in Japanese (the default) and in English, against the shipped
catalogue (both editions, loaded once per module and rolled back afterwards)."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scheme.models import Edition
from tests.factories.scheme import EditionFactory, ItemFactory, catalogue_loaded

FINAL = "scs-2026-03"
INTERIM = "scs-2025-04-interim"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


def _item_url(edition: str, item: str) -> str:
    return reverse("scheme:item", kwargs={"edition": edition, "item": item})


# (url, a string only the Japanese page shows, a string only the English page shows)
PAGES = [
    (
        reverse("scheme:index"),
        "★3・★4を取得するために満たす要求事項と評価基準",
        "Requirement catalogue",
    ),
    (reverse("scheme:edition", kwargs={"edition": FINAL}), "★4で増える項目", "What ★4 adds to ★3"),
    (
        reverse("scheme:edition", kwargs={"edition": INTERIM}),
        "この版は廃止されています",
        "This edition has been retired",
    ),
    (
        reverse("scheme:level", kwargs={"edition": FINAL, "level": "star3"}),
        "★3（ベーシック）で求められる要求事項と評価基準",
        "Items and criteria at ★3 (Basic)",
    ),
    (
        reverse("scheme:level", kwargs={"edition": FINAL, "level": "star4"}) + "?category=4",
        "すべての評価基準が求められます",
        "every criterion of the item applies",
    ),
    (_item_url(FINAL, "4-1-5"), "参照先：", "Refers to:"),
    (_item_url(INTERIM, "★3-04"), "引き継ぐ要求事項はありません", "Dissolved:"),
    (reverse("scheme:compare", kwargs={"edition": FINAL}), "★4で増える項目", "What ★4 adds to ★3"),
    (
        reverse("scheme:mapping", kwargs={"older": INTERIM, "newer": FINAL}),
        "対応表",
        "Mapping from scs-2025-04-interim to scs-2026-03",
    ),
    (
        reverse("scheme:search", kwargs={"edition": FINAL}) + "?q=" + quote("バックアップ"),
        "見つかりました",
        "found for",
    ),
    (reverse("scheme:search", kwargs={"edition": FINAL}), "検索語を入力", "Type a word or an ID"),
]


@pytest.mark.parametrize(("url", "japanese", "english"), PAGES)
def test_every_page_renders_in_japanese_by_default(client, catalogue, url, japanese, english):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert japanese in html
    assert english not in html
    assert 'class="breadcrumbs"' in html
    assert 'aria-current="page"' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(("url", "japanese", "english"), PAGES)
def test_every_page_renders_in_english_from_the_language_cookie(
    client, catalogue, url, japanese, english
):
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert english in html
    assert 'class="breadcrumbs"' in html


def test_english_from_the_accept_language_header(client, catalogue):
    response = client.get(reverse("scheme:index"), headers={"accept-language": "en"})
    assert "Requirement catalogue" in response.content.decode()


def test_titles_name_the_page(client, catalogue):
    client.cookies["django_language"] = "en"
    html = client.get(_item_url(FINAL, "4-1-3")).content.decode()
    assert "<title>4-1-3 Authentication strength and method matched to importance |" in html
    html = client.get(reverse("scheme:compare", kwargs={"edition": FINAL})).content.decode()
    assert "<title>★3 and ★4 compared |" in html


# ------------------------------------------------------------------------------------------------
# Content
# ------------------------------------------------------------------------------------------------


def test_edition_list_marks_current_and_retired(client, catalogue):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("scheme:index")).content.decode()
    assert html.index(f"/catalogue/{FINAL}/") < html.index(f"/catalogue/{INTERIM}/")
    assert "In force" in html
    assert "Retired" in html


def test_edition_overview_links_everywhere(client, catalogue):
    html = client.get(reverse("scheme:edition", kwargs={"edition": FINAL})).content.decode()
    for name, kwargs in [
        ("scheme:level", {"edition": FINAL, "level": "star3"}),
        ("scheme:level", {"edition": FINAL, "level": "star4"}),
        ("scheme:compare", {"edition": FINAL}),
        ("scheme:search", {"edition": FINAL}),
        ("scheme:mapping", {"older": INTERIM, "newer": FINAL}),
        ("scheme:export-csv", {"edition": FINAL}),
        ("scheme:checklist", {"edition": FINAL, "level": "star3"}),
    ]:
        assert reverse(name, kwargs=kwargs) in html
    assert "GV.OC" in html  # NIST CSF category tag of subcategory 1-1
    assert Edition.objects.get(code=FINAL).notice_ja in html


def test_interim_overview_has_no_comparison_but_links_its_mapping(client, catalogue):
    html = client.get(reverse("scheme:edition", kwargs={"edition": INTERIM})).content.decode()
    assert reverse("scheme:compare", kwargs={"edition": INTERIM}) not in html
    assert reverse("scheme:mapping", kwargs={"older": INTERIM, "newer": FINAL}) in html


def test_level_page_lists_the_criteria_of_the_level(client, catalogue):
    url = reverse("scheme:level", kwargs={"edition": FINAL, "level": "star3"})
    html = client.get(url).content.decode()
    assert 'id="c-1-2-1-1"' in html  # ★3-tagged
    assert 'id="c-1-2-1-4"' not in html  # ★4-tagged criterion of a shared item
    assert 'id="i-1-1-1"' not in html  # ★4-only item
    html = client.get(reverse("scheme:level", kwargs={"edition": FINAL, "level": "star4"}))
    html = html.content.decode()
    assert 'id="c-1-2-1-4"' in html
    assert 'id="i-1-1-1"' in html


def test_level_page_category_filter(client, catalogue):
    url = reverse("scheme:level", kwargs={"edition": FINAL, "level": "star3"})
    html = client.get(url, {"category": "7"}).content.decode()
    assert 'id="i-7-1-1"' in html
    assert 'id="i-4-1-1"' not in html
    bad = client.get(url, {"category": "99"})
    assert bad.status_code == 200
    assert 'class="field-error"' in bad.content.decode()
    assert 'id="i-4-1-1"' in bad.content.decode()


def test_item_page_shows_figures_refs_and_where_it_came_from(client, catalogue):
    client.cookies["django_language"] = "en"
    html = client.get(_item_url(FINAL, "4-4-4")).content.decode()
    assert "Applied within 14 days of release" in html
    assert "CVSS base score 7.0 or higher" in html
    html = client.get(_item_url(FINAL, "4-1-5")).content.decode()
    assert f'href="{_item_url(FINAL, "4-1-3")}#c-4-1-3-3"' in html
    assert _item_url(INTERIM, "★3-15") in html
    html = client.get(_item_url(INTERIM, "★3-15")).content.decode()
    assert _item_url(FINAL, "4-1-5") in html


def test_item_page_in_japanese_shows_japanese_figures(client, catalogue):
    html = client.get(_item_url(FINAL, "1-1-1")).content.decode()
    assert "年1回以上" in html


def test_comparison_totals_come_from_the_data(client, catalogue):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("scheme:compare", kwargs={"edition": FINAL})).content.decode()
    for cells in (
        '<td class="numeric">26</td><td class="numeric">43</td><td class="numeric">17</td>',
        '<td class="numeric">81</td><td class="numeric">153</td><td class="numeric">72</td>',
    ):
        assert cells in html
    assert "17 items only at ★4" in html
    assert "14 items with additional ★4 criteria" in html
    assert "12 items identical at both levels" in html


def test_mapping_labels_dissolved_items(client, catalogue):
    client.cookies["django_language"] = "en"
    url = reverse("scheme:mapping", kwargs={"older": INTERIM, "newer": FINAL})
    html = client.get(url).content.decode()
    assert html.count('badge--warning">Dissolved') == 2
    assert "dissolved; yearly checks moved into individual final items" in html
    assert _item_url(FINAL, "7-1-1") in html


def test_search_page_groups_results_by_item_and_highlights(client, catalogue):
    url = reverse("scheme:search", kwargs={"edition": FINAL})
    html = client.get(url, {"q": "４－１－３"}).content.decode()
    assert "<mark>4-1-3</mark>" in html
    assert 'id="c-4-1-3-1"' in html
    assert html.count('class="card stack stack--tight"') == 1
    html = client.get(url, {"q": "zzqqxx"}).content.decode()
    assert "zzqqxx" in html
    assert "notice--warning" in html


def test_search_escapes_the_query(client, catalogue):
    url = reverse("scheme:search", kwargs={"edition": FINAL})
    html = client.get(url, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


# ------------------------------------------------------------------------------------------------
# Downloads
# ------------------------------------------------------------------------------------------------


def test_csv_download(client, catalogue):
    response = client.get(reverse("scheme:export-csv", kwargs={"edition": FINAL}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{FINAL}.csv"'
    text = response.content.decode("utf-8-sig")
    assert "4-1-3-2" in text
    assert "1-1-1-1" in text
    star3 = client.get(reverse("scheme:export-csv", kwargs={"edition": FINAL}), {"level": "star3"})
    assert star3["Content-Disposition"] == f'attachment; filename="{FINAL}-star3.csv"'
    assert "1-1-1-1" not in star3.content.decode("utf-8-sig")  # a ★4-only item


def test_checklist_download(client, catalogue):
    url = reverse("scheme:checklist", kwargs={"edition": FINAL, "level": "star3"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="{FINAL}-checklist-star3.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "4-1-3-2" in cells


# ------------------------------------------------------------------------------------------------
# Not found
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/catalogue/no-such-edition/",
        "/catalogue/scs-2027-draft/",
        "/catalogue/scs-2026-03/items/9-9-9/",
        "/catalogue/scs-2026-03/level/star5/",
        "/catalogue/scs-2026-03/level/star9/",
        "/catalogue/scs-2026-03/level/gold/",
        "/catalogue/scs-2025-04-interim/compare/",
        "/catalogue/no-such-edition/search/?q=4-1-3",
        "/catalogue/mapping/scs-2026-03/scs-2025-04-interim/",
        "/catalogue/mapping/scs-2025-04-interim/no-such-edition/",
        "/catalogue/scs-2026-03/export.csv?level=star9",
        "/catalogue/scs-2026-03/checklist-star5.xlsx",
        "/catalogue/scs-2027-draft/export.csv",
    ],
)
def test_unknown_things_are_404(client, catalogue, url):
    draft = EditionFactory(code="scs-2027-draft")
    ItemFactory(subcategory__category__edition=draft)
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------------------------------------
# Query counts (no N+1)
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        (reverse("scheme:index"), 3),
        (reverse("scheme:edition", kwargs={"edition": FINAL}), 11),
        (reverse("scheme:level", kwargs={"edition": FINAL, "level": "star4"}), 10),
        (_item_url(FINAL, "4-1-5"), 10),
        (reverse("scheme:compare", kwargs={"edition": FINAL}), 8),
        (reverse("scheme:mapping", kwargs={"older": INTERIM, "newer": FINAL}), 8),
        (reverse("scheme:search", kwargs={"edition": FINAL}) + "?q=4", 6),
    ],
)
def test_pages_use_a_bounded_number_of_queries(
    client, catalogue, django_assert_max_num_queries, url, limit
):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
