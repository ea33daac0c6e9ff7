"""RFC 8785 canonical JSON for ledger leaves (the subset without floating-point numbers)."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.ledger import standalone_verify
from registry.ledger.canonical import MAX_SAFE_INTEGER, CanonicalJSONError, canonicalize


def test_objects_are_sorted_without_whitespace():
    assert canonicalize({"b": [1, True, None], "a": {"d": False, "c": "x"}}) == (
        b'{"a":{"c":"x","d":false},"b":[1,true,null]}'
    )


def test_member_names_sort_by_utf16_code_units_as_in_rfc8785_section_3_2_3():
    # RFC 8785's sorting example, with string values: "\U0001F600" (a surrogate pair, D83D DE00)
    # sorts before "\uFB33" in UTF-16 although its code point is larger.
    names = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6", "</script>"]
    out = canonicalize(dict.fromkeys(names, "")).decode("utf-8")
    order = [json.loads("{" + member + "}") for member in out[1:-1].split(",")]
    assert [next(iter(m)) for m in order] == [
        "\r",
        "1",
        "</script>",
        "\u0080",
        "\u00f6",
        "\u20ac",
        "\U0001f600",
        "\ufb33",
    ]


def test_strings_escape_only_what_json_stringify_escapes():
    value = 'quote " backslash \\ tab \t nl \n cr \r bs \b ff \f nul \x00 us \x1f del \x7f 日本 ★'
    assert (
        canonicalize(value)
        == (
            '"quote \\" backslash \\\\ tab \\t nl \\n cr \\r bs \\b ff \\f '
            'nul \\u0000 us \\u001f del \x7f 日本 ★"'
        ).encode()
    )


def test_the_worked_example_leaf_is_already_canonical():
    leaf = (
        b'{"cert_id":"SCS3-000001","corporate_number":"7000012050002","seq":0,"star":3,'
        b'"type":"cert.issued","v":1,"valid_from":"2026-10-01","valid_until":"2027-09-30"}'
    )
    assert canonicalize(json.loads(leaf)) == leaf


@pytest.mark.parametrize(
    "bad",
    [
        1.5,
        float("nan"),
        MAX_SAFE_INTEGER + 1,
        -MAX_SAFE_INTEGER - 1,
        "\ud800",
        {"\udc00": 1},
        {1: "x"},
        {"x": {1, 2}},
        b"bytes",
    ],
    ids=repr,
)
def test_values_outside_the_subset_are_refused(bad):
    with pytest.raises(CanonicalJSONError):
        canonicalize(bad)
    with pytest.raises(standalone_verify.VerificationError):
        standalone_verify.canonicalize(bad)


def test_largest_safe_integers_are_plain_decimals():
    assert canonicalize([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 0]) == (
        b"[9007199254740991,-9007199254740991,0]"
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_property_canonical_form_is_a_fixed_point_and_agrees_with_the_standalone_copy(value):
    encoded = canonicalize(value)
    assert canonicalize(json.loads(encoded)) == encoded
    assert standalone_verify.canonicalize(value) == encoded


@given(
    st.dictionaries(
        st.text(alphabet=st.characters(max_codepoint=0xFFFF, codec="utf-8")),
        st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER),
    )
)
def test_property_bmp_member_names_sort_like_code_points(value):
    # Below U+10000 UTF-16 order is code point order, which is what json.dumps(sort_keys) uses.
    expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonicalize(value) == expected.encode("utf-8")
