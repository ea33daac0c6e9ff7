"""The procurer's ★ wizard: which star should a procurer ask of a supplier?

Pure decision logic (no database) following the model chart (モデル分岐図) of the interim report
of April 2025, section 2.2 "サプライヤー企業への適用の考え方":

1. Exclusion (※4): one-off or transient purchases, and purchases of off-the-shelf goods or
   services easily replaced from the market, that are not of relatively high importance, may be
   left out of the chart. No ★ then needs to be required by it (★3 stays the minimum the scheme
   expects of every supply-chain company).
2. Three supply-chain risks: Q1 important confidential information handled on the supplier's IT,
   Q2 an unacceptable delay if the supplier's business is interrupted, Q3 access from the
   supplier's environment to the procurer's internal systems. Any yes → ★4 (※2: where ★4 is not
   strong enough, the procurer adds its own requirements on top).
3. All no → ★3, raised to ★4 by an adjustment factor (※3): incidents recently seen at the supplier
   or its peers, or subcontractors that are important to the procurer.

"Not sure" answers are treated conservatively, i.e. as the answer that leads to the stronger
requirement, and the reasons say so. Texts are lazy translations with English msgids; the result
renders them in any language, because contract wording is often needed in Japanese and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONTRACT_LANGUAGES = ("ja", "en")


class Answer(StrEnum):
    """An answer to one wizard question."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Question(StrEnum):
    """The wizard's questions, in the order the chart asks them."""

    EXCLUSION = "exclusion"
    CONFIDENTIAL_INFORMATION = "confidential_information"
    BUSINESS_INTERRUPTION = "business_interruption"
    INTERNAL_SYSTEM_ACCESS = "internal_system_access"
    RECENT_INCIDENTS = "recent_incidents"
    IMPORTANT_SUBCONTRACTORS = "important_subcontractors"


QUESTION_ORDER: tuple[Question, ...] = tuple(Question)
# The chart's three risks (ビジネス観点 Q1–Q2, システム観点 Q3): any of them → ★4.
RISK_QUESTIONS: tuple[Question, ...] = (
    Question.CONFIDENTIAL_INFORMATION,
    Question.BUSINESS_INTERRUPTION,
    Question.INTERNAL_SYSTEM_ACCESS,
)
# The adjustment factors (※3) that raise ★3 to ★4; only asked when no risk applies.
ADJUSTMENT_QUESTIONS: tuple[Question, ...] = (
    Question.RECENT_INCIDENTS,
    Question.IMPORTANT_SUBCONTRACTORS,
)


class IncompleteAnswersError(ValueError):
    """Raised when an answer the chart needs is missing; `missing` lists the questions in order."""

    def __init__(self, missing: Iterable[Question]) -> None:
        self.missing: tuple[Question, ...] = tuple(missing)
        super().__init__("missing answers: " + ", ".join(self.missing))


@dataclass(frozen=True)
class WizardAnswers:
    """The procurer's answers; a question the chart does not need may stay unanswered (None)."""

    exclusion: Answer | None = None
    confidential_information: Answer | None = None
    business_interruption: Answer | None = None
    internal_system_access: Answer | None = None
    recent_incidents: Answer | None = None
    important_subcontractors: Answer | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[Question, Answer]) -> WizardAnswers:
        return cls(**{str(question): answer for question, answer in values.items()})

    def get(self, question: Question) -> Answer | None:
        answer: Answer | None = getattr(self, question.value)
        return answer

    def as_mapping(self) -> dict[Question, Answer]:
        """The answers given, in question order (unanswered questions left out)."""
        return {q: a for q in QUESTION_ORDER if (a := self.get(q)) is not None}


def _counts_as_yes(answer: Answer | None) -> bool:
    # "Not sure" is treated as yes: the stronger requirement is the safe side.
    return answer in (Answer.YES, Answer.UNKNOWN)


