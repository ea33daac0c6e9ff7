"""Pages of the certification app.

Public (no login): the organisation's public page, the verification page and the ★ mark.
Holders: their registrations, the certificate, withdrawal, and submitting a declared application.
Registration body: the queue of ★3 submissions and the review page. Scheme bodies: the
registrations they look after and the lifecycle actions. Management pages are a 404 for people
outside their scope; an action the user may not take on a visible object is a 403.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView, TemplateView

from accounts.models import User
from assessments.files import EvidenceRejected
from assessments.models import Application
from assessments.permissions import can_edit_application
from assessments.selectors import (
    answer_status_counts,
    application_get_for,
    latest_approval,
    latest_declaration,
)
from assessments.views.common import confidential_file_response
from bodies.permissions import accreditation_bodies_of
from core.exceptions import DomainError

from . import selectors
from .badge import badge_svg
from .choices import Action, EffectiveStatus
from .forms import (
    AnnualReviewForm,
    AnnualSelfAssessmentForm,
    LifecycleForm,
    QueueFilterForm,
    ReasonsForm,
    VerifyForm,
)
from .models import AnnualSelfAssessment, Registration
from .pdf import render_certificate_pdf
from .permissions import (
    can_change_registration,
    can_review_submissions,
    can_submit_annual,
    can_view_annual_attachment,
    can_view_certificate,
    decides_for,
    is_holder_admin,
    receives_annual_for,
)
from .services import annual, lifecycle, submissions
from .workflows import ACTION_ACTOR, FINAL_STATUSES, HOLDER, SCHEME_BODY, actions_from


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _status_context(registration: Registration) -> dict[str, Any]:
    facts = selectors.status_facts(registration)
    return {"registration": registration, "facts": facts}


# ------------------------------------------------------------------------------------------------
# Public pages
# ------------------------------------------------------------------------------------------------


class OrganisationPublicView(TemplateView):
    """The public page of an organisation that holds or held a ★: its registrations with their
    validity and scope (the history below the current ones)."""

    template_name = "certification/organisation_public.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = selectors.organisation_public(self.kwargs["corporate_number"])
        if organisation is None:
            raise Http404
        registrations = selectors.registrations_of_organisation(organisation)
        return super().get_context_data(
            organisation=organisation,
            registrations=[
                {"registration": r, "facts": selectors.status_facts(r)} for r in registrations
            ],
            **kwargs,
        )


class VerifySearchView(FormView):
    """Type a registration number, get its verification page."""

    template_name = "certification/verify_search.html"
    form_class = VerifyForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "number" in request.GET:
            form = VerifyForm(request.GET)
            if form.is_valid():
                number = form.cleaned_data["number"].strip().upper()
                return redirect("certification:verify", number=number)
            return self.render_to_response(self.get_context_data(form=form))
        return super().get(request, *args, **kwargs)


class VerifyView(View):
    """The public answer to "is this registration valid?": valid or not and why, with holder,
    ★, scope and validity. An unknown number gets a clear "not registered" answer (404)."""

    def get(self, request: HttpRequest, number: str) -> HttpResponse:
        try:
            registration = selectors.registration_get_public(number)
        except Registration.DoesNotExist:
            return render(
                request, "certification/verify_unknown.html", {"number": number}, status=404
            )
        context = _status_context(registration)
        context["history"] = selectors.registration_history(registration)
        context["successor"] = (
            Registration.objects.filter(supersedes=registration).only("number").first()
        )
        context["badge_url"] = reverse(
            "certification:badge", kwargs={"number": registration.number}
        )
        response = render(request, "certification/verify.html", context)
        if not request.user.is_authenticated:
            # Anonymous pages carry nothing personal: shared caches may keep them a minute.
            response["Cache-Control"] = "public, max-age=60"
        return response


@method_decorator(cache_control(public=True, max_age=60), name="get")
class BadgeView(View):
    """The ★ mark as SVG (Japanese, or English with ?lang=en), cached for one minute only, so
    that a suspension or revocation shows at once on the holder's site."""

    def get(self, request: HttpRequest, number: str) -> HttpResponse:
        try:
            registration = selectors.registration_get_public(number)
        except Registration.DoesNotExist as error:
            raise Http404 from error
        language = "en" if request.GET.get("lang") == "en" else "ja"
        with translation.override(language):
            facts = selectors.status_facts(registration)
            svg = badge_svg(registration, facts, language=language)
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        # The mark is meant to be embedded on other sites.
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response


