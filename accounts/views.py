"""HTML views of the accounts app: organisations, members, invitations, profile, sessions and
the operator's audit trail. Thin: a form validates, a service writes, a template renders."""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.exceptions import DomainError
from core.permissions import ObjectActionRequiredMixin

from . import selectors, services
from .forms import (
    ROLE_HELP,
    AuditFilterForm,
    InvitationForm,
    MembershipRolesForm,
    OrganisationForm,
    ProfileForm,
)
from .models import Invitation, Membership, Organisation, User, UserSession
from .permissions import (
    can_change_membership,
    can_end_session,
    can_invite,
    can_manage_members,
    can_revoke_invitation,
    can_view_audit_trail,
    can_view_organisation,
    grantable_roles,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (views behind login checks)
    return user


# ------------------------------------------------------------------------------------------------
# Organisations
# ------------------------------------------------------------------------------------------------
class OrganisationListView(LoginRequiredMixin, TemplateView):
    """The organisations the user belongs to, with their roles, and a link to register one."""

    template_name = "accounts/organisation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.my_memberships(self.request.user)
        return context


class OrganisationCreateView(LoginRequiredMixin, FormView):
    """Register an organisation; the user becomes its administrator."""

    template_name = "accounts/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["administered"] = selectors.organisations_administered_by(self.request.user)
        return kwargs

    def form_valid(self, form: OrganisationForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            organisation = services.organisation_create(
                by=_user(self.request),
                name=data["name"],
                name_kana=data["name_kana"],
                name_en=data["name_en"],
                corporate_number=data["corporate_number"],
                prefecture=data["prefecture"],
                address=data["address"],
                industry=data["industry"],
                size_band=data["size_band"],
                parent=data["parent_corporate_number"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is registered. You are its administrator.") % {"name": organisation.name},
        )
        return redirect("accounts:organisation_detail", pk=organisation.pk)


class OrganisationScopedMixin(ObjectActionRequiredMixin):
    """An organisation looked up among those visible to the user."""

    predicate = staticmethod(can_view_organisation)

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisation_list_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        organisation = self.object
        user = self.request.user
        context.update(
            {
                "organisation": organisation,
                "my_membership": selectors.membership_for(user, organisation),
                "can_manage_members": can_manage_members(user, organisation),
                "can_invite": can_invite(user, organisation),
            }
        )
        return context


class OrganisationDetailView(OrganisationScopedMixin, TemplateView):
    """An organisation's page for its members: registered details, corporate group, members."""

    template_name = "accounts/organisation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subsidiaries"] = selectors.organisation_list_for(self.request.user).filter(
            parent=self.object
        )
        context["member_count"] = selectors.membership_list_for_organisation(self.object).count()
        return context


class MemberListView(OrganisationScopedMixin, TemplateView):
    """The members of an organisation and their roles; administrators also see pending
    invitations and the controls to change roles or remove members."""

    template_name = "accounts/member_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.membership_list_for_organisation(self.object)
        context["admin_count"] = selectors.admin_count(self.object)
        if context["can_manage_members"]:
            context["invitations"] = selectors.invitation_list_pending_for(self.object)
        context["role_help"] = ROLE_HELP
        return context


class InvitationCreateView(OrganisationScopedMixin, FormView):
    """An administrator invites somebody by e-mail with the roles to grant."""

    template_name = "accounts/invitation_form.html"
    form_class = InvitationForm
    predicate = staticmethod(can_invite)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["grantable"] = grantable_roles(self.request.user, self.object)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["role_help"] = ROLE_HELP
        return context

    def form_valid(self, form: InvitationForm) -> HttpResponse:
        try:
            invitation, _token = services.invitation_send(
                by=_user(self.request),
                organisation=self.object,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("An invitation was sent to %(email)s. It is valid for 7 days.")
            % {"email": invitation.email},
        )
        return redirect("accounts:member_list", pk=self.object.pk)


class MembershipScopedMixin(ObjectActionRequiredMixin):
    """A membership of the organisation in the URL, among organisations the user can see."""

    pk_url_kwarg = "membership_pk"
    predicate = staticmethod(can_change_membership)

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.membership_list_for(self.request.user).filter(
            organisation_id=self.kwargs["pk"]
        )


class MembershipRolesView(MembershipScopedMixin, FormView):
    """An administrator changes a member's roles."""

    template_name = "accounts/membership_roles_form.html"
    form_class = MembershipRolesForm

    def get_initial(self) -> dict[str, Any]:
        return {"roles": self.object.roles}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "membership": self.object,
                "organisation": self.object.organisation,
                "role_help": ROLE_HELP,
            }
        )
        return context

    def form_valid(self, form: MembershipRolesForm) -> HttpResponse:
        try:
            services.membership_set_roles(
                by=_user(self.request), membership=self.object, roles=form.cleaned_data["roles"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The roles of %(name)s were updated.") % {"name": self.object.user}
        )
        return redirect("accounts:member_list", pk=self.object.organisation_id)


class MembershipRemoveView(MembershipScopedMixin, TemplateView):
    """An administrator removes a member (after confirming)."""

    template_name = "accounts/membership_confirm_remove.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update({"membership": self.object, "organisation": self.object.organisation})
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.object
        try:
            services.membership_remove(by=_user(request), membership=membership)
        except DomainError as error:
            context = self.get_context_data(error=error.message)
            return self.render_to_response(context, status=400)
        messages.success(
            request, _("%(name)s was removed from the organisation.") % {"name": membership.user}
        )
        return redirect("accounts:member_list", pk=membership.organisation_id)


class InvitationRevokeView(ObjectActionRequiredMixin, View):
    """An administrator withdraws a pending invitation (POST only)."""

    pk_url_kwarg = "invitation_pk"
    predicate = staticmethod(can_revoke_invitation)
    http_method_names = ["post"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitation_list_for(self.request.user).filter(
            organisation_id=self.kwargs["pk"]
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.invitation_revoke(by=_user(request), invitation=self.object)
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": self.object.email}
        )
        return redirect("accounts:member_list", pk=self.object.organisation_id)


# ------------------------------------------------------------------------------------------------
# Answering an invitation (the link in the e-mail)
# ------------------------------------------------------------------------------------------------
class InvitationRespondView(View):
    """The invitation link. Anonymous visitors are asked to sign in or sign up (with the invited
    address); the invited user then accepts or declines. Expired, used or withdrawn invitations,
    and a user signed in with another address, get a clear message instead."""

    template_name = "accounts/invitation_respond.html"

    def _invitation(self) -> Invitation:
        invitation = selectors.invitation_get_by_token(self.kwargs["token"])
        if invitation is None:
            raise Http404
        return invitation

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation()
        if not request.user.is_authenticated:
            return render(
                request,
                self.template_name,
                {
                    "invitation": invitation,
                    "problem": services.invitation_problem(invitation),
                    "login_url": reverse("account_login") + "?next=" + request.path,
                    "signup_url": reverse("account_signup") + "?next=" + request.path,
                },
            )
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "problem": services.invitation_problem(invitation, request.user),
            },
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("account_login") + "?next=" + request.path)
        invitation = self._invitation()
        user = _user(request)
        try:
            if request.POST.get("decision") == "decline":
                services.invitation_decline(by=user, invitation=invitation)
                messages.info(request, _("You declined the invitation."))
                return redirect("accounts:organisation_list")
            membership = services.invitation_accept(by=user, invitation=invitation)
        except DomainError as error:
            return render(
                request,
                self.template_name,
                {"invitation": invitation, "problem": error.message},
                status=400,
            )
        messages.success(
            request,
            _("Welcome to %(name)s.") % {"name": membership.organisation.display_name},
        )
        return redirect("accounts:organisation_detail", pk=membership.organisation_id)


