"""Site-level pages: the front page, the living style guide, the accessibility statement, and
the server-error handler."""

import datetime
import sys
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import TemplateView

from core.middleware import is_service_unavailable, service_unavailable_response


class HomeView(TemplateView):
    """The portal's front page: what the scheme is and where each kind of user starts."""

    template_name = "home.html"


class DesignSystemView(TemplateView):
    """The living style guide: every component of the design system on one public page.

    It doubles as the visual regression page of the browser tests.
    """

    template_name = "design_system.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # A fixed page of a made-up list, so the pagination component shows its gaps.
        context["page_obj"] = Paginator(range(200), 10).page(7)
        context["sample_date"] = datetime.date(2026, 11, 25)
        return context


class AccessibilityView(TemplateView):
    """The accessibility statement (target: WCAG 2.2 AA)."""

    template_name = "accessibility.html"


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Render 500.html without a request context.

    When this runs something already failed, possibly the database or a context processor, so the
    page gets only the active language and static URLs, exactly like Django's default handler.
    An outage of Redis or the Celery broker raised outside a view (e.g. in a middleware) gets
    the designed 503 of core.middleware instead.
    """
    if is_service_unavailable(sys.exc_info()[1]):
        return service_unavailable_response(request)
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"LANGUAGE_CODE": translation.get_language() or "ja"})
    )
