"""Access control for HTML views: fetch through a scoped selector, then ask a predicate.

House rule (docs/development.md, house-style 3.7): an object outside the user's scope is a 404
(its existence is not revealed); an object the user can see but may not act on is a 403;
an anonymous visitor is sent to the login page.
"""

from typing import Any, ClassVar

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404


class ObjectActionRequiredMixin(AccessMixin):
    """Guards a view of one object.

    Subclasses define `get_queryset()` (the user's scope, from a selector) and `predicate`, a
    `can_*(user, obj)` function. The object is looked up by `pk_url_kwarg` inside that scope
    before the view runs: anonymous → login redirect, not in scope → 404, predicate false → 403.
    The object is then available as `self.object` (and from `get_object()`).
    """

    # A `can_*(user, obj)` function (wrap it in staticmethod() so it is not bound as a method).
    predicate: ClassVar[Any] = None
    pk_url_kwarg = "pk"
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_queryset(self) -> QuerySet[Any]:
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_queryset()")

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        cached = self.__dict__.get("_guarded_object")
        if cached is not None:
            return cached
        scope = queryset if queryset is not None else self.get_queryset()
        obj = get_object_or_404(scope, pk=self.kwargs[self.pk_url_kwarg])
        self.__dict__["_guarded_object"] = obj
        return obj

    def check_action(self, user: Any, obj: Model) -> bool:
        predicate = type(self).predicate
        if predicate is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set a predicate")
        return bool(predicate(user, obj))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.check_action(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]
