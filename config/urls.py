"""URL wiring. Each app exposes `urls` (HTML) and, where it has an API, `api.urls`."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import healthz
from core.views import AccessibilityView, DesignSystemView, HomeView

api_v1 = [
    path("catalogue/", include("scheme.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("bodies.api.urls")),
    path("", include("certification.api.urls")),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz/", healthz, name="healthz"),
    path("design/", DesignSystemView.as_view(), name="design-system"),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    # Before accounts: /organisations/<法人番号>/ is the public page, /organisations/<pk>/ the
    # members' page.
    path("", include("certification.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("bodies.urls")),
    path("catalogue/", include("scheme.urls")),
    path("applications/", include("assessments.urls")),
    path("", include("registry.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: the init script is a separate same-origin file, so no inline script (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="scheme/api_docs.html"
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

# 403/404 use Django's handlers with templates/403.html and 404.html; 500 renders without context.
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
