"""The read-only catalogue API and its OpenAPI schema, against the shipped catalogue."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.scheme import EditionFactory, ItemFactory, catalogue_loaded

FINAL = "scs-2026-03"
INTERIM = "scs-2025-04-interim"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _url(name: str, **kwargs: str) -> str:
    return reverse(f"scheme-api:{name}", kwargs=kwargs)


def _all_pages(api: APIClient, url: str, params: dict[str, str | int] | None = None) -> list[dict]:
    rows: list[dict] = []
    response = api.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        rows.extend(response.data["results"])
        if not response.data["next"]:
            return rows
        response = api.get(response.data["next"])


# ------------------------------------------------------------------------------------------------
# Levels and editions
# ------------------------------------------------------------------------------------------------


def test_levels(api, catalogue):
    response = api.get(_url("levels"))
    assert response.status_code == 200
    assert [row["code"] for row in response.data] == ["star3", "star4", "star5"]
    star3 = response.data[0]
    assert star3["name_ja"] == "ベーシック"
    assert star3["name_en"] == "Basic"
    assert star3["validity_months"] == 12


def test_editions_list_is_public_newest_first_without_drafts(api, catalogue):
    EditionFactory(code="scs-2027-draft")
    response = api.get(_url("editions"))
    assert response.status_code == 200
    assert [row["code"] for row in response.data] == [FINAL, INTERIM]
    final, interim = response.data
    assert final["is_current"]
    assert not interim["is_current"]
    assert (final["item_count"], final["criterion_count"]) == (43, 153)
    assert final["supersedes"] == INTERIM
    assert final["status"] == "published"
    assert interim["status"] == "retired"
    assert final["title_ja"]
    assert final["title_en"]
    assert final["notice_ja"]
    assert final["notice_en"]
    assert final["url"].endswith(_url("edition", edition=FINAL))


def test_edition_detail_has_structure_and_counts(api, catalogue):
    response = api.get(_url("edition", edition=FINAL))
    assert response.status_code == 200
    data = response.data
    assert [c["code"] for c in data["categories"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert sum(len(c["subcategories"]) for c in data["categories"]) == 16
    first = data["categories"][0]["subcategories"][0]
    assert first == {
        "code": "1-1",
        "name_ja": "組織の状況",
        "name_en": "Organizational context",
        "csf_function": "GV",
        "csf_category": "GV.OC",
    }
    assert data["level_counts"] == [
        {"level": "star3", "items": 26, "criteria": 81},
        {"level": "star4", "items": 43, "criteria": 153},
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalogue/editions/no-such-edition/",
        "/api/v1/catalogue/editions/scs-2027-draft/",
        "/api/v1/catalogue/editions/no-such-edition/items/",
        "/api/v1/catalogue/editions/scs-2027-draft/criteria/",
        "/api/v1/catalogue/editions/scs-2026-03/items/9-9-9/",
        "/api/v1/catalogue/editions/scs-2027-draft/items/1-1-1/",
    ],
)
def test_unknown_or_draft_is_404(api, catalogue, url):
    draft = EditionFactory(code="scs-2027-draft")
    ItemFactory(subcategory__category__edition=draft, code="1-1-1")
    response = api.get(url)
    assert response.status_code == 404
    assert response.data["detail"]


# ------------------------------------------------------------------------------------------------
# Items
# ------------------------------------------------------------------------------------------------


def test_items_of_an_edition_paginated(api, catalogue):
    response = api.get(_url("items", edition=FINAL), {"page_size": 10})
    assert response.data["count"] == 43
    assert len(response.data["results"]) == 10
    rows = _all_pages(api, _url("items", edition=FINAL), {"page_size": 10})
    assert len(rows) == 43
    assert rows[0]["code"] == "1-1-1"
    assert rows[0]["levels"] == ["star4"]
    assert rows[0]["criterion_count"] == 3


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"level": "star3"}, 26),
        ({"level": "star4"}, 43),
        ({"level": "star3", "category": "4"}, 13),
        ({"category": "7"}, 1),
        ({"subcategory": "4-1"}, 9),
        ({"category": "99"}, 0),
    ],
)
def test_items_filtered(api, catalogue, params, count):
    response = api.get(_url("items", edition=FINAL), params)
    assert response.status_code == 200
    assert response.data["count"] == count


def test_items_bad_level_is_400_with_the_error_shape(api, catalogue):
    response = api.get(_url("items", edition=FINAL), {"level": "gold"})
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert "level" in response.data["fields"]


def test_interim_items_keep_their_per_level_codes(api, catalogue):
    rows = _all_pages(api, _url("items", edition=INTERIM), {"level": "star4"})
    assert len(rows) == 44
    identical = [row for row in rows if row["identical_to"]]
    assert len(identical) == 11
    assert all(row["identical_to"].startswith("★3-") for row in identical)


def test_item_detail_with_criteria_and_correspondences(api, catalogue):
    response = api.get(_url("item", edition=FINAL, item="4-4-4"))
    assert response.status_code == 200
    data = response.data
    assert data["title_ja"]
    assert data["title_en"]
    assert data["levels"] == ["star3", "star4"]
    codes = [c["code"] for c in data["criteria"]]
    assert codes == [f"4-4-4-{n}" for n in range(1, len(codes) + 1)]
    patching = next(c for c in data["criteria"] if c["code"] == "4-4-4-2")
    assert patching["params"]["patch_deadline_days"] == 14
    assert patching["params"]["cvss_base_min"] == 7.0
    assert patching["details_ja"]
    assert patching["details_en"]
    assert {link["edition"] for link in data["derived_from"]} == {INTERIM}
    assert data["continued_by"] == []


def test_interim_item_points_to_final_items(api, catalogue):
    response = api.get(_url("item", edition=INTERIM, item="★4-32"))
    assert response.status_code == 200
    links = response.data["continued_by"]
    assert [(link["edition"], link["item"]) for link in links] == [
        (FINAL, "4-3-4"),
        (FINAL, "7-1-1"),
    ]
    assert links[0]["confidence"] == "medium"
    assert links[0]["note_en"] == "restore testing moved to 7-1-1-2"


# ------------------------------------------------------------------------------------------------
# Criteria
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 153),
        ({"level": "star3"}, 81),
        ({"level": "star4"}, 153),
        ({"tag": "star4"}, 72),
        ({"tag": "star3"}, 81),
        ({"level": "star3", "category": "4"}, 48),
        ({"item": "4-1-3"}, 5),
        ({"level": "star3", "item": "1-1-1"}, 0),
    ],
)
def test_criteria_filtered(api, catalogue, params, count):
    response = api.get(_url("criteria", edition=FINAL), params)
    assert response.status_code == 200
    assert response.data["count"] == count


def test_criteria_rows(api, catalogue):
    rows = _all_pages(api, _url("criteria", edition=FINAL), {"item": "1-1-1"})
    assert [row["code"] for row in rows] == ["1-1-1-1", "1-1-1-2", "1-1-1-3"]
    second = rows[1]
    assert second["item"] == "1-1-1"
    assert second["level"] == "star4"
    assert second["refs"] == ["1-1-1-1"]
    assert second["params"] == {"frequency": "yearly"}
    assert second["source_row"] == 4


def test_the_api_needs_no_login_and_accepts_no_writes(api, catalogue):
    assert api.get(_url("criteria", edition=FINAL)).status_code == 200
    assert api.post(_url("editions"), {}).status_code == 405
    assert api.delete(_url("item", edition=FINAL, item="4-1-3")).status_code == 405


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        (_url("levels"), 1),
        (_url("editions"), 2),
        (_url("edition", edition=FINAL), 12),
        (_url("items", edition=FINAL) + "?page_size=200", 4),
        (_url("item", edition=FINAL, item="4-1-5"), 6),
        (_url("criteria", edition=FINAL) + "?level=star4&page_size=200", 4),
    ],
)
def test_api_lists_use_a_bounded_number_of_queries(
    api, catalogue, django_assert_max_num_queries, url, limit
):
    with django_assert_max_num_queries(limit):
        assert api.get(url).status_code == 200


# ------------------------------------------------------------------------------------------------
# OpenAPI schema and docs
# ------------------------------------------------------------------------------------------------


def test_schema_validates_without_warnings(tmp_path: Path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    paths = schema["paths"]
    for path in (
        "/api/v1/catalogue/levels/",
        "/api/v1/catalogue/editions/",
        "/api/v1/catalogue/editions/{edition}/",
        "/api/v1/catalogue/editions/{edition}/items/",
        "/api/v1/catalogue/editions/{edition}/items/{item}/",
        "/api/v1/catalogue/editions/{edition}/criteria/",
    ):
        assert "get" in paths[path]
    items = paths["/api/v1/catalogue/editions/{edition}/items/"]["get"]
    assert {"level", "category", "page"} <= {p["name"] for p in items["parameters"]}
    assert {"200", "400", "404"} <= set(items["responses"])


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Assets from our own static files (drf-spectacular-sidecar), no CDN, no inline script.
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "jsdelivr" not in html
    assert "<script>" not in html
    assert "<style>" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy
