"""Browser checks of the ★4 annual self-assessment pages: the holder's registration page and
submission form, and the evaluation body's list and review page, in Japanese and English at
desktop and phone width (status, one h1, <html lang>, no sideways scroll on a phone, axe, no
console errors), each with a screenshot."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import demo as accounts_demo
from accounts.models import Organisation, User
from bodies.models import SchemeBody
from certification.selectors import scheme_today
from certification.services.annual import annual_self_assessment_submit
from tests.accounts.helpers import force_login_with_mfa
from tests.browser.conftest import LANGUAGES, WIDTHS, OpenedPage
from tests.browser.pages import assert_page_fits
from tests.factories.certification import register, star4

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLDER = "admin@sakura-it.example.jp"
EVALUATOR = "decision@aoba-eval.example.jp"
ACCREDITATION_STAFF = "accreditation@accreditation.example.jp"


def _star4_due_in(days: int):
    """A ★4 registration of the demo holder whose first anniversary is `days` days away."""
    today = scheme_today()
    return register(
        organisation=Organisation.objects.get(corporate_number=accounts_demo.SAKURA_IT),
        level=star4(),
        evaluation_body=SchemeBody.objects.get(
            organisation__corporate_number=accounts_demo.EVALUATION_BODY
        ),
        by=User.objects.get(email=ACCREDITATION_STAFF),
        registered_on=today.replace(year=today.year - 1) + datetime.timedelta(days=days),
    )


def test_annual_self_assessment_pages(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path]
) -> None:
    call_command("load_catalogue", verbosity=0)
    call_command("seed_demo", verbosity=0)
    holder = User.objects.get(email=HOLDER)
    evaluator = User.objects.get(email=EVALUATOR)
    open_form = _star4_due_in(25)
    waiting = _star4_due_in(20)
    record = annual_self_assessment_submit(
        registration=waiting,
        anniversary=1,
        by=holder,
        measures_maintained=False,
        changes="バックアップ方式を変更しました。",
        incidents="なし",
    )
    pages = [
        (holder, f"/registrations/{open_form.number}/", "holder-detail"),
        (holder, f"/registrations/{open_form.number}/annual/1/", "holder-form"),
        (holder, f"/registrations/{waiting.number}/annual/1/", "holder-submitted"),
        (evaluator, "/registrations/manage/annual/", "evaluator-list"),
        (evaluator, f"/registrations/manage/annual/{record.pk}/", "evaluator-review"),
    ]
    for user, path, name in pages:
        client = Client()
        force_login_with_mfa(client, user)
        session = client.session.session_key
        assert session is not None
        for language in LANGUAGES:
            User.objects.filter(pk=user.pk).update(language=language)
            for width in WIDTHS:
                opened = open_page(path, width=width, language=language, session=session)
                assert_page_fits(opened, path, language, width, stays=True)
                screenshot(opened.page, f"{name}-{language}-{width}")
