"""Writes of the notifications app: recording a notice (and its e-mail), delivering e-mail,
marking notices read and storing the user's preferences.

`notify` is what the other apps call. It records the notice and queues its e-mail in the caller's
transaction; the e-mail leaves only after commit (a task), so a rolled-back change tells nobody.
Delivery is at-least-once with a fixed Message-ID per notice: a worker killed between handing the
e-mail to the mail server and recording it re-sends the same message, which mail systems
recognise as a duplicate, and a notice is never lost (deliver_pending picks up what is left).
"""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.services import audit_record

from .models import OPTIONAL_KINDS, Kind, Notification, NotificationPreference
from .selectors import wants

SUBJECT_MAX = 300


def _message_id(key: str) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def absolute_url(path: str) -> str:
    """`path` as an absolute link on the portal (settings.SITE_URL)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return str(settings.SITE_URL).rstrip("/") + path


def _render(
    user: User, subject_template: str, body_template: str, context: dict[str, Any], link: str
) -> tuple[str, str, str, str]:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        full = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "language": language,
            "user": user,
            "link": link,
            **context,
        }
        subject = " ".join(render_to_string(subject_template, full).split()).strip()
        text = render_to_string(body_template, full)
        html = ""
        if body_template.endswith(".txt"):
            try:
                html = render_to_string(body_template[: -len(".txt")] + ".html", full)
            except TemplateDoesNotExist:
                html = ""
    return subject[:SUBJECT_MAX], text, html, language


def notify(
    *,
    user: User,
    kind: str,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
    url: str = "",
    key: str | None = None,
) -> Notification | None:
    """Tell `user` something: record an in-app notification and e-mail it (plain text from
    `body_template`, HTML from the template of the same name ending ".html" when it exists),
    both in the user's language, with `url` as the link.

    Returns None when the user switched this optional kind off. With a `key`, a second call
    returns the first notification instead of recording another. The e-mail is sent after the
    surrounding transaction commits. The templates get `link` (the absolute `url`), `user`,
    `language` and `site_url` besides `context`.
    """
    if not wants(user, kind):
        return None
    try:
        with transaction.atomic():
            created = notify_batch(
                kind=kind,
                subject_template=subject_template,
                body_template=body_template,
                notices=[Notice(user=user, context=context, url=url, key=key)],
            )
    except IntegrityError:
        # Another transaction recorded the same key in the meantime.
        if key is None:
            raise
        created = []
    if created:
        return created[0]
    return Notification.objects.filter(key=key).first() if key is not None else None


@dataclass(frozen=True)
class Notice:
    """One notice of a batch: to whom, with which template context, link and key."""

    user: User
    context: dict[str, Any]
    url: str = ""
    key: str | None = None


def notify_batch(
    *,
    kind: str,
    subject_template: str,
    body_template: str,
    notices: Iterable[Notice],
) -> list[Notification]:
    """Record many notices of one kind at once, as `notify` would one by one, in one query for
    the preferences, one for the keys already taken and one insert; their e-mails leave after
    commit in one task. Notices whose key is already recorded, and users who switched this
    optional kind off, are skipped. Returns the notifications recorded now."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    pending = list(notices)
    if not pending:
        return []
    opted_out: set[int] = set()
    if kind in OPTIONAL_KINDS:
        opted_out = set(
            NotificationPreference.objects.filter(
                user_id__in={n.user.pk for n in pending}, kind=kind, enabled=False
            ).values_list("user_id", flat=True)
        )
    keys = [n.key for n in pending if n.key is not None]
    taken = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    rows: list[Notification] = []
    for notice in pending:
        if notice.user.pk in opted_out or (notice.key is not None and notice.key in taken):
            continue
        if notice.key is not None:
            taken.add(notice.key)
        link = absolute_url(notice.url)
        subject, text, html, language = _render(
            notice.user, subject_template, body_template, notice.context, link
        )
        can_mail = bool(notice.user.email) and notice.user.is_active
        rows.append(
            Notification(
                user=notice.user,
                kind=kind,
                subject=subject,
                body=text,
                body_html=html,
                url=link,
                language=language,
                key=notice.key,
                message_id=_message_id(notice.key or f"notification:{uuid.uuid4()}"),
                email_status=(
                    Notification.EmailStatus.PENDING
                    if can_mail
                    else Notification.EmailStatus.SKIPPED
                ),
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email_status == Notification.EmailStatus.PENDING]
    if ids:
        from .tasks import deliver_notifications as deliver_notifications_task

        transaction.on_commit(lambda: deliver_notifications_task.delay(ids))
    return created


def notify_many(
    *,
    users: Iterable[User],
    kind: str,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
    url: str = "",
    key: str | None = None,
) -> list[Notification]:
    """Tell each of `users` the same thing (duplicates are skipped); with a `key`, each user's
    notice gets the key suffixed with ":user<pk>". Returns the notices recorded now."""
    seen: set[int] = set()
    notices: list[Notice] = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(
            Notice(user=user, context=context, url=url, key=f"{key}:user{user.pk}" if key else None)
        )
    return notify_batch(
        kind=kind, subject_template=subject_template, body_template=body_template, notices=notices
    )


def notification_deliver(*, notification_id: int) -> bool:
    """Send the e-mail of one notification if it is still pending; True when sent now.

    The row is locked (skipping a row another worker holds) while the e-mail is handed over, so
    two workers never send it at the same time.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        notification.email_attempts += 1
        message = EmailMultiAlternatives(
            subject=f"[{_site_name(notification.language)}] {notification.subject}",
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.user.email],
            headers={"Message-ID": notification.message_id},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()
        notification.email_status = Notification.EmailStatus.SENT
        notification.email_sent_at = timezone.now()
        notification.save(update_fields=["email_status", "email_sent_at", "email_attempts"])
    return True


def _site_name(language: str) -> str:
    with translation.override(language):
        return _("SCS Registry")


def deliver_pending(*, older_than: timedelta = timedelta(minutes=1), limit: int = 1000) -> int:
    """Send the e-mails still pending after `older_than` (their own task did not run, e.g. the
    worker died after the commit); returns how many were sent now."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.PENDING, created_at__lte=cutoff
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_deliver(notification_id=pk) for pk in ids)


def _own(notification: Notification, by: User) -> None:
    if notification.user_id != by.pk:
        raise PermissionDenied


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one of the user's own notifications read (again reading it changes nothing)."""
    _own(notification, by)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, by: User, enabled: Iterable[str]) -> dict[str, bool]:
    """Store which optional kinds the user receives: those in `enabled` on, the other optional
    kinds off. Legal and status notices cannot be switched off."""
    chosen = set(enabled)
    unknown = chosen - OPTIONAL_KINDS
    if unknown:
        raise DomainError(
            _("These notices cannot be switched off: %(kinds)s") % {"kinds": ", ".join(unknown)},
            code="notification_not_optional",
        )
    result: dict[str, bool] = {}
    for kind in sorted(OPTIONAL_KINDS):
        NotificationPreference.objects.update_or_create(
            user=by, kind=kind, defaults={"enabled": kind in chosen}
        )
        result[kind] = kind in chosen
    audit_record(action="notifications.preferences.updated", by=by, obj=by, data=result)
    return result