# ------------------------------------------------------------------------------------------------
# Holders
# ------------------------------------------------------------------------------------------------


class HolderListView(LoginRequiredMixin, TemplateView):
    """The registrations of the user's organisations."""

    template_name = "certification/holder_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registrations = selectors.registration_list_for(self.request.user)
        return super().get_context_data(
            registrations=[
                {"registration": r, "facts": selectors.status_facts(r)} for r in registrations
            ],
            **kwargs,
        )


class HolderRegistrationMixin(LoginRequiredMixin):
    """A registration of one of the user's organisations (anything else is a 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_registration(self) -> Registration:
        cached = self.__dict__.get("_registration")
        if cached is None:
            cached = get_object_or_404(
                selectors.registration_list_for(self.request.user), number=self.kwargs["number"]
            )
            self.__dict__["_registration"] = cached
        return cached


class HolderDetailView(HolderRegistrationMixin, TemplateView):
    """One registration as its holder sees it: status, history, certificate, ★ mark code and
    (for administrators) withdrawal."""

    template_name = "certification/holder_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registration = self.get_registration()
        context = _status_context(registration)
        context["history"] = selectors.registration_history(registration)
        context["can_withdraw"] = bool(
            available_actions(self.request.user, registration, context["facts"], actor=HOLDER)
        )
        context["badge_url"] = self.request.build_absolute_uri(
            reverse("certification:badge", kwargs={"number": registration.number})
        )
        context["verify_url"] = self.request.build_absolute_uri(
            reverse("certification:verify", kwargs={"number": registration.number})
        )
        context["annual_rows"] = selectors.annual_rows(registration)
        context["may_submit_annual"] = can_submit_annual(self.request.user, registration)
        context["annual_opens_days"] = selectors.annual_window_days()
        return super().get_context_data(**context, **kwargs)


class CertificateView(HolderRegistrationMixin, View):
    """The certificate of registration (PDF) for the holder's people. The stored copy of the
    current revision is served; while the task has not stored it yet, it is rendered here."""

    def get(self, request: HttpRequest, number: str) -> HttpResponseBase:
        registration = self.get_registration()
        if not can_view_certificate(request.user, registration):
            raise PermissionDenied
        filename = f"{registration.number}.pdf"
        if registration.certificate_is_current:
            return FileResponse(
                registration.certificate.open("rb"),
                content_type="application/pdf",
                as_attachment=False,
                filename=filename,
            )
        data = render_certificate_pdf(registration)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


class WithdrawView(HolderRegistrationMixin, FormView):
    """An administrator of the holder gives up (辞退) the registration."""

    template_name = "certification/action_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not is_holder_admin(
            request.user, self.get_registration()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> LifecycleForm:
        return LifecycleForm(**self.get_form_kwargs(), action=Action.WITHDRAW)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registration = self.get_registration()
        return super().get_context_data(
            **_status_context(registration),
            action=Action.WITHDRAW,
            action_label=Action.WITHDRAW.label,
            cancel_url=reverse(
                "certification:holder-detail", kwargs={"number": registration.number}
            ),
            **kwargs,
        )

    def form_valid(self, form: LifecycleForm) -> HttpResponse:
        registration = self.get_registration()
        try:
            lifecycle.registration_withdraw(
                registration=registration,
                by=_user(self.request),
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The registration was withdrawn."))
        return redirect("certification:holder-detail", number=registration.number)


class ApplicationSubmitView(LoginRequiredMixin, TemplateView):
    """The applicant submits its declared application to the registration body."""

    template_name = "certification/submit_confirm.html"

    def get_application(self) -> Application:
        application = application_get_for(self.request.user, self.kwargs["pk"])
        if not can_edit_application(self.request.user, application):
            raise PermissionDenied
        return application

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.get_application()
        return super().get_context_data(
            application=application,
            checks=selectors.registration_checks(application),
            decisions=selectors.decisions_of(application),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self.get_application()
        try:
            submissions.application_submit_for_registration(
                application=application, by=_user(request)
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("certification:application-submit", pk=application.pk)
        messages.success(request, _("The application was submitted to the registration body."))
        return redirect(application.get_absolute_url())


# ------------------------------------------------------------------------------------------------
# Registration body: the queue of ★3 submissions
# ------------------------------------------------------------------------------------------------


class RegistrationStaffMixin(LoginRequiredMixin):
    """Registration staff only; a 404 for everybody else signed in."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_review_submissions(request.user):
            raise Http404
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response


