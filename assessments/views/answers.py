"""The self-assessment form: one page per category, every criterion with its item's requirement
and guidance beside it. Each criterion saves on its own as the user works (htmx, with the
answer's version so that a concurrent edit is shown, not overwritten); without JavaScript each
item's form posts normally."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from core.exceptions import DomainError
from scheme.models import Category

from .. import selectors
from ..forms import AnswerForm
from ..models import Answer, Application, CriterionReview, EvidenceFile
from ..permissions import application_actions, can_edit_application
from ..services.applications import AnswerConflict, answer_save
from ..services.evidence import (
    evidence_attach,
    evidence_delete,
    evidence_detach,
    evidence_upload,
)
from ..services.renewals import answer_confirm, evidence_reconfirm
from .common import ApplicationMixin, current_user


def prefix_for(answer: Answer) -> str:
    return f"c-{answer.criterion.code}"


@dataclass
class CriterionOutcome:
    """What happened when one criterion was posted."""

    answer: Answer
    form: AnswerForm
    saved: bool = False
    conflict: Answer | None = None
    errors: list[str] = field(default_factory=list)
    evidence_changed: bool = False

    @property
    def ok(self) -> bool:
        return self.conflict is None and not self.errors


@dataclass
class CriterionEntry:
    """Everything the template needs for one criterion."""

    answer: Answer
    form: AnswerForm
    attached: list[EvidenceFile]
    attachable: list[EvidenceFile]
    requested: CriterionReview | None
    outcome: CriterionOutcome | None = None


def _ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    for value in values:
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return ids


def process_criterion(
    request: HttpRequest, application: Application, answer: Answer, user: User
) -> CriterionOutcome:
    """Save the posted answer of one criterion and its evidence changes; for a renewal also
    "confirm still true" (`<prefix>-confirm`) and, for carried-over evidence, "still current"
    (`<prefix>-reconfirm`) and "remove" (`<prefix>-remove`). Each part is independent: a
    conflict or a refused upload never loses the rest."""
    prefix = prefix_for(answer)
    form = AnswerForm(request.POST, prefix=prefix)
    outcome = CriterionOutcome(answer=answer, form=form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome.answer = answer_save(
                answer=answer,
                by=user,
                status=data["status"],
                description=data["description"],
                na_justification=data["na_justification"],
                expected_version=data["version"],
            )
            outcome.saved = True
        except AnswerConflict as exc:
            outcome.conflict = exc.current
            # Without JavaScript the page comes back with the user's text in the fields and the
            # stored version as the base: saving again keeps theirs, knowingly.
            rebased: QueryDict = request.POST.copy()
            rebased[f"{prefix}-version"] = str(exc.current.version)
            outcome.form = AnswerForm(rebased, prefix=prefix)
            outcome.form.is_valid()
        except DomainError as exc:
            outcome.errors.append(exc.message)
    else:
        outcome.errors.extend(str(error) for errors in form.errors.values() for error in errors)

    if outcome.ok and request.POST.get(f"{prefix}-confirm") and outcome.answer.carried_over:
        try:
            outcome.answer = answer_confirm(answer=outcome.answer, by=user)
            outcome.saved = True
        except DomainError as exc:
            outcome.errors.append(exc.message)

    evidence = {e.pk: e for e in selectors.evidence_for(application)}
    try:
        for evidence_id in _ids(request.POST.getlist(f"{prefix}-reconfirm")):
            if evidence_id in evidence:
                evidence_reconfirm(evidence=evidence[evidence_id], by=user)
                outcome.evidence_changed = True
        for evidence_id in _ids(request.POST.getlist(f"{prefix}-remove")):
            if evidence_id in evidence and evidence[evidence_id].carried_over_from_id:
                evidence_delete(evidence=evidence.pop(evidence_id), by=user)
                outcome.evidence_changed = True
    except DomainError as exc:
        outcome.errors.append(exc.message)
    shown = set(_ids(request.POST.getlist(f"{prefix}-evidence-shown")))
    kept = set(_ids(request.POST.getlist(f"{prefix}-evidence")))
    attach = _ids([request.POST.get(f"{prefix}-attach", "")])
    try:
        for evidence_id in shown - kept:
            if evidence_id in evidence:
                evidence_detach(evidence=evidence[evidence_id], answer=answer, by=user)
                outcome.evidence_changed = True
        for evidence_id in attach:
            if evidence_id in evidence:
                evidence_attach(evidence=evidence[evidence_id], answer=answer, by=user)
                outcome.evidence_changed = True
    except DomainError as exc:
        outcome.errors.append(exc.message)
    upload = request.FILES.get(f"{prefix}-upload")
    if upload is not None:
        try:
            evidence_upload(application=application, by=user, upload=upload, answers=[answer])
            outcome.evidence_changed = True
        except DomainError as exc:
            outcome.errors.append(
                _("“%(name)s” was not uploaded: %(reason)s")
                % {"name": upload.name, "reason": exc.message}
            )
    return outcome


def criterion_entries(
    application: Application,
    answers: list[Answer],
    outcomes: dict[int, CriterionOutcome] | None = None,
) -> list[CriterionEntry]:
    """The entries of the given answers, with bound forms where a post came back."""
    outcomes = outcomes or {}
    all_evidence = list(selectors.evidence_for(application))
    requested = selectors.requested_changes(application)
    entries = []
    for answer in answers:
        outcome = outcomes.get(answer.pk)
        if outcome is not None:
            form = outcome.form
            answer = outcome.answer if outcome.saved else answer
        else:
            form = AnswerForm(
                prefix=prefix_for(answer),
                initial={
                    "status": answer.status,
                    "description": answer.description,
                    "na_justification": answer.na_justification,
                    "version": answer.version,
                },
            )
        attached = [e for e in all_evidence if answer.pk in {a.pk for a in e.answers.all()}]
        attachable = [e for e in all_evidence if e not in attached]
        entries.append(
            CriterionEntry(
                answer=answer,
                form=form,
                attached=attached,
                attachable=attachable,
                requested=requested.get(answer.criterion_id),
                outcome=outcome,
            )
        )
    return entries


@dataclass
class ItemEntry:
    item: Any
    criteria: list[CriterionEntry]


def _category_or_404(application: Application, code: str) -> Category:
    category = selectors.categories_for(application).filter(code=code).first()
    if category is None:
        raise Http404
    return category


class AssessmentView(ApplicationMixin, View):
    """One category of the self-assessment (read-only for those who may not edit now)."""

    template_name = "assessments/assessment.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        category = _category_or_404(self.application, kwargs["category"])
        return self.render(request, category, {})

    def render(
        self,
        request: HttpRequest,
        category: Category,
        outcomes: dict[int, CriterionOutcome],
        status: int = 200,
    ) -> HttpResponse:
        application = self.application
        answers = list(selectors.answers_for(application, category=category))
        entries = criterion_entries(application, answers, outcomes)
        items: list[ItemEntry] = []
        for entry in entries:
            if not items or items[-1].item.pk != entry.answer.criterion.item_id:
                items.append(ItemEntry(item=entry.answer.criterion.item, criteria=[]))
            items[-1].criteria.append(entry)
        categories = list(selectors.categories_for(application))
        index = [c.pk for c in categories].index(category.pk)
        progress = selectors.application_progress(application)
        renewal = selectors.renewal_summary(application)
        context = {
            "application": application,
            "actions": application_actions(request.user, application),
            "category": category,
            "categories": categories,
            "previous_category": categories[index - 1] if index > 0 else None,
            "next_category": categories[index + 1] if index + 1 < len(categories) else None,
            "items": items,
            "progress": progress,
            "category_progress": next(
                (p for p in progress.categories if p.category.pk == category.pk), None
            ),
            "outcomes": outcomes,
            "renewal": renewal,
            "renewal_new_codes": {c.code for c in renewal.new_criteria} if renewal else set(),
            "to_confirm": sum(1 for a in answers if a.needs_confirmation),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class ItemSaveView(AssessmentView):
    """Without JavaScript: the form of one item posts all its criteria at once."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(
            "assessments:assessment", pk=self.application.pk, category=kwargs["category"]
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        category = _category_or_404(self.application, kwargs["category"])
        user = current_user(request)
        # Who may edit is checked here; whether the application can still be edited is the
        # service's rule, reported beside the criterion (the page may be older than a review).
        if not can_edit_application(user, self.application):
            raise PermissionDenied
        item_code = request.POST.get("item", "")
        answers = [
            a
            for a in selectors.answers_for(self.application, category=category)
            if a.criterion.item.code == item_code
        ]
        if not answers:
            raise Http404
        outcomes = {a.pk: process_criterion(request, self.application, a, user) for a in answers}
        anchor = f"#item-{item_code}"
        if all(outcome.ok for outcome in outcomes.values()):
            messages.success(request, _("Requirement %(code)s was saved.") % {"code": item_code})
            url = reverse(
                "assessments:assessment",
                kwargs={"pk": self.application.pk, "category": category.code},
            )
            return redirect(url + anchor)
        return self.render(request, category, outcomes)


