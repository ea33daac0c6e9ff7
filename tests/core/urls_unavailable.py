"""URLconf for the outage tests: the real site plus views that use the shared cache or the task
queue the way the portal's views do, so that an unreachable Redis or broker raises inside them."""

from celery import Celery
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


def read_cache(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"value": cache.get("outage-test")})


def enqueue(request: HttpRequest) -> HttpResponse:
    """Publish a task to the broker named in the OUTAGE_TEST_BROKER_URL setting, without the
    retries that would make an unreachable broker take seconds to report. The app is not made
    Celery's current app: the portal's own tasks must keep their broker."""
    url = getattr(settings, "OUTAGE_TEST_BROKER_URL", "memory://")
    app = Celery(
        "outage-test",
        set_as_current=False,
        broker=url,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        task_publish_retry=False,
    )
    # The connection is given explicitly: Celery prefers a CELERY_BROKER_URL environment variable
    # (which `make test` sets) to the app's own broker setting.
    try:
        with app.connection_for_write(url) as connection:
            app.send_task("outage.test", retry=False, connection=connection)
    finally:
        app.close()
    return HttpResponse("queued")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view failed")


urlpatterns = [
    path("test/cache/", read_cache),
    path("api/v1/test/cache/", read_cache),
    path("test/enqueue/", enqueue),
    path("test/broken/", broken),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
