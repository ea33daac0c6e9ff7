"""When Redis (the shared cache, the Celery broker) is down, the portal answers a designed,
translated 503 with Retry-After, never a 500 and never a stack trace, and it fails closed: nobody
signs in without the rate limits and the TOTP replay check.

Redis is made unreachable for real: the cache (or broker) settings point at a port on 127.0.0.1
that nothing listens on.
"""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery import current_app
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core.middleware import RETRY_AFTER_SECONDS, is_service_unavailable
from core.views import server_error
from tests.accounts.helpers import (
    client_with_own_ip,
    current_code,
    enrol_totp,
    login,
    verify_email,
)
from tests.factories.accounts import UserFactory
from tests.factories.bodies import BodyStaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls_unavailable")]

TITLE = {"ja": "一時的にご利用いただけません", "en": "Temporarily unavailable"}
ADVICE = {
    "ja": "数分後にもう一度お試しください。",
    "en": "Please try again in a few minutes.",
}


def _unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{_unused_port()}/0"


@contextmanager
def redis_down(url: str) -> Iterator[None]:
    """The shared cache points at a closed port for the duration of the block."""
    caches: dict[str, Any] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "scs",
        }
    }
    with override_settings(CACHES=caches):
        yield


def _client(language: str) -> Client:
    client = client_with_own_ip()
    client.cookies["django_language"] = language
    return client


def _assert_designed_503(response: Any, language: str) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert TITLE[language] in body
    assert ADVICE[language] in body
    assert "Traceback" not in body
    assert "ConnectionError" not in body
    assert "127.0.0.1" not in body


@pytest.mark.parametrize("language", ["ja", "en"])
def test_page_that_needs_the_cache_answers_the_designed_503(dead_redis_url, language):
    with redis_down(dead_redis_url):
        response = _client(language).get("/test/cache/")
    _assert_designed_503(response, language)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_api_answers_json_in_the_error_shape(dead_redis_url, language):
    with redis_down(dead_redis_url):
        response = _client(language).get("/api/v1/test/cache/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["code"] == "service_unavailable"
    assert data["fields"] == {}
    expected = {
        "ja": "ただいまサービスを一時的にご利用いただけません。数分後にもう一度お試しください。",
        "en": "The service is temporarily unavailable. Please try again in a few minutes.",
    }[language]
    assert data["detail"] == expected


def test_the_same_views_work_when_redis_is_up():
    cache.set("outage-test", "here", 30)
    response = Client().get("/test/cache/")
    assert response.status_code == 200
    assert response.json() == {"value": "here"}


def test_unreachable_task_broker_answers_503(dead_redis_url):
    portal_app = current_app._get_current_object()
    with override_settings(OUTAGE_TEST_BROKER_URL=dead_redis_url):
        response = _client("en").get("/test/enqueue/")
    _assert_designed_503(response, "en")
    # The outage stays in the test view: the portal's tasks keep their own broker.
    assert current_app._get_current_object() is portal_app


def test_other_errors_still_answer_500():
    client = Client(raise_request_exception=False)
    response = client.get("/test/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def _fail_outside_a_view(request: Any) -> Any:
    """What Django does with an error raised by a middleware: call handler500 while the error
    is being handled."""
    try:
        cache.get("outage-test")
    except Exception:
        return server_error(request)
    raise AssertionError("the cache answered on a closed port")


def test_an_outage_raised_outside_a_view_gets_the_503_from_the_500_handler(dead_redis_url):
    with redis_down(dead_redis_url):
        response = _fail_outside_a_view(RequestFactory().get("/"))
    _assert_designed_503(response, "ja")


def test_is_service_unavailable_follows_explicit_causes_only():
    from redis.exceptions import ConnectionError as RedisConnectionError

    def raised_from(cause: Exception) -> Exception:
        try:
            raise ValueError("wrapped") from cause
        except ValueError as error:
            return error

    assert is_service_unavailable(raised_from(RedisConnectionError("down")))
    assert not is_service_unavailable(ValueError("unrelated"))
    assert not is_service_unavailable(None)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_password_login_fails_closed_with_503(dead_redis_url, language):
    user = verify_email(UserFactory.create())
    client = _client(language)
    with redis_down(dead_redis_url):
        response = login(client, user)
    _assert_designed_503(response, language)
    assert "_auth_user_id" not in client.session
    # Once Redis answers again, the same login works.
    response = login(client, user)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("language", ["ja", "en"])
def test_totp_step_fails_closed_when_the_replay_check_cannot_run(dead_redis_url, language):
    """The password was accepted while Redis was up; at the second factor Redis is gone. The
    correct code must not sign the user in, because its single use cannot be recorded."""
    user = verify_email(BodyStaffFactory.create(role="evaluator").user)
    secret = enrol_totp(user)
    client = _client(language)
    response = login(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    code = current_code(secret)

    with redis_down(dead_redis_url):
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    _assert_designed_503(response, language)
    assert "_auth_user_id" not in client.session
    # Nothing privileged is reachable with this session either.
    response = client.get(reverse("accounts:audit_list"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    # Redis is back: the code was never recorded as used, so it still signs in, once.
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content[:300]
    assert "_auth_user_id" in client.session


def test_healthz_reports_the_cache_down(dead_redis_url):
    with redis_down(dead_redis_url):
        response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_ok_with_redis_up():
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
