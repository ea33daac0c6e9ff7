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
    if demo._certification_register() is not None:
        # A registered application and its renewal in progress (a draft).
        expected = sorted([*expected, "registered", "draft"])
    assert statuses == expected
    draft = Application.objects.get(status="draft", renewal_of__isnull=True)
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


def test_the_demo_has_a_renewal_in_progress():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    previous = Application.objects.get(status="registered")
    renewal = Application.objects.get(renewal_of=previous)
    assert renewal.status == "draft"
    assert renewal.answers.filter(carried_over=True).count() == renewal.answers.count() == 81
    confirmed = renewal.answers.filter(confirmed_at__isnull=False)
    assert 0 < confirmed.count() < 81
    waiting = renewal.evidence_files.filter(reconfirmed_at__isnull=True)
    assert [e.original_name for e in waiting] == ["脆弱性診断報告書.pdf"]
    assert renewal.evidence_files.count() == 2
    demo.seed(io.StringIO())
    assert Application.objects.filter(renewal_of__isnull=False).count() == 1
