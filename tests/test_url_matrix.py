"""The role × URL × object matrix: every URL pattern the resolver knows, requested (GET) by every
role, with an object of the role's own organisation (or its own person, body or advisor profile)
and one of somebody else's, must answer exactly the expected status code.

House rule (docs/development.md): public pages are 200 for everybody; private pages send the
anonymous visitor to the login page (302); an object outside the user's scope is 404 (its
existence is not revealed), an object the user sees but may not act on is 403; POST-only
endpoints answer a GET with 405 once the object is known to be in scope.

Adding a URL means adding one row to ROWS: its name, which family of objects its URL arguments
come from (and how), and an expectation profile (PUBLIC, LOGIN, MEMBER_OBJECT, ...) or a
small dict for the exceptions. A pattern without a row fails
`test_every_url_pattern_is_classified` with its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation, User, UserSession
from assessments.models import AdvisorEngagement, Application
from bodies.choices import BodyRole, StaffRole
from bodies.models import AdvisorProfile, BodyStaff, Designation, Qualification, SchemeBody
from certification.models import AnnualSelfAssessment, Registration
from notifications.models import Notification
from registry.services import checkpoint_sign
from tests.accounts.helpers import (
    add_security_key,
    client_with_own_ip,
    login,
    login_with_mfa,
    verify_email,
)
from tests.factories.accounts import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.factories.accounts import UserFactory as AccountsUserFactory
from tests.factories.assessments import (
    AdvisorEngagementFactory,
    ApplicationFactory,
    EvidenceFileFactory,
    qualified_advisor,
)
from tests.factories.bodies import (
    BodyStaffFactory,
    DesignationFactory,
    QualificationFactory,
    SchemeBodyFactory,
)
from tests.factories.certification import RegistrationFactory, star4
from tests.factories.scheme import catalogue_loaded

EDITION = "scs-2026-03"
OLDER_EDITION = "scs-2025-04-interim"

ANONYMOUS = "anonymous"
PLAIN = "plain_user"
SUPPLIER_MEMBER = "supplier_member"
SUPPLIER_ADMIN = "supplier_admin"
EXECUTIVE = "executive"
PROCURER = "procurer"
REGISTRATION_STAFF = "registration_staff"
ACCREDITATION_STAFF = "accreditation_staff"
EVALUATOR = "evaluator"
VERIFIER = "verifier"
ADVISOR = "advisor"
OPERATOR = "operator"

ROLES = (
    ANONYMOUS,
    PLAIN,
    SUPPLIER_MEMBER,
    SUPPLIER_ADMIN,
    EXECUTIVE,
    PROCURER,
    REGISTRATION_STAFF,
    ACCREDITATION_STAFF,
    EVALUATOR,
    VERIFIER,
    ADVISOR,
    OPERATOR,
)
SUPPLIER_ROLES = frozenset({SUPPLIER_MEMBER, SUPPLIER_ADMIN, EXECUTIVE, PROCURER})
STAFF_ROLES = frozenset({REGISTRATION_STAFF, ACCREDITATION_STAFF, EVALUATOR, VERIFIER})
# Roles whose users belong to an organisation (suppliers to theirs, body staff to their body's).
ORG_ROLES = SUPPLIER_ROLES | STAFF_ROLES
# Members whose membership carries is_member or is_admin (they work on applications).
WORKING_MEMBERS = frozenset({SUPPLIER_MEMBER, SUPPLIER_ADMIN}) | STAFF_ROLES
PRIVILEGED_ROLES = STAFF_ROLES | {ADVISOR, OPERATOR}

OWN, OTHER, NONE = "own", "other", "-"


# ------------------------------------------------------------------------------------------------
# The world: two supplier organisations, a scheme body with every operator role, another body,
# people for every role, and the objects the URLs point at.
# ------------------------------------------------------------------------------------------------
@dataclass
class OrgObjects:
    """Objects belonging to one organisation."""

    organisation: Organisation
    colleague: Membership
    invitation: Invitation
    application: Application
    category: str
    criterion: str
    evidence_pk: int
    registration: Registration


@dataclass
class PersonObjects:
    """Objects belonging to one person."""

    user: User
    session: UserSession | None  # set when the role signs in
    webauthn: Authenticator | None  # added after signing in (it would add an MFA stage)
    notification: Notification
    email_key: str
    invitation_token: str


@dataclass
class BodyObjects:
    """A scheme body and what hangs off it."""

    body: SchemeBody
    designation: Designation
    staff: BodyStaff


@dataclass
class AdvisorObjects:
    """An advisor's profile, qualification and engagement."""

    profile: AdvisorProfile
    qualification: Qualification
    engagement: AdvisorEngagement


