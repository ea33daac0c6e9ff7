"""The pages: public (organisation, verification, ★ mark), the holders' pages, the registration
body's queue and review page, and the scheme bodies' lifecycle pages. Anonymous → login (or
public), outside the scope → 404, a visible object the user may not act on → 403."""

import datetime

import pytest
from django.test import Client

from assessments.models import Application
from certification.choices import ReasonCode
from certification.models import Registration
from certification.selectors import scheme_today
from certification.services.lifecycle import (
    registration_revoke,
    registration_suspend,
)
from certification.services.submissions import application_register
from tests.certification.conftest import sign_in
from tests.factories.bodies import OrganisationFactory, UserFactory
from tests.factories.certification import (
    RegistrationFactory,
    accreditation_staff,
    declared_application,
    holder_admin,
    holder_member,
    register,
    registration_staff,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- public pages ------------------------------------------------------------------------------


def test_the_public_organisation_page_shows_its_stars_with_validity_and_scope(client: Client):
    registration = register()
    page = _page(client.get(f"/organisations/{registration.corporate_number}/"))
    assert registration.holder_name in page
    assert registration.number in page
    assert "★3" in page
    assert "本社（東京都千代田区）" in page
    assert registration.valid_until.strftime("%Y年%-m月%-d日") in page


def test_an_organisation_without_registration_has_no_public_page_here(client: Client):
    organisation = OrganisationFactory.create()
    assert client.get(f"/organisations/{organisation.corporate_number}/").status_code == 404


def test_the_members_page_of_an_organisation_still_answers_by_primary_key(client: Client):
    registration = register()
    response = client.get(f"/organisations/{registration.organisation.pk}/")
    assert response.status_code == 302  # accounts' page: sign in first
    assert "/accounts/login/" in response["Location"]


def test_the_verification_page_answers_valid(client: Client):
    registration = register()
    page = _page(client.get(f"/verify/{registration.number}/"))
    assert "有効" in page
    assert "まで有効です" in page
    assert registration.holder_name in page
    assert "本社（東京都千代田区）" in page
    assert client.get(f"/verify/{registration.number}/")["Cache-Control"] == "public, max-age=60"


def test_a_signed_in_visitors_verification_page_is_not_cached_publicly(client: Client):
    registration = register()
    sign_in(client, holder_member(registration.organisation))
    response = client.get(f"/verify/{registration.number}/")
    assert "public" not in response.get("Cache-Control", "")


def test_the_verification_page_answers_suspended_since_and_revoked_on_with_the_reason(
    client: Client,
):
    registration = register()
    staff = registration_staff()
    registration_suspend(
        registration=registration,
        by=staff,
        reason_code=ReasonCode.INCIDENT,
        reason="重大なインシデントの調査を行っています。",
    )
    page = _page(client.get(f"/verify/{registration.number}/"))
    today = scheme_today().strftime("%Y年%-m月%-d日")
    assert "無効" in page
    assert f"{today}から一時停止されています。" in page
    assert "重大なインシデントの調査を行っています。" in page
    registration_revoke(
        registration=registration,
        by=staff,
        reason_code=ReasonCode.FALSE_REPORT,
        reason="虚偽の報告が判明しました。",
    )
    page = _page(client.get(f"/verify/{registration.number}/"))
    assert f"{today}に取り消されました。" in page
    assert "虚偽の報告が判明しました。" in page


def test_the_verification_page_answers_expired_and_in_english(client: Client):
    registration = RegistrationFactory.create(
        registered_on=datetime.date(2025, 1, 10),
        valid_from=datetime.date(2025, 1, 10),
        valid_until=datetime.date(2026, 1, 9),
    )
    page = _page(client.get(f"/verify/{registration.number}/"))
    assert "2026年1月10日に失効しました（有効期限：2026年1月9日）。" in page
    page = _page(client.get(f"/verify/{registration.number}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Not valid" in page
    assert "Expired on 10 Jan 2026 (valid until 9 Jan 2026)." in page


def test_an_unknown_number_gets_a_clear_not_registered_answer(client: Client):
    response = client.get("/verify/SCS3-2027-999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "登録なし" in page
    assert "SCS3-2027-999999" in page


def test_the_search_form_leads_to_the_verification_page(client: Client):
    registration = register()
    response = client.get("/verify/", {"number": f" {registration.number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{registration.number}/"
    _page(client.get("/verify/"))


def test_the_badge_is_an_accessible_svg_that_reflects_suspension_at_once(client: Client):
    registration = register()
    response = client.get(f"/verify/{registration.number}/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=60"
    svg = response.content.decode()
    assert 'role="img"' in svg
    assert '<title id="scs-badge-title">' in svg
    assert '<desc id="scs-badge-desc">' in svg
    assert f"/verify/{registration.number}/" in svg
    assert "★3" in svg
    assert "まで有効" in svg
    registration_suspend(
        registration=registration,
        by=registration_staff(),
        reason_code=ReasonCode.INCIDENT,
        reason="調査中",
    )
    svg = client.get(f"/verify/{registration.number}/badge.svg").content.decode()
    assert "一時停止中" in svg
    assert "まで有効" not in svg
    english = client.get(f"/verify/{registration.number}/badge.svg", {"lang": "en"})
    assert "Suspended since" in english.content.decode()
    assert client.get("/verify/SCS3-2027-999999/badge.svg").status_code == 404


# --- holders -----------------------------------------------------------------------------------


def test_holders_see_their_registrations_and_outsiders_get_a_404(client: Client):
    registration = register()
    member = holder_member(registration.organisation)
    outsider = holder_admin(OrganisationFactory.create())
    detail = f"/registrations/{registration.number}/"
    assert client.get(detail).status_code == 302
    sign_in(client, member)
    assert registration.number in _page(client.get("/registrations/"))
    page = _page(client.get(detail))
    assert "登録証（PDF）" in page
    assert "この登録を辞退する" not in page  # members are not administrators
    client.logout()
    sign_in(client, outsider)
    assert client.get(detail).status_code == 404
    assert client.get(f"{detail}certificate.pdf").status_code == 404
    assert registration.number not in _page(client.get("/registrations/"))


def test_the_certificate_is_served_to_the_holders_people(
    client: Client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register()
    registration.refresh_from_db()
    assert registration.certificate_is_current
    sign_in(client, holder_member(registration.organisation, is_member=False, is_executive=True))
    response = client.get(f"/registrations/{registration.number}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")


def test_the_certificate_is_rendered_on_demand_while_the_task_has_not_stored_it(client: Client):
    registration = register()  # no commit in this test: the task did not run
    assert not registration.certificate_is_current
    sign_in(client, holder_member(registration.organisation))
    response = client.get(f"/registrations/{registration.number}/certificate.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_holders_administrator_withdraws(client: Client):
    registration = register()
    member = holder_member(registration.organisation)
    sign_in(client, member)
    assert client.get(f"/registrations/{registration.number}/withdraw/").status_code == 403
    client.logout()
    admin = holder_admin(registration.organisation)
    sign_in(client, admin)
    assert "この登録を辞退する" in _page(client.get(f"/registrations/{registration.number}/"))
    _page(client.get(f"/registrations/{registration.number}/withdraw/"))
    response = client.post(
        f"/registrations/{registration.number}/withdraw/",
        {
            "reason_code": ReasonCode.NO_LONGER_NEEDED,
            "reason": "取引先の要請がなくなったため。",
            "effective_on": scheme_today().isoformat(),
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WITHDRAWN
    page = _page(client.get(f"/registrations/{registration.number}/"))
    assert "この登録を辞退する" not in page


def test_a_future_effective_date_is_refused_in_the_form(client: Client):
    registration = register()
    sign_in(client, holder_admin(registration.organisation))
    response = client.post(
        f"/registrations/{registration.number}/withdraw/",
        {
            "reason_code": ReasonCode.NO_LONGER_NEEDED,
            "reason": "理由",
            "effective_on": (scheme_today() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert (
        '<div class="notice notice--error" role="alert"><p>効力発生日に'
        in response.content.decode()
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE


def test_the_applicant_submits_from_the_submit_page(client: Client):
    application, people = declared_application()
    url = f"/registrations/submit/{application.pk}/"
    sign_in(client, people.executive)  # sees the application, does not submit it
    assert client.get(url).status_code == 403
    client.logout()
    for outsider in (people.procurer, UserFactory.create()):
        sign_in(client, outsider)
        assert client.get(url).status_code == 404
        client.logout()
    client.logout()
    sign_in(client, people.member)
    page = _page(client.get(url))
    assert "登録機関に申請する" in page
    response = client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


# --- the registration body ---------------------------------------------------------------------


def test_the_queue_is_for_registration_staff_only(client: Client):
    submitted_application()
    assert client.get("/registrations/submissions/").status_code == 302
    sign_in(client, accreditation_staff())
    assert client.get("/registrations/submissions/").status_code == 404
    client.logout()
    sign_in(client, registration_staff())
    page = _page(client.get("/registrations/submissions/"))
    assert "A-" in page


def test_the_queue_filters_and_highlights_submissions_over_the_sla(client: Client, settings):
    settings.CERTIFICATION_REGISTRATION_SLA_DAYS = 10
    old, _ = submitted_application()
    assert old.submitted_at is not None
    Application.objects.filter(pk=old.pk).update(
        submitted_at=old.submitted_at - datetime.timedelta(days=12)
    )
    new, _ = submitted_application()
    sign_in(client, registration_staff())
    page = _page(client.get("/registrations/submissions/"))
    assert page.index(old.reference) < page.index(new.reference)  # oldest first
    assert page.count("処理期限超過") == 1
    page = _page(client.get("/registrations/submissions/", {"older_than_days": "5"}))
    assert old.reference in page
    assert new.reference not in page
    page = _page(
        client.get(
            "/registrations/submissions/",
            {"organisation": new.organisation.corporate_number},
        )
    )
    assert new.reference in page
    assert old.reference not in page
    page = _page(client.get("/registrations/submissions/", {"status": "registered"}))
    assert old.reference not in page


def test_the_review_page_shows_the_checks_and_registers(client: Client):
    application, _ = submitted_application()
    staff = registration_staff()
    sign_in(client, staff)
    page = _page(client.get(f"/registrations/submissions/{application.pk}/"))
    assert "記載事項の確認" in page
    assert page.count("適合") >= 4
    response = client.post(f"/registrations/submissions/{application.pk}/register/")
    assert response.status_code == 302
    registration = Registration.objects.get(application=application)
    page = _page(client.get(f"/registrations/submissions/{application.pk}/"))
    assert registration.number in page


def test_returning_from_the_review_page_needs_reasons(client: Client):
    application, _ = submitted_application()
    sign_in(client, registration_staff())
    url = f"/registrations/submissions/{application.pk}/return/"
    response = client.post(url, {"reasons": ""})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    response = client.post(url, {"reasons": "証跡が不足しています。"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.RETURNED
    client.post(f"/registrations/submissions/{application.pk}/reject/", {"reasons": "理由"})
    application.refresh_from_db()
    assert application.status == Application.Status.RETURNED  # only a submission is rejected


# --- scheme bodies: lifecycle pages ------------------------------------------------------------


def test_registration_staff_suspend_and_reinstate_from_the_pages(client: Client):
    registration = register()
    staff = registration_staff()
    sign_in(client, staff)
    page = _page(client.get(f"/registrations/manage/{registration.number}/"))
    assert "一時停止する" in page
    assert "一時停止を解除する" not in page
    response = client.post(
        f"/registrations/manage/{registration.number}/suspend/",
        {
            "reason_code": ReasonCode.NONCONFORMITY,
            "reason": "要求事項への不適合が判明しました。",
            "effective_on": scheme_today().isoformat(),
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUSPENDED
    page = _page(client.get(f"/registrations/manage/{registration.number}/"))
    assert "一時停止を解除する" in page
    listing = _page(client.get("/registrations/manage/", {"status": "suspended"}))
    assert registration.number in listing


def test_lifecycle_pages_are_scoped_by_body(client: Client):
    star3_registration = register()
    sign_in(client, accreditation_staff())  # looks after ★4, not ★3
    assert client.get(f"/registrations/manage/{star3_registration.number}/").status_code == 404
    assert (
        client.get(f"/registrations/manage/{star3_registration.number}/suspend/").status_code == 404
    )
    client.logout()
    sign_in(client, holder_admin(star3_registration.organisation))
    assert client.get("/registrations/manage/").status_code == 404
    client.logout()
    sign_in(client, registration_staff())
    assert (
        client.get(f"/registrations/manage/{star3_registration.number}/expire/").status_code == 404
    )


def test_registered_applications_link_to_their_registration(client: Client):
    application, _ = submitted_application()
    staff = registration_staff()
    registration = application_register(application=application, by=staff)
    sign_in(client, staff)
    page = _page(client.get(f"/registrations/manage/{registration.number}/"))
    assert application.reference in page
