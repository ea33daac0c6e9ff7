"""Scheme-body staff and advisors are privileged: accounts' MFA enforcement guards the
management pages (bodies.selectors.user_privileged_roles feeds it), while the public
directories stay open to them (ACCOUNTS_PUBLIC_PATHS)."""

import pytest
from django.urls import reverse

from bodies.choices import BodyRole
from tests.factories.bodies import DesignationFactory, SchemeBodyFactory, accreditation_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def accreditation_body():
    return SchemeBodyFactory.create(roles=[BodyRole.REGISTRATION, BodyRole.ACCREDITATION])


@pytest.fixture
def designation(accreditation_body):
    return DesignationFactory.create(designated_by=accreditation_body)


def test_privileged_users_must_pass_mfa_for_management_but_not_for_public_pages(
    client, signed_in, accreditation_body, designation
):
    officer = accreditation_officer(accreditation_body)
    signed_in(officer, mfa=False)
    for url in (
        reverse("bodies:manage"),
        reverse("bodies:designation-list"),
        reverse("bodies:advisor-me"),
        reverse("bodies:review-queue"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_index"), url
    for url in (
        reverse("bodies:directory"),
        designation.body.get_absolute_url(),
        reverse("bodies:advisor-directory"),
        reverse("bodies-api:body-list"),
    ):
        assert client.get(url).status_code == 200, url
