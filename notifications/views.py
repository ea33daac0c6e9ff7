"""Pages of the notifications app; every page shows the signed-in user's own notices only."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from accounts.models import User

from . import selectors, services
from .forms import PreferencesForm
from .models import Notification


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - LoginRequiredMixin ran first
    return user


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's notifications, newest first, unread ones marked."""

    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notification_list_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["unread"] = selectors.unread_count(self.request.user)
        return context


class NotificationOpenView(LoginRequiredMixin, View):
    """POST: mark the notice read and follow its link (another user's notice is a 404)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(selectors.notification_list_for(request.user), pk=pk)
        services.notification_mark_read(notification=notification, by=_user(request))
        target = notification.url
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host(), *self._site_hosts()}
        ):
            return redirect(target)
        return redirect("notifications:list")

    @staticmethod
    def _site_hosts() -> set[str]:
        host = urlsplit(settings.SITE_URL).netloc
        return {host} if host else set()


class MarkAllReadView(LoginRequiredMixin, View):
    """POST: mark every notice of the user read."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.notification_mark_all_read(by=_user(request))
        messages.success(
            request, _("%(count)d notifications were marked as read.") % {"count": count}
        )
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, FormView):
    """Which optional notices the user receives."""

    template_name = "notifications/preferences.html"
    form_class = PreferencesForm

    def get_initial(self) -> dict[str, Any]:
        current = selectors.preferences_for(self.request.user)
        return {"enabled": [kind for kind, on in current.items() if on]}

    def form_valid(self, form: PreferencesForm) -> HttpResponse:
        services.preferences_update(by=_user(self.request), enabled=form.cleaned_data["enabled"])
        messages.success(self.request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
