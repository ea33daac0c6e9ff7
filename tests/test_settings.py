"""The test suite must run against the production database engine."""

from django.conf import settings
from django.db import connection


def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_japanese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "ja"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]
