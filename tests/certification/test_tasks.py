"""The scheduled jobs with the clock moved across expiry and the reminder offsets: each run
twice, each catching up after missed days, each sending every reminder exactly once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from assessments.models import Application, ReviewRound
from assessments.services.reviews import application_submit_for_review
from certification import tasks
from certification.models import Registration, RegistrationEvent, Reminder, ReviewNudge
from certification.services.reminders import send_renewal_reminders, send_review_nudges
from certification.services.submissions import application_register
from notifications.models import Kind, Notification
from notifications.services import preferences_update
from registry.models import LedgerEntry
from tests.factories.assessments import ApplicationFactory, application_people, fill_answers
from tests.factories.certification import (
    holder_admin,
    holder_member,
    register,
    registration_staff,
    submitted_application,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime.date(2027, 1, 15)  # valid until 2028-01-14
END = datetime.date(2028, 1, 14)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO), tick=False
    )


def days_from_end(n: int) -> datetime.date:
    return END + datetime.timedelta(days=n)


@pytest.fixture
def registration() -> Registration:
    with at(START):
        registration = register()
    holder_admin(registration.organisation)
    return registration


def test_the_sweep_expires_lapsed_registrations_once(registration):
    with at(END, 23):
        assert tasks.expire_lapsed_registrations.delay().get() == 0
    with at(days_from_end(1), 0):
        assert tasks.expire_lapsed_registrations.delay().get() == 1
        assert tasks.expire_lapsed_registrations.delay().get() == 0
    registration.refresh_from_db()
    assert (registration.status, registration.status_since) == ("expired", days_from_end(1))
    events = RegistrationEvent.objects.filter(registration=registration, kind="expired")
    assert events.count() == 1
    entries = LedgerEntry.objects.filter(
        registration_number=registration.number, event_type="registration.expired"
    )
    assert entries.count() == 1
    assert Notification.objects.filter(kind=Kind.REGISTRATION_STATUS).count() == 1


def test_a_sweep_that_missed_days_catches_up(registration):
    with at(days_from_end(10)):
        assert tasks.expire_lapsed_registrations.delay(batch_size=1).get() == 1
    registration.refresh_from_db()
    assert registration.status_since == days_from_end(1)  # the lapse, not the day of the run


def test_the_sweep_works_in_batches_and_supersedes_continued_registrations():
    with at(START):
        lapsing = [register() for _ in range(5)]
    with at(datetime.date(2027, 12, 1)):
        renewal = register(organisation=lapsing[0].organisation, renews=lapsing[0])
    with at(days_from_end(1), 1):
        assert tasks.expire_lapsed_registrations.delay(batch_size=2).get() == 5
    statuses = dict(
        Registration.objects.filter(pk__in=[r.pk for r in lapsing]).values_list("number", "status")
    )
    assert statuses.pop(lapsing[0].number) == "superseded"
    assert set(statuses.values()) == {"expired"}
    renewal.refresh_from_db()
    assert renewal.status == "active"


OFFSETS = [-90, -60, -30, -7, 7]


def test_each_renewal_reminder_is_sent_once_at_its_offset(registration):
    member = holder_member(registration.organisation)
    mail.outbox.clear()
    for offset in OFFSETS:
        with at(days_from_end(offset - 1)):
            tasks.expire_lapsed_registrations.delay().get()
            assert tasks.send_renewal_reminders.delay().get() == 0
        with at(days_from_end(offset)):
            tasks.expire_lapsed_registrations.delay().get()
            assert tasks.send_renewal_reminders.delay().get() == 1
            assert tasks.send_renewal_reminders.delay().get() == 0
    reminders = list(Reminder.objects.filter(registration=registration).order_by("offset_days"))
    assert [r.offset_days for r in reminders] == OFFSETS
    assert [r.due_on for r in reminders] == [days_from_end(o) for o in OFFSETS]
    notices = Notification.objects.filter(user=member, kind=Kind.RENEWAL_REMINDER)
    assert notices.count() == len(OFFSETS)
    assert len({n.message_id for n in notices}) == len(OFFSETS)


def test_a_missed_day_catches_up_with_the_reminder_then_due(registration):
    with at(days_from_end(-88)):  # the -90 reminder's day and the next one were missed
        assert send_renewal_reminders() == 1
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [-90]
    with at(days_from_end(-20)):  # the -60 and -30 days were missed: only -30 is still useful
        assert send_renewal_reminders() == 1
    assert sorted(Reminder.objects.values_list("offset_days", flat=True)) == [-90, -30]


def test_a_renewed_registration_gets_no_renewal_reminder(registration):
    with at(days_from_end(-40)):
        register(organisation=registration.organisation, renews=registration)
    with at(days_from_end(-30)):
        assert send_renewal_reminders() == 0
    with at(days_from_end(7)):
        assert send_renewal_reminders() == 0


def test_the_after_expiry_reminder_skips_revoked_and_withdrawn_registrations(registration):
    Registration.objects.filter(pk=registration.pk).update(status="revoked")
    with at(days_from_end(7)):
        assert send_renewal_reminders() == 0


def test_reminders_reach_the_holders_people_in_their_language(registration):
    english = holder_member(registration.organisation)
    english.language = "en"
    english.save()
    mail.outbox.clear()
    with at(days_from_end(-30)):
        send_renewal_reminders()
    notices = {n.user_id: n for n in Notification.objects.filter(kind=Kind.RENEWAL_REMINDER)}
    assert "ends in 30 days" in notices[english.pk].subject
    japanese = [n for uid, n in notices.items() if uid != english.pk]
    assert japanese
    assert all("あと30日" in n.subject for n in japanese)


def test_users_who_switched_reminders_off_get_none_but_the_key_is_still_taken(registration):
    member = holder_member(registration.organisation)
    preferences_update(by=member, enabled=[])
    with at(days_from_end(-60)):
        assert send_renewal_reminders() == 1
    assert not Notification.objects.filter(user=member).exists()
    assert Notification.objects.filter(kind=Kind.RENEWAL_REMINDER).exists()  # the admin's
    assert Reminder.objects.filter(registration=registration, offset_days=-60).exists()


def test_reminder_emails_leave_after_commit_with_a_fixed_message_id(
    registration, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with at(days_from_end(-7)), django_capture_on_commit_callbacks(execute=True):
        send_renewal_reminders()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    notice = Notification.objects.get(kind=Kind.RENEWAL_REMINDER)
    assert message.extra_headers["Message-ID"] == notice.message_id
    assert notice.email_status == Notification.EmailStatus.SENT
    assert f"/registrations/{registration.number}/" in message.body


# --- review nudges -----------------------------------------------------------------------------


def test_advisors_are_nudged_once_per_period_of_waiting(settings):
    settings.CERTIFICATION_REVIEW_NUDGE_AFTER_DAYS = 7
    with at(datetime.date(2027, 3, 1)):
        application = ApplicationFactory.create()
        people = application_people(application)
        fill_answers(application)
        application_submit_for_review(application=application, by=people.member)
    assert ReviewRound.objects.filter(application=application, decision="").exists()
    with at(datetime.date(2027, 3, 7)):
        assert send_review_nudges() == 0
    with at(datetime.date(2027, 3, 8)):
        assert send_review_nudges() == 1
        assert send_review_nudges() == 0
    with at(datetime.date(2027, 3, 12)):
        assert send_review_nudges() == 0
    with at(datetime.date(2027, 3, 15)):
        assert send_review_nudges() == 1
    nudges = Notification.objects.filter(user=people.advisor, kind=Kind.REVIEW_NUDGE)
    assert nudges.count() == 2
    assert list(ReviewNudge.objects.values_list("sequence", flat=True).order_by("sequence")) == [
        1,
        2,
    ]


def test_registration_staff_are_nudged_about_waiting_submissions(settings):
    settings.CERTIFICATION_REVIEW_NUDGE_AFTER_DAYS = 7
    staff = registration_staff()
    with at(datetime.date(2027, 3, 1)):
        application, _ = submitted_application()
    with at(datetime.date(2027, 3, 9)):
        assert send_review_nudges() == 1
        assert send_review_nudges() == 0
    notice = Notification.objects.get(user=staff, kind=Kind.REVIEW_NUDGE)
    assert application.reference in notice.subject
    Application.objects.filter(pk=application.pk).update(status="registered")
    with at(datetime.date(2027, 3, 20)):
        assert send_review_nudges() == 0


def test_a_registration_renewed_after_its_lapse_gets_no_late_reminder():
    with at(START):
        first, _ = submitted_application()
        previous = application_register(application=first, by=registration_staff())
    with at(days_from_end(3)):  # lapsed three days ago; the renewal starts afresh
        renewal, _ = submitted_application(organisation=first.organisation, renewal_of=first)
        registration = application_register(application=renewal, by=registration_staff())
    assert registration.supersedes is None
    with at(days_from_end(7)):
        assert send_renewal_reminders() == 0
    assert not Reminder.objects.filter(registration=previous).exists()