class QueueView(RegistrationStaffMixin, TemplateView):
    """The submissions waiting for the registration body (or decided by it), with filters and
    the age of each submission; those older than the SLA are highlighted."""

    template_name = "certification/queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = QueueFilterForm(self.request.GET or None)
        filters: dict[str, Any] = {"status": Application.Status.SUBMITTED}
        if form.is_valid():
            status = form.cleaned_data["status"] or Application.Status.SUBMITTED
            filters = {
                "status": "" if status == "all" else status,
                "organisation": form.cleaned_data["organisation"],
                "older_than_days": form.cleaned_data["older_than_days"],
            }
        queue = selectors.submission_queue(**filters)
        page = Paginator(queue, 50).get_page(self.request.GET.get("page"))
        sla = selectors.sla_days()
        rows = []
        for application in page:
            age = selectors.age_in_days(application.submitted_at)
            rows.append({"application": application, "age": age, "overdue": age > sla})
        return super().get_context_data(
            form=form if form.is_bound else QueueFilterForm(),
            rows=rows,
            page_obj=page,
            sla=sla,
            **kwargs,
        )


class SubmissionView(RegistrationStaffMixin, TemplateView):
    """One submission: the completeness checks, the scope, the advisor's approval, the
    declaration, earlier decisions, and the forms to register, return or reject it."""

    template_name = "certification/submission.html"

    def get_application(self) -> Application:
        try:
            return selectors.submission_get(self.kwargs["pk"])
        except Application.DoesNotExist as error:
            raise Http404 from error

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.get_application()
        checks = selectors.registration_checks(application)
        return super().get_context_data(
            application=application,
            checks=checks,
            all_passed=all(check.passed for check in checks),
            counts=answer_status_counts(application),
            approval=latest_approval(application),
            declaration=latest_declaration(application),
            decisions=selectors.decisions_of(application),
            registration=selectors.registration_of_application(application),
            previous=selectors.previous_registration(application),
            age=selectors.age_in_days(application.submitted_at),
            sla=selectors.sla_days(),
            reasons_form=kwargs.pop("reasons_form", None) or ReasonsForm(),
            **kwargs,
        )


class SubmissionDecideView(SubmissionView):
    """POST: register, return (with reasons) or reject (with reasons) the submission."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        application = self.get_application()
        by = _user(request)
        try:
            if decision == "register":
                registration = submissions.application_register(application=application, by=by)
                messages.success(
                    request,
                    _("Registered as %(number)s.") % {"number": registration.number},
                )
                return redirect("certification:submission", pk=application.pk)
            if decision not in ("return", "reject"):
                raise Http404
            form = ReasonsForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(reasons_form=form))
            service = (
                submissions.application_return
                if decision == "return"
                else submissions.application_reject
            )
            service(application=application, by=by, reasons=form.cleaned_data["reasons"])
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("certification:submission", pk=application.pk)
        messages.success(
            request,
            _("The application was returned to the applicant.")
            if decision == "return"
            else _("The application was rejected."),
        )
        return redirect("certification:submission", pk=application.pk)


# ------------------------------------------------------------------------------------------------
# Scheme bodies: the registrations they look after and the lifecycle actions
# ------------------------------------------------------------------------------------------------


class StaffScopeMixin(LoginRequiredMixin):
    """Scheme-body staff who look after registrations; a 404 for everybody else signed in."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def scope(self) -> QuerySet[Registration]:
        return selectors.registration_list_for_staff(self.request.user)

    def get_registration(self) -> Registration:
        cached = self.__dict__.get("_registration")
        if cached is None:
            cached = get_object_or_404(self.scope(), number=self.kwargs["number"])
            self.__dict__["_registration"] = cached
        return cached


