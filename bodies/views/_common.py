"""Mixins shared by the app's views."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase


class ScopeRequiredMixin(LoginRequiredMixin):
    """Signed-in users within the view's scope only; everyone else signed in gets a 404, so a
    management page does not even reveal that it exists."""

    def in_scope(self, user: Any) -> bool:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.in_scope(request.user):
            raise Http404
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response
