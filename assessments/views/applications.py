"""Listing, starting and following an application: overview, scope, effort, sending it for
review and withdrawing it."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.exceptions import DomainError
from scheme.models import Edition

from .. import selectors
from ..forms import EffortForm, OrganisationChoiceForm, ScopeForm, WithdrawForm
from ..permissions import can_edit_application
from ..services.applications import (
    application_effort_record,
    application_scope_update,
    application_start,
    application_withdraw,
)
from ..services.reviews import SubmissionIncomplete, application_submit_for_review
from .common import ApplicationMixin, HtmxLoginRequiredMixin, current_user


class ApplicationListView(HtmxLoginRequiredMixin, TemplateView):
    """The user's applications (their organisations') and those they advise."""

    template_name = "assessments/application_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        own = selectors.applications_of_organisations_for(user)
        context["own_applications"] = own
        context["advised_applications"] = selectors.application_list_for(user).exclude(
            pk__in=own.values("pk")
        )
        context["can_start"] = selectors.organisations_for_new_application(user).exists()
        return context


class ApplicationStartView(HtmxLoginRequiredMixin, FormView):
    """Step 1: which organisation applies (skipped when the user belongs to just one)."""

    template_name = "assessments/application_start.html"
    form_class = OrganisationChoiceForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisations = list(selectors.organisations_for_new_application(request.user))
        if len(organisations) == 1:
            return redirect("assessments:start-scope", organisation=organisations[0].pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = selectors.organisations_for_new_application(self.request.user)
        return kwargs

    def form_valid(self, form: OrganisationChoiceForm) -> HttpResponse:
        return redirect(
            "assessments:start-scope", organisation=form.cleaned_data["organisation"].pk
        )


class ApplicationStartScopeView(HtmxLoginRequiredMixin, FormView):
    """Step 2: the scope; then the application exists with one empty answer per criterion."""

    template_name = "assessments/application_start_scope.html"
    form_class = ScopeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(
            selectors.organisations_for_new_application(request.user), pk=kwargs["organisation"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["subsidiaries"] = selectors.scope_entities_for(self.organisation)[1:]
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        try:
            context["edition"] = selectors.current_edition()
        except Edition.DoesNotExist:
            context["edition"] = None
        return context

    def form_valid(self, form: ScopeForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            application = application_start(
                organisation=self.organisation,
                by=current_user(self.request),
                covered_entities=data.get("covered_entities") or [],
                sites=data["sites"],
                infrastructure=data["infrastructure"],
                cloud_services=data["cloud_services"],
                all_it_outsourced=data["all_it_outsourced"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Your application %(ref)s has started. Answer each criterion below; your answers "
                "are saved as you go."
            )
            % {"ref": application.reference},
        )
        return redirect(application)


class ApplicationDetailView(ApplicationMixin, TemplateView):
    """The overview: status, progress per category, what is still missing, the advisor, the
    review rounds, the approval and the declaration, and the actions available now."""

    template_name = "assessments/application_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = self.application
        context["progress"] = selectors.application_progress(application)
        context["open_points"] = selectors.open_points_grouped(
            application,
            selectors.application_open_points(application) if application.is_editable else [],
        )
        context["entities"] = selectors.scope_entities_in_order(application)
        context["engagement"] = selectors.open_engagement(application)
        context["rounds"] = selectors.rounds_of(application)
        context["requested_changes"] = selectors.requested_changes(application)
        context["approval"] = selectors.latest_approval(application)
        context["declaration"] = selectors.latest_declaration(application)
        context["effort_form"] = EffortForm(initial={"hours": application.effort_hours})
        context["first_category"] = selectors.categories_for(application).first()
        context["can_edit"] = can_edit_application(self.request.user, application)
        context["renewal"] = selectors.renewal_summary(application)
        if application.status == application.Status.REGISTERED:
            context["can_renew"] = selectors.can_renew_now(self.request.user, application)
            context["existing_renewal"] = selectors.existing_renewal(application)
        return context


class ScopeUpdateView(ApplicationMixin, FormView):
    """Change the scope (draft or returned)."""

    template_name = "assessments/scope_form.html"
    form_class = ScopeForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check()
        return super().post(request, *args, **kwargs)

    def _check(self) -> None:
        if not can_edit_application(self.request.user, self.application):
            raise PermissionDenied

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["subsidiaries"] = selectors.scope_entities_for(self.application.organisation)[1:]
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        application = self.application
        return {
            "covered_entities": application.covered_entities.exclude(
                pk=application.organisation_id
            ),
            "sites": "\n".join(application.sites),
            "infrastructure": application.infrastructure,
            "cloud_services": application.cloud_services,
            "all_it_outsourced": application.all_it_outsourced,
        }

    def form_valid(self, form: ScopeForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            application_scope_update(
                application=self.application,
                by=current_user(self.request),
                covered_entities=data.get("covered_entities") or [],
                sites=data["sites"],
                infrastructure=data["infrastructure"],
                cloud_services=data["cloud_services"],
                all_it_outsourced=data["all_it_outsourced"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The scope was saved."))
        return redirect(self.application)


class EffortView(ApplicationMixin, View):
    """Record the hours spent (optional)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EffortForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("hours", []):
                messages.error(request, str(error))
            return redirect(self.application.get_absolute_url() + "#effort")
        try:
            application_effort_record(
                application=self.application,
                by=current_user(request),
                hours=form.cleaned_data["hours"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you: the hours were recorded."))
        return redirect(self.application.get_absolute_url() + "#effort")


class SubmitForReviewView(ApplicationMixin, View):
    """Send the self-assessment to the advisor; refused with the list of open points."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            application_submit_for_review(application=self.application, by=current_user(request))
        except SubmissionIncomplete as exc:
            messages.error(request, exc.message)
            return redirect(self.application.get_absolute_url() + "#open-points")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(self.application)
        messages.success(
            request,
            _(
                "The self-assessment was sent to your advisor. You will receive an e-mail when "
                "they have reviewed it."
            ),
        )
        return redirect(self.application)


class WithdrawView(ApplicationMixin, FormView):
    """Confirm and withdraw the application."""

    template_name = "assessments/withdraw_confirm.html"
    form_class = WithdrawForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_application(request.user, self.application):
            raise PermissionDenied
        if self.application.is_final:
            raise Http404
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: WithdrawForm) -> HttpResponse:
        try:
            application_withdraw(
                application=self.application,
                by=current_user(self.request),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(self.request, exc.message)
            return redirect(self.application)
        messages.success(self.request, _("The application was withdrawn."))
        return redirect("assessments:list")