# ------------------------------------------------------------------------------------------------
# The user's own account: profile and sessions
# ------------------------------------------------------------------------------------------------
class ProfileView(LoginRequiredMixin, FormView):
    """The user's name and preferred language, and links to the security settings."""

    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["privileged_roles"] = selectors.privileged_roles_for(self.request.user)
        return context

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        user = _user(self.request)
        services.user_update_profile(
            by=user,
            user=user,
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
        )
        messages.success(self.request, _("Your profile was saved."))
        return redirect("accounts:profile")


class SessionListView(LoginRequiredMixin, ListView):
    """The user's signed-in sessions, with the controls to end the others."""

    template_name = "accounts/session_list.html"
    context_object_name = "sessions"

    def get_queryset(self) -> QuerySet[UserSession]:
        return selectors.user_session_list_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["current_session_id"] = services.current_session_id(self.request)
        return context


class SessionEndView(ObjectActionRequiredMixin, View):
    """End one of the user's sessions (POST only); another user's session is a 404."""

    predicate = staticmethod(can_end_session)
    http_method_names = ["post"]

    def get_queryset(self) -> QuerySet[UserSession]:
        return selectors.user_session_list_for(self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = _user(request)
        services.user_session_end(
            by=user, session=self.object, reason=UserSession.EndReason.ENDED_BY_USER
        )
        if self.object.pk == services.current_session_id(request):
            return redirect("account_login")
        messages.success(request, _("The session was ended."))
        return redirect("accounts:session_list")


class SessionEndOthersView(LoginRequiredMixin, View):
    """End every session of the user except this one (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        count = services.user_sessions_end_others(
            user=user,
            keep_session_id=services.current_session_id(request),
            reason=UserSession.EndReason.ENDED_BY_USER,
            by=user,
        )
        messages.success(request, _("%(count)d other sessions were ended.") % {"count": count})
        return redirect("accounts:session_list")


# ------------------------------------------------------------------------------------------------
# Audit trail (the operator's staff)
# ------------------------------------------------------------------------------------------------
class AuditEventListView(LoginRequiredMixin, TemplateView):
    """Security-relevant events with filters and pagination; a 404 for everybody but the
    operator's staff holding core.view_auditevent."""

    template_name = "accounts/audit_list.html"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_view_audit_trail(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        filters: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            tz = timezone.get_current_timezone()
            filters = {
                "action": data["action"],
                "actor": data["actor"],
                "since": datetime.combine(data["since"], time.min, tzinfo=tz)
                if data["since"]
                else None,
                "until": (
                    datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=tz)
                    if data["until"]
                    else None
                ),
            }
        events = selectors.audit_event_list(**filters)
        paginator = Paginator(events, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            {
                "form": form,
                "page_obj": page,
                "events": page.object_list,
                "actions": selectors.audit_action_choices(),
                "query_string": query.urlencode(),
            }
        )
        return context