class AnswerSaveView(ApplicationMixin, View):
    """One criterion: POST saves it (htmx answers with the save status and out-of-band updates
    of its version, evidence and the progress bars); GET returns the criterion as stored (used
    by "use the saved version" after a conflict)."""

    def get_login_anchor(self) -> str:
        return f"criterion-{self.kwargs.get('criterion', '')}"

    def _answer(self) -> Answer:
        return selectors.answer_get(self.application, self.kwargs["criterion"])

    def _page_url(self, answer: Answer) -> str:
        return selectors.criterion_url(self.application, answer.criterion)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        answer = self._answer()
        if not getattr(request, "htmx", False):
            return redirect(self._page_url(answer))
        entry = criterion_entries(self.application, [answer])[0]
        return TemplateResponse(
            request,
            "assessments/includes/criterion.html",
            {
                "application": self.application,
                "actions": application_actions(request.user, self.application),
                "entry": entry,
                "restored": True,
            },
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        # Who may edit is checked here; whether the application can still be edited is the
        # service's rule, reported beside the criterion (the page may be older than a review).
        if not can_edit_application(user, self.application):
            raise PermissionDenied
        answer = self._answer()
        outcome = process_criterion(request, self.application, answer, user)
        if not getattr(request, "htmx", False):
            if outcome.ok:
                messages.success(
                    request, _("Criterion %(code)s was saved.") % {"code": answer.criterion.code}
                )
            else:
                for error in outcome.errors:
                    messages.error(request, error)
                if outcome.conflict is not None:
                    messages.error(
                        request,
                        _(
                            "Someone else changed this answer while you were "
                            "editing it. Your text was not saved."
                        ),
                    )
            return redirect(self._page_url(answer))
        entry = criterion_entries(self.application, [outcome.answer], {answer.pk: outcome})[0]
        category = answer.criterion.item.subcategory.category
        progress = selectors.application_progress(self.application)
        response = TemplateResponse(
            request,
            "assessments/includes/save_result.html",
            {
                "application": self.application,
                "entry": entry,
                "outcome": outcome,
                "progress": progress,
                "category_progress": next(
                    (p for p in progress.categories if p.category.pk == category.pk), None
                ),
                "category": category,
            },
        )
        response["X-Autosave"] = "saved" if outcome.saved else "not-saved"
        return response
