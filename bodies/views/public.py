"""Public pages: the directory of scheme bodies and the advisor directory (no login)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from ..forms import AdvisorFilterForm, BodyFilterForm
from ..models import AdvisorProfile, SchemeBody
from ..selectors import advisor_directory, advisor_public, scheme_body_directory, scheme_body_public

PAGE_SIZE = 20


@method_decorator(login_not_required, name="dispatch")
class BodyDirectoryView(ListView):
    """Who runs the scheme: the operator, the accreditation body and the designated bodies."""

    template_name = "bodies/body_directory.html"
    context_object_name = "bodies"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[SchemeBody]:
        self.form = BodyFilterForm(self.request.GET or None)
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return scheme_body_directory(
            role=data.get("role") or None,
            level=data.get("level"),
            prefecture=data.get("prefecture") or None,
            valid_only=bool(data.get("valid_only")),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class BodyDetailView(DetailView):
    """One scheme body with all its roles and designations, past and present."""

    template_name = "bodies/body_detail.html"
    context_object_name = "body"

    def get_object(self, queryset: QuerySet[SchemeBody] | None = None) -> SchemeBody:
        body = scheme_body_public(self.kwargs["corporate_number"]).first()
        if body is None:
            raise Http404
        return body


@method_decorator(login_not_required, name="dispatch")
class AdvisorDirectoryView(ListView):
    """The public advisor directory a small company searches for help with ★3."""

    template_name = "bodies/advisors/directory.html"
    context_object_name = "advisors"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[AdvisorProfile]:
        self.form = AdvisorFilterForm(self.request.GET or None)
        return advisor_directory(**self.form.filters())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class AdvisorDetailView(DetailView):
    """One listed advisor; unlisted, suspended or unverified ones are 404."""

    template_name = "bodies/advisors/detail.html"
    context_object_name = "advisor"

    def get_object(self, queryset: QuerySet[AdvisorProfile] | None = None) -> AdvisorProfile:
        advisor = advisor_public(self.kwargs["pk"]).first()
        if advisor is None:
            raise Http404
        return advisor
