"""A designed "temporarily unavailable" answer when a backing service is down.

Redis holds the shared cache: the login rate limits and the TOTP replay check read and write it
on every sign-in, and Celery enqueues through its broker. When it cannot be reached those calls
raise, and the request must fail closed (nobody is let in without the replay check). This turns
that failure into a 503 with a translated page (or the API's JSON error shape) and a
Retry-After header, instead of a 500 with a generic error page.

ServiceUnavailableMiddleware handles the errors raised by views (process_exception);
core.views.server_error uses the same response for the ones raised elsewhere (e.g. by another
middleware), which Django hands to the 500 handler.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The errors that mean "a backing service is unreachable", not "our code is wrong".
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    BrokerUnavailable,
)
# Seconds a client (or a polite crawler) should wait before trying again.
RETRY_AFTER_SECONDS = 120
API_PREFIX = "/api/"

Middleware = Callable[[HttpRequest], HttpResponse]


def is_service_unavailable(error: BaseException | None) -> bool:
    """True when `error`, or an error it was explicitly raised from, is an outage of Redis or the
    Celery broker."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__
    return False


def service_unavailable_response(request: HttpRequest | None) -> HttpResponse:
    """The 503 answer: JSON in the API's error shape under /api/, the designed page elsewhere.

    The page is rendered without a request context (like 500.html): the failure may be in
    anything a context processor would read.
    """
    response: HttpResponse
    if request is not None and request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {
                "detail": _(
                    "The service is temporarily unavailable. Please try again in a few minutes."
                ),
                "code": "service_unavailable",
                "fields": {},
            },
            status=503,
        )
    else:
        template = loader.get_template("503.html")
        response = HttpResponse(
            template.render({"LANGUAGE_CODE": translation.get_language() or "ja"}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never store the outage in a shared cache or the browser's.
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Answers 503 (see the module docstring) when a view fails because Redis or the Celery
    broker is unreachable; any other error goes on to Django's handling."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_service_unavailable(exception):
            return None
        logger.error(
            "Backing service unavailable during %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return service_unavailable_response(request)
