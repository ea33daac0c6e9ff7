"""Celery entry points of the certification app: they take ids (or nothing) and call a service.

The periodic ones are scheduled in settings.CELERY_BEAT_SCHEDULE; each is safe to run twice and to
run again after a crash (see services.reminders and services.lifecycle).
"""

from celery import shared_task

from .services.certificates import registration_certificate_store
from .services.lifecycle import registrations_lapse
from .services.reminders import send_annual_self_assessment_reminders as send_annual_service
from .services.reminders import send_renewal_reminders as send_renewal_reminders_service
from .services.reminders import send_review_nudges as send_review_nudges_service
from .services.snapshots import daily_snapshot_publish


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_certificate(registration_id: int) -> str:
    """Render and store the certificate of a registration as it stands now; returns its
    SHA-256."""
    return registration_certificate_store(registration_id=registration_id).certificate_sha256


@shared_task
def expire_lapsed_registrations(batch_size: int | None = None) -> int:
    """The nightly sweep: record the registrations whose validity ended (expired, or superseded
    by their renewal); returns how many."""
    if batch_size:
        return registrations_lapse(batch_size=batch_size)
    return registrations_lapse()


@shared_task
def send_renewal_reminders(batch_size: int | None = None) -> int:
    """Send the renewal reminders due today; returns how many were sent."""
    return send_renewal_reminders_service(batch_size=batch_size)


@shared_task
def send_review_nudges() -> int:
    """Nudge the advisors and registration staff whose reviews wait too long."""
    return send_review_nudges_service()


@shared_task
def publish_daily_snapshot() -> int:
    """Publish today's snapshot of valid registrations in the public ledger and sign a
    checkpoint (every day, even when nothing else happened); returns the checkpoint's size."""
    _snapshot, checkpoint = daily_snapshot_publish()
    return checkpoint.tree_size


@shared_task
def send_annual_self_assessment_reminders(batch_size: int | None = None) -> int:
    """Send the ★4 annual self-assessment reminders and escalations due today; returns how many
    were sent."""
    return send_annual_service(batch_size=batch_size)
