"""Serializers of the ★ wizard API: the answers in, the recommendation out."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.wizard import (
    RISK_QUESTIONS,
    Answer,
    Question,
    WizardAnswers,
    missing_questions,
)

ANSWER_VALUES = [answer.value for answer in Answer]

_ANSWER_HELP = (
    '"yes", "no" or "unknown" (not sure: treated as the answer that leads to the stronger '
    "requirement)."
)


@extend_schema_field({"type": "string", "enum": ANSWER_VALUES}, component_name="WizardAnswer")
class WizardAnswerField(serializers.ChoiceField):
    """One answer: "yes", "no" or "unknown" (one shared enum in the OpenAPI schema)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ANSWER_VALUES, **kwargs)


def _answer_field(help_text: str, *, required: bool = False) -> WizardAnswerField:
    return WizardAnswerField(required=required, help_text=f"{help_text} {_ANSWER_HELP}")


class WizardAnswersSerializer(serializers.Serializer[Any]):
    """The procurer's answers. Which ones are required depends on the others, as in the chart."""

    exclusion = _answer_field(
        "Is this a one-off purchase, or a purchase of goods or services easily replaced from the "
        'market, that is not of relatively high importance? "yes" leaves it out of the chart.',
        required=True,
    )
    confidential_information = _answer_field(
        "Q1: will the procurer's important confidential information be handled on the "
        'supplier\'s IT? Required unless exclusion is "yes".'
    )
    business_interruption = _answer_field(
        "Q2: would an interruption of the supplier's business cause the procurer an "
        'unacceptable delay? Required unless exclusion is "yes".'
    )
    internal_system_access = _answer_field(
        "Q3: can the supplier's environment reach the procurer's internal systems? Required "
        'unless exclusion is "yes".'
    )
    recent_incidents = _answer_field(
        "Adjustment: have incidents recently been seen at the supplier or its peers? Required "
        'when Q1–Q3 are all "no"; ignored otherwise.'
    )
    important_subcontractors = _answer_field(
        "Adjustment: do the supplier's subcontractors include businesses important to the "
        'procurer? Required when Q1–Q3 are all "no"; ignored otherwise.'
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        errors: dict[str, list[str]] = {
            name: [str(_("Unknown field; the wizard has no question of this name."))]
            for name in unknown
        }
        for question in missing_questions(self._answers(attrs)):
            # "exclusion" itself is a required field, so only the chart's later questions remain.
            message = (
                _('This answer is required unless "exclusion" is "yes".')
                if question in RISK_QUESTIONS
                else _(
                    "This answer is required when none of the three risk questions "
                    '(Q1–Q3) is answered "yes" or "unknown".'
                )
            )
            errors[question.value] = [str(message)]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @staticmethod
    def _answers(attrs: dict[str, Any]) -> WizardAnswers:
        return WizardAnswers.from_mapping(
            {Question(name): Answer(value) for name, value in attrs.items() if value}
        )

    def to_answers(self) -> WizardAnswers:
        return self._answers(self.validated_data)


class StatementSerializer(serializers.Serializer[Any]):
    """A sentence with a stable code, in Japanese and English."""

    code = serializers.CharField()
    text_ja = serializers.CharField()
    text_en = serializers.CharField()


class AdditionalRequirementsAdviceSerializer(serializers.Serializer[Any]):
    """Whether (and how) to add requirements on top of ★4 (追加要求)."""

    applies = serializers.BooleanField(
        help_text="True when ★4 is recommended: where ★4 is not strong enough for the risk, "
        "the procurer adds its own requirements on top."
    )
    code = serializers.CharField(source="summary.code")
    text_ja = serializers.CharField(source="summary.text_ja")
    text_en = serializers.CharField(source="summary.text_en")
    examples = StatementSerializer(
        many=True, help_text="Examples aimed at the risks that led to ★4."
    )


class WizardRecommendationSerializer(serializers.Serializer[Any]):
    """The recommended ★ with its reasons and a contract clause in both languages."""

    star = serializers.ChoiceField(
        choices=[3, 4],
        allow_null=True,
        help_text="3 or 4; null when the purchase is excluded from the chart.",
    )
    excluded = serializers.BooleanField(
        help_text="True when the purchase may be left out of the chart (no ★ required by it)."
    )
    reasons = StatementSerializer(many=True, help_text="Why, naming the question that drove it.")
    additional_requirements_advice = AdditionalRequirementsAdviceSerializer(
        source="additional_requirements"
    )
    contract_text_ja = serializers.CharField(
        help_text="A clause to paste into a contract, in Japanese; empty when excluded."
    )
    contract_text_en = serializers.CharField(
        help_text="The same clause in English; empty when excluded."
    )
    notes = StatementSerializer(
        many=True, help_text="Notes on subcontracting and on the model chart."
    )


class ApiErrorSerializer(serializers.Serializer[Any]):
    """The API's error shape (core.api.exception_handler)."""

    detail = serializers.CharField()
    code = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "fields" cannot be a class attribute: it would hide Serializer.fields.
        return {
            **super().get_fields(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                help_text="The messages per input field.",
            ),
        }
