"""GET /api/v1/ledger/registrations/: public, paginated, filterable, documented, and reporting
the effective status."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from certification.choices import ReasonCode
from certification.models import Registration
from certification.selectors import scheme_today
from certification.services.lifecycle import registration_suspend
from tests.factories.bodies import OrganisationFactory
from tests.factories.certification import (
    RegistrationFactory,
    register,
    registration_staff,
    star4,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/ledger/registrations/"
FIELDS = {
    "registration_number",
    "corporate_number",
    "holder_name",
    "holder_name_en",
    "star",
    "status",
    "status_since",
    "status_reason_code",
    "status_reason",
    "valid_from",
    "valid_until",
    "registered_on",
    "scope",
    "edition",
    "registering_body",
    "continues",
    "verify_url",
}


def test_anonymous_visitors_get_the_list_with_the_documented_shape(client: Client):
    registration = register()
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    [result] = body["results"]
    assert set(result) == FIELDS
    assert result["registration_number"] == registration.number
    assert result["corporate_number"] == registration.corporate_number
    assert result["holder_name"] == registration.holder_name
    assert result["star"] == 3
    assert result["status"] == "active"
    assert result["valid_from"] == registration.valid_from.isoformat()
    assert result["valid_until"] == registration.valid_until.isoformat()
    assert result["registered_on"] == registration.registered_on.isoformat()
    assert result["edition"] == registration.edition.code
    assert set(result["scope"]) == {
        "entities",
        "sites",
        "infrastructure",
        "cloud_services",
        "all_it_outsourced",
    }
    assert result["scope"]["entities"][0]["corporate_number"] == registration.corporate_number
    assert result["continues"] is None
    assert result["verify_url"].endswith(f"/verify/{registration.number}/")


def test_filter_by_corporate_number_accepts_full_width_digits_and_hyphens(client: Client):
    mine = register()
    register()
    number = mine.corporate_number
    typed = "".join(chr(ord(c) + 0xFEE0) for c in number[:4]) + "-" + number[4:]
    body = client.get(URL, {"corporate_number": typed}).json()
    assert [r["registration_number"] for r in body["results"]] == [mine.number]


def test_an_invalid_corporate_number_is_a_400_in_the_api_error_shape(client: Client):
    response = client.get(URL, {"corporate_number": "1234567890123"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert "corporate_number" in body["fields"]


def test_filter_by_star_and_by_effective_status(client: Client):
    star3 = register()
    four = register(level=star4())
    suspended = register()
    registration_suspend(
        registration=suspended,
        by=registration_staff(),
        reason_code=ReasonCode.INCIDENT,
        reason="調査中です。",
    )
    lapsed = RegistrationFactory.create(
        valid_from=scheme_today() - datetime.timedelta(days=400),
        registered_on=scheme_today() - datetime.timedelta(days=400),
        valid_until=scheme_today() - datetime.timedelta(days=36),
    )
    assert lapsed.status == Registration.Status.ACTIVE  # stored; the sweep has not run

    def numbers(**params: str) -> set[str]:
        return {r["registration_number"] for r in client.get(URL, params).json()["results"]}

    assert numbers(star="4") == {four.number}
    assert numbers(star="3") == {star3.number, suspended.number, lapsed.number}
    assert numbers(status="active") == {star3.number, four.number}
    assert numbers(status="suspended") == {suspended.number}
    assert numbers(status="expired") == {lapsed.number}
    assert client.get(URL, {"star": "5"}).status_code == 400
    assert client.get(URL, {"status": "valid"}).status_code == 400
    suspended_result = client.get(URL, {"status": "suspended"}).json()["results"][0]
    assert suspended_result["status_reason"] == "調査中です。"
    assert suspended_result["status_reason_code"] == "incident"


def test_the_list_is_paginated_and_its_queries_do_not_grow(
    client: Client, django_assert_num_queries
):
    organisation = OrganisationFactory.create()
    for _ in range(3):
        RegistrationFactory.create(organisation=organisation)
    with django_assert_num_queries(2):  # count + page
        client.get(URL)
    for _ in range(60):
        RegistrationFactory.create(organisation=organisation)
    with django_assert_num_queries(2):
        body = client.get(URL).json()
    assert body["count"] == 63
    assert len(body["results"]) == 50
    assert body["next"]


def test_the_openapi_schema_documents_the_endpoint_without_warnings(tmp_path: Path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/ledger/registrations/:" in schema
    assert "operationId: ledger_registrations_list" in schema
    assert "RegistrationStatus:" in schema
    for field in FIELDS:
        assert f"        {field}:" in schema
