"""Forms of the procurer's ★ wizard.

The wizard is a chain of plain GET forms: every answer travels in the query string, so the
browser's Back button, bookmarks and shared links keep all answers and no session is needed.
`AnswersForm` reads (and validates) the whole set of answers from the query string; `StepForm`
is the one question shown on a step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .wizard import QUESTION_ORDER, Answer, Question, WizardAnswers

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


ANSWER_LABELS: dict[Answer, StrOrPromise] = {
    Answer.YES: _("Yes"),
    Answer.NO: _("No"),
    Answer.UNKNOWN: _("Not sure"),
}
ANSWER_CHOICES = [(answer.value, label) for answer, label in ANSWER_LABELS.items()]


@dataclass(frozen=True)
class QuestionText:
    """How a question is put to the procurer: its title, explanation and points to consider."""

    number: StrOrPromise
    title: StrOrPromise
    short_title: StrOrPromise
    explanation: tuple[StrOrPromise, ...]
    considerations: tuple[StrOrPromise, ...]
    unknown_help: StrOrPromise


_UNKNOWN_RAISES = _(
    "If you are not sure, the wizard assumes the answer that leads to the stronger requirement "
    "and says so in the result."
)

QUESTION_TEXTS: dict[Question, QuestionText] = {
    Question.EXCLUSION: QuestionText(
        number=_("Before the chart"),
        title=_(
            "Is this a one-off purchase, or a purchase of goods or services easily replaced from "
            "the market, that is not of relatively high importance to you?"
        ),
        short_title=_("One-off or easily replaced, and not relatively important"),
        explanation=(
            _(
                "The model chart may leave out one-off or transient purchases, and purchases of "
                "off-the-shelf products or services that can easily be bought elsewhere, as long "
                "as they are not of relatively high importance to you."
            ),
            _(
                "Answer “no” when the purchase continues over time, is hard to replace, or "
                "matters to your business, even if its amount is small."
            ),
        ),
        considerations=(
            _("Is it a single, transient order rather than a continuing relationship?"),
            _("Could you buy the same product or service from other vendors on the market?"),
            _("Is its importance to you relatively low?"),
        ),
        unknown_help=_("If you are not sure, the wizard applies the chart to be on the safe side."),
    ),
    Question.CONFIDENTIAL_INFORMATION: QuestionText(
        number=_("Question 1"),
        title=_("Will your important confidential information be handled on the supplier's IT?"),
        short_title=_("Important confidential information on the supplier's IT"),
        explanation=(
            _(
                "Important confidential information is information whose leak would hurt your "
                "business badly, for example through a loss of public trust or the risk of "
                "lawsuits for damages."
            ),
            _(
                "The supplier's IT means its own IT systems, whether on its premises or in the "
                "cloud services it uses."
            ),
        ),
        considerations=(
            _("Which of your information the supplier receives, creates or keeps for this work."),
            _("How badly a leak of that information would affect your business."),
            _("Whether it is kept or processed on the supplier's PCs, servers or cloud services."),
        ),
        unknown_help=_UNKNOWN_RAISES,
    ),
    Question.BUSINESS_INTERRUPTION: QuestionText(
        number=_("Question 2"),
        title=_(
            "Would an interruption of the supplier's business cause you an unacceptable delay?"
        ),
        short_title=_("Unacceptable delay if the supplier's business is interrupted"),
        explanation=(
            _(
                "Think of the supplier being stopped by a cyberattack, for example by ransomware, "
                "and unable to deliver its products or services for a while."
            ),
        ),
        considerations=(
            _(
                "How far the impact on your business would spread if the supply of the product "
                "or service stopped."
            ),
            _("Whether another supplier in the same industry could deliver instead."),
            _("How hard it is to secure stock."),
        ),
        unknown_help=_UNKNOWN_RAISES,
    ),
    Question.INTERNAL_SYSTEM_ACCESS: QuestionText(
        number=_("Question 3"),
        title=_("Can the supplier's environment reach your internal systems?"),
        short_title=_("Access from the supplier's environment to your internal systems"),
        explanation=(
            _(
                "For example through a network connection such as a VPN or a dedicated line, or "
                "through accounts that the supplier uses to log in to your systems."
            ),
            _(
                "Where such access exists, the scheme includes the remote-connection boundary "
                "with you in the scope of the supplier's evaluation."
            ),
        ),
        considerations=(
            _("Network connections between the supplier's environment and yours."),
            _("Remote maintenance or operation of your systems by the supplier."),
            _("Accounts on your systems that the supplier's staff use."),
        ),
        unknown_help=_UNKNOWN_RAISES,
    ),
    Question.RECENT_INCIDENTS: QuestionText(
        number=_("Adjustment 1"),
        title=_(
            "Have incidents recently been seen at this supplier or at its peers, so that you are "
            "concerned the risk has grown?"
        ),
        short_title=_("Recent incidents at the supplier or its peers"),
        explanation=(
            _(
                "None of the three risks applies, so the chart starts from ★3. Two adjustment "
                "factors can raise it to ★4; this is the first."
            ),
        ),
        considerations=(
            _("Incidents at this supplier in the recent past."),
            _("Incidents at other companies in the same industry as the supplier."),
        ),
        unknown_help=_UNKNOWN_RAISES,
    ),
    Question.IMPORTANT_SUBCONTRACTORS: QuestionText(
        number=_("Adjustment 2"),
        title=_("Do the supplier's subcontractors include businesses that are important to you?"),
        short_title=_("Subcontractors that are important to you"),
        explanation=(
            _("The second adjustment factor that can raise ★3 to ★4."),
            _(
                "Which ★ the subcontractors themselves should obtain is decided by the supplier, "
                "not by you."
            ),
        ),
        considerations=(
            _("Subcontractors that receive your important confidential information."),
            _("Subcontractors on which your business depends."),
        ),
        unknown_help=_UNKNOWN_RAISES,
    ),
}


def parse_question(value: str | None) -> Question | None:
    """The question named by a query parameter, or None when it names none."""
    try:
        return Question(value or "")
    except ValueError:
        return None


class AnswersForm(forms.Form):
    """All answers carried in the query string; each is optional, a wrong value is an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTION_ORDER:
            self.fields[question.value] = forms.ChoiceField(
                label=QUESTION_TEXTS[question].short_title,
                choices=ANSWER_CHOICES,
                required=False,
            )

    def answers(self) -> WizardAnswers:
        """The valid answers; invalid ones are left out (see `invalid_questions`)."""
        self.is_valid()
        return WizardAnswers.from_mapping(
            {
                question: Answer(value)
                for question in QUESTION_ORDER
                if (value := self.cleaned_data.get(question.value))
            }
        )

    def invalid_questions(self) -> list[Question]:
        self.is_valid()
        return [q for q in QUESTION_ORDER if q.value in self.errors]


class StepForm(forms.Form):
    """One wizard question, answered with yes / no / not sure."""

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields[question.value] = forms.ChoiceField(
            label=QUESTION_TEXTS[question].title,
            choices=ANSWER_CHOICES,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose an answer to continue."),
                "invalid_choice": _("Choose one of the answers shown."),
            },
        )

    @property
    def answer_field(self) -> forms.BoundField:
        return self[self.question.value]
