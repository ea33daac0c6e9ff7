"""The signed-in navigation shows each role the way into its work (and nobody else's), with
the unread count, worked out in one query per request."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bodies.choices import BodyRole, StaffRole
from bodies.models import BodyStaff
from notifications.models import Kind, Notification
from tests.certification.conftest import sign_in
from tests.factories.bodies import (
    AdvisorProfileFactory,
    BodyStaffFactory,
    MembershipFactory,
    OrganisationFactory,
    SchemeBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINKS = {
    "applications": reverse("assessments:list"),
    "registrations": reverse("certification:holder-list"),
    "inbox": reverse("assessments:inbox"),
    "queue": reverse("certification:queue"),
    "looked_after": reverse("certification:staff-list"),
    "notifications": reverse("notifications:list"),
    "organisations": reverse("accounts:organisation_list"),
}


def _nav(user: User | AnonymousUser) -> str:
    request = RequestFactory().get("/organisations/")
    request.user = user
    return render_to_string(
        "includes/nav_role.html", {"request": request, "user": user}, request=request
    )


def _shown(html: str) -> set[str]:
    return {name for name, url in LINKS.items() if f'href="{url}"' in html}


def _staff(staff_role: str, body_role: str) -> User:
    body = SchemeBodyFactory.create(roles=[body_role])
    return BodyStaffFactory.create(body=body, role=staff_role).user


def _notify(user: User, *, read: bool = False) -> None:
    Notification.objects.create(
        user=user,
        kind=Kind.WORK_ITEM,
        subject="件名",
        body="本文",
        language="ja",
        message_id=f"<{uuid.uuid4()}@test>",
        read_at=timezone.now() if read else None,
    )


COMMON = {"notifications", "organisations"}


def test_a_member_of_an_organisation_gets_applications_and_registrations() -> None:
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=OrganisationFactory.create(), is_member=True)
    assert _shown(_nav(user)) == COMMON | {"applications", "registrations"}


def test_a_procurer_only_sees_the_registrations_not_the_applications() -> None:
    user = UserFactory.create()
    MembershipFactory.create(
        user=user, organisation=OrganisationFactory.create(), is_member=False, is_procurer=True
    )
    assert _shown(_nav(user)) == COMMON | {"registrations"}


def test_a_user_without_an_organisation_gets_only_the_common_links() -> None:
    assert _shown(_nav(UserFactory.create())) == COMMON


def test_an_advisor_gets_the_inbox() -> None:
    advisor = AdvisorProfileFactory.create(verified=True).user
    assert _shown(_nav(advisor)) == COMMON | {"inbox"}


def test_registration_staff_get_the_queue_and_the_registrations_they_look_after() -> None:
    user = _staff(StaffRole.REGISTRATION_STAFF, BodyRole.REGISTRATION)
    # Being staff makes the user a member of the body's organisation, too.
    assert {"queue", "looked_after"} <= _shown(_nav(user))


@pytest.mark.parametrize(
    ("staff_role", "body_role"),
    [
        (StaffRole.ACCREDITATION_STAFF, BodyRole.ACCREDITATION),
        (StaffRole.DECISION_MAKER, BodyRole.EVALUATION),
    ],
)
def test_other_scheme_body_staff_look_after_registrations_but_have_no_queue(
    staff_role: str, body_role: str
) -> None:
    shown = _shown(_nav(_staff(staff_role, body_role)))
    assert "looked_after" in shown
    assert "queue" not in shown


def test_a_revoked_staff_role_or_a_body_without_the_role_gives_no_queue() -> None:
    revoked = _staff(StaffRole.REGISTRATION_STAFF, BodyRole.REGISTRATION)
    BodyStaff.objects.filter(user=revoked).update(active=False)
    wrong_body = _staff(StaffRole.REGISTRATION_STAFF, BodyRole.EVALUATION)
    for user in (revoked, wrong_body):
        assert not {"queue", "looked_after"} & _shown(_nav(user))


def test_the_unread_count_counts_only_unread_notices() -> None:
    user = UserFactory.create()
    _notify(user)
    _notify(user)
    _notify(user, read=True)
    _notify(UserFactory.create())
    html = _nav(user)
    assert '<span class="badge badge--error">2<span class="visually-hidden"> 未読</span>' in html
    Notification.objects.filter(user=user).update(read_at=timezone.now())
    assert "badge" not in _nav(user)


def test_anonymous_visitors_get_no_workspace() -> None:
    assert _nav(AnonymousUser()).strip() == ""


def test_one_query_per_request_whatever_the_roles(django_assert_num_queries) -> None:
    user = _staff(StaffRole.REGISTRATION_STAFF, BodyRole.REGISTRATION)
    AdvisorProfileFactory.create(user=user, verified=True)
    MembershipFactory.create(user=user, organisation=OrganisationFactory.create(), is_member=True)
    _notify(user)
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):
        first = render_to_string("includes/nav_role.html", {"user": user}, request=request)
        again = render_to_string("includes/nav_role.html", {"user": user}, request=request)
    assert first == again
    assert _shown(first) == set(LINKS)


def test_the_links_are_in_the_page_and_mark_the_current_one() -> None:
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=OrganisationFactory.create(), is_member=True)
    client = sign_in(Client(), user)
    html = client.get(reverse("certification:holder-list")).content.decode()
    assert f'<a href="{LINKS["registrations"]}" aria-current="page">自組織の登録</a>' in html
    assert f'<a href="{LINKS["applications"]}">★の申請</a>' in html