@dataclass
class World:
    users: dict[str, User | None]
    orgs: dict[str, OrgObjects]  # role -> own organisation's objects
    other_org: OrgObjects
    people: dict[str, PersonObjects]  # role -> own person objects
    other_person: PersonObjects
    bodies: dict[str, BodyObjects]
    other_body: BodyObjects
    advisors: dict[str, AdvisorObjects]
    other_advisor: AdvisorObjects
    public_registration: Registration
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    # A ★4 registration of the other organisation resting on the staff's evaluation body, with
    # an annual self-assessment (and its attachment) submitted to that body.
    annual: AnnualSelfAssessment | None = None

    def bag(self, family: str, role: str, relation: str) -> Any:
        """The objects a row's URL arguments come from, or None when the role has none."""
        if relation == OTHER:
            return {
                "org": self.other_org,
                "person": self.other_person,
                "body": self.other_body,
                "advisor": self.other_advisor,
            }[family]
        own: dict[str, dict[str, Any]] = {
            "org": self.orgs,
            "person": self.people,
            "body": self.bodies,
            "advisor": self.advisors,
        }
        return own[family].get(role)


def _org_objects(organisation: Organisation, *, invited_by: User) -> OrgObjects:
    colleague = MembershipFactory.create(organisation=organisation)
    application = ApplicationFactory.create(organisation=organisation)
    answer = application.answers.select_related("criterion__item__subcategory__category").first()
    assert answer is not None
    evidence = EvidenceFileFactory.create(application=application)
    return OrgObjects(
        organisation=organisation,
        colleague=colleague,
        invitation=InvitationFactory.create(organisation=organisation, invited_by=invited_by),
        application=application,
        category=answer.criterion.item.subcategory.category.code,
        criterion=answer.criterion.code,
        evidence_pk=evidence.pk,
        registration=RegistrationFactory.create(organisation=organisation),
    )


def _person_objects(user: User) -> PersonObjects:
    verify_email(user)
    address = EmailAddress.objects.get(user=user, email=user.email)
    _invitation, token = InvitationFactory.create_with_token(email=user.email)
    return PersonObjects(
        user=user,
        session=None,
        webauthn=None,
        notification=Notification.objects.create(
            user=user,
            kind="work_item",
            subject="確認してください",
            body="確認してください",
            url="/",
            language="ja",
            message_id=f"<matrix-{user.pk}@test>",
        ),
        email_key=EmailConfirmationHMAC(address).key,
        invitation_token=token,
    )


def _other_person(user: User) -> PersonObjects:
    objects = _person_objects(user)
    objects.session = UserSession.objects.create(
        user=user, session_key_hash="0" * 64, last_seen_at=timezone.now()
    )
    objects.webauthn = add_security_key(user)
    return objects


