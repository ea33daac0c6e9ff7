"""The application page's "What happens next" leads to the next step: the submission to the
registration body once declared, the registration body's decision and reasons once it has
decided, and the registration (holder's page and public verification) once registered."""

import pytest
from django.test import Client
from django.urls import reverse

from certification.services.submissions import (
    application_register,
    application_reject,
    application_return,
)
from tests.assessments.helpers import sign_in
from tests.factories.certification import (
    declared_application,
    registration_staff,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _next_section(client: Client, application_pk: int) -> str:
    response = client.get(reverse("assessments:detail", args=[application_pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('aria-labelledby="next-heading"')
    return html[start : html.index("</section>", start)]


def test_a_declared_application_offers_the_submission_to_its_members(client: Client) -> None:
    application, people = declared_application()
    submit_url = reverse("certification:application-submit", args=[application.pk])
    section = _next_section(sign_in(client, people.member), application.pk)
    assert f'class="button button--primary" href="{submit_url}"' in section
    # The advisor sees the page but may not submit for the organisation.
    advisor_view = _next_section(sign_in(Client(), people.advisor), application.pk)
    assert submit_url not in advisor_view


def test_a_submitted_application_says_the_body_is_checking_it(client: Client) -> None:
    application, people = submitted_application()
    section = _next_section(sign_in(client, people.member), application.pk)
    assert "登録機関が申請を確認しています。" in section
    assert reverse("certification:application-submit", args=[application.pk]) not in section
    assert "理由" not in section  # no decision yet


def test_a_returned_application_shows_the_bodys_reasons(client: Client) -> None:
    application, people = submitted_application()
    application_return(
        application=application, by=registration_staff(), reasons="体制図が古い版です。"
    )
    section = _next_section(sign_in(client, people.member), application.pk)
    assert "登録機関が申請を修正のため差し戻しました。" in section
    assert "<dt>判断</dt>" in section
    assert "体制図が古い版です。" in section


def test_an_advisor_return_is_not_mistaken_for_the_bodys(client: Client) -> None:
    from assessments.services.reviews import (
        application_submit_for_review,
        criterion_review_record,
        review_return,
    )

    application, people = submitted_application()
    application_return(application=application, by=registration_staff(), reasons="古い版です。")
    application.refresh_from_db()
    application_submit_for_review(application=application, by=people.member)
    answer = application.answers.select_related("criterion").first()
    assert answer is not None
    criterion_review_record(
        application=application,
        criterion=answer.criterion,
        by=people.advisor,
        verdict="needs_work",
        comment="根拠を追加してください。",
    )
    review_return(application=application, by=people.advisor, summary="一点だけ")
    section = _next_section(sign_in(client, people.member), application.pk)
    assert "登録機関が申請を修正のため差し戻しました。" not in section
    assert "古い版です。" not in section


def test_a_rejected_application_shows_the_decision_and_reasons(client: Client) -> None:
    application, people = submitted_application()
    application_reject(
        application=application, by=registration_staff(), reasons="対象外の事業者です。"
    )
    section = _next_section(sign_in(client, people.member), application.pk)
    assert "登録機関がこの申請を却下しました。" in section
    assert "却下" in section
    assert "対象外の事業者です。" in section


def test_a_later_submission_shows_the_earlier_return(client: Client) -> None:
    """After a return, revision and a new submission, the page still tells what was asked."""
    application, people = submitted_application()
    application_return(application=application, by=registration_staff(), reasons="署名日が空欄。")
    application.refresh_from_db()
    application.status = "submitted"  # the resubmission's path is covered by the workflow tests
    application.save(update_fields=["status"])
    section = _next_section(sign_in(client, people.member), application.pk)
    assert "登録機関の前回の判断" in section
    assert "署名日が空欄。" in section


def test_a_registered_application_links_to_the_registration(client: Client) -> None:
    application, people = submitted_application()
    registration = application_register(application=application, by=registration_staff())
    holder_url = reverse("certification:holder-detail", args=[registration.number])
    verify_url = reverse("certification:verify", args=[registration.number])
    section = _next_section(sign_in(client, people.member), application.pk)
    assert registration.number in section
    assert holder_url in section
    assert verify_url in section
    assert client.get(holder_url).status_code == 200
