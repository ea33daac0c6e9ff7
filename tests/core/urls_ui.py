"""URLconf for the layout tests: the real site plus views that fail on purpose or add messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view failed")


def with_messages(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Saved.")
    messages.error(request, "Could not send.")
    return TemplateResponse(request, "home.html")


urlpatterns = [
    path("test/forbidden/", forbidden),
    path("test/broken/", broken),
    path("test/messages/", with_messages),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