def build_world() -> World:
    org_a = OrganisationFactory.create()
    org_b = OrganisationFactory.create()
    body_c = SchemeBodyFactory.create(
        roles=[
            BodyRole.REGISTRATION,
            BodyRole.ACCREDITATION,
            BodyRole.EVALUATION,
            BodyRole.VERIFICATION,
        ]
    )
    body_d = SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])

    def supplier(**flags: bool) -> User:
        user = AccountsUserFactory.create()
        MembershipFactory.create(user=user, organisation=org_a, **flags)
        return user

    def staff(role: str) -> User:
        return BodyStaffFactory.create(body=body_c, role=role).user

    operator = AccountsUserFactory.create(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    advisor_profile = qualified_advisor()
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        PLAIN: AccountsUserFactory.create(),
        SUPPLIER_MEMBER: supplier(is_member=True),
        SUPPLIER_ADMIN: supplier(is_member=True, is_admin=True),
        EXECUTIVE: supplier(is_member=False, is_executive=True),
        PROCURER: supplier(is_member=False, is_procurer=True),
        REGISTRATION_STAFF: staff(StaffRole.REGISTRATION_STAFF),
        ACCREDITATION_STAFF: staff(StaffRole.ACCREDITATION_STAFF),
        EVALUATOR: staff(StaffRole.EVALUATOR),
        VERIFIER: staff(StaffRole.VERIFIER),
        ADVISOR: advisor_profile.user,
        OPERATOR: operator,
    }
    admin_a = users[SUPPLIER_ADMIN]
    assert admin_a is not None
    admin_b = AccountsUserFactory.create()
    MembershipFactory.create(user=admin_b, organisation=org_b, is_admin=True)
    admin_c = AccountsUserFactory.create()
    MembershipFactory.create(user=admin_c, organisation=body_c.organisation, is_admin=True)

    objects_a = _org_objects(org_a, invited_by=admin_a)
    objects_b = _org_objects(org_b, invited_by=admin_b)
    objects_c = _org_objects(body_c.organisation, invited_by=admin_c)
    own_body = BodyObjects(
        body=body_c,
        designation=DesignationFactory.create(body=body_c, designated_by=body_c),
        staff=BodyStaff.objects.filter(body=body_c).first() or BodyStaffFactory.create(body=body_c),
    )
    other_body = BodyObjects(
        body=body_d,
        designation=DesignationFactory.create(body=body_d),
        staff=BodyStaffFactory.create(body=body_d, role=StaffRole.EVALUATOR),
    )
    other_advisor_profile = qualified_advisor()
    star4_registration = RegistrationFactory.create(
        number="SCS4-2099-000001",
        organisation=org_b,
        level=star4(),
        evaluation_body=body_c,
        valid_from=timezone.localdate() - timedelta(days=330),
        registered_on=timezone.localdate() - timedelta(days=330),
        valid_until=timezone.localdate() + timedelta(days=760),
    )
    annual = AnnualSelfAssessment(
        registration=star4_registration,
        anniversary=1,
        due_on=timezone.localdate() + timedelta(days=35),
        status=AnnualSelfAssessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
        attachment_name="self-assessment.txt",
        attachment_type="text/plain",
        attachment_size=5,
    )
    annual.attachment.save("attachment", ContentFile(b"hello"), save=False)
    annual.save()
    world = World(
        users=users,
        # The advisor's "own" organisation is the client whose application they advise.
        orgs={
            **dict.fromkeys(SUPPLIER_ROLES | {ADVISOR}, objects_a),
            **dict.fromkeys(STAFF_ROLES, objects_c),
        },
        other_org=objects_b,
        people={role: _person_objects(user) for role, user in users.items() if user},
        other_person=_other_person(admin_b),
        bodies=dict.fromkeys(STAFF_ROLES, own_body),
        other_body=other_body,
        advisors={
            ADVISOR: AdvisorObjects(
                profile=advisor_profile,
                qualification=QualificationFactory.create(advisor=advisor_profile),
                engagement=AdvisorEngagementFactory.create(
                    application=objects_a.application, advisor=advisor_profile
                ),
            )
        },
        other_advisor=AdvisorObjects(
            profile=other_advisor_profile,
            qualification=QualificationFactory.create(advisor=other_advisor_profile),
            engagement=AdvisorEngagementFactory.create(
                application=objects_b.application, advisor=other_advisor_profile
            ),
        ),
        public_registration=objects_b.registration,
        annual=annual,
    )
    # The ledger's publications: a signed checkpoint (of the still empty ledger) to serve.
    checkpoint_sign()
    return world


# ------------------------------------------------------------------------------------------------
# Expectation profiles: (role, relation) -> status code
# ------------------------------------------------------------------------------------------------
Expect = Callable[[str, str], int]


def PUBLIC(role: str, relation: str) -> int:  # noqa: N802 (profiles read like constants)
    return 200


def LOGIN(role: str, relation: str) -> int:  # noqa: N802
    """Any signed-in user; anonymous visitors go to the login page."""
    return 302 if role == ANONYMOUS else 200


def LOGIN_POST_ONLY(role: str, relation: str) -> int:  # noqa: N802
    return 302 if role == ANONYMOUS else 405


def ANONYMOUS_ONLY(role: str, relation: str) -> int:  # noqa: N802
    """Sign-in and sign-up pages: signed-in users are sent on."""
    return 200 if role == ANONYMOUS else 302


def table(**codes: int | tuple[int, int]) -> Expect:
    """Per-role codes; a pair is (own, other). `default` covers the roles not named."""

    def expect(role: str, relation: str) -> int:
        code = codes.get(role, codes.get("default"))
        if code is None:
            raise KeyError(f"no expectation for {role}")
        if isinstance(code, tuple):
            return code[0] if relation == OWN else code[1]
        return code

    return expect


def REDIRECT(role: str, relation: str) -> int:  # noqa: N802
    """allauth steps that only make sense inside a flow send everybody on."""
    return 302


def EVERYBODY(code: int) -> Expect:  # noqa: N802
    return lambda role, relation: code


def SIGNED_IN(code: int) -> Expect:  # noqa: N802
    """`code` for every signed-in user; anonymous visitors go to the login page."""
    return lambda role, relation: 302 if role == ANONYMOUS else code


