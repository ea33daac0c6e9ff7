"""DRF counterpart of core.permissions.ObjectActionRequiredMixin.

The API view fetches objects through a scoped selector in `get_queryset()`, so DRF's
`get_object()` already answers 404 outside the user's scope; this permission then asks the
same `can_*(user, obj)` predicate the HTML views use (403 when it says no).
"""

from collections.abc import Callable
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

Predicate = Callable[[Any, Any], bool]


class PredicatePermission(BasePermission):
    """Authenticated users only; object access decided by the view's `predicate` attribute
    (a `can_*(user, obj)` function), or by the predicate given to `PredicatePermission.of()`."""

    predicate: Any = None  # a `can_*(user, obj)` function, set by `of()`

    @classmethod
    def of(cls, predicate: Predicate) -> type["PredicatePermission"]:
        """A permission class bound to `predicate`:
        `permission_classes = [PredicatePermission.of(can_x)]`."""
        return type(
            f"PredicatePermission_{predicate.__name__}",
            (cls,),
            {"predicate": staticmethod(predicate)},
        )

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        predicate = type(self).predicate or getattr(type(view), "predicate", None)
        if predicate is None:
            return False  # fail closed: a view without a predicate grants nothing
        return bool(predicate(request.user, obj))
