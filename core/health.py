"""Liveness/readiness probe for load balancers and the compose health check."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz:probe"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready"
        logger.exception("Health probe: the database does not answer")
        return False
    return True


def _cache_ok() -> bool:
    """The shared cache (Redis): sign-in cannot work without it (rate limits, TOTP replay)."""
    try:
        cache.get(PROBE_KEY)
    except Exception:  # any cache failure means "not ready"
        logger.exception("Health probe: the cache (Redis) does not answer")
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the shared cache answer; 503 otherwise (so an orchestrator
    stops routing here), naming what is down."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    if all(checks.values()):
        return JsonResponse({"status": "ok"})
    return JsonResponse(
        {
            "status": "unavailable",
            **{name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        },
        status=503,
    )