def questions_needed(answers: WizardAnswers) -> list[Question]:
    """The questions the chart asks, in order, given the answers so far.

    Exclusion is always asked; the three risks unless the purchase is excluded; the adjustment
    factors only while no risk question has been answered yes (or "not sure").
    """
    needed = [Question.EXCLUSION]
    if answers.exclusion == Answer.YES:
        return needed
    needed.extend(RISK_QUESTIONS)
    if not any(_counts_as_yes(answers.get(q)) for q in RISK_QUESTIONS):
        needed.extend(ADJUSTMENT_QUESTIONS)
    return needed


def missing_questions(answers: WizardAnswers) -> list[Question]:
    """The needed questions that have no answer yet, in order."""
    return [q for q in questions_needed(answers) if answers.get(q) is None]


def next_question(answers: WizardAnswers, *, after: Question | None = None) -> Question | None:
    """The question to show after `after`: the next needed one in order, else the first still
    unanswered one, else None (the answers are complete)."""
    needed = questions_needed(answers)
    if after is not None:
        position = QUESTION_ORDER.index(after)
        for question in needed:
            if QUESTION_ORDER.index(question) > position:
                return question
    missing = missing_questions(answers)
    return missing[0] if missing else None


def previous_question(answers: WizardAnswers, *, before: Question) -> Question | None:
    """The needed question shown before `before`, or None for the first one."""
    position = QUESTION_ORDER.index(before)
    earlier = [q for q in questions_needed(answers) if QUESTION_ORDER.index(q) < position]
    return earlier[-1] if earlier else None


