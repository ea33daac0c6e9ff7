"""Invitations and membership roles: who may grant what, and the life of an invitation."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership
from core.exceptions import DomainError
from core.models import AuditEvent
from tests.accounts.helpers import client_with_own_ip, login
from tests.factories.accounts import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin():
    admin = UserFactory.create()
    organisation = OrganisationFactory.create(admins=[admin], members=[admin])
    return organisation, admin


def test_an_admin_may_grant_every_role(org_admin, django_capture_on_commit_callbacks):
    organisation, admin = org_admin
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_send(
            by=admin,
            organisation=organisation,
            email="New.Person@Example.jp",
            roles=["procurer", "admin", "member", "executive"],
        )
    assert invitation.roles == ["admin", "member", "executive", "procurer"]
    assert invitation.token_hash != token
    assert token not in str(Invitation.objects.values().get())
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    (message,) = mail.outbox
    assert message.to == ["New.Person@example.jp"]
    assert token in message.body
    assert AuditEvent.objects.filter(action="accounts.invitation.sent").exists()


@pytest.mark.parametrize(
    "flags", [{"is_member": True}, {"is_executive": True}, {"is_procurer": True}]
)
def test_a_non_admin_may_grant_nothing(org_admin, flags):
    organisation, _admin = org_admin
    member = MembershipFactory.create(organisation=organisation, **flags).user
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            by=member, organisation=organisation, email="x@example.jp", roles=["member"]
        )


def test_an_outsider_may_grant_nothing(org_admin):
    organisation, _admin = org_admin
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            by=UserFactory.create(),
            organisation=organisation,
            email="x@example.jp",
            roles=["member"],
        )


def test_unknown_roles_and_no_roles_are_refused(org_admin):
    organisation, admin = org_admin
    for roles in ([], ["owner"]):
        with pytest.raises(DomainError):
            services.invitation_send(
                by=admin, organisation=organisation, email="x@example.jp", roles=roles
            )


def test_a_member_cannot_be_invited_again(org_admin):
    organisation, admin = org_admin
    existing = MembershipFactory.create(organisation=organisation).user
    with pytest.raises(DomainError) as error:
        services.invitation_send(
            by=admin, organisation=organisation, email=existing.email.upper(), roles=["member"]
        )
    assert error.value.code == "already_member"


def test_a_new_invitation_replaces_the_pending_one(org_admin):
    organisation, admin = org_admin
    first, _t1 = services.invitation_send(
        by=admin, organisation=organisation, email="x@example.jp", roles=["member"]
    )
    second, _t2 = services.invitation_send(
        by=admin, organisation=organisation, email="x@example.jp", roles=["executive"]
    )
    first.refresh_from_db()
    assert first.status == Invitation.Status.REVOKED
    assert second.status == Invitation.Status.PENDING


def test_accepting_grants_the_roles(org_admin):
    organisation, admin = org_admin
    invitee = UserFactory.create(email="invitee@example.jp")
    invitation, _token = services.invitation_send(
        by=admin, organisation=organisation, email="invitee@example.jp", roles=["executive"]
    )
    membership = services.invitation_accept(by=invitee, invitation=invitation)
    assert membership.roles == ["executive"]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == ("accepted", invitee)
    granted = AuditEvent.objects.filter(action="accounts.membership.role_granted", actor=invitee)
    assert [event.data["role"] for event in granted] == ["executive"]


def test_accepting_adds_to_roles_already_held(org_admin):
    organisation, admin = org_admin
    member = MembershipFactory.create(organisation=organisation).user
    invitation = InvitationFactory.create(
        organisation=organisation, email=member.email, roles=["procurer"], invited_by=admin
    )
    membership = services.invitation_accept(by=member, invitation=invitation)
    assert membership.roles == ["member", "procurer"]


def test_an_invitation_for_another_address_is_refused(org_admin):
    organisation, admin = org_admin
    invitation = InvitationFactory.create(
        organisation=organisation, email="someone@example.jp", invited_by=admin
    )
    with pytest.raises(DomainError) as error:
        services.invitation_accept(by=UserFactory.create(), invitation=invitation)
    assert "another e-mail address" in error.value.message or "別の" in error.value.message
    assert not Membership.objects.filter(organisation=organisation).exclude(user=admin).exists()


def test_an_expired_invitation_is_refused(org_admin):
    organisation, admin = org_admin
    invitee = UserFactory.create()
    invitation, _token = services.invitation_send(
        by=admin, organisation=organisation, email=invitee.email, roles=["member"]
    )
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)),
        pytest.raises(DomainError) as error,
    ):
        services.invitation_accept(by=invitee, invitation=invitation)
    assert error.value.code == "invitation_unusable"


def test_a_used_invitation_is_refused(org_admin):
    organisation, admin = org_admin
    invitee = UserFactory.create()
    invitation = InvitationFactory.create(
        organisation=organisation, email=invitee.email, invited_by=admin
    )
    services.invitation_accept(by=invitee, invitation=invitation)
    with pytest.raises(DomainError):
        services.invitation_accept(by=invitee, invitation=invitation)
    with pytest.raises(DomainError):
        services.invitation_decline(by=invitee, invitation=invitation)


def test_an_invitation_is_refused_when_the_inviter_lost_the_admin_role(org_admin):
    organisation, admin = org_admin
    other_admin = MembershipFactory.create(organisation=organisation, is_admin=True).user
    invitee = UserFactory.create()
    invitation = InvitationFactory.create(
        organisation=organisation, email=invitee.email, invited_by=other_admin, roles=["admin"]
    )
    services.membership_set_roles(
        by=admin,
        membership=Membership.objects.get(user=other_admin, organisation=organisation),
        roles=["member"],
    )
    with pytest.raises(DomainError) as error:
        services.invitation_accept(by=invitee, invitation=invitation)
    assert error.value.code == "inviter_lost_rights"


def test_declining(org_admin):
    organisation, admin = org_admin
    invitee = UserFactory.create()
    invitation = InvitationFactory.create(
        organisation=organisation, email=invitee.email, invited_by=admin
    )
    services.invitation_decline(by=invitee, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Membership.objects.filter(user=invitee).exists()


def test_the_last_admin_cannot_step_down_or_be_removed(org_admin):
    organisation, admin = org_admin
    membership = Membership.objects.get(user=admin, organisation=organisation)
    with pytest.raises(DomainError) as error:
        services.membership_set_roles(by=admin, membership=membership, roles=["member"])
    assert error.value.code == "last_admin"
    with pytest.raises(DomainError):
        services.membership_remove(by=admin, membership=membership)
    second = MembershipFactory.create(organisation=organisation, is_admin=True)
    services.membership_set_roles(by=admin, membership=membership, roles=["member"])
    assert not Membership.objects.get(pk=membership.pk).is_admin
    services.membership_remove(by=second.user, membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.membership.removed").exists()
    assert AuditEvent.objects.filter(
        action="accounts.membership.role_revoked", data__role="admin"
    ).exists()


def test_only_admins_change_roles(org_admin):
    organisation, _admin = org_admin
    member = MembershipFactory.create(organisation=organisation)
    other = MembershipFactory.create(organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(by=member.user, membership=other, roles=["admin"])
    with pytest.raises(PermissionDenied):
        services.membership_remove(by=member.user, membership=other)


# --- the web flow ----------------------------------------------------------------------------


def test_invite_accept_through_the_pages(org_admin, django_capture_on_commit_callbacks):
    organisation, admin = org_admin
    admin_client = client_with_own_ip()
    login(admin_client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("accounts:invitation_create", args=[organisation.pk]),
            {"email": "colleague@example.jp", "roles": ["member", "executive"]},
        )
    assert response.status_code == 302
    found = re.search(r"https?://\S+/invitations/\S+/", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # Anonymous: asked to sign in or sign up, with the invitation as the next page.
    visitor = client_with_own_ip()
    response = visitor.get(path)
    assert response.status_code == 200
    assert f"next={path}" in response.content.decode()

    colleague = UserFactory.create(email="colleague@example.jp")
    login(visitor, colleague)
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, {"decision": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user=colleague, organisation=organisation).roles == [
        "member",
        "executive",
    ]
    # The link cannot be used twice.
    response = visitor.post(path, {"decision": "accept"})
    assert response.status_code == 400


def test_the_invitation_form_keeps_what_was_typed_on_errors(org_admin):
    organisation, admin = org_admin
    client = client_with_own_ip()
    login(client, admin)
    response = client.post(
        reverse("accounts:invitation_create", args=[organisation.pk]),
        {"email": "not-an-address", "roles": ["member"]},
    )
    assert response.status_code == 200
    assert 'value="not-an-address"' in response.content.decode()


def test_a_member_gets_403_on_the_invitation_form_and_an_outsider_404(org_admin):
    organisation, _admin = org_admin
    member = MembershipFactory.create(organisation=organisation).user
    client = client_with_own_ip()
    login(client, member)
    url = reverse("accounts:invitation_create", args=[organisation.pk])
    assert client.get(url).status_code == 403
    outsider = client_with_own_ip()
    login(outsider, UserFactory.create())
    assert outsider.get(url).status_code == 404


def test_signed_in_with_the_wrong_address_shows_a_clear_message(org_admin):
    organisation, admin = org_admin
    invitation, token = InvitationFactory.create_with_token(
        organisation=organisation, email="right@example.jp", invited_by=admin
    )
    client = client_with_own_ip()
    login(client, UserFactory.create(email="wrong@example.jp"))
    response = client.get(reverse("accounts:invitation", args=[token]))
    assert response.status_code == 200
    assert response.context["problem"]
    response = client.post(reverse("accounts:invitation", args=[token]), {"decision": "accept"})
    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_unknown_token_is_404():
    client = client_with_own_ip()
    assert client.get(reverse("accounts:invitation", args=["no-such-token"])).status_code == 404


def test_admin_changes_roles_and_removes_members_through_the_pages(org_admin):
    organisation, admin = org_admin
    member = MembershipFactory.create(organisation=organisation)
    client = client_with_own_ip()
    login(client, admin)
    url = reverse("accounts:membership_roles", args=[organisation.pk, member.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"roles": ["member", "procurer"]})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.roles == ["member", "procurer"]
    response = client.post(reverse("accounts:membership_remove", args=[organisation.pk, member.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_removing_the_last_admin_through_the_page_shows_why(org_admin):
    organisation, admin = org_admin
    client = client_with_own_ip()
    login(client, admin)
    membership = Membership.objects.get(user=admin, organisation=organisation)
    response = client.post(
        reverse("accounts:membership_remove", args=[organisation.pk, membership.pk])
    )
    assert response.status_code == 400
    assert response.context["error"]


def test_admin_withdraws_an_invitation(org_admin):
    organisation, admin = org_admin
    invitation = InvitationFactory.create(organisation=organisation, invited_by=admin)
    client = client_with_own_ip()
    login(client, admin)
    response = client.post(
        reverse("accounts:invitation_revoke", args=[organisation.pk, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
