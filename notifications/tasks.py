"""Celery entry points of the notifications app: they take ids and call a service."""

from smtplib import SMTPException

from celery import shared_task

from .services import deliver_pending, notification_deliver


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def deliver_notification(notification_id: int) -> bool:
    """Send one notification's e-mail if it is still pending; safe to run again."""
    return notification_deliver(notification_id=notification_id)


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the e-mails of several notifications (a batch recorded together) that are still
    pending; safe to run again. Returns how many were sent now."""
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)


@shared_task
def deliver_pending_notifications() -> int:
    """Send every e-mail still pending (a lost task, a crashed worker); safe to run again."""
    return deliver_pending()
