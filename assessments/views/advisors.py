"""Engaging the advisor: the applicant invites (internal or from the public directory), the
advisor sees an inbox and accepts (declaring no conflict of interest) or declines."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from bodies.models import AdvisorProfile
from core.exceptions import DomainError

from .. import selectors
from ..forms import (
    AdvisorSearchForm,
    EngagementAcceptForm,
    EngagementDeclineForm,
    InviteAdvisorForm,
)
from ..models import AdvisorEngagement
from ..permissions import application_actions, can_edit_application, can_end_engagement
from ..services.engagements import (
    engagement_accept,
    engagement_decline,
    engagement_end,
    engagement_invite,
)
from .common import ApplicationMixin, HtmxLoginRequiredMixin, current_user

MAX_DIRECTORY_RESULTS = 30


class AdvisorInviteView(ApplicationMixin, View):
    """Choose an internal advisor (a member holding an advisor profile) or search the public
    directory for an external one, and invite them."""

    template_name = "assessments/advisor_invite.html"

    def _choices(self, query: str) -> tuple[list[AdvisorProfile], list[AdvisorProfile]]:
        internal = selectors.internal_advisors_for(self.application)
        internal_ids = {advisor.pk for advisor in internal}
        external = [
            advisor
            for advisor in selectors.external_advisors(q=query)[:MAX_DIRECTORY_RESULTS]
            if advisor.pk not in internal_ids
        ]
        return internal, external

    def _queryset(self, internal: list[AdvisorProfile], query: str) -> QuerySet[AdvisorProfile]:
        ids = [a.pk for a in internal] + list(
            selectors.external_advisors(q=query).values_list("pk", flat=True)
        )
        return AdvisorProfile.objects.filter(pk__in=ids)

    def _render(
        self, request: HttpRequest, form: InviteAdvisorForm, query: str, status: int = 200
    ) -> HttpResponse:
        internal, external = self._choices(query)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "application": self.application,
                "actions": application_actions(request.user, self.application),
                "engagement": selectors.open_engagement(self.application),
                "engagements": selectors.engagements_of(self.application),
                "internal": internal,
                "external": external,
                "search_form": AdvisorSearchForm(initial={"q": query}),
                "query": query,
                "form": form,
            },
            status=status,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_application(request.user, self.application):
            raise PermissionDenied
        search = AdvisorSearchForm(request.GET)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        internal, _external = self._choices(query)
        form = InviteAdvisorForm(advisors=self._queryset(internal, query))
        return self._render(request, form, query)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not application_actions(request.user, self.application)["invite_advisor"]:
            raise PermissionDenied
        query = request.POST.get("q", "")[:100]
        internal, _external = self._choices(query)
        form = InviteAdvisorForm(request.POST, advisors=self._queryset(internal, query))
        if not form.is_valid():
            return self._render(request, form, query, status=400)
        try:
            engagement = engagement_invite(
                application=self.application,
                advisor=form.cleaned_data["advisor"],
                by=current_user(request),
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form, query, status=400)
        messages.success(
            request,
            _("%(name)s was invited. You will receive an e-mail when they answer.")
            % {"name": engagement.advisor.display_name},
        )
        return redirect(self.application)


class EngagementEndView(HtmxLoginRequiredMixin, View):
    """End an engagement: the applicant cancels or changes advisor, or the advisor steps down."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        engagement = (
            AdvisorEngagement.objects.select_related("application", "advisor")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if engagement is None:
            raise Http404
        is_advisor = engagement.advisor.user_id == user.pk
        if (
            not is_advisor
            and not selectors.application_list_for(user)
            .filter(pk=engagement.application_id)
            .exists()
        ):
            raise Http404
        if not can_end_engagement(user, engagement):
            raise PermissionDenied
        try:
            engagement_end(engagement=engagement, by=user, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The engagement has ended."))
        if is_advisor:
            return redirect("assessments:inbox")
        return redirect(engagement.application)


class AdvisorInboxView(HtmxLoginRequiredMixin, TemplateView):
    """The advisor's engagements: invitations to answer, reviews waiting, past ones."""

    template_name = "assessments/advisor_inbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagements = list(selectors.engagement_inbox_for(self.request.user))
        context["invitations"] = [e for e in engagements if e.status == e.Status.INVITED]
        context["active"] = [e for e in engagements if e.status == e.Status.ACCEPTED]
        context["past"] = [e for e in engagements if not e.is_open]
        return context


class EngagementView(HtmxLoginRequiredMixin, View):
    """An invitation as the advisor sees it (who invites, the scope), with accept and decline."""

    template_name = "assessments/engagement.html"

    def _render(
        self,
        request: HttpRequest,
        engagement: AdvisorEngagement,
        accept_form: EngagementAcceptForm,
        decline_form: EngagementDeclineForm,
        status: int = 200,
    ) -> HttpResponse:
        application = engagement.application
        return TemplateResponse(
            request,
            self.template_name,
            {
                "engagement": engagement,
                "application": application,
                "entities": selectors.scope_entities_in_order(application),
                "criteria_count": application.answers.count(),
                "accept_form": accept_form,
                "decline_form": decline_form,
            },
            status=status,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        engagement = selectors.engagement_get_for_advisor(request.user, kwargs["pk"])
        return self._render(request, engagement, EngagementAcceptForm(), EngagementDeclineForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        engagement = selectors.engagement_get_for_advisor(request.user, kwargs["pk"])
        user = current_user(request)
        accept_form = EngagementAcceptForm()
        decline_form = EngagementDeclineForm()
        try:
            if request.POST.get("action") == "accept":
                accept_form = EngagementAcceptForm(request.POST)
                if not accept_form.is_valid():
                    return self._render(request, engagement, accept_form, decline_form, 400)
                engagement_accept(
                    engagement=engagement,
                    by=user,
                    no_conflict=accept_form.cleaned_data["no_conflict"],
                    coi_declaration=accept_form.cleaned_data["coi_declaration"],
                )
                messages.success(
                    request, _("You accepted. The self-assessment is now open to you.")
                )
                return redirect(engagement.application)
            decline_form = EngagementDeclineForm(request.POST)
            if not decline_form.is_valid():
                return self._render(request, engagement, accept_form, decline_form, 400)
            engagement_decline(
                engagement=engagement, by=user, reason=decline_form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("assessments:engagement", pk=engagement.pk)
        messages.success(request, _("You declined the invitation."))
        return redirect("assessments:inbox")
