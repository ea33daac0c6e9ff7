"""Public pages: the directory of scheme bodies and the advisor directory."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bodies.choices import BodyRole
from bodies.models import AdvisorProfile, Designation, Qualification
from tests.factories.bodies import (
    AdvisorProfileFactory,
    DesignationFactory,
    OrganisationFactory,
    QualificationFactory,
    SchemeBodyFactory,
)
from tests.factories.scheme import LevelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    """An operator (registration + accreditation), an evaluation body in Osaka for ★4, a
    training provider in Tokyo for ★3 and ★4 whose designation has expired."""
    operator = SchemeBodyFactory.create(
        organisation=OrganisationFactory.create(name="情報処理推進機構", prefecture="13"),
        roles=[BodyRole.REGISTRATION, BodyRole.ACCREDITATION],
    )
    evaluation = DesignationFactory.create(
        body=SchemeBodyFactory.create(
            organisation=OrganisationFactory.create(name="大阪評価センター", prefecture="27"),
            roles=[],
        ),
        designated_by=operator,
        levels=[LevelFactory.create(stars=4)],
    )
    training = DesignationFactory.create(
        body=SchemeBodyFactory.create(
            organisation=OrganisationFactory.create(name="東京研修所", prefecture="13"), roles=[]
        ),
        role=BodyRole.TRAINING,
        designated_by=operator,
        valid_from=datetime.date(2020, 4, 1),
        valid_until=datetime.date(2023, 3, 31),
        levels=[LevelFactory.create(stars=3), LevelFactory.create(stars=4)],
    )
    return operator, evaluation, training


def names(response) -> list[str]:
    return [body.organisation.name for body in response.context["bodies"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["大阪評価センター", "情報処理推進機構", "東京研修所"]),
        ("?role=evaluation", ["大阪評価センター"]),
        ("?role=accreditation", ["情報処理推進機構"]),
        ("?level=star3", ["東京研修所"]),
        ("?level=star4", ["大阪評価センター", "東京研修所"]),
        ("?prefecture=13", ["情報処理推進機構", "東京研修所"]),
        ("?valid_only=on", ["大阪評価センター"]),
        ("?role=training&valid_only=on", []),
        ("?level=nonsense", ["大阪評価センター", "情報処理推進機構", "東京研修所"]),
    ],
)
def test_body_directory_filters(client, directory, query, expected):
    response = client.get(reverse("bodies:directory") + query)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(expected)


def test_body_directory_shows_state_from_the_dates(client, directory):
    response = client.get(reverse("bodies:directory"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "Expired" in content
    assert "Valid" in content


@pytest.mark.parametrize(("language", "heading"), [("ja", "制度関係機関"), ("en", "Scheme bodies")])
def test_public_pages_in_both_languages(client, directory, language, heading):
    operator, evaluation, _training = directory
    advisor = AdvisorProfileFactory.create(is_public=True, verified=True)
    pages = [
        reverse("bodies:directory"),
        evaluation.body.get_absolute_url(),
        operator.get_absolute_url(),
        reverse("bodies:advisor-directory"),
        advisor.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.content.decode(), url
    body = client.get(reverse("bodies:directory"), HTTP_ACCEPT_LANGUAGE=language)
    assert f"<h1>{heading}</h1>" in body.content.decode()


def test_unknown_or_roleless_bodies_are_404(client):
    roleless = SchemeBodyFactory.create(roles=[])
    assert client.get(roleless.get_absolute_url()).status_code == 404
    assert client.get("/bodies/1234567890123/").status_code == 404


def test_body_detail_lists_every_designation_but_not_the_reason(client, directory):
    _operator, evaluation, _training = directory
    evaluation.status = Designation.Status.SUSPENDED
    evaluation.status_reason = "内部調査中の秘密の理由"
    evaluation.status_effective_on = timezone.localdate()
    evaluation.save()
    response = client.get(evaluation.body.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "Suspended" in content
    assert "内部調査中の秘密の理由" not in content


def test_body_directory_query_count_does_not_grow(client, directory, django_assert_max_num_queries):
    operator = directory[0]
    url = reverse("bodies:directory")
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    for _ in range(10):
        DesignationFactory.create(designated_by=operator, levels=[LevelFactory.create(stars=4)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["bodies"]) == 13


# --- advisors -----------------------------------------------------------------------------------


def listed(response) -> list[str]:
    return [advisor.display_name for advisor in response.context["advisors"]]


def test_only_public_active_verified_advisors_are_listed(client):
    AdvisorProfileFactory.create(display_name="掲載", is_public=True, verified=True)
    AdvisorProfileFactory.create(display_name="非公開", is_public=False, verified=True)
    AdvisorProfileFactory.create(display_name="未確認", is_public=True)
    QualificationFactory.create(
        advisor=AdvisorProfileFactory.create(display_name="却下", is_public=True),
        status=Qualification.Status.REJECTED,
    )
    AdvisorProfileFactory.create(
        display_name="停止中",
        is_public=True,
        verified=True,
        status=AdvisorProfile.Status.SUSPENDED,
    )
    QualificationFactory.create(
        advisor=AdvisorProfileFactory.create(display_name="期限切れ", is_public=True),
        status=Qualification.Status.VERIFIED,
        obtained_on=datetime.date(2019, 4, 1),
        expires_on=datetime.date(2022, 3, 31),
    )
    inactive = AdvisorProfileFactory.create(display_name="退会", is_public=True, verified=True)
    inactive.user.is_active = False
    inactive.user.save()
    response = client.get(reverse("bodies:advisor-directory"))
    assert listed(response) == ["掲載"]
    for advisor in AdvisorProfile.objects.exclude(display_name="掲載"):
        assert client.get(advisor.get_absolute_url()).status_code == 404


@pytest.fixture
def advisors():
    AdvisorProfileFactory.create(
        display_name="東京の製造業支援",
        bio="製造業の工場ネットワークに詳しい",
        prefectures=["13"],
        industries=["E"],
        is_public=True,
        verified=True,
    )
    AdvisorProfileFactory.create(
        display_name="Osaka English advisor",
        prefectures=["27"],
        industries=["G"],
        speaks_english=True,
        is_public=True,
        verified=True,
    )
    AdvisorProfileFactory.create(
        display_name="全国オンライン",
        prefectures=[],
        nationwide=True,
        is_public=True,
        verified=True,
    )
    employer = OrganisationFactory.create()
    AdvisorProfileFactory.create(
        display_name="社内専任",
        mode=AdvisorProfile.Mode.INTERNAL,
        employer=employer,
        is_public=True,
        verified=True,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Osaka English advisor", "全国オンライン", "東京の製造業支援"]),
        ("?q=工場", ["東京の製造業支援"]),
        ("?q=ｏｓａｋａ", ["Osaka English advisor"]),
        ("?prefecture=27", ["Osaka English advisor", "全国オンライン"]),
        ("?prefecture=01", ["全国オンライン"]),
        ("?industry=E", ["東京の製造業支援"]),
        ("?language=en", ["Osaka English advisor"]),
        ("?mode=internal", ["社内専任"]),
        (
            "?mode=any",
            ["Osaka English advisor", "全国オンライン", "東京の製造業支援", "社内専任"],
        ),
    ],
)
def test_advisor_directory_filters(client, advisors, query, expected):
    response = client.get(reverse("bodies:advisor-directory") + query)
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(expected)


def test_only_the_riss_number_is_published(client):
    advisor = AdvisorProfileFactory.create(is_public=True)
    QualificationFactory.create(
        advisor=advisor, number="024680", status=Qualification.Status.VERIFIED
    )
    QualificationFactory.create(
        advisor=advisor,
        kind=Qualification.Kind.CISSP,
        number="CISSP-777777",
        status=Qualification.Status.VERIFIED,
    )
    QualificationFactory.create(advisor=advisor, kind=Qualification.Kind.CISA, number="CISA-555555")
    for url in (reverse("bodies:advisor-directory"), advisor.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "024680" in content
        assert "CISSP-777777" not in content
        assert "CISA-555555" not in content


def test_advisor_directory_query_count_does_not_grow(client, django_assert_max_num_queries):
    AdvisorProfileFactory.create(is_public=True, verified=True, industries=["E"])
    url = reverse("bodies:advisor-directory")
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    for _ in range(10):
        AdvisorProfileFactory.create(
            is_public=True, verified=True, prefectures=["13", "14"], industries=["E", "G"]
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["advisors"]) == 11


def test_directory_pages_are_paginated(client):
    for _ in range(21):
        AdvisorProfileFactory.create(is_public=True, verified=True)
    first = client.get(reverse("bodies:advisor-directory"))
    assert len(first.context["advisors"]) == 20
    second = client.get(reverse("bodies:advisor-directory") + "?page=2")
    assert len(second.context["advisors"]) == 1
