"""The pages: who gets what (login redirect, 404 outside scope, 403), autosave with conflict
detection, uploads, downloads with their headers, the advisor's pages and the declaration's
re-authentication."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import AdvisorEngagement, Answer, Application, CriterionReview
from assessments.services.reviews import (
    application_submit_for_review,
    criterion_review_record,
    review_approve,
    review_return,
)
from tests.assessments.helpers import sign_in
from tests.factories.assessments import (
    MINIMAL_PDF,
    AdvisorEngagementFactory,
    ApplicationFactory,
    EvidenceFileFactory,
    application_people,
    fill_answers,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def url(name: str, application: Application, **kwargs) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": application.pk, **kwargs})


def client_for(user) -> Client:
    return sign_in(Client(), user)


# --- who sees what -------------------------------------------------------------------------------

READ_PAGES = [
    ("detail", {}),
    ("assessment", {"category": "1"}),
    ("evidence", {}),
    ("checklist-download", {}),
]


@pytest.fixture
def world():
    application = ApplicationFactory.create()
    people = application_people(application)
    evidence = EvidenceFileFactory.create(application=application)
    invited = AdvisorEngagementFactory.create(application=ApplicationFactory.create(), invited=True)
    return application, people, evidence, invited


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_the_scoping_contract(world, name, kwargs):
    application, people, _evidence, invited = world
    target = url(name, application, **kwargs)
    # Anonymous: to the login page, coming back here afterwards.
    response = Client().get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # Members, the administrator, the executive and the engaged advisor see it.
    for user in (people.member, people.admin, people.executive, people.advisor):
        assert client_for(user).get(target).status_code == 200, user
    # Nobody else learns that it exists: other suppliers, procurers, other advisors and an
    # advisor who was only invited (to another application) get 404.
    for user in (
        people.other_supplier,
        people.procurer,
        people.other_advisor,
        invited.advisor.user,
    ):
        assert client_for(user).get(target).status_code == 404, user


def test_evidence_is_served_as_an_attachment_with_strict_headers(world):
    application, people, evidence, _invited = world
    target = url("evidence-download", application, evidence=evidence.pk)
    response = client_for(people.member).get(target)
    assert response.status_code == 200
    assert response.getvalue() == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Japanese name, encoded
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    assert "no-store" in response["Cache-Control"]
    assert client_for(people.advisor).get(target).status_code == 200
    for outsider in (people.other_supplier, people.procurer, people.other_advisor):
        assert client_for(outsider).get(target).status_code == 404
    # Evidence of another application through this one's URL: 404.
    other = EvidenceFileFactory.create()
    assert (
        client_for(people.member)
        .get(url("evidence-download", application, evidence=other.pk))
        .status_code
        == 404
    )
    # When the engagement ends, so does the advisor's access.
    AdvisorEngagement.objects.filter(pk=people.engagement.pk).update(status="ended")
    assert client_for(people.advisor).get(target).status_code == 404


def test_actions_are_forbidden_to_those_who_only_see(world):
    application, people, _evidence, _invited = world
    advisor = client_for(people.advisor)
    assert advisor.get(url("scope", application)).status_code == 403
    assert advisor.post(url("submit", application)).status_code == 403
    assert (
        advisor.post(
            url("answer-save", application, criterion="1-1-1-1"), {"c-1-1-1-1-version": 0}
        ).status_code
        == 403
    )
    executive = client_for(people.executive)
    assert executive.get(url("withdraw", application)).status_code == 403
    assert client_for(people.member).get(url("review", application)).status_code == 403


def test_lists_only_show_what_the_user_may_see(world):
    application, people, _evidence, _invited = world
    response = client_for(people.member).get(reverse("assessments:list"))
    assert application.reference in response.content.decode()
    response = client_for(people.other_supplier).get(reverse("assessments:list"))
    assert application.reference not in response.content.decode()
    response = client_for(people.advisor).get(reverse("assessments:list"))
    assert application.reference in response.content.decode()


# --- starting ------------------------------------------------------------------------------------


def test_starting_an_application_through_the_pages():
    application = ApplicationFactory.create()  # makes the catalogue; its organisation is not used
    people = application_people(application)
    client = client_for(people.member)
    response = client.get(reverse("assessments:start"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:start-scope", kwargs={"organisation": application.organisation.pk}
    )
    response = client.post(
        response["Location"],
        {
            "sites": "本社\n大阪営業所",
            "infrastructure": "社内LAN",
            "cloud_services": "",
        },
    )
    assert response.status_code == 302
    created = Application.objects.exclude(pk=application.pk).get()
    assert created.sites == ["本社", "大阪営業所"]
    assert created.answers.count() == 5
    # Someone who is not a member cannot start one for that organisation.
    assert (
        client_for(people.other_supplier)
        .get(
            reverse("assessments:start-scope", kwargs={"organisation": application.organisation.pk})
        )
        .status_code
        == 404
    )


# --- autosave and conflicts ----------------------------------------------------------------------


def post_answer(client, application, code, version, **fields):
    data = {f"c-{code}-version": str(version)}
    for key, value in fields.items():
        data[f"c-{code}-{key}"] = value
    return client.post(url("answer-save", application, criterion=code), data, **HTMX)


def test_a_criterion_saves_on_its_own_and_returns_its_new_version(world):
    application, people, _evidence, _invited = world
    client = client_for(people.member)
    response = post_answer(
        client, application, "1-1-1-1", 0, status="implemented", description="規程があります。"
    )
    assert response.status_code == 200
    assert response["X-Autosave"] == "saved"
    content = response.content.decode()
    assert re.search(r'id="version-1-1-1-1"[^>]*hx-swap-oob="true"', content)
    assert 'value="1"' in content
    assert re.search(r'id="progress-summary"[^>]*hx-swap-oob="true"', content)
    answer = Answer.objects.get(application=application, criterion__code="1-1-1-1")
    assert (answer.status, answer.version) == ("implemented", 1)


def test_a_concurrent_edit_is_shown_with_both_texts(world):
    application, people, _evidence, _invited = world
    alice, bob = client_for(people.member), client_for(people.admin)
    post_answer(alice, application, "1-1-1-1", 0, status="implemented", description="Aの説明")
    response = post_answer(bob, application, "1-1-1-1", 0, status="partly", description="Bの説明")
    assert response["X-Autosave"] == "not-saved"
    content = response.content.decode()
    assert "Aの説明" in content
    assert "Bの説明" in content
    assert 'id="version-1-1-1-1"' not in content  # the stale version stays in the page
    answer = Answer.objects.get(application=application, criterion__code="1-1-1-1")
    assert answer.description == "Aの説明"
    # "Keep my version" posts again against the stored version.
    assert '"c-1-1-1-1-version": "1"' in content
    response = post_answer(bob, application, "1-1-1-1", 1, status="partly", description="Bの説明")
    assert response["X-Autosave"] == "saved"
    answer.refresh_from_db()
    assert (answer.description, answer.version) == ("Bの説明", 2)


def test_without_javascript_an_item_posts_and_comes_back_with_conflicts(world):
    application, people, _evidence, _invited = world
    client = client_for(people.member)
    data = {
        "item": "1-1-1",
        "c-1-1-1-1-version": "0",
        "c-1-1-1-1-status": "implemented",
        "c-1-1-1-1-description": "方針",
        "c-1-1-1-2-version": "0",
        "c-1-1-1-2-status": "not_applicable",
        "c-1-1-1-2-na_justification": "該当なし",
    }
    target = url("item-save", application, category="1")
    response = client.post(target, data)
    assert response.status_code == 302
    assert response["Location"].endswith("/assessment/1/#item-1-1-1")
    # The same post again, now stale for 1-1-1-1 after someone else changed it.
    answer = Answer.objects.get(application=application, criterion__code="1-1-1-1")
    answer.description = "他の人の説明"
    answer.version += 1
    answer.save()
    data["c-1-1-1-1-description"] = "私の説明"
    response = client.post(target, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "他の人の説明" in content
    assert "私の説明" in content
    # The page offers the stored version as the new base, so saving again is a choice.
    assert f'name="c-1-1-1-1-version" value="{answer.version}"' in content


def test_an_expired_session_sends_htmx_to_the_login_with_the_way_back(world):
    application, _people, _evidence, _invited = world
    page = "http://testserver" + url("assessment", application, category="1")
    response = Client().post(
        url("answer-save", application, criterion="1-1-1-2"),
        {"c-1-1-1-2-version": "0"},
        HTTP_HX_CURRENT_URL=page,
        **HTMX,
    )
    assert response.status_code == 200
    location = response["HX-Redirect"]
    assert location.startswith(reverse("account_login") + "?next=")
    assert "%2Fassessment%2F1%2F%23criterion-1-1-1-2" in location


def test_a_rejected_upload_keeps_the_rest_of_the_criterion(world):
    application, people, _evidence, _invited = world
    client = client_for(people.member)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + bytes(range(256)))
    response = client.post(
        url("answer-save", application, criterion="1-1-1-1"),
        {
            "c-1-1-1-1-version": "0",
            "c-1-1-1-1-status": "implemented",
            "c-1-1-1-1-description": "説明は保存される",
            "c-1-1-1-1-upload": fake,
        },
        **HTMX,
    )
    assert response["X-Autosave"] == "saved"
    assert "invoice.pdf" in response.content.decode()
    answer = Answer.objects.get(application=application, criterion__code="1-1-1-1")
    assert answer.description == "説明は保存される"
    assert not answer.evidence_files.exists()
    good = SimpleUploadedFile("方針.pdf", MINIMAL_PDF)
    response = client.post(
        url("answer-save", application, criterion="1-1-1-1"),
        {
            "c-1-1-1-1-version": "1",
            "c-1-1-1-1-upload": good,
            "c-1-1-1-1-status": "implemented",
            "c-1-1-1-1-description": "説明は保存される",
        },
        **HTMX,
    )
    assert 'id="evidence-1-1-1-1" class="stack" hx-swap-oob="true"' in response.content.decode()
    assert answer.evidence_files.get().original_name == "方針.pdf"


def test_the_evidence_page_keeps_the_chosen_criteria_when_a_file_is_refused(world):
    application, people, _evidence, _invited = world
    client = client_for(people.member)
    answer = application.answers.get(criterion__code="4-1-1-1")
    response = client.post(
        url("evidence", application),
        {"file": SimpleUploadedFile("setup.exe", b"MZ" + bytes(300)), "answers": [answer.pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert re.search(rf'value="{answer.pk}"[^>]*checked', response.content.decode())


# --- sending for review --------------------------------------------------------------------------


def test_sending_too_early_lists_the_open_points(world):
    application, people, _evidence, _invited = world
    client = client_for(people.member)
    response = client.post(url("submit", application))
    assert response.status_code == 302
    assert response["Location"].endswith("#open-points")
    page = client.get(response["Location"]).content.decode()
    assert "1-1-1-1" in page
    assert "4-1-1-2" in page
    assert f"{url('assessment', application, category='4')}#criterion-4-1-1-2" in page
    fill_answers(application)
    response = client.post(url("submit", application))
    assert Application.objects.get(pk=application.pk).status == "in_review"


# --- the advisor ---------------------------------------------------------------------------------


def test_inviting_accepting_and_reviewing_through_the_pages(django_capture_on_commit_callbacks):
    application = ApplicationFactory.create()
    people = application_people(application, engagement=False)
    member = client_for(people.member)
    page = member.get(url("advisor-invite", application), {"q": ""})
    assert page.status_code == 200
    other_profile = people.other_advisor.advisor_profile
    assert other_profile.display_name in page.content.decode()
    response = member.post(
        url("advisor-invite", application), {"advisor": other_profile.pk, "message": "お願いします"}
    )
    assert response.status_code == 302
    engagement = AdvisorEngagement.objects.get(application=application, status="invited")

    advisor = client_for(people.other_advisor)
    inbox = advisor.get(reverse("assessments:inbox")).content.decode()
    assert application.reference in inbox
    # Not yet engaged: the application itself is hidden.
    assert advisor.get(url("detail", application)).status_code == 404
    respond = reverse("assessments:engagement", kwargs={"pk": engagement.pk})
    response = advisor.post(respond, {"action": "accept", "coi_declaration": "関係なし"})
    assert response.status_code == 400  # the no-conflict box was not ticked
    response = advisor.post(
        respond, {"action": "accept", "coi_declaration": "関係なし", "no_conflict": "on"}
    )
    assert response.status_code == 302
    assert advisor.get(url("detail", application)).status_code == 200

    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    review = advisor.get(url("review", application))
    assert review.status_code == 200
    response = advisor.post(
        url("review-save", application, criterion="1-1-1-1"),
        {"r-1-1-1-1-verdict": "needs_work", "r-1-1-1-1-comment": ""},
        **HTMX,
    )
    assert response["X-Autosave"] == "not-saved"
    response = advisor.post(
        url("review-save", application, criterion="1-1-1-1"),
        {"r-1-1-1-1-verdict": "needs_work", "r-1-1-1-1-comment": "証跡を添付してください。"},
        **HTMX,
    )
    assert response["X-Autosave"] == "saved"
    response = advisor.post(url("review-decision", application), {"decision": "approve"})
    assert Application.objects.get(pk=application.pk).status == "in_review"
    with django_capture_on_commit_callbacks(execute=True):
        advisor.post(url("review-decision", application), {"decision": "return", "summary": "一点"})
    assert Application.objects.get(pk=application.pk).status == "returned"
    # The applicant sees the request beside the criterion.
    content = member.get(url("assessment", application, category="1")).content.decode()
    assert "証跡を添付してください。" in content


def test_round_two_shows_the_previous_request_and_the_changes(world):
    application, people, _evidence, _invited = world
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    application = Application.objects.get(pk=application.pk)
    first = application.answers.get(criterion__code="1-1-1-1")
    criterion_review_record(
        application=application,
        criterion=first.criterion,
        by=people.advisor,
        verdict="needs_work",
        comment="見直しの頻度を書いてください。",
    )
    review_return(application=application, by=people.advisor)
    client = client_for(people.member)
    post_answer(
        client,
        application,
        "1-1-1-1",
        first.version,
        status="implemented",
        description=first.description + "\n年1回見直します。",
    )
    application_submit_for_review(
        application=Application.objects.get(pk=application.pk), by=people.member
    )
    page = client_for(people.advisor).get(url("review", application)).content.decode()
    assert "見直しの頻度を書いてください。" in page  # what was asked last round
    assert "<ins>" in page
    assert "年1回見直します。" in page
    assert CriterionReview.objects.filter(round__number=2).count() == 0


# --- the declaration -----------------------------------------------------------------------------


def approved_application():
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    application = Application.objects.get(pk=application.pk)
    for answer in application.answers.all():
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    review_approve(application=application, by=people.advisor)
    return Application.objects.get(pk=application.pk), people


def test_signing_asks_for_the_password_again_and_then_signs(django_capture_on_commit_callbacks):
    application, people = approved_application()
    client = Client()
    client.force_login(people.executive)
    target = url("declaration", application)
    page = client.get(target)
    assert page.status_code == 200
    assert "経営層による自己適合宣誓" in page.content.decode()
    data = {"signer_name": "山田 太郎", "signer_title": "代表取締役", "confirm": "on"}
    response = client.post(target, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Application.objects.get(pk=application.pk).status == "approved"
    # A wrong password does not sign.
    response = client.post(response["Location"], {"password": "wrong password"})
    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).status == "approved"
    # The right one replays the suspended POST, which now signs.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reauthenticate") + "?next=" + target, {"password": PASSWORD}
        )
    assert response.status_code == 302
    application = Application.objects.get(pk=application.pk)
    assert application.status == "declared"
    declaration = application.declarations.get()
    assert declaration.signer_name == "山田 太郎"
    assert abs((timezone.now() - declaration.reauthenticated_at).total_seconds()) < 60
    assert declaration.pdf
    pdf = client.get(url("declaration-pdf", application))
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert (
        client_for(people.other_supplier).get(url("declaration-pdf", application)).status_code
        == 404
    )


def test_only_an_executive_may_open_the_signing_page():
    application, people = approved_application()
    for user in (people.member, people.admin, people.advisor):
        assert client_for(user).get(url("declaration", application)).status_code == 403


def test_a_page_left_open_during_the_review_explains_why_nothing_is_saved(world):
    application, people, _evidence, _invited = world
    Application.objects.filter(pk=application.pk).update(status=Application.Status.IN_REVIEW)
    response = post_answer(
        client_for(people.member), application, "1-1-1-1", 0, status="implemented"
    )
    assert response.status_code == 200
    assert response["X-Autosave"] == "not-saved"
    assert "下書きまたは差し戻しの間だけ" in response.content.decode()
    assert Answer.objects.get(application=application, criterion__code="1-1-1-1").status == ""
