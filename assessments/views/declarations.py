"""The management declaration: the executive reviews a summary, re-enters their credentials
and signs; the signed PDF is served through a permission check."""

import datetime
from typing import Any

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Membership
from core.exceptions import DomainError

from .. import selectors
from ..forms import DeclarationForm
from ..models import Application
from ..permissions import application_actions, can_sign_declaration
from ..services.declarations import declaration_sign, declaration_texts
from .common import ApplicationMixin, confidential_file_response, current_user


def reauthenticated_at(request: HttpRequest) -> datetime.datetime | None:
    """When this session last re-entered its credentials (allauth's re-authentication), if
    ever."""
    records = [
        record
        for record in get_authentication_records(request, request.user)
        if record.get("reauthenticated")
    ]
    if not records:
        return None
    return datetime.datetime.fromtimestamp(records[-1]["at"], tz=datetime.UTC)


class DeclarationView(ApplicationMixin, View):
    """GET: the summary and the text to sign. POST: sign. Signing requires re-authentication:
    allauth asks for the password (or a second factor) and then replays this POST."""

    template_name = "assessments/declaration.html"

    def _check(self, request: HttpRequest) -> None:
        if not can_sign_declaration(request.user, self.application):
            raise PermissionDenied

    def _render(
        self, request: HttpRequest, form: DeclarationForm, status: int = 200
    ) -> HttpResponse:
        application = self.application
        approval = selectors.latest_approval(application)
        preview_ja = preview_en = ""
        if approval is not None and application.status == Application.Status.APPROVED:
            preview_ja, preview_en = declaration_texts(
                application,
                approval,
                signer_name=form["signer_name"].value() or "",
                signer_title=form["signer_title"].value() or "",
                signed_on=timezone.localdate(),
            )
        return TemplateResponse(
            request,
            self.template_name,
            {
                "application": application,
                "actions": application_actions(request.user, application),
                "approval": approval,
                "counts": selectors.answer_status_counts(application),
                "total": application.answers.count(),
                "entities": selectors.scope_entities_in_order(application),
                "declaration": selectors.latest_declaration(application),
                "form": form,
                "preview_ja": preview_ja,
                "preview_en": preview_en,
            },
            status=status,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check(request)
        user = current_user(request)
        membership = Membership.objects.filter(
            user=user, organisation=self.application.organisation
        ).first()
        form = DeclarationForm(
            initial={
                "signer_name": user.name,
                "signer_title": membership.title if membership else "",
            }
        )
        return self._render(request, form)

    @method_decorator(reauthentication_required)
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check(request)
        form = DeclarationForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            declaration_sign(
                application=self.application,
                by=current_user(request),
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
                reauthenticated_at=reauthenticated_at(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form, status=400)
        messages.success(
            request,
            _("The declaration is signed. Its PDF is kept with the application."),
        )
        return redirect(self.application)


class DeclarationPdfView(ApplicationMixin, View):
    """The signed declaration's PDF, for those who may see the application."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        declaration = selectors.latest_declaration(self.application)
        if declaration is None or not declaration.pdf:
            raise Http404
        return confidential_file_response(
            declaration.pdf,
            filename=f"{self.application.reference}-declaration.pdf",
            content_type="application/pdf",
        )