class StaffListView(StaffScopeMixin, TemplateView):
    """The registrations the user's scheme body looks after, filterable by effective status."""

    template_name = "certification/staff_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registrations = self.scope()
        if not registrations.exists() and not (
            can_review_submissions(self.request.user)
            or selectors.decision_bodies_of(self.request.user).exists()
            or accreditation_bodies_of(self.request.user).exists()
        ):
            raise Http404
        status = self.request.GET.get("status", "")
        if status in EffectiveStatus.values:
            registrations = registrations.filter(selectors.effective_status_q(status))
        query = self.request.GET.get("q", "").strip()
        if query:
            registrations = registrations.filter(
                Q(number__icontains=query)
                | Q(holder_name__icontains=query)
                | Q(corporate_number=query)
            )
        page = Paginator(registrations, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            rows=[{"registration": r, "facts": selectors.status_facts(r)} for r in page],
            status=status,
            q=query,
            statuses=EffectiveStatus.choices,
            **kwargs,
        )


class StaffDetailView(StaffScopeMixin, TemplateView):
    """One registration with its history and the actions the user may take now."""

    template_name = "certification/staff_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registration = self.get_registration()
        context = _status_context(registration)
        context["history"] = selectors.registration_history(registration)
        context["actions"] = available_actions(
            self.request.user, registration, context["facts"], actor=SCHEME_BODY
        )
        context["annual_rows"] = selectors.annual_rows(registration)
        context["receives_annual"] = receives_annual_for(self.request.user, registration)
        return super().get_context_data(**context, **kwargs)


def available_actions(
    user: Any, registration: Registration, facts: selectors.StatusFacts, *, actor: str
) -> list[dict[str, str]]:
    """The lifecycle actions of `actor` (scheme body or holder) that `user` may take on the
    registration now (who × state; a registration past its validity allows none)."""
    if facts.status in FINAL_STATUSES:
        return []
    return [
        {"action": action, "label": str(Action(action).label)}
        for action in actions_from(registration.status)
        if ACTION_ACTOR[action] == actor and can_change_registration(user, registration, action)
    ]


