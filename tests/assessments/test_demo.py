"""The demo data: applications at every stage of the first half, created once."""

import io

import pytest

from accounts import demo as accounts_demo
from assessments import demo
from assessments.models import Application

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_application_at_every_stage_and_is_idempotent():
    accounts_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    statuses = sorted(Application.objects.values_list("status", flat=True))
    expected = sorted(["draft", "in_review", "returned", "approved", "declared"])
    if demo._registration_submit() is not None:
        expected = sorted([*expected, "submitted"])
    assert statuses == expected
    draft = Application.objects.get(status="draft")
    answered = draft.answers.exclude(status="").count()
    assert 0 < answered < draft.answers.count() == 81
    returned = Application.objects.get(status="returned")
    assert returned.review_rounds.get().criterion_reviews.filter(verdict="needs_work").count() == 1
    internal = Application.objects.get(status="in_review").engagements.get()
    assert internal.kind == "internal"
    declared = Application.objects.get(status="declared")
    assert declared.declarations.get().signer_name
    demo.seed(io.StringIO())
    assert Application.objects.count() == len(expected)
