"""Management pages: designations (accreditation staff), body staff (organisation admins),
advisors' own pages and the registration staff's review. Anonymous users are sent to the login
page; signed-in users outside the page's scope get 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bodies.choices import BodyRole, StaffRole
from bodies.models import AdvisorProfile, BodyStaff, Designation, Qualification
from tests.factories.bodies import (
    AdvisorProfileFactory,
    BodyStaffFactory,
    DesignationFactory,
    MembershipFactory,
    OrganisationFactory,
    QualificationFactory,
    SchemeBodyFactory,
    UserFactory,
    accreditation_officer,
    registration_officer,
)
from tests.factories.scheme import LevelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accreditation_body():
    return SchemeBodyFactory.create(roles=[BodyRole.REGISTRATION, BodyRole.ACCREDITATION])


@pytest.fixture
def designation(accreditation_body):
    return DesignationFactory.create(designated_by=accreditation_body)


def outsiders(accreditation_body):
    """Signed-in users who must not see the designation pages."""
    return {
        "supplier": MembershipFactory.create().user,
        "evaluator": BodyStaffFactory.create(role=StaffRole.EVALUATOR).user,
        "registration staff": registration_officer(),
        "admin of the accreditation body": MembershipFactory.create(
            organisation=accreditation_body.organisation, is_admin=True
        ).user,
    }


def designation_urls(designation):
    return [
        reverse("bodies:designation-list"),
        reverse("bodies:designation-grant"),
        reverse("bodies:designation-detail", args=[designation.pk]),
        reverse("bodies:designation-decision", args=[designation.pk, "suspend"]),
        reverse("bodies:designation-renew", args=[designation.pk]),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, designation):
    body = designation.body
    for url in [
        *designation_urls(designation),
        reverse("bodies:manage"),
        reverse("bodies:staff-manage", args=[body.organisation.corporate_number]),
        reverse("bodies:advisor-me"),
        reverse("bodies:review-queue"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_designation_pages_are_404_outside_the_accreditation_staff(
    client, signed_in, accreditation_body, designation
):
    for kind, user in outsiders(accreditation_body).items():
        client.logout()
        signed_in(user)
        for url in designation_urls(designation):
            assert client.get(url).status_code == 404, (kind, url)


def test_another_accreditation_body_cannot_reach_this_designation(client, signed_in, designation):
    signed_in(accreditation_officer())
    assert client.get(reverse("bodies:designation-list")).status_code == 200
    assert client.get(reverse("bodies:designation-detail", args=[designation.pk])).status_code == (
        404
    )
    response = client.post(
        reverse("bodies:designation-decision", args=[designation.pk, "suspend"]),
        {"reason": "r", "effective_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    designation.refresh_from_db()
    assert designation.status == Designation.Status.ACTIVE


def test_accreditation_staff_see_and_manage_their_designations(
    client, signed_in, accreditation_body, designation
):
    signed_in(accreditation_officer(accreditation_body))
    for url in [*designation_urls(designation), reverse("bodies:manage")]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("bodies:designation-decision", args=[designation.pk, "suspend"]),
        {"reason": "評価報告書の不備", "effective_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUSPENDED
    detail = client.get(reverse("bodies:designation-detail", args=[designation.pk]))
    assert "bodies.designation.suspended" in detail.content.decode()
    assert [action for action, _label in detail.context["actions"]] == ["reinstate", "withdraw"]


def test_a_refused_decision_keeps_the_input(client, signed_in, accreditation_body):
    withdrawn = DesignationFactory.create(
        designated_by=accreditation_body, status=Designation.Status.WITHDRAWN
    )
    signed_in(accreditation_officer(accreditation_body))
    response = client.post(
        reverse("bodies:designation-decision", args=[withdrawn.pk, "reinstate"]),
        {"reason": "誤って取り消した", "effective_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "誤って取り消した" in response.content.decode()
    assert (
        client.get(
            reverse("bodies:designation-decision", args=[withdrawn.pk, "nonsense"])
        ).status_code
        == 404
    )


def test_granting_through_the_form(client, signed_in, accreditation_body):
    organisation = OrganisationFactory.create()
    star3, star4 = LevelFactory.create(stars=3), LevelFactory.create(stars=4)
    signed_in(accreditation_officer(accreditation_body))
    url = reverse("bodies:designation-grant")
    # A mistyped 法人番号 is refused and everything typed stays in the form.
    wrong = organisation.corporate_number[:-1] + str(
        (int(organisation.corporate_number[-1]) + 1) % 10
    )
    response = client.post(
        url,
        {
            "corporate_number": wrong,
            "role": "verification",
            "levels": [star4.pk],
            "valid_from": "2027-04-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["corporate_number"]
    content = response.content.decode()
    assert f'value="{wrong}"' in content
    assert 'value="2027-04-01"' in content
    assert not Designation.objects.exists()
    response = client.post(
        url,
        {
            "corporate_number": organisation.corporate_number[:4]
            + "-"
            + organisation.corporate_number[4:],
            "role": "verification",
            "levels": [star3.pk, star4.pk],
            "valid_from": "2027-04-01",
        },
    )
    assert response.status_code == 302
    designation = Designation.objects.get()
    assert designation.body.organisation == organisation
    assert designation.valid_until == datetime.date(2030, 3, 31)
    assert response["Location"] == reverse("bodies:designation-detail", args=[designation.pk])


def test_renewing_through_the_form(client, signed_in, accreditation_body, designation):
    signed_in(accreditation_officer(accreditation_body))
    response = client.post(
        reverse("bodies:designation-renew", args=[designation.pk]),
        {"levels": [level.pk for level in designation.levels.all()]},
    )
    assert response.status_code == 302
    renewal = Designation.objects.get(renewal_of=designation)
    assert renewal.valid_from == designation.valid_until + datetime.timedelta(days=1)


# --- body staff ---------------------------------------------------------------------------------


@pytest.fixture
def evaluation_body():
    return SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])


def test_staff_pages_belong_to_the_body_admins(client, signed_in, evaluation_body):
    url = reverse("bodies:staff-manage", args=[evaluation_body.organisation.corporate_number])
    for user in (
        MembershipFactory.create(organisation=evaluation_body.organisation).user,
        MembershipFactory.create(is_admin=True).user,
        accreditation_officer(),
    ):
        client.logout()
        signed_in(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("bodies:staff-bodies")).status_code == 404
    client.logout()
    admin = MembershipFactory.create(organisation=evaluation_body.organisation, is_admin=True).user
    signed_in(admin)
    assert client.get(reverse("bodies:staff-bodies")).status_code == 200
    assert client.get(reverse("bodies:manage")).status_code == 200
    response = client.get(url)
    assert response.status_code == 200
    role_choices = [value for value, _label in response.context["form"].fields["role"].choices]
    assert role_choices == ["evaluator", "lead_evaluator", "decision_maker"]


def test_admins_grant_and_revoke_staff_roles(client, signed_in, evaluation_body):
    admin = MembershipFactory.create(organisation=evaluation_body.organisation, is_admin=True).user
    member = MembershipFactory.create(organisation=evaluation_body.organisation).user
    outsider = UserFactory.create()
    signed_in(admin)
    url = reverse("bodies:staff-manage", args=[evaluation_body.organisation.corporate_number])
    response = client.post(url, {"user": outsider.pk, "role": "evaluator"})
    assert response.status_code == 200
    assert response.context["form"].errors["user"]
    response = client.post(url, {"user": member.pk, "role": "decision_maker"})
    assert response.status_code == 302
    staff = BodyStaff.objects.get(user=member)
    assert staff.role == StaffRole.DECISION_MAKER
    other_body_staff = BodyStaffFactory.create()
    revoke_other = reverse(
        "bodies:staff-revoke",
        args=[evaluation_body.organisation.corporate_number, other_body_staff.pk],
    )
    assert client.post(revoke_other).status_code == 404
    revoke = reverse(
        "bodies:staff-revoke", args=[evaluation_body.organisation.corporate_number, staff.pk]
    )
    assert client.get(revoke).status_code == 405
    assert client.post(revoke).status_code == 302
    staff.refresh_from_db()
    assert not staff.active


# --- advisors -----------------------------------------------------------------------------------


def test_a_user_becomes_an_advisor_through_the_forms(client, signed_in):
    user = UserFactory.create()
    signed_in(user, mfa=False)
    assert client.get(reverse("bodies:advisor-me")).status_code == 200
    assert client.get(reverse("bodies:qualification-add")).status_code == 302  # profile first
    form = {
        "display_name": "佐藤 花子",
        "mode": "external",
        "prefectures": ["13", "11"],
        "industries": ["E"],
        "speaks_japanese": "on",
        "bio": "中小製造業の支援経験があります。",
        "is_public": "on",
        "coi_statement": "なし",
    }
    response = client.post(reverse("bodies:advisor-edit"), form)
    assert response.status_code == 200  # the declaration was not confirmed
    assert response.context["form"].non_field_errors()
    assert "中小製造業の支援経験があります。" in response.content.decode()
    response = client.post(reverse("bodies:advisor-edit"), {**form, "coi_confirm": "on"})
    assert response.status_code == 302
    profile = AdvisorProfile.objects.get(user=user)
    # From now on the user is privileged: MFA is required for the advisor's own pages.
    signed_in(user)
    response = client.post(
        reverse("bodies:qualification-add"),
        {"kind": "riss", "number": "01234", "obtained_on": "2023-04-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    response = client.post(
        reverse("bodies:qualification-add"),
        {"kind": "riss", "number": "第012345号", "obtained_on": "2023-04-01"},
    )
    assert response.status_code == 302
    qualification = profile.qualifications.get()
    assert qualification.number == "012345"
    page = client.get(reverse("bodies:advisor-me"))
    assert "012345" in page.content.decode()
    assert client.get(
        reverse("bodies:qualification-edit", args=[qualification.pk])
    ).status_code == (200)


def test_an_advisor_cannot_reach_someone_elses_qualification(client, signed_in):
    mine = AdvisorProfileFactory.create()
    theirs = QualificationFactory.create()
    signed_in(mine.user)
    for name in ("bodies:qualification-edit", "bodies:qualification-remove"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    assert Qualification.objects.filter(pk=theirs.pk).exists()


def test_an_advisor_removes_a_qualification(client, signed_in):
    qualification = QualificationFactory.create()
    signed_in(qualification.advisor.user)
    url = reverse("bodies:qualification-remove", args=[qualification.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Qualification.objects.exists()


def test_review_pages_are_404_outside_the_registration_staff(client, signed_in):
    qualification = QualificationFactory.create()
    urls = [
        reverse("bodies:review-queue"),
        reverse("bodies:qualification-review", args=[qualification.pk]),
        reverse("bodies:advisor-review-list"),
        reverse("bodies:advisor-review", args=[qualification.advisor.pk]),
    ]
    for user in (
        accreditation_officer(),
        BodyStaffFactory.create().user,
        MembershipFactory.create().user,
        qualification.advisor.user,
    ):
        client.logout()
        signed_in(user)
        for url in urls:
            assert client.get(url).status_code == 404, url


def test_registration_staff_verify_reject_and_suspend(client, signed_in):
    first = QualificationFactory.create()
    second = QualificationFactory.create()
    signed_in(registration_officer())
    queue = client.get(reverse("bodies:review-queue"))
    assert list(queue.context["qualifications"]) == [first, second]
    response = client.post(
        reverse("bodies:qualification-review", args=[first.pk]), {"action": "verify"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Qualification.Status.VERIFIED
    response = client.post(
        reverse("bodies:qualification-review", args=[second.pk]),
        {"action": "reject", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(
        reverse("bodies:qualification-review", args=[second.pk]),
        {"action": "reject", "reason": "IPAの登録簿に該当なし"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Qualification.Status.REJECTED
    assert list(client.get(reverse("bodies:review-queue")).context["qualifications"]) == []
    advisor = first.advisor
    assert client.get(reverse("bodies:advisor-review-list")).status_code == 200
    response = client.post(
        reverse("bodies:advisor-review", args=[advisor.pk]),
        {"action": "suspend", "reason": "苦情の調査中"},
    )
    assert response.status_code == 302
    advisor.refresh_from_db()
    assert advisor.status == AdvisorProfile.Status.SUSPENDED
    assert (
        "苦情の調査中"
        in client.get(reverse("bodies:advisor-review", args=[advisor.pk])).content.decode()
    )