def staff_only(*allowed: str, code: int = 200) -> Expect:
    """Pages of scheme-body staff: `code` for the allowed roles (with objects of any
    organisation), 404 for every other signed-in user."""
    return table(anonymous=302, default=404, **dict.fromkeys(allowed, code))


def member_object(*, admin: int = 200, member: int = 200) -> Expect:
    """An object of an organisation: its administrator gets `admin`, its other members
    `member`; everybody else, and everybody for another organisation's object, 404."""
    own: dict[str, int | tuple[int, int]] = dict.fromkeys(ORG_ROLES, (member, 404))
    own[SUPPLIER_ADMIN] = (admin, 404)
    return table(anonymous=302, default=404, **own)


def application(*, editor: int, executive: int, advisor: int) -> Expect:
    """A ★3 application: `editor` for members and administrators of the applicant (suppliers,
    and body staff on their own organisation's application), `executive` for an executive who
    is not a member, `advisor` for the engaged advisor. A procurer-only member does not see
    applications; another organisation's application is 404 for everybody."""
    codes: dict[str, int | tuple[int, int]] = dict.fromkeys(WORKING_MEMBERS, (editor, 404))
    codes.update({EXECUTIVE: (executive, 404), PROCURER: (404, 404), ADVISOR: (advisor, 404)})
    return table(anonymous=302, default=404, **codes)


# Designations are granted and changed by the accreditation body that designated them.
DESIGNATION = table(anonymous=302, default=404, accreditation_staff=(200, 404))


def _annual(world: World) -> dict[str, Any]:
    """The world's ★4 annual self-assessment, submitted to the evaluator's body."""
    assert world.annual is not None
    return {"pk": world.annual.pk}


@dataclass(frozen=True)
class Row:
    """One URL pattern: where its arguments come from and what each role gets."""

    family: str  # "none", "org", "person", "body", "advisor", "public"
    kwargs: Callable[[Any], dict[str, Any]] | None
    expect: Expect


def none(expect: Expect) -> Row:
    return Row("none", None, expect)


def public(kwargs: Callable[[World], dict[str, Any]]) -> Row:
    return Row("public", kwargs, PUBLIC)


def public_row(kwargs: Callable[[World], dict[str, Any]], expect: Expect) -> Row:
    """A URL whose arguments come from the world's shared objects, with its own expectation."""
    return Row("public", kwargs, expect)


def org(kwargs: Callable[[OrgObjects], dict[str, Any]], expect: Expect) -> Row:
    return Row("org", kwargs, expect)


def person(kwargs: Callable[[PersonObjects], dict[str, Any]], expect: Expect) -> Row:
    return Row("person", kwargs, expect)


def body(kwargs: Callable[[BodyObjects], dict[str, Any]], expect: Expect) -> Row:
    return Row("body", kwargs, expect)


def advisor(kwargs: Callable[[AdvisorObjects], dict[str, Any]], expect: Expect) -> Row:
    return Row("advisor", kwargs, expect)


def reset_key(p: PersonObjects) -> dict[str, str]:
    """A password-reset link made now (the token changes when the user signs in)."""
    user = User.objects.get(pk=p.user.pk)
    return {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}


def _pk(obj: Any) -> int:
    assert obj is not None
    return int(obj.pk)


def app(o: OrgObjects, **extra: Any) -> dict[str, Any]:
    return {"pk": o.application.pk, **extra}


