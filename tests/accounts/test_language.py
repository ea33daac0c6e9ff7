"""The user's preferred language drives pages and e-mails."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.services import send_user_email
from tests.accounts.helpers import client_with_own_ip, login
from tests.factories.accounts import RUN, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pages_follow_the_signed_in_users_language():
    user = UserFactory.create(language="en")
    client = client_with_own_ip()
    login(client, user)
    response = client.get(reverse("accounts:profile"), headers={"accept-language": "ja"})
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_anonymous_visitors_get_japanese_by_default():
    response = client_with_own_ip().get(reverse("home"))
    assert response["Content-Language"] == "ja"


def test_switching_language_updates_the_preference():
    user = UserFactory.create(language="ja")
    client = client_with_own_ip()
    login(client, user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert client.get(reverse("accounts:profile"))["Content-Language"] == "en"


def test_switching_to_an_unknown_language_changes_nothing():
    user = UserFactory.create(language="ja")
    client = client_with_own_ip()
    login(client, user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ja"


@pytest.mark.parametrize(("language", "expected"), [("ja", "招待"), ("en", "Invitation")])
def test_send_user_email_uses_the_recipients_language(language, expected):
    admin = UserFactory.create(name="管理 太郎")
    user = UserFactory.create(language=language)
    invitation = InvitationFactory.create(invited_by=admin)
    with translation.override("ja" if language == "en" else "en"):
        send_user_email(
            user=user,
            subject_template="accounts/email/invitation_subject.txt",
            body_template="accounts/email/invitation_message.txt",
            context={"invitation": invitation, "link": "https://example.jp/x", "inviter": admin},
        )
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert expected in message.subject
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert f'lang="{language}"' in html
    assert "https://example.jp/x" in message.body


def test_allauth_mails_use_the_recipients_language():
    user = UserFactory.create(email=f"english-{RUN}@example.jp", language="en")
    client = client_with_own_ip()
    client.post(
        reverse("account_reset_password"),
        {"email": user.email},
        headers={"accept-language": "ja"},
    )
    (message,) = mail.outbox
    assert message.subject == "[SCS Registry] Password Reset Email"
    assert User.objects.get(pk=user.pk).language == "en"


def test_allauth_mails_to_japanese_users_are_in_japanese():
    user = UserFactory.create(email=f"japanese-{RUN}@example.jp", language="ja")
    client_with_own_ip().post(
        reverse("account_reset_password"),
        {"email": user.email},
        headers={"accept-language": "en"},
    )
    (message,) = mail.outbox
    assert message.subject.startswith("[SCS評価制度 登録簿] ")
    assert "パスワード" in message.subject
