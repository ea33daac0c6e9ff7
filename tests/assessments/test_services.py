"""The services of the ★3 application: what each allows and refuses, beyond the transition table
(test_workflow.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import (
    AdvisorEngagement,
    Answer,
    AnswerSnapshot,
    Application,
    Approval,
    ReviewRound,
)
from assessments.selectors import (
    application_list_for,
    application_progress,
    requested_changes,
    round_changes,
)
from assessments.services.applications import (
    AnswerConflict,
    answer_save,
    application_effort_record,
    application_scope_update,
    application_start,
    application_withdraw,
)
from assessments.services.declarations import declaration_sign
from assessments.services.engagements import (
    engagement_accept,
    engagement_end,
    engagement_invite,
)
from assessments.services.evidence import evidence_attach
from assessments.services.reviews import (
    SubmissionIncomplete,
    application_submit_for_review,
    criterion_review_record,
    review_approve,
    review_return,
)
from bodies.models import AdvisorProfile
from core.exceptions import DomainError
from core.models import AuditEvent
from scheme.models import Criterion, Edition
from tests.factories.assessments import (
    ApplicationFactory,
    EvidenceFileFactory,
    application_people,
    expire_qualifications,
    fill_answers,
    qualified_advisor,
    small_catalogue,
)
from tests.factories.bodies import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def member_of(organisation, **roles):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=organisation, **roles)
    return user


def first_answer(application: Application) -> Answer:
    return application.answers.order_by("criterion__position")[0]


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- starting and the scope ----------------------------------------------------------------------


def test_start_pins_the_current_edition_with_one_empty_answer_per_star3_criterion():
    small_catalogue()
    organisation = OrganisationFactory.create()
    user = member_of(organisation, is_member=True)
    application = application_start(
        organisation=organisation,
        by=user,
        sites=["本社", "本社", "  大阪営業所 "],
        infrastructure="社内LAN",
    )
    assert application.status == Application.Status.DRAFT
    assert application.edition.code == Edition.objects.get(status="published").code
    assert application.level.stars == 3
    answers = Answer.objects.filter(application=application)
    # Five ★3-tagged criteria; the ★4-only item is left out.
    assert sorted(a.criterion.code for a in answers) == [
        "1-1-1-1",
        "1-1-1-2",
        "1-1-2-1",
        "4-1-1-1",
        "4-1-1-2",
    ]
    assert {a.status for a in answers} == {""}
    assert list(application.covered_entities.all()) == [organisation]
    assert application.sites == ["本社", "大阪営業所"]
    assert AuditEvent.objects.filter(action="assessments.application.started").exists()


def test_a_group_may_include_its_subsidiaries_but_not_other_companies():
    small_catalogue()
    parent = OrganisationFactory.create()
    child = OrganisationFactory.create(parent=parent)
    grandchild = OrganisationFactory.create(parent=child)
    stranger = OrganisationFactory.create()
    user = member_of(parent, is_member=True)
    application = application_start(
        organisation=parent, by=user, covered_entities=[child, grandchild], sites=["本社"]
    )
    assert set(application.covered_entities.all()) == {parent, child, grandchild}
    with pytest.raises(DomainError) as exc:
        application_scope_update(
            application=application,
            by=user,
            covered_entities=[stranger],
            sites=["本社"],
            infrastructure="x",
            cloud_services="",
            all_it_outsourced=True,
        )
    assert exc.value.code == "entity_outside_group"


@pytest.mark.parametrize(
    "roles", [{"is_member": False, "is_executive": True}, {"is_member": False, "is_procurer": True}]
)
def test_only_members_and_administrators_start_applications(roles):
    small_catalogue()
    organisation = OrganisationFactory.create()
    with pytest.raises(PermissionDenied):
        application_start(organisation=organisation, by=member_of(organisation, **roles))
    with pytest.raises(PermissionDenied):
        application_start(organisation=organisation, by=UserFactory.create())
    admin = member_of(organisation, is_member=False, is_admin=True)
    assert application_start(organisation=organisation, by=admin, sites=["本社"]).pk


def test_an_unpublished_edition_cannot_be_used():
    edition = small_catalogue()
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.DRAFT)
    organisation = OrganisationFactory.create()
    with pytest.raises(DomainError) as exc:
        application_start(organisation=organisation, by=member_of(organisation))
    assert exc.value.code == "edition_not_published"


def test_the_scope_is_frozen_outside_draft_and_returned():
    application = ApplicationFactory.create(status=Application.Status.IN_REVIEW)
    people = application_people(application)
    with pytest.raises(DomainError) as exc:
        application_scope_update(
            application=application,
            by=people.member,
            covered_entities=[],
            sites=["別の拠点"],
            infrastructure="x",
            cloud_services="",
            all_it_outsourced=False,
        )
    assert exc.value.code == "not_editable"


def test_effort_hours_are_optional_and_bounded():
    application = ApplicationFactory.create()
    people = application_people(application)
    application_effort_record(application=application, by=people.member, hours=Decimal("12.5"))
    assert fresh(application).effort_hours == Decimal("12.5")
    application_effort_record(application=application, by=people.member, hours=None)
    assert fresh(application).effort_hours is None
    with pytest.raises(DomainError):
        application_effort_record(application=application, by=people.member, hours=Decimal(-1))
    with pytest.raises(PermissionDenied):
        application_effort_record(application=application, by=people.advisor, hours=Decimal(1))


# --- answers and conflicts -----------------------------------------------------------------------


def test_saving_an_answer_bumps_its_version_and_records_who():
    application = ApplicationFactory.create()
    people = application_people(application)
    answer = first_answer(application)
    saved = answer_save(
        answer=answer,
        by=people.member,
        status="implemented",
        description=" 規程を定めています。 ",
        na_justification="",
        expected_version=0,
    )
    assert (saved.version, saved.status, saved.description) == (
        1,
        "implemented",
        "規程を定めています。",
    )
    assert saved.updated_by == people.member
    # Saving the same values again changes nothing.
    again = answer_save(
        answer=answer,
        by=people.admin,
        status="implemented",
        description="規程を定めています。",
        na_justification="",
        expected_version=0,
    )
    assert again.version == 1
    assert again.updated_by == people.member


def test_a_concurrent_edit_is_detected_and_nothing_is_overwritten():
    application = ApplicationFactory.create()
    people = application_people(application)
    answer = first_answer(application)
    answer_save(
        answer=answer,
        by=people.member,
        status="implemented",
        description="Aさんの説明",
        na_justification="",
        expected_version=0,
    )
    with pytest.raises(AnswerConflict) as exc:
        answer_save(
            answer=answer,
            by=people.admin,
            status="partly",
            description="Bさんの説明",
            na_justification="",
            expected_version=0,
        )
    assert exc.value.current.description == "Aさんの説明"
    assert exc.value.current.version == 1
    answer.refresh_from_db()
    assert answer.description == "Aさんの説明"
    # Knowingly keeping the other version: save against the version now stored.
    kept = answer_save(
        answer=answer,
        by=people.admin,
        status="partly",
        description="Bさんの説明",
        na_justification="",
        expected_version=1,
    )
    assert (kept.version, kept.description) == (2, "Bさんの説明")


def test_answers_refuse_unknown_statuses_and_outsiders():
    application = ApplicationFactory.create()
    people = application_people(application)
    answer = first_answer(application)
    with pytest.raises(DomainError):
        answer_save(
            answer=answer,
            by=people.member,
            status="yes",
            description="",
            na_justification="",
            expected_version=0,
        )
    for outsider in (people.advisor, people.procurer, people.other_supplier, people.executive):
        with pytest.raises(PermissionDenied):
            answer_save(
                answer=answer,
                by=outsider,
                status="implemented",
                description="",
                na_justification="",
                expected_version=0,
            )


def test_progress_counts_a_not_applicable_without_justification_as_incomplete():
    application = ApplicationFactory.create()
    answers = list(application.answers.order_by("criterion__position"))
    answers[0].status = "implemented"
    answers[0].save()
    answers[1].status = "not_applicable"
    answers[1].save()
    answers[3].status = "not_applicable"
    answers[3].na_justification = "該当する機器がありません。"
    answers[3].save()
    progress = application_progress(application)
    assert (progress.complete, progress.total) == (2, 5)
    by_code = {row.category.code: (row.complete, row.total) for row in progress.categories}
    assert by_code == {"1": (1, 3), "4": (1, 2)}


# --- sending for review --------------------------------------------------------------------------


def test_sending_for_review_is_refused_with_every_open_point():
    application = ApplicationFactory.create(sites=[], infrastructure="")
    member = member_of(application.organisation)
    answers = list(application.answers.order_by("criterion__position"))
    answers[0].status = "not_applicable"
    answers[0].save()
    answers[1].status = "implemented"
    answers[1].save()
    with pytest.raises(SubmissionIncomplete) as exc:
        application_submit_for_review(application=application, by=member)
    points = [(p.code, p.criterion) for p in exc.value.points]
    assert points == [
        ("scope_infrastructure", ""),
        ("scope_sites", ""),
        ("advisor", ""),
        ("na_justification", "1-1-1-1"),
        ("unanswered", "1-1-2-1"),
        ("unanswered", "4-1-1-1"),
        ("unanswered", "4-1-1-2"),
    ]
    assert all(p.url for p in exc.value.points)
    assert "#criterion-1-1-1-1" in exc.value.points[3].url
    assert fresh(application).status == Application.Status.DRAFT
    assert not ReviewRound.objects.filter(application=application).exists()


def test_sending_for_review_snapshots_every_answer_and_tells_the_advisor():
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    evidence = EvidenceFileFactory.create(application=application)
    evidence.answers.add(first_answer(application))
    review_round = application_submit_for_review(application=application, by=people.member)
    assert review_round.number == 1
    assert fresh(application).status == Application.Status.IN_REVIEW
    snapshots = AnswerSnapshot.objects.filter(round=review_round)
    assert snapshots.count() == 5
    first = snapshots.get(criterion=first_answer(application).criterion)
    assert first.evidence == [evidence.as_snapshot()]


def test_the_advisor_is_mailed_after_commit(django_capture_on_commit_callbacks):
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit_for_review(application=application, by=people.member)
    assert [m.to for m in mail.outbox] == [[people.advisor.email]]
    assert application.reference in mail.outbox[0].subject


# --- the review ----------------------------------------------------------------------------------


def in_review(application=None):
    application = application or ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    return fresh(application), people


def criteria(application):
    return [a.criterion for a in application.answers.order_by("criterion__position")]


def test_needs_work_requires_a_comment_and_only_the_advisor_records_verdicts():
    application, people = in_review()
    criterion = criteria(application)[0]
    with pytest.raises(DomainError) as exc:
        criterion_review_record(
            application=application,
            criterion=criterion,
            by=people.advisor,
            verdict="needs_work",
            comment="  ",
        )
    assert exc.value.code == "comment_required"
    for outsider in (people.member, people.other_advisor, people.executive):
        with pytest.raises(PermissionDenied):
            criterion_review_record(
                application=application,
                criterion=criterion,
                by=outsider,
                verdict="pass",
                comment="",
            )
    review = criterion_review_record(
        application=application,
        criterion=criterion,
        by=people.advisor,
        verdict="pass",
        comment="",
    )
    # Recording again changes the verdict (one per criterion and round).
    changed = criterion_review_record(
        application=application,
        criterion=criterion,
        by=people.advisor,
        verdict="needs_work",
        comment="手順書の日付を更新してください。",
    )
    assert changed.pk == review.pk
    assert changed.verdict == "needs_work"


def test_a_criterion_outside_the_application_cannot_be_reviewed():
    application, people = in_review()
    star4_only = Criterion.objects.get(edition=application.edition, code="4-1-2-1")
    with pytest.raises(DomainError) as exc:
        criterion_review_record(
            application=application,
            criterion=star4_only,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    assert exc.value.code == "unknown_criterion"


def test_returning_needs_at_least_one_criterion_that_needs_work():
    application, people = in_review()
    for criterion in criteria(application):
        criterion_review_record(
            application=application,
            criterion=criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    with pytest.raises(DomainError) as exc:
        review_return(application=application, by=people.advisor)
    assert exc.value.code == "nothing_to_fix"


def test_the_applicant_sees_exactly_what_the_advisor_asked(django_capture_on_commit_callbacks):
    application, people = in_review()
    first, second, *_rest = criteria(application)
    criterion_review_record(
        application=application,
        criterion=first,
        by=people.advisor,
        verdict="needs_work",
        comment="多要素認証の設定画面を添付してください。",
    )
    criterion_review_record(
        application=application, criterion=second, by=people.advisor, verdict="pass", comment=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        review_round = review_return(application=application, by=people.advisor, summary="一点のみ")
    application = fresh(application)
    assert application.status == Application.Status.RETURNED
    assert review_round.decision == ReviewRound.Decision.RETURNED
    asked = requested_changes(application)
    assert list(asked) == [first.pk]
    assert asked[first.pk].comment == "多要素認証の設定画面を添付してください。"
    recipients = {address for m in mail.outbox for address in m.to}
    assert people.member.email in recipients
    assert people.admin.email in recipients


def test_approval_requires_every_criterion_to_pass():
    application, people = in_review()
    first, *rest = criteria(application)
    for criterion in rest:
        criterion_review_record(
            application=application,
            criterion=criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    with pytest.raises(DomainError) as exc:
        review_approve(application=application, by=people.advisor)
    assert exc.value.code == "not_all_passed"
    criterion_review_record(
        application=application,
        criterion=first,
        by=people.advisor,
        verdict="needs_work",
        comment="不足",
    )
    with pytest.raises(DomainError):
        review_approve(application=application, by=people.advisor)


def pass_everything(application, people):
    for criterion in criteria(application):
        criterion_review_record(
            application=application,
            criterion=criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )


def test_approval_records_who_when_and_the_qualification_facts():
    application, people = in_review()
    pass_everything(application, people)
    approval = review_approve(application=application, by=people.advisor, summary="問題なし")
    assert fresh(application).status == Application.Status.APPROVED
    assert approval.approved_by == people.advisor
    assert approval.advisor == people.engagement.advisor
    assert approval.advisor_name == people.engagement.advisor.display_name
    assert approval.engagement_kind == "external"
    assert approval.qualified_on == timezone.localdate()
    [fact] = approval.qualifications
    qualification = people.engagement.advisor.qualifications.get()
    assert fact["kind"] == "riss"
    assert fact["number"] == qualification.number
    # The copy stays when the profile changes later.
    qualification.number = "999999"
    qualification.save()
    assert Approval.objects.get(pk=approval.pk).qualifications[0]["number"] != "999999"


def test_an_advisor_whose_qualification_lapsed_cannot_approve():
    application, people = in_review()
    pass_everything(application, people)
    expire_qualifications(people.engagement.advisor)
    with pytest.raises(DomainError) as exc:
        review_approve(application=application, by=people.advisor)
    assert exc.value.code == "advisor_not_qualified"
    assert fresh(application).status == Application.Status.IN_REVIEW


def test_a_suspended_advisor_cannot_approve():
    application, people = in_review()
    pass_everything(application, people)
    AdvisorProfile.objects.filter(pk=people.engagement.advisor.pk).update(status="suspended")
    with pytest.raises(DomainError) as exc:
        review_approve(application=application, by=people.advisor)
    assert exc.value.code == "advisor_not_qualified"


def test_round_two_shows_what_changed_since_round_one():
    application, people = in_review()
    first, second, third, *_rest = criteria(application)
    criterion_review_record(
        application=application,
        criterion=first,
        by=people.advisor,
        verdict="needs_work",
        comment="具体的に書いてください。",
    )
    review_return(application=application, by=people.advisor)
    application = fresh(application)
    answer = application.answers.get(criterion=first)
    answer_save(
        answer=answer,
        by=people.member,
        status="partly",
        description=answer.description + "\n毎年4月に見直します。",
        na_justification="",
        expected_version=answer.version,
    )
    evidence = EvidenceFileFactory.create(application=application, original_name="規程.pdf")
    evidence_attach(
        evidence=evidence, answer=application.answers.get(criterion=second), by=people.member
    )
    round_two = application_submit_for_review(application=application, by=people.member)
    assert round_two.number == 2
    changes = round_changes(round_two)
    assert changes is not None
    first_change = changes[first.pk]
    assert first_change.status_before == "implemented"
    assert first_change.status_after == "partly"
    assert ("added", "毎年4月に見直します。") in first_change.description_diff
    assert changes[second.pk].evidence_added == [evidence.as_snapshot()]
    assert not changes[second.pk].status_changed
    assert not changes[third.pk].has_changes
    # Round one has nothing to compare with.
    assert round_changes(ReviewRound.objects.get(application=application, number=1)) is None


def test_evidence_changes_are_refused_while_in_review():
    application, people = in_review()
    evidence = EvidenceFileFactory.create(application=application)
    with pytest.raises(DomainError):
        evidence_attach(evidence=evidence, answer=first_answer(application), by=people.member)


# --- engagements ---------------------------------------------------------------------------------


def test_an_external_advisor_must_be_listed_and_qualified():
    application = ApplicationFactory.create()
    member = member_of(application.organisation)
    unlisted = qualified_advisor(is_public=False)
    with pytest.raises(DomainError) as exc:
        engagement_invite(application=application, advisor=unlisted, by=member)
    assert exc.value.code == "advisor_not_listed"
    unqualified = qualified_advisor(verified=False)
    with pytest.raises(DomainError) as exc:
        engagement_invite(application=application, advisor=unqualified, by=member)
    assert exc.value.code == "advisor_not_qualified"
    listed = qualified_advisor()
    engagement = engagement_invite(
        application=application, advisor=listed, by=member, message="よろしくお願いします"
    )
    assert engagement.kind == AdvisorEngagement.Kind.EXTERNAL
    assert engagement.status == AdvisorEngagement.Status.INVITED


def test_a_member_with_an_advisor_profile_is_an_internal_advisor():
    application = ApplicationFactory.create()
    member = member_of(application.organisation)
    colleague = member_of(application.organisation, is_member=False)
    profile = qualified_advisor(
        user=colleague,
        is_public=False,
        mode=AdvisorProfile.Mode.INTERNAL,
        employer=application.organisation,
    )
    engagement = engagement_invite(application=application, advisor=profile, by=member)
    assert engagement.kind == AdvisorEngagement.Kind.INTERNAL


def test_only_one_engagement_is_open_at_a_time_and_invitations_need_an_editable_state():
    application = ApplicationFactory.create()
    member = member_of(application.organisation)
    engagement_invite(application=application, advisor=qualified_advisor(), by=member)
    with pytest.raises(DomainError) as exc:
        engagement_invite(application=application, advisor=qualified_advisor(), by=member)
    assert exc.value.code == "engagement_open"
    other = ApplicationFactory.create(status=Application.Status.APPROVED)
    with pytest.raises(DomainError):
        engagement_invite(
            application=other, advisor=qualified_advisor(), by=member_of(other.organisation)
        )


def test_accepting_requires_the_conflict_of_interest_declaration(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory.create()
    member = member_of(application.organisation)
    engagement = engagement_invite(application=application, advisor=qualified_advisor(), by=member)
    advisor = engagement.advisor.user
    assert not application_list_for(advisor).exists()
    for no_conflict, text in ((False, "関係なし"), (True, "  ")):
        with pytest.raises(DomainError) as exc:
            engagement_accept(
                engagement=engagement, by=advisor, no_conflict=no_conflict, coi_declaration=text
            )
        assert exc.value.code == "coi_required"
    with django_capture_on_commit_callbacks(execute=True):
        engagement_accept(
            engagement=engagement,
            by=advisor,
            no_conflict=True,
            coi_declaration="取引関係はありません。",
        )
    engagement.refresh_from_db()
    assert engagement.coi_accepted_at is not None
    assert list(application_list_for(advisor)) == [application]
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_an_engagement_cannot_end_during_a_review_but_ends_with_a_withdrawal():
    application, people = in_review()
    with pytest.raises(DomainError):
        engagement_end(engagement=people.engagement, by=people.member)
    application_withdraw(application=application, by=people.member, reason="今年は見送ります")
    people.engagement.refresh_from_db()
    assert people.engagement.status == AdvisorEngagement.Status.ENDED
    assert not application_list_for(people.advisor).exists()
    assert fresh(application).withdrawal_reason == "今年は見送ります"


def test_the_applicant_can_change_advisor_while_editable():
    application = ApplicationFactory.create()
    people = application_people(application)
    engagement_end(engagement=people.engagement, by=people.member, reason="別の専門家に依頼します")
    assert not application_list_for(people.advisor).exists()
    engagement_invite(application=application, advisor=qualified_advisor(), by=people.member)


# --- the declaration -----------------------------------------------------------------------------


def approved():
    application, people = in_review()
    pass_everything(application, people)
    review_approve(application=application, by=people.advisor)
    return fresh(application), people


def test_signing_requires_a_recent_reauthentication():
    application, people = approved()
    for when in (None, timezone.now() - datetime.timedelta(minutes=30)):
        with pytest.raises(DomainError) as exc:
            declaration_sign(
                application=application,
                by=people.executive,
                signer_name="山田 太郎",
                signer_title="代表取締役",
                reauthenticated_at=when,
            )
        assert exc.value.code == "reauthentication_required"
    assert fresh(application).status == Application.Status.APPROVED


def test_the_declaration_keeps_both_texts_as_signed():
    application, people = approved()
    for name, title in (("", "代表取締役"), ("山田 太郎", "  ")):
        with pytest.raises(DomainError) as exc:
            declaration_sign(
                application=application,
                by=people.executive,
                signer_name=name,
                signer_title=title,
                reauthenticated_at=timezone.now(),
            )
        assert exc.value.code == "signer_required"
    declaration = declaration_sign(
        application=application,
        by=people.executive,
        signer_name="山田 太郎",
        signer_title="代表取締役",
        reauthenticated_at=timezone.now(),
    )
    assert fresh(application).status == Application.Status.DECLARED
    assert declaration.signed_on == timezone.localdate()
    assert application.organisation.name in declaration.text_ja
    assert "経営層による自己適合宣誓" in declaration.text_ja
    assert "代表取締役 山田 太郎" in declaration.text_ja
    assert "Management declaration of self-conformity" in declaration.text_en
    assert application.organisation.corporate_number in declaration.text_en
    assert declaration.approval == Approval.objects.get(application=application)