ROWS: dict[str, Row] = {
    # --- the portal's own pages -----------------------------------------------------------
    "home": none(PUBLIC),
    "healthz": none(PUBLIC),
    "design-system": none(PUBLIC),
    "accessibility": none(PUBLIC),
    "set_language": none(REDIRECT),
    "api-schema": none(PUBLIC),
    "api-docs": none(PUBLIC),
    # --- allauth: sign-in, sign-up, password, e-mail --------------------------------------
    "account_login": none(ANONYMOUS_ONLY),
    "account_signup": none(ANONYMOUS_ONLY),
    "account_logout": none(LOGIN),
    "account_inactive": none(PUBLIC),
    "account_reauthenticate": none(LOGIN),
    "account_email": none(LOGIN),
    "account_email_verification_sent": none(PUBLIC),
    "account_change_password": none(LOGIN),
    "account_set_password": none(REDIRECT),  # everybody here has a password: to "change"
    "account_reset_password": none(PUBLIC),
    "account_reset_password_done": none(PUBLIC),
    "account_reset_password_from_key_done": none(PUBLIC),
    # A valid link (for oneself or, signed out first, for another account) moves its key into
    # the session and redirects: the link itself is the credential.
    "account_reset_password_from_key": person(reset_key, REDIRECT),
    "account_confirm_email": person(lambda p: {"key": p.email_key}, PUBLIC),
    "account_confirm_login_code": none(REDIRECT),  # no code requested
    # --- allauth: two-factor authentication -------------------------------------------------
    "mfa_index": none(LOGIN),
    "mfa_authenticate": none(REDIRECT),  # no login waiting for its second factor
    "mfa_reauthenticate": none(
        table(anonymous=302, default=302, **dict.fromkeys(PRIVILEGED_ROLES, 200))
    ),
    # Adding or changing authenticators first asks for the password again (reauthentication).
    "mfa_activate_totp": none(REDIRECT),
    "mfa_deactivate_totp": none(
        table(anonymous=302, default=404, **dict.fromkeys(PRIVILEGED_ROLES, 302))
    ),
    "mfa_view_recovery_codes": none(table(anonymous=302, default=404)),
    "mfa_download_recovery_codes": none(table(anonymous=302, default=404)),
    "mfa_generate_recovery_codes": none(REDIRECT),
    "mfa_list_webauthn": none(LOGIN),
    "mfa_add_webauthn": none(REDIRECT),
    "mfa_reauthenticate_webauthn": none(LOGIN),
    "mfa_remove_webauthn": person(lambda p: {"pk": _pk(p.webauthn)}, REDIRECT),
    "mfa_edit_webauthn": person(lambda p: {"pk": _pk(p.webauthn)}, REDIRECT),
    "mfa_login_webauthn": none(REDIRECT),
    # --- accounts: organisations, members, invitations, own account, audit ----------------
    "accounts:organisation_list": none(LOGIN),
    "accounts:organisation_create": none(LOGIN),
    "accounts:organisation_detail": org(lambda o: {"pk": o.organisation.pk}, member_object()),
    "accounts:member_list": org(lambda o: {"pk": o.organisation.pk}, member_object()),
    "accounts:membership_roles": org(
        lambda o: {"pk": o.organisation.pk, "membership_pk": o.colleague.pk},
        member_object(member=403),
    ),
    "accounts:membership_remove": org(
        lambda o: {"pk": o.organisation.pk, "membership_pk": o.colleague.pk},
        member_object(member=403),
    ),
    "accounts:invitation_create": org(
        lambda o: {"pk": o.organisation.pk}, member_object(member=403)
    ),
    # Invitations are the administrators' business: other members do not see them (404).
    "accounts:invitation_revoke": org(
        lambda o: {"pk": o.organisation.pk, "invitation_pk": o.invitation.pk},
        member_object(admin=405, member=404),
    ),
    "accounts:invitation": person(lambda p: {"token": p.invitation_token}, PUBLIC),
    "accounts:profile": none(LOGIN),
    "accounts:session_list": none(LOGIN),
    "accounts:session_end_others": none(LOGIN_POST_ONLY),
    "accounts:session_end": person(
        lambda p: {"pk": _pk(p.session)}, table(anonymous=302, default=(405, 404))
    ),
    "accounts:audit_list": none(staff_only(OPERATOR)),
    # --- notifications ----------------------------------------------------------------------
    "notifications:list": none(LOGIN),
    "notifications:preferences": none(LOGIN),
    "notifications:read-all": none(LOGIN_POST_ONLY),
    "notifications:open": person(lambda p: {"pk": p.notification.pk}, LOGIN_POST_ONLY),
    # --- the requirement catalogue (public) -------------------------------------------------
    "scheme:index": none(PUBLIC),
    "scheme:mapping": public(lambda w: {"older": OLDER_EDITION, "newer": EDITION}),
    "scheme:edition": public(lambda w: {"edition": EDITION}),
    "scheme:level": public(lambda w: {"edition": EDITION, "level": "star3"}),
    "scheme:item": public(lambda w: {"edition": EDITION, "item": "1-1-1"}),
    "scheme:compare": public(lambda w: {"edition": EDITION}),
    "scheme:search": public(lambda w: {"edition": EDITION}),
    "scheme:export-csv": public(lambda w: {"edition": EDITION}),
    "scheme:checklist": public(lambda w: {"edition": EDITION, "level": "star3"}),
    "scheme-api:levels": none(PUBLIC),
    "scheme-api:editions": none(PUBLIC),
    "scheme-api:edition": public(lambda w: {"edition": EDITION}),
    "scheme-api:items": public(lambda w: {"edition": EDITION}),
    "scheme-api:item": public(lambda w: {"edition": EDITION, "item": "1-1-1"}),
    "scheme-api:criteria": public(lambda w: {"edition": EDITION}),
    # --- the procurer's wizard (public) -----------------------------------------------------
    "registry:wizard": none(PUBLIC),
    "registry:wizard-result": none(PUBLIC),
    "registry-api:wizard": none(EVERYBODY(405)),  # POST only
    # --- the ledger's publications (public files) ---------------------------------------------
    "registry:ledger-checkpoint": none(PUBLIC),
    # No snapshot is published in this world: 404 for everybody, never a sign-in redirect
    # (tests/certification/test_snapshots.py serves one).
    "registry:ledger-snapshot": Row("public", lambda w: {"as_of": "2000-01-01"}, EVERYBODY(404)),
    # --- scheme bodies and advisors ---------------------------------------------------------
    "bodies:directory": none(PUBLIC),
    "bodies:detail": public(
        lambda w: {"corporate_number": w.other_body.body.organisation.corporate_number}
    ),
    "bodies:advisor-directory": none(PUBLIC),
    "bodies:advisor-detail": public(lambda w: {"pk": w.other_advisor.profile.pk}),
    "bodies-api:body-list": none(PUBLIC),
    "bodies-api:body-detail": public(
        lambda w: {"corporate_number": w.other_body.body.organisation.corporate_number}
    ),
    "bodies-api:advisor-list": none(PUBLIC),
    "bodies-api:advisor-detail": public(lambda w: {"pk": w.other_advisor.profile.pk}),
    "bodies:manage": none(staff_only(REGISTRATION_STAFF, ACCREDITATION_STAFF)),
    "bodies:designation-list": none(staff_only(ACCREDITATION_STAFF)),
    "bodies:designation-grant": none(staff_only(ACCREDITATION_STAFF)),
    "bodies:designation-detail": body(lambda b: {"pk": b.designation.pk}, DESIGNATION),
    "bodies:designation-renew": body(lambda b: {"pk": b.designation.pk}, DESIGNATION),
    "bodies:designation-decision": body(
        lambda b: {"pk": b.designation.pk, "action": "suspend"}, DESIGNATION
    ),
    # Staff are managed by the body administrators, a role outside this matrix.
    "bodies:staff-bodies": none(staff_only()),
    "bodies:staff-manage": body(
        lambda b: {"corporate_number": b.body.organisation.corporate_number}, staff_only()
    ),
    "bodies:staff-revoke": body(
        lambda b: {"corporate_number": b.body.organisation.corporate_number, "pk": b.staff.pk},
        staff_only(),
    ),
    "bodies:advisor-me": none(LOGIN),
    "bodies:advisor-edit": none(LOGIN),
    # Without an advisor profile, the advisor pages send the user to create one.
    "bodies:qualification-add": none(table(default=302, advisor=200)),
    "bodies:qualification-edit": advisor(
        lambda a: {"pk": a.qualification.pk}, table(default=302, advisor=(200, 404))
    ),
    "bodies:qualification-remove": advisor(
        lambda a: {"pk": a.qualification.pk}, table(default=302, advisor=(200, 404))
    ),
    # Registration staff review advisors; nobody reviews their own profile.
    "bodies:review-queue": none(staff_only(REGISTRATION_STAFF)),
    "bodies:advisor-review-list": none(staff_only(REGISTRATION_STAFF)),
    "bodies:qualification-review": advisor(
        lambda a: {"pk": a.qualification.pk}, staff_only(REGISTRATION_STAFF)
    ),
    "bodies:advisor-review": advisor(
        lambda a: {"pk": a.profile.pk}, staff_only(REGISTRATION_STAFF)
    ),
    # --- registrations and the public verification ------------------------------------------
    "certification:organisation": public(
        lambda w: {"corporate_number": w.public_registration.corporate_number}
    ),
    "certification:verify-search": none(PUBLIC),
    "certification:verify": public(lambda w: {"number": w.public_registration.number}),
    "certification:badge": public(lambda w: {"number": w.public_registration.number}),
    "certification-api:registration-list": none(PUBLIC),
    "certification:holder-list": none(LOGIN),
    "certification:holder-detail": org(
        lambda o: {"number": o.registration.number}, member_object()
    ),
    "certification:certificate": org(lambda o: {"number": o.registration.number}, member_object()),
    "certification:withdraw": org(
        lambda o: {"number": o.registration.number}, member_object(member=403)
    ),
    "certification:application-submit": org(
        app, application(editor=200, executive=403, advisor=403)
    ),
    "certification:queue": none(staff_only(REGISTRATION_STAFF)),
    # A draft application is not a submission yet: 404 even for registration staff.
    "certification:submission": org(app, SIGNED_IN(404)),
    "certification:submission-decide": org(
        lambda o: app(o, decision="register"), staff_only(REGISTRATION_STAFF, code=405)
    ),
    "certification:staff-list": none(staff_only(REGISTRATION_STAFF, ACCREDITATION_STAFF)),
    # The registration body sees every ★3 registration.
    "certification:staff-detail": org(
        lambda o: {"number": o.registration.number}, staff_only(REGISTRATION_STAFF)
    ),
    "certification:staff-action": org(
        lambda o: {"number": o.registration.number, "action": "suspend"},
        staff_only(REGISTRATION_STAFF),
    ),
    # ★4 annual self-assessments: the matrix's registrations are ★3, which owe none (404); the
    # pages themselves are tested in tests/certification/test_annual.py.
    "certification:annual-submit": org(
        lambda o: {"number": o.registration.number, "anniversary": 1}, SIGNED_IN(404)
    ),
    # Evaluation-body staff (the evaluator of the matrix) see what their body received.
    "certification:annual-attachment": public_row(_annual, staff_only(EVALUATOR)),
    "certification:annual-list": none(staff_only(EVALUATOR)),
    "certification:annual-review": public_row(_annual, staff_only(EVALUATOR)),
    # --- ★3 applications --------------------------------------------------------------------
    "assessments:list": none(LOGIN),
    # Members of exactly one organisation go straight to its scope page.
    "assessments:start": none(
        table(anonymous=302, default=200, **dict.fromkeys(WORKING_MEMBERS, 302))
    ),
    "assessments:start-scope": org(
        lambda o: {"organisation": o.organisation.pk},
        application(editor=200, executive=404, advisor=404),
    ),
    "assessments:inbox": none(LOGIN),
    "assessments:engagement": advisor(
        lambda a: {"pk": a.engagement.pk}, table(anonymous=302, default=404, advisor=(200, 404))
    ),
    "assessments:engagement-end": advisor(lambda a: {"pk": a.engagement.pk}, LOGIN_POST_ONLY),
    "assessments:detail": org(app, application(editor=200, executive=200, advisor=200)),
    "assessments:scope": org(app, application(editor=200, executive=403, advisor=403)),
    "assessments:assessment": org(
        lambda o: app(o, category=o.category),
        application(editor=200, executive=200, advisor=200),
    ),
    # The save endpoints answer a GET with the page they belong to.
    "assessments:item-save": org(
        lambda o: app(o, category=o.category),
        application(editor=302, executive=302, advisor=302),
    ),
    "assessments:answer-save": org(
        lambda o: app(o, criterion=o.criterion),
        application(editor=302, executive=302, advisor=302),
    ),
    "assessments:submit": org(app, application(editor=405, executive=405, advisor=405)),
    "assessments:renew": org(app, application(editor=405, executive=405, advisor=405)),
    "assessments:confirm-category": org(
        lambda o: app(o, category=o.category),
        application(editor=405, executive=405, advisor=405),
    ),
    "assessments:evidence-reconfirm": org(
        lambda o: app(o, evidence=o.evidence_pk),
        application(editor=405, executive=405, advisor=405),
    ),
    "assessments:withdraw": org(app, application(editor=200, executive=403, advisor=403)),
    "assessments:effort": org(app, application(editor=405, executive=405, advisor=405)),
    "assessments:evidence": org(app, application(editor=200, executive=200, advisor=200)),
    "assessments:evidence-download": org(
        lambda o: app(o, evidence=o.evidence_pk),
        application(editor=200, executive=200, advisor=200),
    ),
    "assessments:evidence-delete": org(
        lambda o: app(o, evidence=o.evidence_pk),
        application(editor=405, executive=405, advisor=405),
    ),
    "assessments:checklist-download": org(app, application(editor=200, executive=200, advisor=200)),
    "assessments:checklist-upload": org(app, application(editor=200, executive=403, advisor=403)),
    "assessments:checklist-apply": org(app, application(editor=405, executive=405, advisor=405)),
    "assessments:advisor-invite": org(app, application(editor=200, executive=403, advisor=403)),
    # A draft is not under review: the members may not review it (403); the engaged advisor
    # finds no review to open (404).
    "assessments:review": org(app, application(editor=403, executive=403, advisor=404)),
    "assessments:review-decision": org(app, application(editor=405, executive=405, advisor=405)),
    "assessments:review-save": org(
        lambda o: app(o, criterion=o.criterion),
        application(editor=405, executive=405, advisor=405),
    ),
    "assessments:declaration": org(app, application(editor=403, executive=200, advisor=403)),
    # No declaration has been signed yet.
    "assessments:declaration-pdf": org(app, application(editor=404, executive=404, advisor=404)),
}


