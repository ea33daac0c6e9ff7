"""Public pages of the registry app: the procurer's ★ wizard and the ledger's publications.

The wizard's pages are public (no login) and stateless: the answers live in the query string, so
Back, reload, bookmarks and shared links all work, with or without JavaScript. The ledger's
publications (the latest signed checkpoint, the daily snapshots) are plain files for machines.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from .forms import ANSWER_LABELS, QUESTION_TEXTS, AnswersForm, StepForm, parse_question
from .models import Snapshot
from .selectors import latest_checkpoint, snapshot_get
from .wizard import (
    IncompleteAnswersError,
    Question,
    WizardAnswers,
    next_question,
    previous_question,
    questions_needed,
    recommend_star,
)


def _answers_query(answers: WizardAnswers, **extra: str) -> str:
    params = {str(q): str(a) for q, a in answers.as_mapping().items()}
    params.update(extra)
    return urlencode(params)


def wizard_step_url(answers: WizardAnswers, step: Question | None = None) -> str:
    """The URL of a wizard step that keeps every answer given so far."""
    query = _answers_query(answers, step=str(step)) if step else _answers_query(answers)
    return reverse("registry:wizard") + (f"?{query}" if query else "")


def wizard_result_url(answers: WizardAnswers) -> str:
    return reverse("registry:wizard-result") + "?" + _answers_query(answers)


def _invalid_notice(questions: list[Question]) -> str:
    names = "; ".join(str(QUESTION_TEXTS[q].short_title) for q in questions)
    return _(
        "Some answers in the address were not valid and have been left out: %(questions)s. "
        "Please answer them again."
    ) % {"questions": names}


def _render_step(
    request: HttpRequest,
    *,
    answers: WizardAnswers,
    question: Question,
    form: StepForm | None = None,
    notices: list[str] | None = None,
) -> HttpResponse:
    if form is None:
        selected = answers.get(question)
        form = StepForm(question=question, initial={question.value: selected} if selected else {})
    needed = questions_needed(answers)
    back = previous_question(answers, before=question)
    context: dict[str, Any] = {
        "question": question,
        "text": QUESTION_TEXTS[question],
        "form": form,
        "field": form.answer_field,
        "hidden_answers": [
            (str(q), str(a)) for q, a in answers.as_mapping().items() if q != question
        ],
        "number": needed.index(question) + 1,
        "total": len(needed),
        "is_first": back is None,
        "back_url": wizard_step_url(answers, back) if back else None,
        "notices": notices or [],
    }
    return render(request, "registry/wizard_step.html", context)


class WizardStepView(View):
    """One question of the wizard per page (GET only: the answers stay in the address).

    `step` names the question to show; a submitted step carries `current`, the question just
    answered, and is redirected to the next step (or the result) once that answer is valid.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        parsed = AnswersForm(request.GET)
        answers = parsed.answers()
        current = parse_question(request.GET.get("current"))
        invalid = [q for q in parsed.invalid_questions() if q != current]
        notices = [_invalid_notice(invalid)] if invalid else []

        if current is not None:
            step_form = StepForm(request.GET, question=current)
            if not step_form.is_valid():
                return _render_step(
                    request, answers=answers, question=current, form=step_form, notices=notices
                )
            following = next_question(answers, after=current)
            if following is None:
                return HttpResponseRedirect(wizard_result_url(answers))
            return HttpResponseRedirect(wizard_step_url(answers, following))

        step = parse_question(request.GET.get("step"))
        if step is None or step not in questions_needed(answers):
            step = next_question(answers) or Question.EXCLUSION
        return _render_step(request, answers=answers, question=step, notices=notices)


class WizardResultView(View):
    """The recommended ★ with its reasons and the contract clause in Japanese and English.

    Incomplete or invalid answers show the first question still to answer, keeping the others.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        parsed = AnswersForm(request.GET)
        answers = parsed.answers()
        try:
            recommendation = recommend_star(answers)
        except IncompleteAnswersError as incomplete:
            invalid = parsed.invalid_questions()
            notices = [_invalid_notice(invalid)] if invalid else []
            notices.append(
                _(
                    "The result needs an answer to every question below; the answers you have "
                    "already given are kept."
                )
            )
            return _render_step(
                request, answers=answers, question=incomplete.missing[0], notices=notices
            )

        needed = questions_needed(answers)
        rows = [
            (QUESTION_TEXTS[q], ANSWER_LABELS[a], wizard_step_url(answers, q))
            for q in needed
            if (a := answers.get(q)) is not None
        ]
        context: dict[str, Any] = {
            "recommendation": recommendation,
            "answer_rows": rows,
            "reasoning_ja": recommendation.reasoning_text("ja"),
            "reasoning_en": recommendation.reasoning_text("en"),
            "back_url": wizard_step_url(answers, needed[-1]),
        }
        return render(request, "registry/wizard_result.html", context)


# ------------------------------------------------------------------------------------------------
# The ledger's publications (C2SP tlog-tiles names the checkpoint file `checkpoint`)
# ------------------------------------------------------------------------------------------------


class CheckpointView(View):
    """The latest signed checkpoint, verbatim (text/plain; cache for seconds only)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            raise Http404(_("No checkpoint has been signed yet."))
        response = HttpResponse(checkpoint.note, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "public, max-age=10"
        return response


class SnapshotView(View):
    """The published snapshot document of a day: the registrations valid on it, as CSV. Its
    SHA-256 is in the ledger (`scheme.snapshot` entry `X-Ledger-Seq`)."""

    def get(self, request: HttpRequest, as_of: str) -> FileResponse:
        try:
            snapshot = snapshot_get(as_of=datetime.date.fromisoformat(as_of))
        except (ValueError, Snapshot.DoesNotExist) as exc:
            raise Http404(_("No snapshot was published for that day.")) from exc
        response = FileResponse(
            default_storage.open(snapshot.document, "rb"),
            content_type="text/csv; charset=utf-8",
            as_attachment=False,
            filename=f"scs-registry-valid-{snapshot.as_of.isoformat()}.csv",
        )
        response["X-Ledger-Seq"] = str(snapshot.ledger_seq)
        response["X-Content-SHA256"] = snapshot.sha256
        # A published snapshot never changes.
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
