"""Session timeouts, the session list, and ending sessions."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from accounts.models import UserSession
from accounts.selectors import hash_session_key
from core.models import AuditEvent
from tests.accounts.helpers import activate_totp, client_with_own_ip, login, login_with_mfa
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PRIVATE = reverse_lazy("accounts:profile")
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


def _signed_in(client):
    return "_auth_user_id" in client.session


def _privileged_client(user):
    client = client_with_own_ip()
    login_with_mfa(client, user)
    return client


def test_privileged_session_ends_after_30_idle_minutes():
    staff = UserFactory.create(is_staff=True)
    with time_machine.travel(START, tick=False) as clock:
        client = _privileged_client(staff)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(PRIVATE).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # active again: the idle clock restarted
        assert client.get(PRIVATE).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(PRIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in(client)
    record = UserSession.objects.get(user=staff)
    assert record.end_reason == UserSession.EndReason.IDLE_TIMEOUT
    assert AuditEvent.objects.filter(
        action="accounts.session.ended", data__reason="idle_timeout"
    ).exists()


def test_privileged_session_ends_after_8_hours_even_when_active():
    staff = UserFactory.create(is_staff=True)
    with time_machine.travel(START, tick=False) as clock:
        client = _privileged_client(staff)
        for _step in range(19):  # a request every 25 minutes for 7 h 55 min
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get(PRIVATE).status_code == 200
        clock.shift(datetime.timedelta(minutes=6))  # 8 h 1 min after signing in
        response = client.get(PRIVATE)
    assert response.status_code == 302
    assert UserSession.objects.get(user=staff).end_reason == "absolute_timeout"


def test_ordinary_session_survives_a_long_idle_period_but_not_two_weeks():
    user = UserFactory.create()
    with time_machine.travel(START, tick=False) as clock:
        client = client_with_own_ip()
        login(client, user, remember="on")
        clock.shift(datetime.timedelta(days=13))
        assert client.get(PRIVATE).status_code == 200
        clock.shift(datetime.timedelta(days=14, minutes=1))
        assert client.get(PRIVATE).status_code == 302
        assert not _signed_in(client)
        # The dead session no longer appears in the user's list.
        other = client_with_own_ip()
        login(other, user)
        assert len(other.get(reverse("accounts:session_list")).context["sessions"]) == 1


def test_the_idle_limit_of_ordinary_users_is_enforced_by_the_middleware(settings):
    settings.ACCOUNTS_SESSION_IDLE_TIMEOUT = 3600
    user = UserFactory.create()
    with time_machine.travel(START, tick=False) as clock:
        client = client_with_own_ip()
        login(client, user)
        clock.shift(datetime.timedelta(minutes=59))
        assert client.get(PRIVATE).status_code == 200
        clock.shift(datetime.timedelta(minutes=61))
        assert client.get(PRIVATE).status_code == 302
    assert UserSession.objects.get(user=user).end_reason == "idle_timeout"


def test_ordinary_session_has_an_absolute_limit_of_30_days():
    user = UserFactory.create()
    with time_machine.travel(START, tick=False) as clock:
        client = client_with_own_ip()
        login(client, user, remember="on")
        for _step in range(3):
            clock.shift(datetime.timedelta(days=10))
            client.get(PRIVATE)
        clock.shift(datetime.timedelta(days=1))
        assert client.get(PRIVATE).status_code == 302
    assert UserSession.objects.get(user=user).end_reason == "absolute_timeout"


def test_each_sign_in_is_recorded_with_a_hashed_key_browser_and_ip():
    user = UserFactory.create()
    client = client_with_own_ip()
    client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 TestBrowser"
    login(client, user)
    record = UserSession.objects.get(user=user)
    assert record.session_key_hash == hash_session_key(str(client.session.session_key))
    assert record.session_key_hash != client.session.session_key
    assert record.user_agent == "Mozilla/5.0 TestBrowser"
    assert record.ip_address == client.defaults["REMOTE_ADDR"]


def test_user_sees_their_sessions_and_ends_another_one():
    user = UserFactory.create()
    laptop, phone = client_with_own_ip(), client_with_own_ip()
    login(laptop, user)
    login(phone, user)
    response = laptop.get(reverse("accounts:session_list"))
    assert response.status_code == 200
    assert len(response.context["sessions"]) == 2
    phone_record = UserSession.objects.get(user=user, ip_address=phone.defaults["REMOTE_ADDR"])
    response = laptop.post(reverse("accounts:session_end", args=[phone_record.pk]))
    assert response.status_code == 302
    assert phone.get(PRIVATE).status_code == 302
    assert not _signed_in(phone)
    assert laptop.get(PRIVATE).status_code == 200


def test_ending_all_other_sessions_keeps_this_one():
    user = UserFactory.create()
    clients = [client_with_own_ip() for _ in range(3)]
    for client in clients:
        login(client, user)
    clients[0].post(reverse("accounts:session_end_others"))
    assert clients[0].get(PRIVATE).status_code == 200
    assert [c.get(PRIVATE).status_code for c in clients[1:]] == [302, 302]


def test_another_users_session_cannot_be_ended():
    owner, intruder = UserFactory.create(), UserFactory.create()
    owner_client, intruder_client = client_with_own_ip(), client_with_own_ip()
    login(owner_client, owner)
    login(intruder_client, intruder)
    record = UserSession.objects.get(user=owner)
    response = intruder_client.post(reverse("accounts:session_end", args=[record.pk]))
    assert response.status_code == 404
    assert UserSession.objects.get(pk=record.pk).ended_at is None


def test_logout_ends_the_session_record():
    user = UserFactory.create()
    client = client_with_own_ip()
    login(client, user)
    client.post(reverse("account_logout"))
    assert UserSession.objects.get(user=user).end_reason == "logout"


# allauth announces authenticator changes after commit; transactional tests run those hooks
# inside the request, as production does.
@pytest.mark.django_db(transaction=True)
def test_adding_and_removing_a_factor_ends_the_other_sessions():
    user = UserFactory.create()
    main, other = client_with_own_ip(), client_with_own_ip()
    login(main, user)
    login(other, user)
    activate_totp(main)
    assert main.get(PRIVATE).status_code == 200
    assert other.get(PRIVATE).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.mfa.added", data__type="totp").exists()

    # The next 30-second step: the enrolment code cannot be used again.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        third = client_with_own_ip()
        login_with_mfa(third, user)
        response = main.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 302
        assert main.get(PRIVATE).status_code == 200
        assert third.get(PRIVATE).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.mfa.removed", data__type="totp").exists()


def test_a_password_reset_ends_every_session_of_the_user():
    user = UserFactory.create()
    signed_in = client_with_own_ip()
    login(signed_in, user)
    visitor = client_with_own_ip()
    visitor.post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mail.outbox
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", str(message.body))
    assert found is not None
    response = visitor.get(found.group(1))
    assert response.status_code == 302
    response = visitor.post(
        response["Location"],
        {"password1": "a completely new passphrase", "password2": "a completely new passphrase"},
    )
    assert response.status_code == 302
    assert signed_in.get(PRIVATE).status_code == 302
    assert UserSession.objects.get(user=user).end_reason == "password_changed"
    assert AuditEvent.objects.filter(action="accounts.password.reset", actor=user).exists()
    # The reset does not sign the visitor in: the login (and any MFA stage) still applies.
    assert not _signed_in(visitor)
