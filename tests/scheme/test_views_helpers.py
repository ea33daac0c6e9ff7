"""Presentation helpers of the catalogue pages (scheme.templatetags.scheme_tags)."""

import pytest
from django.utils import translation

from scheme.selectors import RefTarget, normalise_query
from scheme.templatetags.scheme_tags import criterion_facts, highlight, ref_link
from tests.factories.scheme import EditionFactory


@pytest.mark.parametrize(
    ("params", "english", "japanese"),
    [
        ({"frequency": "yearly"}, ["At least once a year"], ["年1回以上"]),
        ({"frequency": "monthly"}, ["At least once a month"], ["月1回以上"]),
        (
            {"frequency": "yearly", "also": ["on_joining"]},
            ["At least once a year", "Also on joining"],
            ["年1回以上", "入社・受入れ時にも実施"],
        ),
        (
            {"patch_deadline_days": 14},
            ["Applied within 14 days of release"],
            ["公開から14日以内に適用"],
        ),
        (
            {"patch_deadline_days": 1},
            ["Applied within 1 day of release"],
            ["公開から1日以内に適用"],
        ),
        ({"cvss_base_min": 7.0}, ["CVSS base score 7.0 or higher"], ["CVSS基本値7.0以上"]),
        ({"retention_months": 6}, ["Kept for at least 6 months"], ["6か月以上保存"]),
        (
            {"required_character_classes_otherwise": ["uppercase", "lowercase", "digit"]},
            ["Otherwise: passwords containing upper-case letters, lower-case letters, digits"],
            ["それ以外の場合：パスワードに英大文字、英小文字、数字を含める"],
        ),
        ({"something_new": 3}, ["something_new: 3"], ["something_new: 3"]),
    ],
)
def test_criterion_parameters_read_as_facts(params, english, japanese):
    with translation.override("en"):
        assert criterion_facts(params) == english
    with translation.override("ja"):
        assert criterion_facts(params) == japanese


def test_facts_follow_a_readable_order():
    params = {"cvss_base_min": 7.0, "patch_deadline_days": 14, "vendor_severity": ["Critical"]}
    with translation.override("en"):
        assert criterion_facts(params) == [
            "Applied within 14 days of release",
            "Vendor severity: Critical",
            "CVSS base score 7.0 or higher",
        ]
    assert criterion_facts(None) == []


def test_highlight_marks_terms_and_escapes_everything_else():
    terms = normalise_query("backup").split(" ")
    assert highlight("Daily Backup <b>", terms) == "Daily <mark>Backup</mark> &lt;b&gt;"
    assert highlight("a & b", []) == "a &amp; b"
    assert highlight(None, ["x"]) == ""


def test_highlight_finds_full_width_text_with_a_half_width_query():
    assert highlight("年１回以上", ["1回"]) == "年<mark>１回</mark>以上"
    assert highlight("４－１－３", ["4-1-3"]) == "<mark>４－１－３</mark>"


@pytest.mark.django_db
def test_ref_link_points_to_the_item_or_the_criterion_anchor():
    edition = EditionFactory.create(code="scs-test")
    refs = {
        "4-1-3": RefTarget(code="4-1-3", item_code="4-1-3", is_criterion=False),
        "4-1-3-3": RefTarget(code="4-1-3-3", item_code="4-1-3", is_criterion=True),
    }
    assert ref_link(edition, refs, "4-1-3") == (
        '<a href="/catalogue/scs-test/items/4-1-3/">4-1-3</a>'
    )
    assert ref_link(edition, refs, "4-1-3-3") == (
        '<a href="/catalogue/scs-test/items/4-1-3/#c-4-1-3-3">4-1-3-3</a>'
    )
    assert ref_link(edition, refs, "<9-9>") == "&lt;9-9&gt;"
