"""Browser smoke tests of the pages that show data: the catalogue, the directories of bodies and
advisors, public registrations and the supplier's own application pages.

The demo data (`manage.py seed_demo`, which `make run` uses) is loaded once per test; each page
is checked in Japanese and English at desktop and phone width with the same assertions as the
data-free pages (status, one h1, <html lang>, no sideways scroll, axe, console, screenshot).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Organisation, User
from assessments.models import Application
from certification.models import Registration
from scheme.services import catalogue_load_all
from tests.browser.conftest import OpenedPage
from tests.browser.pages import visit_everywhere

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATALOGUE_PATHS = [
    "/catalogue/scs-2026-03/",
    "/catalogue/scs-2025-04-interim/",
    "/catalogue/scs-2026-03/level/star3/",
    "/catalogue/scs-2026-03/level/star4/?category=4",
    "/catalogue/scs-2026-03/items/4-1-5/",
    "/catalogue/scs-2026-03/compare/",
    "/catalogue/mapping/scs-2025-04-interim/scs-2026-03/",
    "/catalogue/scs-2026-03/search/?q=4-1-3",
    "/wizard/result/?exclusion=no&confidential_information=yes&business_interruption=no&internal_system_access=unknown",
]

# Paths that depend on the demo objects: built from the database after seeding.
DEMO_PAGES = [
    "bodies",
    "body",
    "advisors",
    "advisor",
    "verify-search",
    "verify-active",
    "verify-revoked",
    "organisation-public",
]

MEMBER_PAGES = ["applications", "application", "assessment"]


@pytest.mark.parametrize("path", CATALOGUE_PATHS)
def test_catalogue_page(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path], path: str
) -> None:
    catalogue_load_all()
    visit_everywhere(open_page, screenshot, path)


def _demo_path(name: str) -> str:
    body = Organisation.objects.filter(scheme_body__isnull=False).order_by("pk")[0]
    active = Registration.objects.filter(status="active").order_by("pk")[0]
    revoked = Registration.objects.filter(status="revoked").order_by("pk")[0]
    advisor = User.objects.get(email="advisor@riss.example.jp").advisor_profile
    return {
        "bodies": "/bodies/",
        "body": f"/bodies/{body.corporate_number}/",
        "advisors": "/advisors/",
        "advisor": f"/advisors/{advisor.pk}/",
        "verify-search": "/verify/",
        "verify-active": f"/verify/{active.number}/",
        "verify-revoked": f"/verify/{revoked.number}/",
        "organisation-public": f"/organisations/{active.corporate_number}/",
    }[name]


@pytest.mark.parametrize("name", DEMO_PAGES)
def test_public_demo_page(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path], name: str
) -> None:
    call_command("load_catalogue", verbosity=0)
    call_command("seed_demo", verbosity=0)
    visit_everywhere(open_page, screenshot, _demo_path(name))


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_supplier_member_page(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path], name: str
) -> None:
    call_command("load_catalogue", verbosity=0)
    call_command("seed_demo", verbosity=0)
    member = User.objects.get(email="member@minato.example.jp")
    application = Application.objects.filter(
        organisation__memberships__user=member, status="draft"
    ).order_by("pk")[0]
    path = {
        "applications": "/applications/",
        "application": f"/applications/{application.pk}/",
        "assessment": f"/applications/{application.pk}/assessment/1/",
    }[name]
    client = Client()
    client.force_login(member)
    visit_everywhere(open_page, screenshot, path, session=client.session.session_key, user=member)
