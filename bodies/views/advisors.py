"""Advisors' own pages (profile and qualifications) and the registration staff's review."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import User
from core.exceptions import DomainError

from ..forms import AdvisorProfileForm, QualificationForm, ReasonForm
from ..models import AdvisorProfile, Qualification
from ..permissions import can_review_advisors
from ..selectors import (
    advisor_list_for_review,
    advisor_profile_of,
    audit_trail_of,
    qualification_review_queue,
)
from ..services import (
    advisor_profile_create,
    advisor_profile_update,
    advisor_reinstate,
    advisor_suspend,
    qualification_add,
    qualification_reject,
    qualification_remove,
    qualification_update,
    qualification_verify,
)
from ._common import ScopeRequiredMixin

# --- the advisor's own pages -------------------------------------------------------------------


class AdvisorMeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's advisor profile and qualifications, or how to create one."""

    template_name = "bodies/advisors/me.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(profile=advisor_profile_of(self.request.user), **kwargs)


class AdvisorProfileEditView(LoginRequiredMixin, FormView):
    """Create or change one's advisor profile."""

    template_name = "bodies/advisors/profile_form.html"
    form_class = AdvisorProfileForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.profile = advisor_profile_of(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        if self.profile is None:
            user = self.request.user
            return {
                "display_name": getattr(user, "name", ""),
                "mode": AdvisorProfile.Mode.EXTERNAL,
                "speaks_japanese": True,
            }
        return AdvisorProfileForm.initial_for(self.profile)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(profile=self.profile, **kwargs)

    def form_valid(self, form: AdvisorProfileForm) -> HttpResponse:
        try:
            if self.profile is None:
                advisor_profile_create(
                    by=self.request.user,
                    data=form.to_data(),
                    coi_confirmed=form.cleaned_data["coi_confirm"],
                )
                messages.success(
                    self.request,
                    _("Your advisor profile was created. Add your qualifications next."),
                )
            else:
                advisor_profile_update(
                    profile=self.profile,
                    by=self.request.user,
                    data=form.to_data(),
                    coi_confirmed=form.cleaned_data["coi_confirm"],
                )
                messages.success(self.request, _("Your advisor profile was saved."))
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect("bodies:advisor-me")


class OwnProfileRequiredMixin(LoginRequiredMixin):
    """Pages about one's qualifications need one's advisor profile first."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        profile = advisor_profile_of(request.user)
        if profile is None:
            return redirect("bodies:advisor-edit")
        self.profile = profile
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response

    def get_own_qualification(self) -> Qualification:
        return get_object_or_404(
            Qualification,
            pk=self.kwargs["pk"],  # type: ignore[attr-defined]
            advisor=self.profile,
        )


class QualificationAddView(OwnProfileRequiredMixin, FormView):
    """Add a qualification; it waits for the registration body's check."""

    template_name = "bodies/advisors/qualification_form.html"
    form_class = QualificationForm

    def form_valid(self, form: QualificationForm) -> HttpResponse:
        try:
            qualification_add(advisor=self.profile, by=self.request.user, data=form.to_data())
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The qualification was added. The registration body will check it.")
        )
        return redirect("bodies:advisor-me")


class QualificationEditView(OwnProfileRequiredMixin, FormView):
    """Correct a qualification (a changed number goes back to the registration body)."""

    template_name = "bodies/advisors/qualification_form.html"
    form_class = QualificationForm

    def get_initial(self) -> dict[str, Any]:
        return QualificationForm.initial_for(self.get_own_qualification())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(qualification=self.get_own_qualification(), **kwargs)

    def form_valid(self, form: QualificationForm) -> HttpResponse:
        try:
            qualification_update(
                qualification=self.get_own_qualification(),
                by=self.request.user,
                data=form.to_data(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The qualification was saved."))
        return redirect("bodies:advisor-me")


class QualificationRemoveView(OwnProfileRequiredMixin, TemplateView):
    """Confirm and remove one of one's qualifications."""

    template_name = "bodies/advisors/qualification_remove.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(qualification=self.get_own_qualification(), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        qualification_remove(qualification=self.get_own_qualification(), by=request.user)
        messages.success(request, _("The qualification was removed."))
        return redirect("bodies:advisor-me")


# --- the registration body's review ------------------------------------------------------------


class ReviewScopeMixin(ScopeRequiredMixin):
    def in_scope(self, user: Any) -> bool:
        return can_review_advisors(user)


class ReviewQueueView(ReviewScopeMixin, ListView):
    """Qualifications waiting for verification, oldest first."""

    template_name = "bodies/review/queue.html"
    context_object_name = "qualifications"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Qualification]:
        return qualification_review_queue()


class QualificationReviewView(ReviewScopeMixin, FormView):
    """Verify a qualification, or reject it with a reason."""

    template_name = "bodies/review/qualification.html"
    form_class = ReasonForm

    def get_qualification(self) -> Qualification:
        return get_object_or_404(
            Qualification.objects.select_related("advisor__user", "reviewed_by"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        qualification = self.get_qualification()
        return super().get_context_data(
            qualification=qualification,
            own=qualification.advisor.user_id == self.request.user.pk,
            history=audit_trail_of(qualification)[:50],
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "verify":
            try:
                qualification_verify(qualification=self.get_qualification(), by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("bodies:qualification-review", pk=kwargs["pk"])
            messages.success(request, _("The qualification was verified."))
            return redirect("bodies:review-queue")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            qualification_reject(
                qualification=self.get_qualification(),
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The qualification was rejected."))
        return redirect("bodies:review-queue")


class AdvisorReviewListView(ReviewScopeMixin, ListView):
    """Every advisor, listed or not, with their status and qualifications."""

    template_name = "bodies/review/advisor_list.html"
    context_object_name = "advisors"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[AdvisorProfile]:
        status = self.request.GET.get("status")
        return advisor_list_for_review(
            status=status if status in AdvisorProfile.Status.values else None
        )


class AdvisorReviewView(ReviewScopeMixin, FormView):
    """One advisor as the registration body sees them, with suspension or reinstatement."""

    template_name = "bodies/review/advisor.html"
    form_class = ReasonForm

    def get_profile(self) -> AdvisorProfile:
        return get_object_or_404(advisor_list_for_review(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        profile = self.get_profile()
        user = self.request.user
        return super().get_context_data(
            advisor=profile,
            own=isinstance(user, User) and profile.user_id == user.pk,
            history=audit_trail_of(profile)[:50],
            **kwargs,
        )

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        profile = self.get_profile()
        action = self.request.POST.get("action")
        if action not in ADVISOR_DECISIONS:
            raise Http404
        service, done = ADVISOR_DECISIONS[action]
        try:
            service(profile=profile, by=self.request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, str(done))
        return redirect("bodies:advisor-review", pk=profile.pk)


ADVISOR_DECISIONS = {
    "suspend": (advisor_suspend, gettext_lazy("The advisor was suspended.")),
    "reinstate": (advisor_reinstate, gettext_lazy("The advisor was reinstated.")),
}
