"""The public read-only API: /api/v1/bodies/ and /api/v1/advisors/."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from bodies.choices import BodyRole
from bodies.models import Designation, Qualification
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
def bodies():
    operator = SchemeBodyFactory.create(
        organisation=OrganisationFactory.create(name="運営機関", prefecture="13"),
        roles=[BodyRole.REGISTRATION, BodyRole.ACCREDITATION],
    )
    current = DesignationFactory.create(
        body=SchemeBodyFactory.create(
            organisation=OrganisationFactory.create(name="評価機関A", prefecture="27"), roles=[]
        ),
        designated_by=operator,
        levels=[LevelFactory.create(stars=4)],
    )
    expired = DesignationFactory.create(
        body=SchemeBodyFactory.create(
            organisation=OrganisationFactory.create(name="検証事業者B", prefecture="13"), roles=[]
        ),
        role=BodyRole.VERIFICATION,
        designated_by=operator,
        valid_from=datetime.date(2020, 4, 1),
        valid_until=datetime.date(2023, 3, 31),
        levels=[LevelFactory.create(stars=4)],
    )
    return operator, current, expired


def test_the_body_list_shows_roles_and_designations(client, bodies):
    _operator, current, _expired = bodies
    response = client.get(reverse("bodies-api:body-list"))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["運営機関"]["roles"] == ["accreditation", "registration"]
    assert rows["運営機関"]["designations"] == []
    evaluation = rows["評価機関A"]
    assert evaluation["corporate_number"] == current.body.organisation.corporate_number
    assert evaluation["prefecture"] == "27"
    assert evaluation["url"].endswith(current.body.get_absolute_url())
    assert evaluation["designations"] == [
        {
            "role": "evaluation",
            "levels": [4],
            "valid_from": current.valid_from.isoformat(),
            "valid_until": current.valid_until.isoformat(),
            "status": "active",
            "status_effective_on": None,
            "state": "valid",
        }
    ]
    assert rows["検証事業者B"]["designations"][0]["state"] == "expired"
    assert rows["検証事業者B"]["designations"][0]["status"] == "active"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?role=verification", ["検証事業者B"]),
        ("?role=registration", ["運営機関"]),
        ("?level=4", ["評価機関A", "検証事業者B"]),
        ("?level=3", []),
        ("?prefecture=13", ["運営機関", "検証事業者B"]),
        ("?valid_only=true", ["評価機関A"]),
    ],
)
def test_the_body_list_filters(client, bodies, query, expected):
    response = client.get(reverse("bodies-api:body-list") + query)
    assert response.status_code == 200
    assert sorted(row["name"] for row in response.json()["results"]) == sorted(expected)


@pytest.mark.parametrize("query", ["?role=bank", "?level=5", "?prefecture=99", "?valid_only=x"])
def test_bad_filters_are_400(client, query):
    response = client.get(reverse("bodies-api:body-list") + query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_body_detail_by_corporate_number(client, bodies):
    _operator, current, _expired = bodies
    number = current.body.organisation.corporate_number
    response = client.get(reverse("bodies-api:body-detail", args=[number]))
    assert response.status_code == 200
    assert response.json()["name"] == "評価機関A"
    assert client.get(reverse("bodies-api:body-detail", args=["1234567890123"])).status_code == 404


def test_a_suspension_shows_in_the_api(client, bodies):
    _operator, current, _expired = bodies
    current.status = Designation.Status.SUSPENDED
    current.status_reason = "非公開の理由"
    current.save()
    number = current.body.organisation.corporate_number
    data = client.get(reverse("bodies-api:body-detail", args=[number])).json()
    assert data["designations"][0]["state"] == "suspended"
    assert "非公開の理由" not in str(data)


def test_the_advisor_api_lists_only_the_public_directory(client):
    listed = AdvisorProfileFactory.create(
        display_name="公開", is_public=True, industries=["E"], speaks_english=True
    )
    QualificationFactory.create(
        advisor=listed, number="135790", status=Qualification.Status.VERIFIED
    )
    QualificationFactory.create(
        advisor=listed,
        kind=Qualification.Kind.CISA,
        number="CISA-1",
        status=Qualification.Status.VERIFIED,
    )
    AdvisorProfileFactory.create(display_name="非公開", is_public=False, verified=True)
    AdvisorProfileFactory.create(display_name="未確認", is_public=True)
    response = client.get(reverse("bodies-api:advisor-list"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["display_name"] for row in results] == ["公開"]
    row = results[0]
    assert row["prefectures"] == ["13"]
    assert row["industries"] == ["E"]
    assert row["languages"] == ["ja", "en"]
    assert row["employer"] is None
    assert {(q["kind"], q["number"]) for q in row["qualifications"]} == {
        ("riss", "135790"),
        ("cisa", None),
    }
    detail = client.get(reverse("bodies-api:advisor-detail", args=[listed.pk]))
    assert detail.json()["id"] == listed.pk
    hidden = AdvisorProfileFactory.create(is_public=False, verified=True)
    assert client.get(reverse("bodies-api:advisor-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("bodies-api:advisor-list") + "?language=fr").status_code == 400
    assert client.get(reverse("bodies-api:advisor-list") + "?industry=E").json()["count"] == 1
    assert client.get(reverse("bodies-api:advisor-list") + "?industry=G").json()["count"] == 0


def test_api_lists_keep_a_constant_number_of_queries(client, bodies, django_assert_max_num_queries):
    operator = bodies[0]
    AdvisorProfileFactory.create(is_public=True, verified=True)
    urls = [reverse("bodies-api:body-list"), reverse("bodies-api:advisor-list")]
    baseline = {}
    for url in urls:
        with django_assert_max_num_queries(8) as captured:
            client.get(url)
        baseline[url] = len(captured.captured_queries)
    for _ in range(5):
        DesignationFactory.create(designated_by=operator, levels=[LevelFactory.create(stars=3)])
        AdvisorProfileFactory.create(is_public=True, verified=True, industries=["E", "G"])
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200


def test_the_openapi_schema_documents_the_endpoints(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--validate")
    schema = target.read_text()
    for path in (
        "/api/v1/bodies/:",
        "/api/v1/bodies/{corporate_number}/:",
        "/api/v1/advisors/:",
        "/api/v1/advisors/{id}/:",
    ):
        assert path in schema
