"""MFA is mandatory for privileged users: enrolment first, then a second factor in every
session. Public pages stay public; ordinary users are not bothered."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse

from accounts.adapters import MFAAdapter
from accounts.selectors import privileged_roles_for, user_is_privileged
from tests.accounts.helpers import (
    activate_totp,
    client_with_own_ip,
    current_code,
    enrol_totp,
    login,
    login_with_mfa,
    reauthenticate,
    totp_secret,
)
from tests.factories.accounts import UserFactory
from tests.factories.bodies import (
    AdvisorProfileFactory,
    BodyStaffFactory,
    SchemeBodyFactory,
    accreditation_officer,
    registration_officer,
)

pytestmark = pytest.mark.django_db

PRIVATE = "accounts:organisation_list"


def _evaluator():
    return BodyStaffFactory.create(role="evaluator").user


def _verifier():
    body = SchemeBodyFactory.create(roles=["verification"])
    return BodyStaffFactory.create(body=body, role="verifier").user


def _advisor():
    return AdvisorProfileFactory.create(verified=True).user


def _staff():
    return UserFactory.create(is_staff=True)


def _superuser():
    return UserFactory.create(is_staff=True, is_superuser=True)


PRIVILEGED_ROLES = {
    "staff": _staff,
    "superuser": _superuser,
    "registration_staff": lambda: registration_officer(),
    "accreditation_staff": lambda: accreditation_officer(),
    "evaluator": _evaluator,
    "verifier": _verifier,
    "advisor": _advisor,
}


@pytest.fixture(params=sorted(PRIVILEGED_ROLES))
def privileged_user(request):
    user = PRIVILEGED_ROLES[request.param]()
    assert user_is_privileged(user), request.param
    return user


def test_each_privileged_role_is_recognised():
    assert privileged_roles_for(_evaluator()) == ["evaluator"]
    assert privileged_roles_for(_verifier()) == ["verifier"]
    assert privileged_roles_for(_advisor()) == ["advisor"]
    assert privileged_roles_for(registration_officer()) == ["registration_staff"]
    assert privileged_roles_for(accreditation_officer()) == ["accreditation_staff"]
    assert privileged_roles_for(_staff()) == ["staff"]
    assert not user_is_privileged(UserFactory.create())


def test_privileged_user_without_a_factor_is_sent_to_enrolment(privileged_user):
    client = client_with_own_ip()
    login(client, privileged_user)
    response = client.get(reverse(PRIVATE))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    # The enrolment pages themselves, and public pages, are reachable.
    assert client.get(reverse("mfa_index")).status_code == 200
    # allauth asks for the password again before enrolling; that page is reachable too.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_enrolled_privileged_session_without_mfa_must_pass_it(privileged_user):
    enrol_totp(privileged_user)
    client = client_with_own_ip()
    # allauth's login asks for the code of an enrolled user; a session that bypassed that stage
    # (force_login, as after a role granted mid-session) must still be stopped.
    client.force_login(privileged_user)
    response = client.get(reverse(PRIVATE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "next=" in response["Location"]
    response = client.post(
        reverse("mfa_reauthenticate"), {"code": current_code(totp_secret(privileged_user))}
    )
    assert response.status_code == 302
    assert client.get(reverse(PRIVATE)).status_code == 200


def test_privileged_user_with_mfa_reaches_private_pages(privileged_user):
    client = client_with_own_ip()
    login_with_mfa(client, privileged_user)
    assert client.get(reverse(PRIVATE)).status_code == 200


def test_login_of_an_enrolled_user_asks_for_the_second_factor(privileged_user):
    enrol_totp(privileged_user)
    client = client_with_own_ip()
    response = login(client, privileged_user)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_api_answers_403_instead_of_redirecting(privileged_user):
    client = client_with_own_ip()
    login(client, privileged_user)
    with override_settings(ACCOUNTS_PUBLIC_PATHS=[]):
        response = client.get("/api/v1/catalogue/levels/")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_public_pages_stay_public_before_mfa(privileged_user):
    client = client_with_own_ip()
    login(client, privileged_user)
    for path in ["/", "/healthz/", "/catalogue/", "/api/v1/catalogue/levels/", "/api/schema/"]:
        assert client.get(path).status_code == 200, path


def test_ordinary_users_are_not_asked_for_mfa():
    user = UserFactory.create()
    client = client_with_own_ip()
    login(client, user)
    assert client.get(reverse(PRIVATE)).status_code == 200


def test_the_tests_own_role_check_is_honoured(make_privileged):
    user = make_privileged(UserFactory.create())
    assert privileged_roles_for(user) == ["test_reviewer"]
    client = client_with_own_ip()
    login(client, user)
    assert client.get(reverse(PRIVATE))["Location"] == reverse("mfa_index")


def test_an_empty_list_of_checks_leaves_only_staff_privileged(settings):
    settings.ACCOUNTS_PRIVILEGED_ROLE_CHECKS = []
    assert not user_is_privileged(_evaluator())
    assert user_is_privileged(_staff())


def test_a_check_that_cannot_be_imported_fails_closed(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ACCOUNTS_PRIVILEGED_ROLE_CHECKS = ["nowhere.to_be_found"]
    with pytest.raises(ImproperlyConfigured):
        privileged_roles_for(UserFactory.create())


# allauth announces the new authenticator after commit; a transactional test runs that hook
# inside the request, as production does.
@pytest.mark.django_db(transaction=True)
def test_enrolling_the_first_factor_counts_as_this_sessions_mfa(privileged_user):
    client = client_with_own_ip()
    login(client, privileged_user)
    activate_totp(client)
    assert client.get(reverse(PRIVATE)).status_code == 200


def test_the_enrolment_code_cannot_be_replayed_to_sign_in(django_capture_on_commit_callbacks):
    user = UserFactory.create()
    client = client_with_own_ip()
    login(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        secret = activate_totp(client)
    code = current_code(secret)
    other = client_with_own_ip()
    login(other, user)
    response = other.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in other.session


def test_privileged_users_cannot_remove_their_last_factor(privileged_user):
    enrol_totp(privileged_user)
    totp = Authenticator.objects.get(user=privileged_user, type=Authenticator.Type.TOTP)
    assert MFAAdapter().can_delete_authenticator(totp) is False
    ordinary = UserFactory.create()
    enrol_totp(ordinary)
    assert MFAAdapter().can_delete_authenticator(
        Authenticator.objects.get(user=ordinary, type=Authenticator.Type.TOTP)
    )


def test_operator_permission_alone_does_not_make_a_non_staff_user_privileged():
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    assert not user_is_privileged(user)
