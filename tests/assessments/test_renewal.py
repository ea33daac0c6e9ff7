"""The yearly renewal of a ★3 registration: starting it (who, from what, when), the pre-filled
answers and carried-over evidence (also across an edition change), confirming them on the
pages, the open points that block the review, the advisor's view of what changed since last
year, and the full path to a registration that continues the old one without a gap."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Application, EvidenceFile
from assessments.selectors import (
    application_open_points,
    renewal_changes,
    renewal_refusal,
    renewal_summary,
)
from assessments.services.applications import answer_save, application_withdraw
from assessments.services.declarations import declaration_sign
from assessments.services.engagements import engagement_accept, engagement_invite
from assessments.services.evidence import evidence_delete
from assessments.services.renewals import (
    answer_confirm,
    answers_confirm_unchanged,
    application_renew,
    evidence_reconfirm,
)
from assessments.services.reviews import (
    SubmissionIncomplete,
    application_submit_for_review,
    criterion_review_record,
    review_approve,
)
from certification.models import Registration
from certification.services.submissions import (
    application_register,
    application_submit_for_registration,
)
from core.exceptions import DomainError
from core.models import AuditEvent
from scheme.models import Edition
from tests.assessments.helpers import sign_in
from tests.factories.assessments import (
    ApplicationFactory,
    EvidenceFileFactory,
    People,
    application_people,
    fill_answers,
    qualified_advisor,
    star3,
)
from tests.factories.certification import registration_staff, submitted_application
from tests.factories.scheme import (
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    ItemFactory,
    SubcategoryFactory,
)

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def registered(**kwargs: Any) -> tuple[Application, People, Registration]:
    """A ★3 application taken all the way to registration by the services, with one evidence
    file supporting its first two criteria (attached before the advisor's review)."""
    application = ApplicationFactory.create(**kwargs)
    people = application_people(application)
    fill_answers(application)
    answers = list(Answer.objects.filter(application=application).order_by("criterion__position"))
    evidence = EvidenceFileFactory.create(
        application=application, original_name="脆弱性診断報告書2026.pdf"
    )
    evidence.answers.add(answers[0], answers[1])
    application_submit_for_review(application=application, by=people.member)
    for answer in answers:
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    review_approve(application=application, by=people.advisor)
    declaration_sign(
        application=Application.objects.get(pk=application.pk),
        by=people.executive,
        signer_name="山田 太郎",
        signer_title="代表取締役",
        reauthenticated_at=timezone.now(),
    )
    application_submit_for_registration(
        application=Application.objects.get(pk=application.pk), by=people.member
    )
    registration = application_register(
        application=Application.objects.get(pk=application.pk), by=registration_staff()
    )
    return Application.objects.get(pk=application.pk), people, registration


@pytest.fixture
def last_year() -> tuple[Application, People, Registration]:
    return registered()


def answers_by_code(application: Application) -> dict[str, Answer]:
    return {
        a.criterion.code: a
        for a in Answer.objects.filter(application=application).select_related("criterion")
    }


# --- starting a renewal --------------------------------------------------------------------------


def test_the_renewal_is_prefilled_from_last_year(last_year):
    previous, people, _registration = last_year
    Answer.objects.filter(application=previous, criterion__code="1-1-2-1").update(
        status=Answer.Status.NOT_APPLICABLE, description="", na_justification="該当なし。"
    )
    renewal = application_renew(previous=previous, by=people.member)

    assert renewal.status == Application.Status.DRAFT
    assert renewal.renewal_of == previous
    assert renewal.edition == previous.edition
    assert renewal.sites == previous.sites
    assert renewal.infrastructure == previous.infrastructure
    assert renewal.cloud_services == previous.cloud_services
    assert renewal.all_it_outsourced == previous.all_it_outsourced
    assert set(renewal.covered_entities.all()) == set(previous.covered_entities.all())
    old, new = answers_by_code(previous), answers_by_code(renewal)
    assert new.keys() == old.keys()
    for code, answer in new.items():
        assert (answer.status, answer.description, answer.na_justification) == (
            old[code].status,
            old[code].description,
            old[code].na_justification,
        )
        assert answer.carried_over
        assert answer.confirmed_at is None
    assert new["1-1-2-1"].status == Answer.Status.NOT_APPLICABLE
    event = AuditEvent.objects.get(action="assessments.application.renewal_started")
    assert event.data["renews"] == previous.pk
    assert event.data["carried_over"] == len(new)
    assert event.data["evidence_files"] == 1


def test_evidence_is_carried_over_as_the_same_stored_file(last_year):
    previous, people, _ = last_year
    old_file = EvidenceFile.objects.get(application=previous)
    renewal = application_renew(previous=previous, by=people.member)

    copy = EvidenceFile.objects.get(application=renewal)
    assert copy.pk != old_file.pk
    assert copy.file.name == old_file.file.name
    assert copy.sha256 == old_file.sha256
    assert copy.original_name == old_file.original_name
    assert copy.carried_over_from == old_file
    assert copy.reconfirmed_at is None
    assert copy.needs_reconfirmation
    codes = sorted(a.criterion.code for a in copy.answers.all())
    assert codes == sorted(a.criterion.code for a in old_file.answers.all())
    assert all(a.application_id == renewal.pk for a in copy.answers.all())


def test_deleting_the_carried_over_row_keeps_last_years_file(
    last_year, django_capture_on_commit_callbacks
):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    copy = EvidenceFile.objects.get(application=renewal)
    name = copy.file.name
    assert name is not None
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=copy, by=people.member)
    assert not EvidenceFile.objects.filter(pk=copy.pk).exists()
    assert default_storage.exists(name)
    with default_storage.open(name) as stored:
        assert stored.read().startswith(b"%PDF")


