"""Notices: the people concerned hear about designations, verifications and suspensions, in
their own language, by e-mail after the change commits."""

import pytest
from django.core import mail

from bodies.choices import BodyRole
from bodies.services import (
    QualificationData,
    advisor_suspend,
    designation_suspend,
    qualification_add,
    qualification_reject,
    qualification_verify,
)
from notifications.models import Notification
from tests.factories.bodies import (
    AdvisorProfileFactory,
    DesignationFactory,
    MembershipFactory,
    QualificationFactory,
    SchemeBodyFactory,
    UserFactory,
    accreditation_officer,
    registration_officer,
)

pytestmark = pytest.mark.django_db


def test_the_designated_body_admins_hear_of_a_suspension(django_capture_on_commit_callbacks):
    accreditation = SchemeBodyFactory.create(roles=[BodyRole.ACCREDITATION])
    designation = DesignationFactory.create(designated_by=accreditation)
    organisation = designation.body.organisation
    ja_admin = MembershipFactory.create(
        organisation=organisation, is_admin=True, user=UserFactory.create(language="ja")
    ).user
    en_admin = MembershipFactory.create(
        organisation=organisation, is_admin=True, user=UserFactory.create(language="en")
    ).user
    member = MembershipFactory.create(organisation=organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        designation_suspend(
            designation=designation, by=accreditation_officer(accreditation), reason="報告書の不備"
        )
    notices = {n.user: n for n in Notification.objects.all()}
    assert set(notices) == {ja_admin, en_admin}
    assert member not in notices
    assert "一時停止" in notices[ja_admin].subject
    assert notices[en_admin].subject == (
        f"The designation of {organisation.name} as Evaluation body is suspended"
    )
    assert "報告書の不備" in notices[en_admin].body
    assert notices[en_admin].url.endswith(designation.body.get_absolute_url())
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [ja_admin.email, en_admin.email]
    )


def test_the_advisor_hears_of_verification_rejection_and_suspension(
    django_capture_on_commit_callbacks,
):
    advisor = AdvisorProfileFactory.create(user=UserFactory.create(language="en"))
    first = QualificationFactory.create(advisor=advisor)
    second = QualificationFactory.create(advisor=advisor)
    officer = registration_officer()
    with django_capture_on_commit_callbacks(execute=True):
        qualification_verify(qualification=first, by=officer)
        qualification_reject(qualification=second, by=officer, reason="Not in IPA's register")
        advisor_suspend(profile=advisor, by=officer, reason="Complaint under review")
    subjects = list(
        Notification.objects.filter(user=advisor.user)
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert subjects == [
        "Your qualification was verified: Registered Information Security Specialist (RISS)",
        "Your qualification could not be verified: "
        "Registered Information Security Specialist (RISS)",
        "Your advisor profile is suspended",
    ]
    bodies = "".join(Notification.objects.values_list("body", flat=True))
    assert "Not in IPA's register" in bodies
    assert "Complaint under review" in bodies
    assert len(mail.outbox) == 3


def test_registration_staff_hear_of_a_new_qualification(django_capture_on_commit_callbacks):
    officers = [registration_officer(), registration_officer()]
    accreditation_officer()
    advisor = AdvisorProfileFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        qualification = qualification_add(
            advisor=advisor,
            by=advisor.user,
            data=QualificationData(
                kind="riss", number="112233", obtained_on=advisor.created_at.date()
            ),
        )
    notices = Notification.objects.filter(kind="work_item")
    assert sorted(n.user_id for n in notices) == sorted(officer.pk for officer in officers)
    assert all(
        n.url.endswith(f"/advisors/review/qualifications/{qualification.pk}/") for n in notices
    )
