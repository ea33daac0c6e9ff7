"""The demo data: registrations in every status, through the services, and idempotent."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from certification.models import AnnualSelfAssessment, Registration
from certification.selectors import registration_public_list, scheme_today
from registry.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_status_and_a_second_run_changes_nothing():
    call_command("load_catalogue", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    registrations = list(registration_public_list())
    statuses = {r.__dict__["effective_status"] for r in registrations}
    assert statuses >= {"active", "suspended", "revoked", "expired", "superseded"}
    active = [r for r in registrations if r.__dict__["effective_status"] == "active"]
    assert {r.level.stars for r in active} == {3, 4}
    soon = scheme_today() + datetime.timedelta(days=30)
    assert any(r.valid_until <= soon for r in active)  # one expires within 30 days
    superseded = next(r for r in registrations if r.__dict__["effective_status"] == "superseded")
    renewal = Registration.objects.get(supersedes=superseded)
    assert renewal.valid_from == superseded.valid_until + datetime.timedelta(days=1)
    journey = Registration.objects.get(application__isnull=False)
    assert journey.application is not None
    assert journey.application.status == "registered"
    four = next(r for r in active if r.level.stars == 4)
    annual = AnnualSelfAssessment.objects.get(registration=four)
    assert (annual.anniversary, annual.status) == (1, "accepted")
    counts = (
        Registration.objects.count(),
        LedgerEntry.objects.count(),
        AnnualSelfAssessment.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        Registration.objects.count(),
        LedgerEntry.objects.count(),
        AnnualSelfAssessment.objects.count(),
    ) == counts
