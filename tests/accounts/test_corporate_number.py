"""法人番号: normalisation of what people type, and the check digit."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.corporate_number import (
    check_digit,
    normalise_corporate_number,
    validate_corporate_number,
)


@pytest.mark.parametrize(
    "number",
    ["7000012050002", "4000012090001", "4011001098993", "2120901007402"],
)
def test_published_numbers_are_valid(number):
    assert normalise_corporate_number(number) == number
    validate_corporate_number(number)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("７０００－０１２０－５０００２", "7000012050002"),
        ("7000-0120-50002", "7000012050002"),
        ("7 0000 1205 0002", "7000012050002"),
        ("７０００ー０１２０ー５０００２", "7000012050002"),
    ],
)
def test_full_width_digits_spaces_and_hyphens_are_normalised(typed, expected):
    assert normalise_corporate_number(typed) == expected


@pytest.mark.parametrize(
    "wrong", ["1000012050002", "8000012050002", "4000012090002", "2120901007403"]
)
def test_wrong_check_digit_is_rejected(wrong):
    with pytest.raises(ValidationError) as error:
        normalise_corporate_number(wrong)
    assert error.value.code == "invalid_check_digit"


@pytest.mark.parametrize(
    ("junk", "code"),
    [
        ("", "required"),
        ("abc", "invalid_characters"),
        ("70000120500O2", "invalid_characters"),  # a letter O among the digits
        ("٧٠٠٠٠١٢٠٥٠٠٠٢", "invalid_characters"),  # Arabic-Indic digits
        ("700001205000", "invalid_length"),  # 12 digits
        ("70000120500021", "invalid_length"),  # 14 digits
        ("0000012050002", "invalid_check_digit"),  # never starts with 0
    ],
)
def test_junk_is_rejected_with_a_clear_reason(junk, code):
    with pytest.raises(ValidationError) as error:
        normalise_corporate_number(junk)
    assert error.value.code == code
    assert str(error.value.messages[0])


def test_length_message_says_how_many_digits_were_typed():
    with pytest.raises(ValidationError) as error:
        normalise_corporate_number("700001205000")
    assert "12" in error.value.messages[0]


def test_the_stored_form_must_already_be_normalised():
    with pytest.raises(ValidationError):
        validate_corporate_number("7000-0120-50002")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_exactly_one_leading_digit_validates_any_base(base):
    valid = []
    for lead in "0123456789":
        try:
            normalise_corporate_number(lead + base)
        except ValidationError:
            continue
        valid.append(lead)
    assert valid == [str(check_digit(base))]
