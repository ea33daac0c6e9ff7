"""The renewal: start it from the registered application (or the holder's registration page),
confirm all unchanged answers of a category at once, and re-confirm carried-over evidence from
the evidence page. Confirming one answer or one file beside its criterion goes through the
answer save (views.answers.process_criterion)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from core.exceptions import DomainError

from .. import selectors
from ..permissions import can_edit_application, can_renew_application
from ..services.renewals import answers_confirm_unchanged, application_renew, evidence_reconfirm
from .common import ApplicationMixin, current_user


class RenewView(ApplicationMixin, View):
    """POST: start the renewal of this registered application, then open it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        if not can_renew_application(user, self.application):
            raise PermissionDenied
        try:
            renewal = application_renew(previous=self.application, by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(self.application)
        messages.success(
            request,
            _(
                "The renewal %(ref)s has started, pre-filled from last year. Confirm each answer "
                "that is still true or change it, and check that dated evidence is still current."
            )
            % {"ref": renewal.reference},
        )
        return redirect(renewal)


class ConfirmCategoryView(ApplicationMixin, View):
    """POST: confirm every carried-over answer of one category that is not confirmed yet."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        if not can_edit_application(user, self.application):
            raise PermissionDenied
        category = (
            selectors.categories_for(self.application).filter(code=kwargs["category"]).first()
        )
        if category is None:
            raise Http404
        try:
            count = answers_confirm_unchanged(
                application=self.application, by=user, category=category
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d answer was confirmed as still true.",
                    "%(n)d answers were confirmed as still true.",
                    count,
                )
                % {"n": count},
            )
        return redirect(
            reverse(
                "assessments:assessment",
                kwargs={"pk": self.application.pk, "category": category.code},
            )
        )


class EvidenceReconfirmView(ApplicationMixin, View):
    """POST: confirm that a carried-over evidence file is still current."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        evidence = selectors.evidence_get(self.application, kwargs["evidence"])
        try:
            evidence_reconfirm(evidence=evidence, by=current_user(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("“%(name)s” was confirmed as still current.") % {"name": evidence.original_name},
            )
        url = reverse("assessments:evidence", kwargs={"pk": self.application.pk})
        return redirect(f"{url}#evidence-{evidence.pk}")
