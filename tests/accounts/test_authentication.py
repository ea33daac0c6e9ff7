"""Sign-up, e-mail verification, password rules, enumeration and the login lockout."""

import datetime
import re
import uuid

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.password_validation import RoleAwareMinimumLengthValidator
from core.models import AuditEvent
from tests.accounts.helpers import client_with_own_ip, login
from tests.factories.accounts import PASSWORD, RUN, UserFactory

pytestmark = pytest.mark.django_db


# allauth rate-limits mails per address in the shared cache, which outlives a test run: every
# run signs up a new address.
EMAIL = f"hanako-{uuid.uuid4().hex[:12]}@example.jp"
KNOWN = f"known-{RUN}@example.jp"
UNKNOWN = f"unknown-{RUN}@example.jp"


def _signup(client, **overrides):
    data = {
        "email": EMAIL,
        "name": "山田 花子",
        "language": "en",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_collects_name_and_language_and_requires_email_verification():
    client = client_with_own_ip()
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email=EMAIL)
    assert (user.name, user.language) == ("山田 花子", "en")
    assert "_auth_user_id" not in client.session  # not signed in before verifying

    # The verification mail is written in the language chosen at sign-up.
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "[SCS Registry] Please Confirm Your Email Address"
    found = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(message.body))
    assert found is not None
    link = found.group(0)

    # Signing in before verifying sends the user back to verify.
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a long passphrase 42"}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    assert EmailAddress.objects.get(user=user).verified
    response = login(client, user, password="a long passphrase 42")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_signup_refuses_a_short_password_and_keeps_what_was_typed():
    response = _signup(client_with_own_ip(), password1="only11chars", password2="only11chars")
    assert response.status_code == 200
    assert not User.objects.filter(email=EMAIL).exists()
    form = response.context["form"]
    assert "password1" in form.errors
    content = response.content.decode()
    assert f'value="{EMAIL}"' in content
    assert 'value="山田 花子"' in content


def test_twelve_characters_are_enough_for_an_ordinary_user():
    RoleAwareMinimumLengthValidator().validate("x" * 12, UserFactory.create())


def test_privileged_users_need_fifteen_characters(make_privileged):
    validator = RoleAwareMinimumLengthValidator()
    staff = UserFactory.create(is_staff=True)
    with pytest.raises(ValidationError) as error:
        validator.validate("x" * 14, staff)
    assert error.value.code == "password_too_short"
    validator.validate("x" * 15, staff)
    reviewer = make_privileged(UserFactory.create())
    with pytest.raises(ValidationError):
        validator.validate("x" * 14, reviewer)


def test_failed_logins_lock_the_address_until_the_window_passes():
    user = UserFactory.create()
    client = client_with_own_ip()
    start = datetime.datetime(2027, 2, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _attempt in range(5):
            response = login(client, user, password="wrong password 123")
            assert response.status_code == 200
            assert "_auth_user_id" not in client.session
        # The sixth attempt is refused even with the right password.
        response = login(client, user)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "too many" in response.content.decode().lower() or response.context["form"].errors
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        response = login(client, user)
        assert response.status_code == 302
        assert "_auth_user_id" in client.session


def test_the_lockout_also_holds_from_another_address():
    user = UserFactory.create()
    start = datetime.datetime(2027, 2, 2, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _attempt in range(5):
            login(client_with_own_ip(), user, password="wrong password 123")
        other = client_with_own_ip()
        login(other, user)
        assert "_auth_user_id" not in other.session


def test_failed_logins_are_audited_without_the_password():
    user = UserFactory.create()
    login(client_with_own_ip(), user, password="wrong password 123")
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.data["email"] == user.email
    assert "wrong password" not in str(event.data)
    assert "password" not in event.data


def test_login_and_logout_are_audited():
    user = UserFactory.create()
    client = client_with_own_ip()
    login(client, user)
    client.post(reverse("account_logout"))
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert "accounts.login.succeeded" in actions
    assert "accounts.logout" in actions


def test_password_reset_does_not_reveal_whether_an_account_exists():
    UserFactory.create(email=KNOWN)
    known = client_with_own_ip().post(reverse("account_reset_password"), {"email": KNOWN})
    unknown = client_with_own_ip().post(reverse("account_reset_password"), {"email": UNKNOWN})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_errors_are_the_same_for_known_and_unknown_addresses():
    UserFactory.create(email=KNOWN)
    known = client_with_own_ip().post(
        reverse("account_login"), {"login": KNOWN, "password": "wrong password 1"}
    )
    unknown = client_with_own_ip().post(
        reverse("account_login"), {"login": UNKNOWN, "password": "wrong password 1"}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_password_change_ends_the_other_sessions_and_is_audited():
    user = UserFactory.create()
    first, second = client_with_own_ip(), client_with_own_ip()
    login(first, user)
    login(second, user)
    response = first.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert first.get(reverse("accounts:profile")).status_code == 200
    assert second.get(reverse("accounts:profile")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password.changed", actor=user).exists()


def test_the_admin_login_form_is_replaced_by_the_portal_login():
    staff = UserFactory.create(is_staff=True)
    client = client_with_own_ip()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # no password sign-in around allauth
