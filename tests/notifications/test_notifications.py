"""Notifications: a notice is recorded in the portal and e-mailed (plain text and HTML) in the
recipient's language after commit, once per key, with a fixed Message-ID; users switch off the
optional kinds but never the legal and status notices; they see only their own notices."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from core.exceptions import DomainError
from notifications.models import OPTIONAL_KINDS, Kind, Notification, NotificationPreference
from notifications.selectors import preferences_for, unread_count
from notifications.services import (
    deliver_pending,
    notification_deliver,
    notify,
    preferences_update,
)
from tests.certification.conftest import sign_in
from tests.factories.bodies import UserFactory

pytestmark = pytest.mark.django_db

SUBJECT = "certification/email/registration_status_subject.txt"
BODY = "certification/email/registration_status.txt"


class _Registration:
    """The context a status notice needs (a plain object: these tests are about delivery)."""

    number = "SCS3-2027-000123"
    holder_name = "株式会社サンプル"
    status_since = datetime.date(2027, 6, 1)
    status_reason = "調査中です。"


def _notify(user, **kwargs):
    defaults = {
        "kind": Kind.REGISTRATION_STATUS,
        "subject_template": SUBJECT,
        "body_template": BODY,
        "context": {"registration": _Registration(), "event_kind": "suspended"},
        "url": "/registrations/SCS3-2027-000123/",
    }
    return notify(user=user, **{**defaults, **kwargs})


def test_a_notice_is_recorded_and_mailed_in_the_users_language_after_commit(
    django_capture_on_commit_callbacks,
):
    japanese, english = UserFactory.create(language="ja"), UserFactory.create(language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(japanese)
        _notify(english)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    ja = by_address[japanese.email]
    assert ja.subject == "[SCS評価制度 登録簿] 登録 SCS3-2027-000123 が一時停止されました"
    assert "2027年6月1日から一時停止されました" in ja.body
    assert "http://127.0.0.1:8000/registrations/SCS3-2027-000123/" in ja.body
    assert isinstance(ja, mail.EmailMultiAlternatives)
    html, mimetype = ja.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="ja">' in str(html)
    en = by_address[english.email]
    assert en.subject == "[SCS Registry] Registration SCS3-2027-000123 was suspended"
    assert "is suspended from 1 Jun 2027" in en.body
    notice = Notification.objects.get(user=japanese)
    assert notice.email_status == Notification.EmailStatus.SENT
    assert ja.extra_headers["Message-ID"] == notice.message_id
    assert notice.url == "http://127.0.0.1:8000/registrations/SCS3-2027-000123/"


def test_a_key_records_a_notice_once():
    user = UserFactory.create()
    first = _notify(user, key="registration:SCS3-2027-000123:r2")
    second = _notify(user, key="registration:SCS3-2027-000123:r2")
    assert first == second
    assert Notification.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            user=user,
            kind=Kind.REGISTRATION_STATUS,
            subject="x",
            body="x",
            language="ja",
            key="registration:SCS3-2027-000123:r2",
            message_id="<other@localhost>",
        )


def test_delivery_is_at_most_once_per_run_and_a_pending_email_is_picked_up_later():
    user = UserFactory.create()
    notice = _notify(user)
    assert notice is not None
    Notification.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    mail.outbox.clear()
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    assert notification_deliver(notification_id=notice.pk) is False
    assert len(mail.outbox) == 1


def test_a_user_without_an_active_account_gets_the_notice_but_no_email():
    user = UserFactory.create(is_active=False)
    notice = _notify(user)
    assert notice is not None
    assert notice.email_status == Notification.EmailStatus.SKIPPED


def test_optional_kinds_can_be_switched_off_legal_notices_cannot():
    user = UserFactory.create()
    assert preferences_for(user) == dict.fromkeys(sorted(OPTIONAL_KINDS), True)
    preferences_update(by=user, enabled=[Kind.REVIEW_NUDGE])
    assert preferences_for(user) == {Kind.RENEWAL_REMINDER: False, Kind.REVIEW_NUDGE: True}
    assert _notify(user, kind=Kind.RENEWAL_REMINDER) is None
    assert _notify(user, kind=Kind.REVIEW_NUDGE) is not None
    assert _notify(user, kind=Kind.REGISTRATION_STATUS) is not None
    with pytest.raises(DomainError):
        preferences_update(by=user, enabled=[Kind.REGISTRATION_STATUS])
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(
            user=user, kind=Kind.REGISTRATION_DECISION, enabled=False
        )


def test_the_list_shows_only_the_users_notices_and_marks_them_read(client: Client):
    user, other = UserFactory.create(), UserFactory.create()
    mine = _notify(user)
    theirs = _notify(other)
    assert mine is not None
    assert theirs is not None
    assert client.get("/notifications/").status_code == 302
    sign_in(client, user)
    page = client.get("/notifications/").content.decode()
    assert mine.subject in page
    assert "未読のお知らせが1件あります。" in page
    home = client.get("/").content.decode()
    assert '<span class="badge badge--error">1<span class="visually-hidden"> 未読</span>' in home
    assert client.post(f"/notifications/{theirs.pk}/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/")
    assert response.status_code == 302
    assert response["Location"] == mine.url
    assert unread_count(user) == 0
    assert unread_count(other) == 1
    _notify(user)
    client.post("/notifications/read-all/")
    assert unread_count(user) == 0


def test_the_preferences_page_stores_the_choice(client: Client):
    user = UserFactory.create()
    sign_in(client, user)
    page = client.get("/notifications/preferences/").content.decode()
    assert "更新のリマインダー" in page
    assert "常に送られ、停止できません" in page
    response = client.post("/notifications/preferences/", {"enabled": [Kind.REVIEW_NUDGE]})
    assert response.status_code == 302
    assert preferences_for(user)[Kind.RENEWAL_REMINDER] is False
    response = client.post("/notifications/preferences/", {"enabled": [Kind.REGISTRATION_STATUS]})
    assert response.status_code == 200  # not a choice
    assert preferences_for(user)[Kind.RENEWAL_REMINDER] is False
