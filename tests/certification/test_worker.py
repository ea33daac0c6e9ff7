"""A real Celery worker, killed (SIGKILL) in the middle of a reminder sweep (renewal, and ★4
annual self-assessment) and started again: no reminder is lost and none is sent twice.

The worker is a subprocess (`python -m celery -A config worker --pool=solo`) on the test
database, with the broker from CELERY_BROKER_URL (Redis; `make test` sets it) and a visibility
timeout of a few seconds, so that the task the killed worker had taken (acknowledged late) is
delivered again to the new worker. The sweep commits batch by batch: the batches done before the
kill stay done (their keys are taken), the rest is done after the restart.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Membership
from certification import tasks
from certification.models import Reminder
from certification.selectors import anniversary_on, scheme_today, validity_for
from config.celery import app
from notifications.models import Notification
from tests.factories.bodies import OrganisationFactory, UserFactory
from tests.factories.certification import RegistrationFactory, star4

REGISTRATIONS = 240
BATCH = 4
VISIBILITY_TIMEOUT = 3  # seconds


def _after_the_visibility_timeout() -> None:
    """Let the killed worker's unacknowledged task become visible again before the next worker
    starts: a worker restores such messages when it starts, and otherwise only at a much later
    periodic check (a worker started too soon waits minutes for the task)."""
    time.sleep(VISIBILITY_TIMEOUT + 1)


def _broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://"):
        return url
    # The suite always has Redis (REDIS_URL); fall back to its default database 0 for the broker.
    return settings.REDIS_URL.rsplit("/", 1)[0] + "/0"


def _wait(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start workers on demand; every worker still running is stopped at the end."""
    db = connection.settings_dict
    broker = _broker_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    started: list[subprocess.Popen[bytes]] = []
    logs: list[BinaryIO] = []
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                f"--hostname=certification-test-{os.getpid()}-{len(started)}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        _wait(
            lambda: b"ready." in (tmp_path / f"worker-{len(started) - 1}.log").read_bytes(),
            timeout=60,
            what="the worker to start",
        )
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
        for log in logs:
            log.close()
        app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_no_reminder_and_duplicates_none(worker):
    valid_until = scheme_today() + datetime.timedelta(days=20)  # the -30 reminder is due
    for _ in range(REGISTRATIONS):
        organisation = OrganisationFactory.create()
        Membership.objects.create(
            user=UserFactory.create(), organisation=organisation, is_admin=True
        )
        RegistrationFactory.create(
            organisation=organisation,
            registered_on=valid_until - datetime.timedelta(days=364),
            valid_from=valid_until - datetime.timedelta(days=364),
            valid_until=valid_until,
        )

    first = worker()
    tasks.send_renewal_reminders.delay(batch_size=BATCH)
    _wait(lambda: Reminder.objects.count() >= 5 * BATCH, timeout=60, what="the first batches")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    done_before = Reminder.objects.count()
    assert 0 < done_before < REGISTRATIONS, "the worker was not killed in the middle of the sweep"

    _after_the_visibility_timeout()
    worker()  # the unacknowledged sweep comes back after the visibility timeout
    _wait(
        lambda: (
            Reminder.objects.count() == REGISTRATIONS
            and not Notification.objects.filter(email_status="pending").exists()
        ),
        timeout=120,
        what="the sweep and the e-mails to finish after the restart",
    )
    # Running it once more changes nothing.
    tasks.send_renewal_reminders.delay(batch_size=BATCH)
    time.sleep(2)

    assert Reminder.objects.count() == REGISTRATIONS
    assert Reminder.objects.values("registration_id").distinct().count() == REGISTRATIONS
    notices = Notification.objects.filter(kind="renewal_reminder")
    assert notices.count() == REGISTRATIONS
    assert notices.values("user_id").distinct().count() == REGISTRATIONS
    assert notices.filter(email_status="sent").count() == REGISTRATIONS


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_annual_sweep_loses_no_reminder_and_duplicates_none(worker):
    """The same for the ★4 annual self-assessment reminders (the -30 one is due today)."""
    level = star4()
    valid_from = anniversary_on(scheme_today() + datetime.timedelta(days=20), -1)
    for i in range(REGISTRATIONS):
        organisation = OrganisationFactory.create()
        Membership.objects.create(
            user=UserFactory.create(), organisation=organisation, is_admin=True
        )
        RegistrationFactory.create(
            number=f"SCS4-2098-{i + 1:06d}",
            organisation=organisation,
            level=level,
            registered_on=valid_from,
            valid_from=valid_from,
            valid_until=validity_for(valid_from, 36),
        )

    first = worker()
    tasks.send_annual_self_assessment_reminders.delay(batch_size=BATCH)
    _wait(lambda: Reminder.objects.count() >= 5 * BATCH, timeout=60, what="the first batches")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    done_before = Reminder.objects.count()
    assert 0 < done_before < REGISTRATIONS, "the worker was not killed in the middle of the sweep"

    _after_the_visibility_timeout()
    worker()
    _wait(
        lambda: (
            Reminder.objects.count() == REGISTRATIONS
            and not Notification.objects.filter(email_status="pending").exists()
        ),
        timeout=120,
        what="the sweep and the e-mails to finish after the restart",
    )
    tasks.send_annual_self_assessment_reminders.delay(batch_size=BATCH)
    time.sleep(2)

    assert Reminder.objects.count() == REGISTRATIONS
    assert set(Reminder.objects.values_list("kind", "anniversary", "offset_days")) == {
        ("annual", 1, -30)
    }
    notices = Notification.objects.filter(kind="renewal_reminder")
    assert notices.count() == REGISTRATIONS
    assert notices.values("user_id").distinct().count() == REGISTRATIONS
    assert notices.filter(email_status="sent").count() == REGISTRATIONS