# ------------------------------------------------------------------------------------------------
# Walking the resolver
# ------------------------------------------------------------------------------------------------
def url_patterns() -> Iterator[tuple[str, str]]:
    """(key, route) of every pattern; the key is "namespace:name", or the route when unnamed."""

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = pattern.name
                key = (f"{namespace}:{name}" if namespace else name) if name else route
                yield key, route

    yield from walk(get_resolver().url_patterns, "", None)


def is_admin_pattern(key: str, route: str) -> bool:
    """Django's admin site is staff-only as a whole; representative rows check it."""
    return key.startswith("admin:") or route.startswith("admin/")


# ------------------------------------------------------------------------------------------------
# Requests: each one in a fresh copy of the role's signed-in session, so that no request (a
# logout page, a password-reset link) changes what the next one sees.
# ------------------------------------------------------------------------------------------------
def sign_in(world: World, role: str) -> dict[str, Any]:
    user = world.users[role]
    if user is None:
        return {}
    client = client_with_own_ip()
    if role in PRIVILEGED_ROLES:
        login_with_mfa(client, user)
    else:
        response = login(client, user)
        assert response.status_code == 302, (role, response.content[:300])
    session = client.session
    world.people[role].session = UserSession.objects.get(pk=session["accounts.session_id"])
    world.people[role].webauthn = add_security_key(user)
    return dict(session.items())


