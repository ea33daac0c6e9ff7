"""★4 annual self-assessments: the due dates (29 February too), the holder's submission and
the evaluation body's review (who may, in which state), the notices to the other side, the
reminders and escalations with the clock moved across both anniversaries (each job run twice,
catching up after missed days), and the pages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.files import EvidenceRejected
from bodies.choices import BodyRole, StaffRole
from certification import tasks
from certification.choices import ReasonCode
from certification.models import AnnualSelfAssessment, Registration, Reminder
from certification.selectors import (
    anniversary_on,
    annual_anniversaries,
    first_start_with_anniversary_after,
)
from certification.services.annual import (
    annual_self_assessment_accept,
    annual_self_assessment_return,
    annual_self_assessment_submit,
)
from certification.services.lifecycle import registration_revoke, registration_suspend
from certification.services.reminders import send_annual_self_assessment_reminders
from core.exceptions import DomainError, TransitionNotAllowed
from core.models import AuditEvent
from notifications.models import Kind, Notification
from tests.factories.bodies import BodyStaffFactory, SchemeBodyFactory
from tests.factories.certification import (
    accreditation_staff,
    holder_admin,
    holder_member,
    register,
    star4,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime.date(2027, 1, 15)  # ★4: valid until 2030-01-14
FIRST = datetime.date(2028, 1, 15)
SECOND = datetime.date(2029, 1, 15)
HOLDER_OFFSETS = [-60, -30, -7, 1]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO), tick=False
    )


def days(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)


def staff(body, role=StaffRole.EVALUATOR):
    return BodyStaffFactory.create(body=body, role=role).user


@pytest.fixture
def body():
    return SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])


@pytest.fixture
def four(body) -> Registration:
    with at(START):
        return register(level=star4(), evaluation_body=body, by=accreditation_staff())


@pytest.fixture
def admin(four):
    return holder_admin(four.organisation)


def submit(registration, by, **kwargs):
    kwargs.setdefault("measures_maintained", True)
    kwargs.setdefault("anniversary", 1)
    return annual_self_assessment_submit(registration=registration, by=by, **kwargs)


# --- due dates ----------------------------------------------------------------------------------


def test_anniversaries_fall_on_the_same_day_and_29_february_on_28_february():
    assert anniversary_on(datetime.date(2027, 1, 15), 1) == datetime.date(2028, 1, 15)
    assert anniversary_on(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)
    assert anniversary_on(datetime.date(2028, 2, 29), 4) == datetime.date(2032, 2, 29)
    # The earliest start whose anniversary is after 2029-02-28 is 2028-03-01 (29 February's
    # first anniversary is 28 February).
    assert first_start_with_anniversary_after(datetime.date(2029, 2, 28), 1) == datetime.date(
        2028, 3, 1
    )
    assert first_start_with_anniversary_after(datetime.date(2029, 2, 27), 1) == datetime.date(
        2028, 2, 28
    )


def test_a_star4_registration_owes_two_self_assessments_and_star3_none(four):
    assert four.valid_until == datetime.date(2030, 1, 14)
    assert annual_anniversaries(four) == [(1, FIRST), (2, SECOND)]
    with at(START):
        assert annual_anniversaries(register()) == []


# --- submitting ---------------------------------------------------------------------------------


def test_administrators_and_executives_submit_from_the_window_on(four, admin, body):
    executive = holder_member(four.organisation, is_member=False, is_executive=True)
    with at(days(FIRST, -61)), pytest.raises(DomainError) as error:
        submit(four, admin)
    assert error.value.code == "not_open_yet"
    with at(days(FIRST, -60)):
        record = submit(four, executive, changes="", incidents="なし", statement="特記事項なし")
    assert (record.status, record.due_on, record.submitted_by) == ("submitted", FIRST, executive)
    assert AuditEvent.objects.filter(
        action="certification.annual.submitted", object_id=str(record.pk)
    ).exists()
    with at(days(FIRST, -59)), pytest.raises(DomainError) as error:
        submit(four, admin)
    assert error.value.code == "already_submitted"


@pytest.mark.parametrize("who", ["member", "procurer", "evaluator", "accreditation", "stranger"])
def test_nobody_else_submits(four, body, who):
    people = {
        "member": lambda: holder_member(four.organisation),
        "procurer": lambda: holder_member(four.organisation, is_member=False, is_procurer=True),
        "evaluator": lambda: staff(body),
        "accreditation": accreditation_staff,
        "stranger": lambda: holder_admin(SchemeBodyFactory.create().organisation),
    }
    user = people[who]()
    with at(FIRST), pytest.raises(PermissionDenied):
        submit(four, user)
    assert not AnnualSelfAssessment.objects.exists()


def test_only_for_a_valid_star4_registration_and_an_anniversary_it_has(four, admin):
    with at(START):
        three = register()
    with at(FIRST), pytest.raises(DomainError) as error:
        submit(three, holder_admin(three.organisation))
    assert error.value.code == "no_such_anniversary"
    with at(days(SECOND, -10)), pytest.raises(DomainError) as error:
        submit(four, admin, anniversary=3)
    assert error.value.code == "no_such_anniversary"
    with at(days(FIRST, -10)):
        registration_suspend(
            registration=four,
            by=accreditation_staff(),
            reason_code=ReasonCode.INCIDENT,
            reason="調査中",
        )
        # A suspended holder may still submit (it is often what lifts the suspension).
        submit(four, admin)
        registration_revoke(
            registration=four,
            by=accreditation_staff(),
            reason_code=ReasonCode.FALSE_REPORT,
            reason="虚偽の報告",
        )
    with at(days(SECOND, -10)), pytest.raises(DomainError) as error:
        submit(four, admin, anniversary=2)
    assert error.value.code == "registration_not_running"


def test_measures_not_maintained_need_the_changes_explained(four, admin):
    with at(FIRST), pytest.raises(DomainError) as error:
        submit(four, admin, measures_maintained=False, changes="  ")
    assert error.value.code == "changes_required"
    with at(FIRST):
        record = submit(four, admin, measures_maintained=False, changes="UTMを更新しました。")
    assert record.measures_maintained is False


def test_the_attachment_is_checked_by_its_content(four, admin):
    fake = SimpleUploadedFile("statement.pdf", b"MZ\x90\x00\x03" + bytes(range(256)))
    with at(FIRST), pytest.raises(EvidenceRejected):
        submit(four, admin, attachment=fake)
    assert not AnnualSelfAssessment.objects.exists()
    with at(FIRST):
        record = submit(
            four, admin, attachment=SimpleUploadedFile("自己評価.pdf", PDF, "application/pdf")
        )
    assert (record.attachment_name, record.attachment_type, record.attachment_size) == (
        "自己評価.pdf",
        "application/pdf",
        len(PDF),
    )
    assert len(record.attachment_sha256) == 64
    assert record.attachment.read() == PDF


# --- reviewing ----------------------------------------------------------------------------------


@pytest.fixture
def submitted(four, admin):
    with at(days(FIRST, -20)):
        return submit(four, admin, incidents="なし")


@pytest.mark.parametrize("role", [StaffRole.EVALUATOR, StaffRole.LEAD_EVALUATOR])
def test_the_evaluation_body_accepts(submitted, body, role):
    reviewer = staff(body, role)
    with at(days(FIRST, -10)):
        record = annual_self_assessment_accept(assessment=submitted, by=reviewer, comment="")
    assert (record.status, record.reviewed_by) == ("accepted", reviewer)
    assert AuditEvent.objects.filter(action="certification.annual.accepted").count() == 1
    with pytest.raises(TransitionNotAllowed):
        annual_self_assessment_return(assessment=record, by=reviewer, comment="やはり不足")


@pytest.mark.parametrize("who", ["other_body", "accreditation", "holder", "inactive"])
def test_nobody_else_reviews(submitted, body, who):
    users = {
        "other_body": lambda: staff(SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])),
        "accreditation": accreditation_staff,
        "holder": lambda: holder_admin(submitted.registration.organisation),
        "inactive": lambda: BodyStaffFactory.create(body=body, active=False).user,
    }
    user = users[who]()
    with pytest.raises(PermissionDenied):
        annual_self_assessment_accept(assessment=submitted, by=user)
    with pytest.raises(PermissionDenied):
        annual_self_assessment_return(assessment=submitted, by=user, comment="不足")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_returned_statement_is_completed_and_submitted_again(submitted, body, admin):
    reviewer = staff(body, StaffRole.DECISION_MAKER)
    with pytest.raises(DomainError) as error:
        annual_self_assessment_return(assessment=submitted, by=reviewer, comment=" ")
    assert error.value.code == "comment_required"
    record = annual_self_assessment_return(
        assessment=submitted, by=reviewer, comment="インシデントの記載を補ってください。"
    )
    assert record.status == "returned"
    with at(days(FIRST, -5)):
        again = submit(four_of(record), admin, incidents="1件（マルウェア感染、復旧済み）")
    assert (again.pk, again.status, again.incidents) == (
        record.pk,
        "submitted",
        "1件（マルウェア感染、復旧済み）",
    )
    annual_self_assessment_accept(assessment=again, by=reviewer)
    with at(days(FIRST, -4)), pytest.raises(DomainError) as error:
        submit(four_of(record), admin)
    assert error.value.code == "already_accepted"


def four_of(record: AnnualSelfAssessment) -> Registration:
    return Registration.objects.get(pk=record.registration_id)


# --- notices to the other side ------------------------------------------------------------------


def test_each_step_tells_the_other_side_in_their_language(
    four, admin, body, django_capture_on_commit_callbacks
):
    english = staff(body)
    english.language = "en"
    english.save()
    japanese = staff(body, StaffRole.DECISION_MAKER)
    outsider = staff(SchemeBodyFactory.create(roles=[BodyRole.EVALUATION]))
    mail.outbox.clear()
    with at(days(FIRST, -3)), django_capture_on_commit_callbacks(execute=True):
        record = submit(four, admin)
    notices = {n.user_id: n for n in Notification.objects.filter(kind=Kind.WORK_ITEM)}
    assert set(notices) == {english.pk, japanese.pk}
    assert outsider.pk not in notices
    assert "received" in notices[english.pk].subject
    assert "受け付けました" in notices[japanese.pk].subject
    assert (
        reverse("certification:annual-review", kwargs={"pk": record.pk}) in notices[english.pk].url
    )
    assert {m.to[0] for m in mail.outbox} == {english.email, japanese.email}
    assert all(getattr(m, "alternatives", None) for m in mail.outbox)  # plain text and HTML

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        annual_self_assessment_return(assessment=record, by=japanese, comment="添付が必要です。")
    decision = Notification.objects.get(user=admin, kind=Kind.REGISTRATION_DECISION)
    assert "差し戻" in decision.subject
    assert "添付が必要です。" in decision.body
    assert [m.to[0] for m in mail.outbox] == [admin.email]


# --- reminders and escalation -------------------------------------------------------------------


def test_each_reminder_is_sent_once_at_its_offset_for_both_anniversaries(four, admin, body):
    evaluator = staff(body)
    other_body_staff = staff(SchemeBodyFactory.create(roles=[BodyRole.EVALUATION]))
    for anniversary, due in ((1, FIRST), (2, SECOND)):
        for offset in [*HOLDER_OFFSETS, 14]:
            with at(days(due, offset - 1)):
                assert tasks.send_annual_self_assessment_reminders.delay().get() == 0
            with at(days(due, offset)):
                assert tasks.send_annual_self_assessment_reminders.delay().get() == 1
                assert tasks.send_annual_self_assessment_reminders.delay().get() == 0
        assert list(
            Reminder.objects.filter(registration=four, anniversary=anniversary)
            .order_by("offset_days")
            .values_list("kind", "offset_days", "due_on")
        ) == [
            *[("annual", o, days(due, o)) for o in HOLDER_OFFSETS],
            ("annual_escalation", 14, days(due, 14)),
        ]
    holder_notices = Notification.objects.filter(user=admin)
    assert holder_notices.count() == 2 * len(HOLDER_OFFSETS)
    assert holder_notices.filter(kind=Kind.WORK_ITEM).count() == 2  # the overdue ones
    assert len({n.message_id for n in holder_notices}) == holder_notices.count()
    escalations = Notification.objects.filter(user=evaluator)
    assert escalations.count() == 2
    assert all(n.kind == Kind.WORK_ITEM for n in escalations)
    assert Notification.objects.count() == holder_notices.count() + escalations.count()
    assert not Notification.objects.filter(user=other_body_staff).exists()
    # Nothing after the second anniversary's reminders, up to the end of validity.
    with at(four.valid_until):
        assert send_annual_self_assessment_reminders() == 0


def test_a_29_february_start_is_reminded_around_28_february():
    body = SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])
    with at(datetime.date(2028, 2, 29)):
        leap = register(level=star4(), evaluation_body=body, by=accreditation_staff())
    holder_admin(leap.organisation)
    due = datetime.date(2029, 2, 28)
    assert leap.valid_until == datetime.date(2031, 2, 28)
    assert [n for n, _ in annual_anniversaries(leap)] == [1, 2]
    with at(days(due, -8)):  # the -60 and -30 days were missed: -30 is sent as a catch-up
        assert send_annual_self_assessment_reminders() == 1
    assert list(Reminder.objects.values_list("offset_days", "due_on")) == [(-30, days(due, -30))]
    with at(days(due, -7)):
        assert send_annual_self_assessment_reminders() == 1
    with at(datetime.date(2029, 3, 1)):
        assert send_annual_self_assessment_reminders() == 1
    assert Reminder.objects.get(offset_days=1).due_on == datetime.date(2029, 3, 1)
    with at(datetime.date(2030, 2, 28)):  # the second anniversary, a common year too
        assert send_annual_self_assessment_reminders() == 1
    assert Reminder.objects.get(anniversary=2).offset_days == -7


def test_a_sweep_that_missed_days_sends_what_is_due_then(four, admin, body):
    staff(body)
    with at(days(FIRST, -20)):  # the -60 and -30 days were missed: only -30 is still useful
        assert send_annual_self_assessment_reminders() == 1
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [-30]
    with at(days(FIRST, 20)):  # -7, +1 and +14 missed: the overdue notice and the escalation
        assert send_annual_self_assessment_reminders() == 2
        assert send_annual_self_assessment_reminders() == 0
    assert list(Reminder.objects.order_by("offset_days").values_list("kind", "offset_days")) == [
        ("annual", -30),
        ("annual", 1),
        ("annual_escalation", 14),
    ]


def test_no_reminder_once_submitted_and_again_when_returned(four, admin, body):
    reviewer = staff(body)
    with at(days(FIRST, -40)):
        record = submit(four, admin)
    for offset in [-30, -7, 1, 14]:
        with at(days(FIRST, offset)):
            assert send_annual_self_assessment_reminders() == 0
    annual_self_assessment_return(assessment=record, by=reviewer, comment="補足してください。")
    with at(days(FIRST, 15)):  # returned and not submitted again: overdue and escalated
        assert send_annual_self_assessment_reminders() == 2
    assert Reminder.objects.filter(anniversary=1).count() == 2
    with at(days(FIRST, 16)):
        submit(four, admin, incidents="なし")
        annual_self_assessment_accept(assessment=record, by=reviewer)
    with at(days(SECOND, -60)):  # the second anniversary has its own reminders
        assert send_annual_self_assessment_reminders() == 1


def test_no_reminder_when_the_registration_ended_or_was_revoked(four, admin):
    with at(days(FIRST, -70)):
        registration_revoke(
            registration=four,
            by=accreditation_staff(),
            reason_code=ReasonCode.FALSE_REPORT,
            reason="虚偽の報告",
        )
    for offset in [*HOLDER_OFFSETS, 14]:
        with at(days(FIRST, offset)):
            assert send_annual_self_assessment_reminders() == 0


def test_a_suspended_registration_is_still_reminded(four, admin):
    with at(days(FIRST, -70)):
        registration_suspend(
            registration=four,
            by=accreditation_staff(),
            reason_code=ReasonCode.INCIDENT,
            reason="調査中",
        )
    with at(days(FIRST, -60)):
        assert send_annual_self_assessment_reminders() == 1


def test_the_sweep_works_in_batches(body):
    with at(START):
        registrations = [
            register(level=star4(), evaluation_body=body, by=accreditation_staff())
            for _ in range(5)
        ]
    for registration in registrations:
        holder_admin(registration.organisation)
    with at(days(FIRST, -60)):
        assert send_annual_self_assessment_reminders(batch_size=2) == 5
        assert send_annual_self_assessment_reminders(batch_size=2) == 0
    assert Reminder.objects.count() == 5


def test_reminders_reach_the_holders_people_in_their_language(four, admin):
    english = holder_member(four.organisation)
    english.language = "en"
    english.save()
    with at(days(FIRST, -30)):
        send_annual_self_assessment_reminders()
    assert "due in 30 days" in Notification.objects.get(user=english).subject
    assert "あと30日" in Notification.objects.get(user=admin).subject


# --- pages --------------------------------------------------------------------------------------


def test_the_holder_sees_the_anniversaries_and_submits_the_due_one(four, admin, signed_in):
    with at(days(FIRST, -10)):
        client = signed_in(admin)
        page = client.get(reverse("certification:holder-detail", args=[four.number]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "annual-title" in html
        assert f'href="{reverse("certification:annual-list")}"' not in html
        url = reverse("certification:annual-submit", args=[four.number, 1])
        assert url in html
        form = client.get(url)
        assert form.status_code == 200
        # A bad answer keeps what was typed and says what is wrong.
        bad = client.post(url, {"measures_maintained": "no", "incidents": "なし（記入済み）"})
        assert bad.status_code == 200
        assert "なし（記入済み）" in bad.content.decode()
        assert not AnnualSelfAssessment.objects.exists()
        done = client.post(
            url,
            {
                "measures_maintained": "yes",
                "incidents": "なし",
                "attachment": SimpleUploadedFile("sheet.pdf", PDF),
            },
        )
        assert done.status_code == 302
    record = AnnualSelfAssessment.objects.get()
    assert record.attachment_name == "sheet.pdf"
    with at(days(FIRST, -9)):
        attachment = client.get(reverse("certification:annual-attachment", args=[record.pk]))
        assert attachment.status_code == 200
        assert b"".join(attachment.streaming_content) == PDF


def test_a_member_sees_but_does_not_submit(four, signed_in):
    member = holder_member(four.organisation)
    url = reverse("certification:annual-submit", args=[four.number, 1])
    with at(days(FIRST, -10)):
        client = signed_in(member)
        assert client.get(url).status_code == 200
        assert client.post(url, {"measures_maintained": "yes"}).status_code == 403
    assert not AnnualSelfAssessment.objects.exists()


def test_a_rejected_attachment_is_reported_on_the_field(four, admin, signed_in):
    url = reverse("certification:annual-submit", args=[four.number, 1])
    with at(days(FIRST, -10)):
        client = signed_in(admin)
        response = client.post(
            url,
            {
                "measures_maintained": "yes",
                "statement": "そのまま",
                "attachment": SimpleUploadedFile("a.pdf", b"\x00\x01binary"),
            },
        )
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"]
    assert "そのまま" in response.content.decode()


def test_the_evaluation_body_lists_received_and_overdue_and_decides(
    four, submitted, body, signed_in
):
    with at(START):
        late = register(level=star4(), evaluation_body=body, by=accreditation_staff())
    evaluator = staff(body)
    with at(days(FIRST, 3)):
        client = signed_in(evaluator)
        page = client.get(reverse("certification:annual-list"))
        assert page.status_code == 200
        html = page.content.decode()
        assert reverse("certification:annual-review", args=[submitted.pk]) in html
        assert late.number in html  # overdue
        # The navigation leads evaluation staff here.
        assert f'href="{reverse("certification:annual-list")}"' in html
        review = reverse("certification:annual-review", args=[submitted.pk])
        assert client.get(review).status_code == 200
        missing = client.post(review, {"decision": "return", "comment": ""})
        assert missing.status_code == 200
        assert missing.context["form"].errors["comment"]
        assert (
            client.post(review, {"decision": "accept", "comment": "確認しました。"}).status_code
            == 302
        )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewer_comment) == ("accepted", "確認しました。")


def test_other_evaluation_bodies_do_not_see_it(submitted, signed_in):
    outsider = staff(SchemeBodyFactory.create(roles=[BodyRole.EVALUATION]))
    client = signed_in(outsider)
    assert client.get(reverse("certification:annual-list")).status_code == 200
    assert (
        client.get(reverse("certification:annual-review", args=[submitted.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("certification:annual-review", args=[submitted.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_second_submission_from_a_stale_form_says_why(four, admin, signed_in):
    url = reverse("certification:annual-submit", args=[four.number, 1])
    with at(days(FIRST, -10)):
        client = signed_in(admin)
        assert client.post(url, {"measures_maintained": "yes"}).status_code == 302
        again = client.post(url, {"measures_maintained": "yes", "statement": "二重送信"})
    assert again.status_code == 200
    html = again.content.decode()
    assert 'role="alert"' in html
    assert "この年次自己評価は提出済みで、評価機関の確認を待っています。" in html
    assert AnnualSelfAssessment.objects.get().statement == ""


def test_the_scheme_bodies_see_the_anniversaries_on_the_registration(submitted, body, signed_in):
    decision_maker = staff(body, StaffRole.DECISION_MAKER)
    accreditation = accreditation_staff()
    url = reverse("certification:staff-detail", args=[submitted.registration.number])
    review = reverse("certification:annual-review", args=[submitted.pk])
    with at(days(FIRST, -5)):
        html = signed_in(decision_maker).get(url).content.decode()
        assert "annual-title" in html
        assert review in html
        # The accreditation body sees the state but reviews nothing.
        other = signed_in(accreditation).get(url).content.decode()
    assert "annual-title" in other
    assert review not in other
