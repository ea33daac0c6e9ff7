"""Dates in templates follow config/formats: 2026年11月25日 in Japanese, 25 Nov 2026 in English."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 11, 25)
MOMENT = dt.datetime(2026, 3, 27, 9, 5, tzinfo=dt.UTC)  # 18:05 in Tokyo


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("ja", "{{ day|date }}", "2026年11月25日"),
        ("ja", '{{ day|date:"SHORT_DATE_FORMAT" }}', "2026/11/25"),
        ("ja", '{{ day|date:"YEAR_MONTH_FORMAT" }}', "2026年11月"),
        ("ja", '{{ day|date:"MONTH_DAY_FORMAT" }}', "11月25日"),
        ("ja", '{{ moment|date:"DATETIME_FORMAT" }}', "2026年3月27日 18:05"),
        ("ja", "{{ day }}", "2026年11月25日"),
        ("en", "{{ day|date }}", "25 Nov 2026"),
        ("en", '{{ day|date:"SHORT_DATE_FORMAT" }}', "2026-11-25"),
        ("en", '{{ moment|date:"DATETIME_FORMAT" }}', "27 Mar 2026, 18:05"),
    ],
)
def test_date_formats(language, source, expected):
    with translation.override(language):
        assert Template(source).render(Context({"day": DAY, "moment": MOMENT})) == expected