def test_the_stored_file_goes_with_the_last_row_pointing_at_it(
    django_capture_on_commit_callbacks,
):
    application = EvidenceFileFactory.create().application
    people = application_people(application)
    first = EvidenceFile.objects.get(application=application)
    twin = EvidenceFile.objects.create(
        application=application,
        file=first.file.name,
        original_name=first.original_name,
        content_type=first.content_type,
        size=first.size,
        sha256=first.sha256,
    )
    name = first.file.name
    assert name is not None
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=first, by=people.member)
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=twin, by=people.member)
    assert not default_storage.exists(name)


def test_an_edition_change_prefills_matching_criteria_and_lists_the_new_ones(last_year, settings):
    previous, people, _ = last_year
    level = star3()
    edition = EditionFactory.create(
        code="scs-2027-03", title_ja="2027年版", title_en="2027 edition", published=True
    )
    category = CategoryFactory.create(edition=edition, code="1", position=1, csf_function="GV")
    sub = SubcategoryFactory.create(category=category, code="1-1", position=1)
    item = ItemFactory.create(subcategory=sub, code="1-1-1", position=1, levels=[level])
    for position, code in enumerate(["1-1-1-1", "1-1-1-2", "1-1-1-9"], start=1):
        CriterionFactory.create(item=item, code=code, level=level, position=position)
    settings.SCHEME_CURRENT_EDITION = "scs-2027-03"

    renewal = application_renew(previous=previous, by=people.member)

    assert renewal.edition == edition
    new = answers_by_code(renewal)
    assert sorted(new) == ["1-1-1-1", "1-1-1-2", "1-1-1-9"]
    assert new["1-1-1-1"].carried_over
    assert new["1-1-1-1"].status == Answer.Status.IMPLEMENTED
    assert new["1-1-1-1"].criterion.edition == edition
    assert not new["1-1-1-9"].carried_over
    assert new["1-1-1-9"].status == ""
    summary = renewal_summary(renewal)
    assert summary is not None
    assert [c.code for c in summary.new_criteria] == ["1-1-1-9"]
    # The evidence follows the criteria that still exist.
    copy = EvidenceFile.objects.get(application=renewal)
    assert sorted(a.criterion.code for a in copy.answers.all()) == ["1-1-1-1", "1-1-1-2"]
    event = AuditEvent.objects.get(action="assessments.application.renewal_started")
    assert event.data["new_criteria"] == ["1-1-1-9"]
    assert event.data["previous_edition"] == previous.edition.code


def test_only_members_and_administrators_start_a_renewal(last_year):
    previous, people, _ = last_year
    for outsider in (people.executive, people.procurer, people.advisor, people.other_supplier):
        with pytest.raises(PermissionDenied):
            application_renew(previous=previous, by=outsider)
    assert application_renew(previous=previous, by=people.admin).renewal_of == previous


