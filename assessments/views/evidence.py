"""Evidence files (upload, download through a permission check, delete) and the offline Excel
checklist (download pre-filled, upload, confirm the diff)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.exceptions import DomainError

from .. import selectors
from ..checklist import ChecklistInvalid, checklist_prefilled, checklist_read
from ..files import XLSX, max_application_size, max_file_size
from ..forms import ChecklistUploadForm, EvidenceUploadForm
from ..models import Answer
from ..permissions import application_actions
from ..services.checklist import ConfirmedRow, checklist_apply
from ..services.evidence import evidence_delete, evidence_upload
from .common import ApplicationMixin, bytes_download, confidential_file_response, current_user


class EvidenceView(ApplicationMixin, FormView):
    """The application's evidence files, and the upload form (editors, while editable)."""

    template_name = "assessments/evidence.html"
    form_class = EvidenceUploadForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["answers"] = (
            Answer.objects.filter(application=self.application)
            .select_related("criterion")
            .order_by("criterion__position")
        )
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        code = self.request.GET.get("criterion")
        if code:
            return {
                "answers": Answer.objects.filter(application=self.application, criterion__code=code)
            }
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["evidence_files"] = selectors.evidence_for(self.application)
        context["to_reconfirm"] = any(e.needs_reconfirmation for e in context["evidence_files"])
        used = selectors.evidence_total_size(self.application)
        context["used"] = used
        context["max_application"] = max_application_size()
        context["max_file"] = max_file_size()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not application_actions(request.user, self.application)["edit"]:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: EvidenceUploadForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        try:
            evidence = evidence_upload(
                application=self.application,
                by=current_user(self.request),
                upload=upload,
                answers=form.cleaned_data["answers"],
            )
        except DomainError as exc:
            # The form comes back with the chosen criteria still ticked; only the file must be
            # chosen again.
            form.add_error("file", exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("“%(name)s” was uploaded.") % {"name": evidence.original_name}
        )
        return redirect("assessments:evidence", pk=self.application.pk)


class EvidenceDownloadView(ApplicationMixin, View):
    """Serve an evidence file to those who may see the application, as an attachment."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        evidence = selectors.evidence_get(self.application, kwargs["evidence"])
        return confidential_file_response(
            evidence.file, filename=evidence.original_name, content_type=evidence.content_type
        )


class EvidenceDeleteView(ApplicationMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        evidence = selectors.evidence_get(self.application, kwargs["evidence"])
        name = evidence.original_name
        try:
            evidence_delete(evidence=evidence, by=current_user(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect("assessments:evidence", pk=self.application.pk)


class ChecklistDownloadView(ApplicationMixin, View):
    """The Excel checklist of the pinned edition, pre-filled with the current answers."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = checklist_prefilled(self.application)
        return bytes_download(
            data,
            filename=f"{self.application.reference}-checklist.xlsx",
            content_type=XLSX.content_type,
        )


class ChecklistUploadView(ApplicationMixin, FormView):
    """Upload a filled-in checklist: a malformed file is rejected with row-level messages; a
    good one shows, per criterion, the stored answer next to the uploaded one."""

    template_name = "assessments/checklist_upload.html"
    form_class = ChecklistUploadForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not application_actions(request.user, self.application)["edit"]:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not application_actions(request.user, self.application)["edit"]:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ChecklistUploadForm) -> HttpResponse:
        try:
            rows = checklist_read(self.application, form.cleaned_data["file"])
        except ChecklistInvalid as exc:
            context = self.get_context_data(form=form, errors=exc.errors)
            return self.render_to_response(context, status=400)
        return TemplateResponse(
            self.request,
            "assessments/checklist_diff.html",
            {
                "application": self.application,
                "actions": application_actions(self.request.user, self.application),
                "rows": rows,
            },
        )


class ChecklistApplyView(ApplicationMixin, View):
    """Apply the rows the user ticked on the diff page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not application_actions(request.user, self.application)["edit"]:
            raise PermissionDenied
        rows: list[ConfirmedRow] = []
        for code in request.POST.getlist("apply"):
            try:
                version = int(request.POST.get(f"row-{code}-version", ""))
            except ValueError:
                continue
            rows.append(
                ConfirmedRow(
                    code=code,
                    status=request.POST.get(f"row-{code}-status", ""),
                    description=request.POST.get(f"row-{code}-description", ""),
                    na_justification=request.POST.get(f"row-{code}-na_justification", ""),
                    version=version,
                )
            )
        try:
            result = checklist_apply(
                application=self.application, by=current_user(request), rows=rows
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("assessments:checklist-upload", pk=self.application.pk)
        if result.applied:
            messages.success(
                request,
                _("%(n)d answer(s) were updated from the checklist.") % {"n": len(result.applied)},
            )
        if result.conflicts:
            messages.warning(
                request,
                _(
                    "These answers were changed by someone else after you uploaded the checklist "
                    "and were left as they are: %(codes)s."
                )
                % {"codes": ", ".join(result.conflicts)},
            )
        if not rows:
            messages.info(request, _("No changes were selected."))
        return redirect(reverse("assessments:detail", kwargs={"pk": self.application.pk}))
