"""The accounts demo data: valid, idempotent, and refused in production."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured

from accounts import demo
from accounts.corporate_number import normalise_corporate_number
from accounts.models import Membership, Organisation, User
from tests.accounts.helpers import client_with_own_ip, login

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_valid():
    demo.seed(io.StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    demo.seed(io.StringIO())
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == len(demo.ORGANISATIONS)
    for organisation in Organisation.objects.all():
        organisation.full_clean()
        assert normalise_corporate_number(organisation.corporate_number)
    assert Organisation.objects.get(corporate_number=demo.MINATO_SEIKI).name == "株式会社みなと精機"
    assert Organisation.objects.get(corporate_number=demo.TOWA_JIDOSHA).name == "東和自動車株式会社"
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == len(demo.USERS)


def test_every_role_is_represented():
    demo.seed(io.StringIO())
    minato = Organisation.objects.get(corporate_number=demo.MINATO_SEIKI)
    roles = {role for m in Membership.objects.filter(organisation=minato) for role in m.roles}
    assert {"admin", "member", "executive"} <= roles
    assert Membership.objects.filter(
        organisation__corporate_number=demo.TOWA_JIDOSHA, is_procurer=True
    ).exists()
    operator = User.objects.get(email="operator@scs-operator.example.jp")
    assert operator.is_staff
    assert operator.has_perm("core.view_auditevent")


def test_demo_users_sign_in_with_the_documented_password():
    demo.seed(io.StringIO())
    client = client_with_own_ip()
    response = login(
        client, User.objects.get(email="admin@minato.example.jp"), password=demo.DEMO_PASSWORD
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_demo_data_is_refused_in_production(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        demo.seed(io.StringIO())
    assert not Organisation.objects.exists()