def test_an_application_that_is_not_registered_cannot_be_renewed():
    application, people = submitted_application()
    with pytest.raises(DomainError) as refused:
        application_renew(previous=application, by=people.member)
    assert refused.value.code == "not_registered"


def test_a_second_renewal_is_refused_while_one_is_under_way(last_year):
    previous, people, _ = last_year
    first = application_renew(previous=previous, by=people.member)
    with pytest.raises(DomainError) as refused:
        application_renew(previous=previous, by=people.member)
    assert refused.value.code == "renewal_exists"
    # A withdrawn renewal does not count: the organisation may start again.
    application_withdraw(application=first, by=people.member, reason="やり直します")
    again = application_renew(previous=previous, by=people.member)
    assert again.pk != first.pk


@pytest.mark.parametrize("status", ["revoked", "withdrawn", "superseded"])
def test_a_registration_no_longer_held_cannot_be_renewed(last_year, status):
    previous, people, registration = last_year
    Registration.objects.filter(pk=registration.pk).update(status=status)
    with pytest.raises(DomainError) as refused:
        application_renew(previous=previous, by=people.member)
    assert refused.value.code == "registration_ended"


def test_a_suspended_registration_can_be_renewed(last_year):
    previous, people, registration = last_year
    Registration.objects.filter(pk=registration.pk).update(status="suspended")
    assert application_renew(previous=previous, by=people.member).renewal_of == previous


def test_a_lapsed_registration_can_be_renewed_only_within_the_late_window(last_year, settings):
    previous, people, registration = last_year
    settings.CERTIFICATION_RENEWAL_REMINDER_OFFSETS = [-90, -30, 7]
    settings.CERTIFICATION_REMINDER_LATE_WINDOW_DAYS = 30
    Registration.objects.filter(pk=registration.pk).update(status="expired")
    end = registration.valid_until
    with time_machine.travel(end + datetime.timedelta(days=37, hours=12), tick=False):
        assert renewal_refusal(previous) is None
    with time_machine.travel(end + datetime.timedelta(days=38, hours=12), tick=False):
        refusal = renewal_refusal(previous)
        assert refusal is not None
        assert refusal.code == "lapsed_too_long"
        with pytest.raises(DomainError):
            application_renew(previous=previous, by=people.member)


# --- confirming ----------------------------------------------------------------------------------