@dataclass(frozen=True)
class Statement:
    """A translatable sentence with a stable code; rendered in whichever language is asked."""

    code: str
    message: StrOrPromise

    def __str__(self) -> str:
        return str(self.message)

    def text(self, language: str) -> str:
        with translation.override(language):
            return str(self.message)

    @property
    def text_ja(self) -> str:
        return self.text("ja")

    @property
    def text_en(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Reason(Statement):
    """Why the result is what it is; names the question that drove it."""

    question: Question | None = None


@dataclass(frozen=True)
class AdditionalRequirementsAdvice:
    """The chart's note ※2: where ★4 is not strong enough, the procurer adds requirements."""

    applies: bool
    summary: Statement
    examples: tuple[Statement, ...] = ()


def _level_name(star: int) -> StrOrPromise:
    return {3: _("★3 (Basic)"), 4: _("★4 (Standard)")}[star]


@dataclass(frozen=True)
class Recommendation:
    """The wizard's result: the ★ to require (None when the chart excludes the purchase), the
    reasons, the additional-requirements advice, notes, and the contract clause."""

    star: int | None
    excluded: bool
    reasons: tuple[Reason, ...]
    additional_requirements: AdditionalRequirementsAdvice
    notes: tuple[Statement, ...]

    @property
    def reason_codes(self) -> frozenset[str]:
        return frozenset(reason.code for reason in self.reasons)

    @property
    def level_name(self) -> str:
        return str(_level_name(self.star)) if self.star else ""

    def contract_text(self, language: str) -> str:
        """A paragraph to paste into a contract; empty when no ★ needs to be required."""
        if self.star is None:
            return ""
        with translation.override(language):
            return str(
                _(
                    "The Contractor shall obtain %(level)s of the Supply-Chain Cybersecurity "
                    "Evaluation Scheme (SCS評価制度) as a legal entity (or corporate group) "
                    "whose evaluated scope covers the work under this Agreement, and shall "
                    "maintain its registration throughout the term of this Agreement. The "
                    "Contractor shall notify the Client without delay of any change to that "
                    "registration, such as its suspension, revocation or expiry."
                )
            ) % {"level": str(_level_name(self.star))}

    @property
    def contract_text_ja(self) -> str:
        return self.contract_text("ja")

    @property
    def contract_text_en(self) -> str:
        return self.contract_text("en")

    def reasoning_text(self, language: str) -> str:
        """The reasons as numbered lines, to file or print next to the contract clause."""
        return "\n".join(
            f"{number}. {reason.text(language)}"
            for number, reason in enumerate(self.reasons, start=1)
        )


_RISK_REASONS: dict[Question, tuple[StrOrPromise, StrOrPromise]] = {
    Question.CONFIDENTIAL_INFORMATION: (
        _(
            "Q1 (important confidential information): your important confidential information "
            "will be handled on the supplier's IT systems, so the chart asks for ★4."
        ),
        _(
            "Q1 (important confidential information): you were not sure whether your important "
            "confidential information will be handled on the supplier's IT systems. To be on "
            "the safe side the wizard treats this as yes, which asks for ★4; if the answer turns "
            "out to be no, the result may be lower."
        ),
    ),
    Question.BUSINESS_INTERRUPTION: (
        _(
            "Q2 (business interruption): an interruption of the supplier's business would cause "
            "you an unacceptable delay, so the chart asks for ★4."
        ),
        _(
            "Q2 (business interruption): you were not sure whether an interruption of the "
            "supplier's business would cause you an unacceptable delay. To be on the safe side "
            "the wizard treats this as yes, which asks for ★4; if the answer turns out to be no, "
            "the result may be lower."
        ),
    ),
    Question.INTERNAL_SYSTEM_ACCESS: (
        _(
            "Q3 (access to internal systems): the supplier's environment can reach your internal "
            "systems, so the chart asks for ★4."
        ),
        _(
            "Q3 (access to internal systems): you were not sure whether the supplier's "
            "environment can reach your internal systems. To be on the safe side the wizard "
            "treats this as yes, which asks for ★4; if the answer turns out to be no, the result "
            "may be lower."
        ),
    ),
}

_ADJUSTMENT_REASONS: dict[Question, tuple[StrOrPromise, StrOrPromise]] = {
    Question.RECENT_INCIDENTS: (
        _(
            "Adjustment (recent incidents): incidents have recently been seen at this supplier "
            "or at its peers, raising concern that the risk has grown, so the level is raised "
            "from ★3 to ★4."
        ),
        _(
            "Adjustment (recent incidents): you were not sure whether incidents have recently "
            "been seen at this supplier or at its peers. To be on the safe side the wizard "
            "treats this as yes and raises the level from ★3 to ★4; if the answer turns out to "
            "be no, the result may be lower."
        ),
    ),
    Question.IMPORTANT_SUBCONTRACTORS: (
        _(
            "Adjustment (subcontractors): the supplier's subcontractors include businesses that "
            "are important to you, so the level is raised from ★3 to ★4."
        ),
        _(
            "Adjustment (subcontractors): you were not sure whether the supplier's "
            "subcontractors include businesses that are important to you. To be on the safe "
            "side the wizard treats this as yes and raises the level from ★3 to ★4; if the "
            "answer turns out to be no, the result may be lower."
        ),
    ),
}

_EXCLUDED = _(
    "Exclusion: this is a one-off purchase, or a purchase of goods or services easily replaced "
    "from the market, and it is not of relatively high importance to you. The model chart allows "
    "such purchases to be left out of it, so no ★ needs to be required by this chart. ★3 is "
    "still the minimum set of measures that every supply-chain company is expected to "
    "implement, so you may ask for ★3 as a baseline."
)
_EXCLUSION_UNKNOWN = _(
    "Exclusion: you were not sure whether the purchase may be left out of the chart, so to be on "
    "the safe side the wizard applies it."
)
_NO_RISK = _(
    "Q1–Q3: none of the three supply-chain risks applies (no important confidential information "
    "on the supplier's IT systems, no unacceptable delay if its business is interrupted, no "
    "access to your internal systems), so the chart starts from ★3."
)
_NO_ADJUSTMENT = _(
    "Adjustment: no recent incidents at the supplier or its peers and no subcontractors that are "
    "important to you, so the level stays at ★3."
)

_ADVICE_STAR4 = _(
    "Where ★4 is not strong enough for the risk of this purchase, add your own security "
    "requirements on top of it (追加要求) in the contract, aimed at the risks that led to ★4."
)
_ADVICE_NOT_APPLICABLE = _(
    "The chart's note on additional requirements concerns purchases that need ★4; it does not "
    "apply to this result."
)
_ADVICE_EXAMPLES: dict[Question, StrOrPromise] = {
    Question.CONFIDENTIAL_INFORMATION: _(
        "For your confidential information: for example who may access it, how it is protected "
        "in storage and in transit, and its return or deletion when the work ends."
    ),
    Question.BUSINESS_INTERRUPTION: _(
        "For continuity of supply: for example a target time to resume supply after an incident "
        "and the stock or alternative means kept for that."
    ),
    Question.INTERNAL_SYSTEM_ACCESS: _(
        "For the connection to your systems: for example which connections and accounts are "
        "allowed, how they are authenticated and logged, and how they are removed. The remote-"
        "connection boundary with you is part of the supplier's evaluated scope."
    ),
}
_ADVICE_EXAMPLE_ADJUSTMENT = _(
    "For the adjustment factor that raised the level: for example reporting of incidents to you, "
    "or information on how the supplier checks the subcontractors that matter to you."
)

_NOTE_SUBCONTRACTING = Statement(
    "subcontracting",
    _(
        "Subcontractors: the direct supplier, not you as the original procurer, decides which ★ "
        "to ask of its own subcontractors. A ★4 supplier must keep track of the security of its "
        "important partners, so subcontractors that receive important confidential information "
        "can be expected to be covered to some extent."
    ),
)
_NOTE_MODEL = Statement(
    "model_chart",
    _(
        "This result follows the model chart of the scheme's interim report (April 2025). The "
        "chart shows how the scheme is meant to be used; raising the level and adding "
        "requirements remain your own decision as the procurer."
    ),
)


def _reason(question: Question, answer: Answer, texts: tuple[StrOrPromise, StrOrPromise]) -> Reason:
    if answer == Answer.UNKNOWN:
        return Reason(f"{question}_unknown", texts[1], question)
    return Reason(str(question), texts[0], question)


def recommend_star(answers: WizardAnswers) -> Recommendation:
    """Apply the model chart to the procurer's answers.

    Raises IncompleteAnswersError when an answer the chart needs is missing.
    """
    missing = missing_questions(answers)
    if missing:
        raise IncompleteAnswersError(missing)

    not_applicable = AdditionalRequirementsAdvice(
        applies=False, summary=Statement("not_applicable", _ADVICE_NOT_APPLICABLE)
    )
    if answers.exclusion == Answer.YES:
        return Recommendation(
            star=None,
            excluded=True,
            reasons=(Reason("excluded", _EXCLUDED, Question.EXCLUSION),),
            additional_requirements=not_applicable,
            notes=(_NOTE_MODEL,),
        )

    reasons: list[Reason] = []
    if answers.exclusion == Answer.UNKNOWN:
        reasons.append(Reason("exclusion_unknown", _EXCLUSION_UNKNOWN, Question.EXCLUSION))

    risks = [q for q in RISK_QUESTIONS if _counts_as_yes(answers.get(q))]
    factors: list[Question] = []
    if risks:
        reasons.extend(_reason(q, answers.get(q) or Answer.YES, _RISK_REASONS[q]) for q in risks)
        examples = [Statement(str(q), _ADVICE_EXAMPLES[q]) for q in risks]
    else:
        # Only the ★3 branch of the chart has adjustment factors (※3).
        reasons.append(Reason("no_chart_risk", _NO_RISK, None))
        factors = [q for q in ADJUSTMENT_QUESTIONS if _counts_as_yes(answers.get(q))]
        reasons.extend(
            _reason(q, answers.get(q) or Answer.YES, _ADJUSTMENT_REASONS[q]) for q in factors
        )
        if not factors:
            reasons.append(Reason("no_adjustment", _NO_ADJUSTMENT, None))
        examples = [Statement("adjustment", _ADVICE_EXAMPLE_ADJUSTMENT)]

    star = 4 if risks or factors else 3
    advice = (
        AdditionalRequirementsAdvice(
            applies=True,
            summary=Statement("star4_not_strong_enough", _ADVICE_STAR4),
            examples=tuple(examples),
        )
        if star == 4
        else not_applicable
    )
    return Recommendation(
        star=star,
        excluded=False,
        reasons=tuple(reasons),
        additional_requirements=advice,
        notes=(_NOTE_SUBCONTRACTING, _NOTE_MODEL),
    )
