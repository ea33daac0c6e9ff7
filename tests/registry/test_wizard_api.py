"""POST /api/v1/wizard/: the ★ wizard as a public, stateless JSON API."""

import itertools
import json

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema
from rest_framework.permissions import AllowAny

from registry.api.views import WizardRecommendApi
from registry.wizard import Answer, Question, WizardAnswers, recommend_star

URL = "/api/v1/wizard/"

ALL_NO = {
    "exclusion": "no",
    "confidential_information": "no",
    "business_interruption": "no",
    "internal_system_access": "no",
    "recent_incidents": "no",
    "important_subcontractors": "no",
}


def post(client, data, **extra):
    return client.post(URL, json.dumps(data), content_type="application/json", **extra)


def test_star4_with_reasons_advice_and_contract_text(client):
    response = post(client, {**ALL_NO, "confidential_information": "yes"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "star",
        "excluded",
        "reasons",
        "additional_requirements_advice",
        "contract_text_ja",
        "contract_text_en",
        "notes",
    }
    assert body["star"] == 4
    assert body["excluded"] is False
    (reason,) = body["reasons"]
    assert reason["code"] == "confidential_information"
    assert reason["text_ja"].startswith("Q1（重要な機密情報）")
    assert reason["text_en"].startswith("Q1 (important confidential information)")
    advice = body["additional_requirements_advice"]
    assert advice["applies"] is True
    assert "追加要求" in advice["text_ja"]
    assert [e["code"] for e in advice["examples"]] == ["confidential_information"]
    assert "法人" in body["contract_text_ja"]
    assert "★4（スタンダード）" in body["contract_text_ja"]
    assert "★4 (Standard)" in body["contract_text_en"]
    assert {n["code"] for n in body["notes"]} == {"subcontracting", "model_chart"}


def test_both_languages_whatever_the_request_language(client):
    in_japanese = post(client, ALL_NO).json()
    in_english = post(client, ALL_NO, HTTP_ACCEPT_LANGUAGE="en").json()
    assert in_japanese == in_english
    assert in_english["star"] == 3
    assert "★3（ベーシック）" in in_english["contract_text_ja"]


def test_excluded_purchase(client):
    body = post(client, {"exclusion": "yes"}).json()
    assert body["star"] is None
    assert body["excluded"] is True
    assert [r["code"] for r in body["reasons"]] == ["excluded"]
    assert body["contract_text_ja"] == ""
    assert body["contract_text_en"] == ""
    assert body["additional_requirements_advice"]["applies"] is False


def test_the_api_agrees_with_the_wizard_on_the_whole_truth_table(client):
    for combination in itertools.product(("yes", "no", "unknown"), repeat=6):
        data = dict(zip((q.value for q in Question), combination, strict=True))
        expected = recommend_star(
            WizardAnswers(**{name: Answer(value) for name, value in data.items()})
        )
        body = post(client, data).json()
        assert body["star"] == expected.star, data
        assert [r["code"] for r in body["reasons"]] == [r.code for r in expected.reasons], data


def test_an_invalid_answer_is_a_clear_field_error(client):
    response = post(client, {**ALL_NO, "business_interruption": "maybe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["business_interruption"]
    assert "maybe" in body["fields"]["business_interruption"][0]


def test_missing_answers_name_the_rule_that_requires_them(client):
    response = post(
        client,
        {"exclusion": "no", "confidential_information": "no", "business_interruption": "no"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["internal_system_access"] == [
        'This answer is required unless "exclusion" is "yes".'
    ]
    assert set(fields) == {"internal_system_access", "recent_incidents", "important_subcontractors"}
    assert "Q1–Q3" in fields["recent_incidents"][0]


def test_adjustment_factors_are_not_required_once_a_risk_applies(client):
    response = post(
        client,
        {
            "exclusion": "no",
            "confidential_information": "no",
            "business_interruption": "unknown",
            "internal_system_access": "no",
        },
    )
    assert response.status_code == 200
    assert response.json()["star"] == 4


def test_exclusion_is_required(client):
    response = post(client, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {"exclusion": ["This field is required."]}


def test_an_unknown_field_is_rejected_in_japanese_by_default(client):
    response = post(client, {**ALL_NO, "confidential_info": "yes"})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "confidential_info": ["不明な項目です。この名前の質問はありません。"]
    }


def test_only_json_is_accepted(client):
    response = client.post(URL, ALL_NO)  # multipart form data
    assert response.status_code == 415
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_no_csrf_token_needed_even_with_a_session(django_user_model):
    user = django_user_model.objects.create_user(email="procurer@example.jp", password="x" * 16)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = post(client, ALL_NO)
    assert response.status_code == 200
    assert response.json()["star"] == 3


def test_schema_documents_the_endpoint_and_stays_valid(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/wizard/"]["post"]
    assert operation["operationId"] == "wizard_recommend"
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"200", "400"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    components = schema["components"]["schemas"]
    request_schema = components["WizardAnswersRequest"]
    assert request_schema["required"] == ["exclusion"]
    assert set(request_schema["properties"]) == {q.value for q in Question}
    assert components["WizardAnswer"]["enum"] == ["yes", "no", "unknown"]
    response_schema = components["WizardRecommendation"]
    assert {"star", "excluded", "reasons", "contract_text_ja", "contract_text_en"} <= set(
        response_schema["properties"]
    )


def test_throttled_by_the_default_anon_rate():
    # The test settings switch throttling off, so check the wiring the other environments use:
    # the view keeps DRF's default throttles, which base settings set to the anon rate.
    from config.settings import base

    assert "throttle_classes" not in vars(WizardRecommendApi)
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle"
    ]
    assert WizardRecommendApi.authentication_classes == []
    assert WizardRecommendApi.permission_classes == [AllowAny]