def test_confirming_and_changing_both_confirm_an_answer(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    answers = answers_by_code(renewal)
    confirmed = answer_confirm(answer=answers["1-1-1-1"], by=people.member)
    assert confirmed.confirmed_at is not None
    assert confirmed.confirmed_by == people.member
    changed = answer_save(
        answer=answers["1-1-1-2"],
        by=people.member,
        status=Answer.Status.PARTLY,
        description="今年は一部のみ。",
        na_justification="",
        expected_version=answers["1-1-1-2"].version,
    )
    assert changed.confirmed_at is not None
    # Saving it unchanged confirms nothing.
    same = answers["4-1-1-1"]
    saved = answer_save(
        answer=same,
        by=people.member,
        status=same.status,
        description=same.description,
        na_justification=same.na_justification,
        expected_version=same.version,
    )
    assert saved.confirmed_at is None
    assert AuditEvent.objects.filter(action="assessments.answer.confirmed").count() == 1


def test_confirming_is_refused_for_outsiders_fresh_answers_and_after_sending(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    answer = answers_by_code(renewal)["1-1-1-1"]
    with pytest.raises(PermissionDenied):
        answer_confirm(answer=answer, by=people.executive)
    fresh = answers_by_code(previous)["1-1-1-1"]
    with pytest.raises(PermissionDenied):
        # Last year's application is the same organisation's but registered: not editable.
        answer_confirm(answer=fresh, by=people.advisor)
    with pytest.raises(DomainError) as refused:
        answer_confirm(answer=fresh, by=people.member)
    assert refused.value.code == "not_editable"


def test_a_fresh_answer_needs_no_confirming():
    application = ApplicationFactory.create()
    people = application_people(application)
    answer = Answer.objects.filter(application=application).first()
    assert answer is not None
    with pytest.raises(DomainError) as refused:
        answer_confirm(answer=answer, by=people.member)
    assert refused.value.code == "not_carried_over"


def test_confirm_all_unchanged_in_a_category(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    governance = renewal.edition.categories.get(code="1")
    count = answers_confirm_unchanged(application=renewal, by=people.member, category=governance)
    assert count == 3
    still = Answer.objects.filter(application=renewal, confirmed_at__isnull=True)
    assert sorted(a.criterion.code for a in still) == ["4-1-1-1", "4-1-1-2"]
    assert answers_confirm_unchanged(application=renewal, by=people.member) == 2
    assert answers_confirm_unchanged(application=renewal, by=people.member) == 0


def test_reconfirming_evidence(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    copy = EvidenceFile.objects.get(application=renewal)
    with pytest.raises(PermissionDenied):
        evidence_reconfirm(evidence=copy, by=people.procurer)
    done = evidence_reconfirm(evidence=copy, by=people.member)
    assert done.reconfirmed_at is not None
    assert done.reconfirmed_by == people.member
    with pytest.raises(DomainError) as refused:
        evidence_reconfirm(
            evidence=EvidenceFile.objects.get(application=previous), by=people.member
        )
    assert refused.value.code == "not_editable"


# --- open points and the review -------------------------------------------------------------------


def engage(application: Application, member) -> Any:
    advisor = qualified_advisor()
    engagement = engagement_invite(
        application=application, advisor=advisor, by=member, message="今年もお願いします。"
    )
    engagement_accept(
        engagement=engagement,
        by=advisor.user,
        no_conflict=True,
        coi_declaration="取引関係はありません。",
    )
    return advisor.user


def test_unconfirmed_answers_and_evidence_block_sending_for_review(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    engage(renewal, people.member)
    points = application_open_points(renewal)
    codes = [p.code for p in points]
    assert codes.count("carried_over_unconfirmed") == 5
    assert codes.count("evidence_not_reconfirmed") == 1
    assert {p.criterion for p in points if p.code == "carried_over_unconfirmed"} == set(
        answers_by_code(renewal)
    )
    with pytest.raises(SubmissionIncomplete) as refused:
        application_submit_for_review(application=renewal, by=people.member)
    assert [p.code for p in refused.value.points] == codes

    answers_confirm_unchanged(application=renewal, by=people.member)
    assert [p.code for p in application_open_points(renewal)] == ["evidence_not_reconfirmed"]
    evidence_reconfirm(evidence=EvidenceFile.objects.get(application=renewal), by=people.member)
    assert application_open_points(renewal) == []
    application_submit_for_review(application=renewal, by=people.member)
    renewal.refresh_from_db()
    assert renewal.status == Application.Status.IN_REVIEW


def test_the_advisor_sees_what_changed_since_last_year(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    advisor = engage(renewal, people.member)
    answers = answers_by_code(renewal)
    answer_save(
        answer=answers["1-1-1-2"],
        by=people.member,
        status=Answer.Status.PARTLY,
        description="新しい手順に移行中です。",
        na_justification="",
        expected_version=answers["1-1-1-2"].version,
    )
    answers_confirm_unchanged(application=renewal, by=people.member)
    evidence_delete(evidence=EvidenceFile.objects.get(application=renewal), by=people.member)
    review_round = application_submit_for_review(application=renewal, by=people.member)

    changes = renewal_changes(review_round)
    assert changes is not None
    by_code = {
        code: change
        for code, answer in answers_by_code(renewal).items()
        if (change := changes[answer.criterion_id]) is not None
    }
    assert by_code["1-1-1-2"].status_changed
    assert by_code["1-1-1-2"].description_changed
    assert [e["name"] for e in by_code["1-1-1-2"].evidence_removed] == ["脆弱性診断報告書2026.pdf"]
    assert not by_code["1-1-2-1"].has_changes

    client = sign_in(Client(), advisor)
    page = client.get(reverse("assessments:review", kwargs={"pk": renewal.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Changes since last year" in html or "昨年" in html
    assert "新しい手順に移行中です。" in html


# --- the pages -----------------------------------------------------------------------------------


def test_starting_the_renewal_from_the_registered_application_page(last_year):
    previous, people, registration = last_year
    client = sign_in(Client(), people.member)
    detail = client.get(previous.get_absolute_url())
    renew_url = reverse("assessments:renew", kwargs={"pk": previous.pk})
    assert renew_url in detail.content.decode()
    response = client.post(renew_url)
    renewal = Application.objects.get(renewal_of=previous)
    assert response.status_code == 302
    assert response["Location"] == renewal.get_absolute_url()
    renewal_page = client.get(renewal.get_absolute_url()).content.decode()
    assert previous.reference in renewal_page
    assert registration.number in renewal_page
    # Once started, last year's page links to the renewal instead of offering another.
    started = client.get(previous.get_absolute_url()).content.decode()
    assert renew_url not in started
    assert renewal.get_absolute_url() in started
    again = client.post(renew_url, follow=True)
    assert Application.objects.filter(renewal_of=previous).count() == 1
    assert renewal.reference in again.content.decode()


def test_the_renewal_button_is_for_those_who_may_start_it(last_year):
    previous, people, registration = last_year
    renew_url = reverse("assessments:renew", kwargs={"pk": previous.pk})
    executive = sign_in(Client(), people.executive)
    assert renew_url not in executive.get(previous.get_absolute_url()).content.decode()
    assert executive.post(renew_url).status_code == 403
    holder_page = reverse("certification:holder-detail", kwargs={"number": registration.number})
    assert renew_url not in executive.get(holder_page).content.decode()
    member = sign_in(Client(), people.member)
    page = member.get(holder_page)
    assert page.status_code == 200
    assert renew_url in page.content.decode()
    assert sign_in(Client(), people.other_supplier).post(renew_url).status_code == 404


def test_confirming_on_the_assessment_page_with_htmx_and_without(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    client = sign_in(Client(), people.member)
    page = client.get(reverse("assessments:assessment", kwargs={"pk": renewal.pk, "category": "1"}))
    html = page.content.decode()
    assert html.count('name="c-1-1-1-1-confirm"') == 1
    assert 'id="carried-1-1-1-1"' in html

    answer = answers_by_code(renewal)["1-1-1-1"]
    data = {
        "c-1-1-1-1-status": answer.status,
        "c-1-1-1-1-description": answer.description,
        "c-1-1-1-1-na_justification": "",
        "c-1-1-1-1-version": answer.version,
        "c-1-1-1-1-confirm": "1",
    }
    save = reverse("assessments:answer-save", kwargs={"pk": renewal.pk, "criterion": "1-1-1-1"})
    response = client.post(save, data, **HTMX)
    assert response.status_code == 200
    assert response["X-Autosave"] == "saved"
    assert 'id="carried-1-1-1-1"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    answer.refresh_from_db()
    assert answer.confirmed_at is not None
    assert answer.version == 0

    # Without JavaScript the item's form posts every criterion of the item; the confirm button
    # names its criterion, and the text typed into the other one is saved, not lost.
    other = answers_by_code(renewal)["1-1-1-2"]
    item_save = reverse("assessments:item-save", kwargs={"pk": renewal.pk, "category": "1"})
    response = client.post(
        item_save,
        {
            "item": "1-1-1",
            **data,
            "c-1-1-1-2-status": Answer.Status.PARTLY,
            "c-1-1-1-2-description": "今年は手順を見直し中。",
            "c-1-1-1-2-na_justification": "",
            "c-1-1-1-2-version": other.version,
        },
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.description == "今年は手順を見直し中。"
    assert other.confirmed_at is not None


def test_bulk_confirm_of_a_category_on_the_page(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    client = sign_in(Client(), people.member)
    url = reverse("assessments:confirm-category", kwargs={"pk": renewal.pk, "category": "4"})
    response = client.post(url)
    assert response.status_code == 302
    assert sorted(
        Answer.objects.filter(application=renewal, confirmed_at__isnull=False).values_list(
            "criterion__code", flat=True
        )
    ) == ["4-1-1-1", "4-1-1-2"]
    assert sign_in(Client(), people.executive).post(url).status_code == 403


def test_carried_over_evidence_still_current_and_remove_beside_the_criterion(
    last_year, django_capture_on_commit_callbacks
):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    copy = EvidenceFile.objects.get(application=renewal)
    client = sign_in(Client(), people.member)
    html = client.get(
        reverse("assessments:assessment", kwargs={"pk": renewal.pk, "category": "1"})
    ).content.decode()
    assert f'name="c-1-1-1-1-reconfirm" value="{copy.pk}"' in html
    assert f'name="c-1-1-1-1-remove" value="{copy.pk}"' in html

    answer = answers_by_code(renewal)["1-1-1-1"]
    save = reverse("assessments:answer-save", kwargs={"pk": renewal.pk, "criterion": "1-1-1-1"})
    base = {
        "c-1-1-1-1-status": answer.status,
        "c-1-1-1-1-description": answer.description,
        "c-1-1-1-1-na_justification": "",
        "c-1-1-1-1-version": answer.version,
        "c-1-1-1-1-evidence-shown": copy.pk,
        "c-1-1-1-1-evidence": copy.pk,
    }
    response = client.post(save, {**base, "c-1-1-1-1-reconfirm": copy.pk}, **HTMX)
    assert response.status_code == 200
    copy.refresh_from_db()
    assert copy.reconfirmed_at is not None

    # A second carried-over file is removed instead; last year's stored file stays.
    renewal_file = EvidenceFile.objects.create(
        application=renewal,
        file=copy.file.name,
        original_name="研修記録2025.pdf",
        content_type="application/pdf",
        size=copy.size,
        sha256=copy.sha256,
        carried_over_from=copy.carried_over_from,
    )
    renewal_file.answers.add(answer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(save, {**base, "c-1-1-1-1-remove": renewal_file.pk}, **HTMX)
    assert response.status_code == 200
    assert not EvidenceFile.objects.filter(pk=renewal_file.pk).exists()
    assert copy.file.name is not None
    assert default_storage.exists(copy.file.name)


def test_still_current_on_the_evidence_page(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    copy = EvidenceFile.objects.get(application=renewal)
    client = sign_in(Client(), people.member)
    page = client.get(reverse("assessments:evidence", kwargs={"pk": renewal.pk})).content.decode()
    reconfirm = reverse(
        "assessments:evidence-reconfirm", kwargs={"pk": renewal.pk, "evidence": copy.pk}
    )
    assert reconfirm in page
    response = client.post(reconfirm)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#evidence-{copy.pk}")
    copy.refresh_from_db()
    assert copy.reconfirmed_at is not None
    assert sign_in(Client(), people.executive).post(reconfirm).status_code == 403
    assert sign_in(Client(), people.other_supplier).post(reconfirm).status_code == 404


def test_sending_a_renewal_with_open_points_lists_them(last_year):
    previous, people, _ = last_year
    renewal = application_renew(previous=previous, by=people.member)
    engage(renewal, people.member)
    client = sign_in(Client(), people.member)
    response = client.post(reverse("assessments:submit", kwargs={"pk": renewal.pk}), follow=True)
    html = response.content.decode()
    renewal.refresh_from_db()
    assert renewal.status == Application.Status.DRAFT
    assert "1-1-1-1" in html
    assert "脆弱性診断報告書2026.pdf" in html


# --- the whole way -------------------------------------------------------------------------------


def test_renewal_to_registration_continues_the_old_registration_without_a_gap(last_year):
    previous, people, old_registration = last_year
    ten_months_on = timezone.now() + datetime.timedelta(days=300)
    with time_machine.travel(ten_months_on, tick=False):
        renewal = application_renew(previous=previous, by=people.member)
        advisor = engage(renewal, people.member)
        answers_confirm_unchanged(application=renewal, by=people.member)
        evidence_reconfirm(evidence=EvidenceFile.objects.get(application=renewal), by=people.member)
        application_submit_for_review(application=renewal, by=people.member)
        for answer in Answer.objects.filter(application=renewal).select_related("criterion"):
            criterion_review_record(
                application=renewal,
                criterion=answer.criterion,
                by=advisor,
                verdict="pass",
                comment="",
            )
        review_approve(application=renewal, by=advisor)
        declaration_sign(
            application=Application.objects.get(pk=renewal.pk),
            by=people.executive,
            signer_name="山田 太郎",
            signer_title="代表取締役",
            reauthenticated_at=timezone.now(),
        )
        application_submit_for_registration(
            application=Application.objects.get(pk=renewal.pk), by=people.member
        )
        registration = application_register(
            application=Application.objects.get(pk=renewal.pk), by=registration_staff()
        )
    assert registration.supersedes == old_registration
    assert registration.valid_from == old_registration.valid_until + datetime.timedelta(days=1)
    renewal.refresh_from_db()
    assert renewal.status == Application.Status.REGISTERED
    assert Edition.objects.filter(pk=renewal.edition_id).exists()
