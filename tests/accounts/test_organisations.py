"""Registering an organisation, its pages and who sees them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.corporate_number import normalise_corporate_number
from accounts.models import Membership, Organisation
from core.models import AuditEvent
from tests.accounts.helpers import client_with_own_ip, login
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "株式会社みなと精機",
    "name_kana": "カブシキガイシャミナトセイキ",
    "name_en": "Minato Seiki Co., Ltd.",
    "corporate_number": "７０００－０１２０－５０００２",
    "prefecture": "14",
    "address": "横浜市中区本町1-1",
    "industry": "E",
    "size_band": "21-50",
    "parent_corporate_number": "",
}


@pytest.fixture
def user_client():
    user = UserFactory.create()
    client = client_with_own_ip()
    login(client, user)
    return user, client


def test_registering_makes_the_user_its_administrator(user_client):
    user, client = user_client
    response = client.post(reverse("accounts:organisation_create"), FORM)
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_detail", args=[organisation.pk])
    assert organisation.corporate_number == "7000012050002"  # normalised
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.is_admin, membership.is_member) == (user, True, True)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.organisation.created", "accounts.membership.role_granted"} <= actions
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_number_is_refused_with_the_validators_message_and_input_kept(user_client):
    _user, client = user_client
    response = client.post(
        reverse("accounts:organisation_create"), {**FORM, "corporate_number": "1000012050002"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["corporate_number"]
    with translation.override("ja"), pytest.raises(ValidationError) as validator_error:
        normalise_corporate_number("1000012050002")
    assert list(errors) == validator_error.value.messages
    content = response.content.decode()
    assert "株式会社みなと精機" in content
    assert "1000012050002" in content
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("junk", ["abc-def", "700001205000", "70000120500021"])
def test_junk_numbers_are_refused(user_client, junk):
    _user, client = user_client
    response = client.post(
        reverse("accounts:organisation_create"), {**FORM, "corporate_number": junk}
    )
    assert response.status_code == 200
    assert "corporate_number" in response.context["form"].errors


def test_a_duplicate_number_is_refused_clearly(user_client):
    _user, client = user_client
    OrganisationFactory.create(corporate_number="7000012050002")
    response = client.post(reverse("accounts:organisation_create"), FORM)
    assert response.status_code == 200
    assert response.context["form"].errors["corporate_number"]
    assert Organisation.objects.count() == 1


def test_a_parent_must_be_administered_by_the_user(user_client):
    user, client = user_client
    mine = OrganisationFactory.create(admins=[user])
    foreign = OrganisationFactory.create()
    response = client.post(
        reverse("accounts:organisation_create"),
        {**FORM, "parent_corporate_number": foreign.corporate_number},
    )
    assert response.status_code == 200
    assert "parent_corporate_number" in response.context["form"].errors
    response = client.post(
        reverse("accounts:organisation_create"),
        {**FORM, "parent_corporate_number": mine.corporate_number},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(corporate_number="7000012050002").parent == mine


def test_members_see_their_organisation_and_others_get_404(user_client):
    user, client = user_client
    mine = OrganisationFactory.create(members=[user])
    other = OrganisationFactory.create()
    assert client.get(reverse("accounts:organisation_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("accounts:member_list", args=[mine.pk])).status_code == 200
    assert client.get(reverse("accounts:organisation_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("accounts:member_list", args=[other.pk])).status_code == 404


def test_the_list_shows_only_my_organisations(user_client):
    user, client = user_client
    mine = OrganisationFactory.create(members=[user])
    other = OrganisationFactory.create()
    content = client.get(reverse("accounts:organisation_list")).content.decode()
    assert mine.name in content
    assert other.name not in content


def test_members_list_page_needs_a_bounded_number_of_queries(
    user_client, django_assert_max_num_queries
):
    user, client = user_client
    organisation = OrganisationFactory.create(admins=[user])
    for _n in range(15):
        MembershipFactory.create(organisation=organisation)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("accounts:member_list", args=[organisation.pk]))
    assert len(response.context["memberships"]) == 16


def test_anonymous_visitors_are_sent_to_login():
    organisation = OrganisationFactory.create()
    response = client_with_own_ip().get(
        reverse("accounts:organisation_detail", args=[organisation.pk])
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
