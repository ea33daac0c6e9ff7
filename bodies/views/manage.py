"""Pages of the scheme bodies' staff: designations (accreditation staff) and body staff roles
(the body organisation's administrators). MFA is enforced by accounts' middleware, since every
user who reaches them holds a privileged role or administers a body."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.exceptions import DomainError

from ..forms import (
    DesignationDecisionForm,
    DesignationGrantForm,
    DesignationRenewForm,
    StaffGrantForm,
)
from ..models import BodyStaff, Designation, SchemeBody
from ..permissions import is_accreditation_staff, is_registration_staff
from ..selectors import (
    audit_trail_of,
    bodies_administered_by,
    body_staff_list,
    designation_list_for,
)
from ..services import (
    body_staff_grant,
    body_staff_revoke,
    designation_grant,
    designation_reinstate,
    designation_renew,
    designation_suspend,
    designation_withdraw,
)
from ..workflows import DESIGNATION_TRANSITIONS
from ._common import ScopeRequiredMixin


class ManageIndexView(ScopeRequiredMixin, TemplateView):
    """Where each scheme-body role starts: links to the pages the user may use."""

    template_name = "bodies/manage/index.html"

    def in_scope(self, user: Any) -> bool:
        self.links = {
            "designations": is_accreditation_staff(user),
            "staff": bodies_administered_by(user).exists(),
            "review": is_registration_staff(user),
        }
        return any(self.links.values())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(links=self.links, **kwargs)


# --- designations (accreditation staff) --------------------------------------------------------


class AccreditationScopeMixin(ScopeRequiredMixin):
    def in_scope(self, user: Any) -> bool:
        return is_accreditation_staff(user)

    def get_designation(self) -> Designation:
        return get_object_or_404(
            designation_list_for(self.request.user),  # type: ignore[attr-defined]
            pk=self.kwargs["pk"],  # type: ignore[attr-defined]
        )


class DesignationListView(AccreditationScopeMixin, ListView):
    """Every designation granted by the user's accreditation body, with its state today."""

    template_name = "bodies/manage/designation_list.html"
    context_object_name = "designations"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Designation]:
        return designation_list_for(self.request.user)


class DesignationGrantView(AccreditationScopeMixin, FormView):
    """Designate an organisation as evaluation body, verification or training provider."""

    template_name = "bodies/manage/designation_grant.html"
    form_class = DesignationGrantForm

    def form_valid(self, form: DesignationGrantForm) -> HttpResponse:
        assert form.organisation is not None  # noqa: S101 (set by clean_corporate_number)
        try:
            designation = designation_grant(
                organisation=form.organisation,
                role=form.cleaned_data["role"],
                levels=form.cleaned_data["levels"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
                by=self.request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The designation was granted."))
        return redirect("bodies:designation-detail", pk=designation.pk)


DECISIONS = {
    "suspend": (Designation.Status.SUSPENDED, gettext_lazy("Suspend")),
    "reinstate": (Designation.Status.ACTIVE, gettext_lazy("Reinstate")),
    "withdraw": (Designation.Status.WITHDRAWN, gettext_lazy("Withdraw")),
}
DECISION_SERVICES = {
    "suspend": (designation_suspend, gettext_lazy("The designation was suspended.")),
    "reinstate": (designation_reinstate, gettext_lazy("The designation was reinstated.")),
    "withdraw": (designation_withdraw, gettext_lazy("The designation was withdrawn.")),
}


class DesignationDetailView(AccreditationScopeMixin, TemplateView):
    """One designation with the decisions possible from its status and its audit trail."""

    template_name = "bodies/manage/designation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        designation = self.get_designation()
        allowed = DESIGNATION_TRANSITIONS.get(designation.status, frozenset())
        actions = [
            (action, label) for action, (target, label) in DECISIONS.items() if target in allowed
        ]
        return super().get_context_data(
            designation=designation,
            actions=actions,
            can_renew=designation.status == Designation.Status.ACTIVE
            and not Designation.objects.filter(renewal_of=designation).exists(),
            renewal=Designation.objects.filter(renewal_of=designation).first(),
            history=audit_trail_of(designation)[:50],
            **kwargs,
        )


class DesignationDecisionView(AccreditationScopeMixin, FormView):
    """Suspend, reinstate or withdraw a designation, with the reason and effective date."""

    template_name = "bodies/manage/designation_decision.html"
    form_class = DesignationDecisionForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs["action"] not in DECISIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        action = self.kwargs["action"]
        return super().get_context_data(
            designation=self.get_designation(),
            action=action,
            action_label=DECISIONS[action][1],
            **kwargs,
        )

    def form_valid(self, form: DesignationDecisionForm) -> HttpResponse:
        designation = self.get_designation()
        service, done = DECISION_SERVICES[self.kwargs["action"]]
        try:
            service(
                designation=designation,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, str(done))
        return redirect("bodies:designation-detail", pk=designation.pk)


class DesignationRenewView(AccreditationScopeMixin, FormView):
    """Designate the body again for the next period."""

    template_name = "bodies/manage/designation_renew.html"
    form_class = DesignationRenewForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "designation": self.get_designation()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(designation=self.get_designation(), **kwargs)

    def form_valid(self, form: DesignationRenewForm) -> HttpResponse:
        try:
            renewal = designation_renew(
                designation=self.get_designation(),
                by=self.request.user,
                levels=form.cleaned_data["levels"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The designation was renewed."))
        return redirect("bodies:designation-detail", pk=renewal.pk)


# --- body staff (the body organisation's administrators) ---------------------------------------


class StaffBodiesView(ScopeRequiredMixin, ListView):
    """The scheme bodies whose staff the user manages."""

    template_name = "bodies/manage/staff_bodies.html"
    context_object_name = "bodies"

    def in_scope(self, user: Any) -> bool:
        return bodies_administered_by(user).exists()

    def get_queryset(self) -> QuerySet[SchemeBody]:
        return bodies_administered_by(self.request.user)


class StaffBodyMixin(ScopeRequiredMixin):
    body: SchemeBody

    def in_scope(self, user: Any) -> bool:
        body = (
            bodies_administered_by(user)
            .filter(organisation__corporate_number=self.kwargs["corporate_number"])  # type: ignore[attr-defined]
            .first()
        )
        if body is None:
            return False
        self.body = body
        return True


class StaffManageView(StaffBodyMixin, FormView):
    """The staff roles at one body, and a form to grant another."""

    template_name = "bodies/manage/staff_manage.html"
    form_class = StaffGrantForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "body": self.body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(body=self.body, staff=body_staff_list(self.body), **kwargs)

    def form_valid(self, form: StaffGrantForm) -> HttpResponse:
        try:
            body_staff_grant(
                body=self.body,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=self.request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The role was granted."))
        return redirect(self._here())

    def _here(self) -> str:
        return reverse(
            "bodies:staff-manage",
            kwargs={"corporate_number": self.body.organisation.corporate_number},
        )


class StaffRevokeView(StaffBodyMixin, View):
    """End one staff role (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff = get_object_or_404(BodyStaff, pk=kwargs["pk"], body=self.body)
        try:
            body_staff_revoke(staff=staff, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("The role was revoked."))
        return HttpResponseRedirect(
            reverse(
                "bodies:staff-manage",
                kwargs={"corporate_number": self.body.organisation.corporate_number},
            )
        )