class StaffActionView(StaffScopeMixin, FormView):
    """Suspend, lift a suspension or revoke: the form, then the service."""

    template_name = "certification/action_form.html"
    SERVICES = {
        Action.SUSPEND: lifecycle.registration_suspend,
        Action.REINSTATE: lifecycle.registration_reinstate,
        Action.REVOKE: lifecycle.registration_revoke,
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs["action"] not in self.SERVICES:
            raise Http404
        if request.user.is_authenticated:
            registration = self.get_registration()
            if not decides_for(request.user, registration):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> LifecycleForm:
        return LifecycleForm(**self.get_form_kwargs(), action=self.kwargs["action"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registration = self.get_registration()
        action = Action(self.kwargs["action"])
        return super().get_context_data(
            **_status_context(registration),
            action=action,
            action_label=action.label,
            cancel_url=reverse(
                "certification:staff-detail", kwargs={"number": registration.number}
            ),
            **kwargs,
        )

    def form_valid(self, form: LifecycleForm) -> HttpResponse:
        registration = self.get_registration()
        service = self.SERVICES[Action(self.kwargs["action"])]
        try:
            service(
                registration=registration,
                by=_user(self.request),
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The registration was updated and the change published."))
        return redirect("certification:staff-detail", number=registration.number)


# ------------------------------------------------------------------------------------------------
# ★4 annual self-assessments: the holder submits, the evaluation body accepts or returns
# ------------------------------------------------------------------------------------------------


class AnnualSubmitView(HolderRegistrationMixin, FormView):
    """The holder's annual self-assessment for one anniversary: the form while it may be
    submitted (administrators and executives; others see it read-only), else what was
    submitted and the evaluation body's answer."""

    template_name = "certification/annual_submit.html"
    form_class = AnnualSelfAssessmentForm

    def get_row(self) -> selectors.AnnualRow:
        registration = self.get_registration()
        for row in selectors.annual_rows(registration):
            if row.anniversary == self.kwargs["anniversary"]:
                return row
        raise Http404

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.get_row()
            if request.method == "POST" and not can_submit_annual(
                request.user, self.get_registration()
            ):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        record = self.get_row().record
        if record is None:
            return {}
        # A returned statement is completed, not written again.
        return {
            "measures_maintained": "yes" if record.measures_maintained else "no",
            "changes": record.changes,
            "incidents": record.incidents,
            "statement": record.statement,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registration = self.get_registration()
        return super().get_context_data(
            **_status_context(registration),
            row=self.get_row(),
            may_submit=can_submit_annual(self.request.user, registration),
            **kwargs,
        )

    def form_valid(self, form: AnnualSelfAssessmentForm) -> HttpResponse:
        registration = self.get_registration()
        try:
            annual.annual_self_assessment_submit(
                registration=registration,
                anniversary=self.kwargs["anniversary"],
                by=_user(self.request),
                measures_maintained=form.cleaned_data["measures_maintained"] == "yes",
                changes=form.cleaned_data["changes"],
                incidents=form.cleaned_data["incidents"],
                statement=form.cleaned_data["statement"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except DomainError as error:
            field = "attachment" if isinstance(error, EvidenceRejected) else None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The annual self-assessment was submitted to the evaluation body.")
        )
        return redirect("certification:holder-detail", number=registration.number)


class AnnualAttachmentView(LoginRequiredMixin, View):
    """The attachment of an annual self-assessment, for the holder's people and the receiving
    evaluation body's staff (a 404 for everybody else)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        record = (
            AnnualSelfAssessment.objects.select_related("registration")
            .filter(pk=pk)
            .exclude(attachment="")
            .first()
        )
        if record is None or not can_view_annual_attachment(request.user, record.registration):
            raise Http404
        return confidential_file_response(
            record.attachment,
            filename=record.attachment_name,
            content_type=record.attachment_type,
        )


class EvaluationStaffMixin(LoginRequiredMixin):
    """Staff of an evaluation body; a 404 for everybody else signed in."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.user.is_authenticated
            and not selectors.evaluation_bodies_of(request.user).exists()
        ):
            raise Http404
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response


class AnnualListView(EvaluationStaffMixin, TemplateView):
    """The annual self-assessments received by the user's evaluation bodies (waiting ones
    first) and the overdue ones of the registrations resting on their evaluations."""

    template_name = "certification/annual_list.html"
    STATUSES = AnnualSelfAssessment.Status

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = self.request.GET.get("status", "")
        if status not in self.STATUSES.values:
            status = ""
        received = selectors.annual_received_for(self.request.user, status=status)
        page = Paginator(received, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            received=list(page),
            overdue=selectors.annual_overdue_for(self.request.user),
            status=status,
            statuses=self.STATUSES.choices,
            **kwargs,
        )


class AnnualReviewView(EvaluationStaffMixin, FormView):
    """One annual self-assessment: the holder's statement, and accepting or returning it."""

    template_name = "certification/annual_review.html"
    form_class = AnnualReviewForm

    def get_assessment(self) -> AnnualSelfAssessment:
        cached = self.__dict__.get("_assessment")
        if cached is None:
            try:
                cached = selectors.annual_get_for_staff(self.request.user, self.kwargs["pk"])
            except AnnualSelfAssessment.DoesNotExist as error:
                raise Http404 from error
            self.__dict__["_assessment"] = cached
        return cached

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        assessment = self.get_assessment()
        return super().get_context_data(
            **_status_context(assessment.registration),
            assessment=assessment,
            can_review=assessment.status == AnnualSelfAssessment.Status.SUBMITTED,
            **kwargs,
        )

    def form_valid(self, form: AnnualReviewForm) -> HttpResponse:
        assessment = self.get_assessment()
        by = _user(self.request)
        try:
            if form.cleaned_data["decision"] == "accept":
                annual.annual_self_assessment_accept(
                    assessment=assessment, by=by, comment=form.cleaned_data["comment"]
                )
                messages.success(self.request, _("The annual self-assessment was accepted."))
            else:
                annual.annual_self_assessment_return(
                    assessment=assessment, by=by, comment=form.cleaned_data["comment"]
                )
                messages.success(
                    self.request, _("The annual self-assessment was returned to the holder.")
                )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect("certification:annual-review", pk=assessment.pk)