def client_for(world: World, role: str) -> Client:
    client = client_with_own_ip()
    data = world.sessions.get(role)
    if data:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store.update(data)
        store.create()
        client.cookies[settings.SESSION_COOKIE_NAME] = str(store.session_key)
    return client


def relations(row: Row, world: World, role: str) -> list[str]:
    if row.family in ("none", "public"):
        return [NONE]
    if world.bag(row.family, role, OWN) is None:
        return [OTHER]
    return [OWN, OTHER]


def url_for(key: str, row: Row, world: World, role: str, relation: str) -> str:
    if row.kwargs is None:
        return reverse(key)
    source = world if row.family == "public" else world.bag(row.family, role, relation)
    return reverse(key, kwargs=row.kwargs(source))


# ------------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------------
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    with catalogue_loaded(django_db_blocker) as report:
        yield report


@pytest.fixture
def world(catalogue: Any) -> World:
    return build_world()


def test_every_url_pattern_is_classified() -> None:
    known = list(url_patterns())
    unclassified = sorted(
        f"{key}  (/{route})"
        for key, route in known
        if key not in ROWS and not is_admin_pattern(key, route)
    )
    assert not unclassified, (
        "URL patterns missing from the role × URL matrix (add a row to ROWS in "
        "tests/test_url_matrix.py):\n  " + "\n  ".join(unclassified)
    )
    stale = sorted(set(ROWS) - {key for key, _route in known})
    assert not stale, f"ROWS names URL patterns that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_role_gets_exactly_the_expected_status_everywhere(world: World, role: str) -> None:
    world.sessions[role] = sign_in(world, role)
    mismatches = []
    for key, row in sorted(ROWS.items()):
        for relation in relations(row, world, role):
            url = url_for(key, row, world, role, relation)
            expected = row.expect(role, relation)
            actual = client_for(world, role).get(url).status_code
            if actual != expected:
                mismatches.append(f"{key} [{relation}] {url}: expected {expected}, got {actual}")
    assert not mismatches, f"{role}:\n  " + "\n  ".join(mismatches)


@pytest.mark.parametrize(
    ("role", "index", "changelist"),
    [(ANONYMOUS, 302, 302), (PLAIN, 302, 302), (SUPPLIER_ADMIN, 302, 302), (OPERATOR, 200, 403)],
)
def test_the_admin_site_is_staff_only(world: World, role: str, index: int, changelist: int) -> None:
    world.sessions[role] = sign_in(world, role)
    client = client_for(world, role)
    assert client.get(reverse("admin:index")).status_code == index
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == changelist


def test_the_matrix_covers_every_role_and_both_relations(world: World) -> None:
    families = {row.family for row in ROWS.values()}
    assert {"org", "person", "body", "advisor", "public", "none"} <= families
    for role in ORG_ROLES | {ADVISOR}:
        assert world.bag("org", role, OWN) is not None
    for role in (ANONYMOUS, PLAIN, OPERATOR):
        assert world.bag("org", role, OWN) is None
