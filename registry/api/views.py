"""API of the registry app: the procurer's ★ wizard."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.wizard import recommend_star

from .serializers import ApiErrorSerializer, WizardAnswersSerializer, WizardRecommendationSerializer

_STAR4_EXAMPLE = {
    "star": 4,
    "excluded": False,
    "reasons": [
        {
            "code": "confidential_information",
            "text_ja": "Q1（重要な機密情報）：…",
            "text_en": "Q1 (important confidential information): your important confidential "
            "information will be handled on the supplier's IT systems, so the chart asks for ★4.",
        }
    ],
    "additional_requirements_advice": {
        "applies": True,
        "code": "star4_not_strong_enough",
        "text_ja": "★4では対策の強度が不足する場合は、★4となった理由のリスクに応じて、…",
        "text_en": "Where ★4 is not strong enough for the risk of this purchase, add your own "
        "security requirements on top of it (追加要求) in the contract, aimed at the risks that "
        "led to ★4.",
        "examples": [],
    },
    "contract_text_ja": "受託者は、本契約の履行期間中、本契約に係る業務を評価の対象範囲に含む法人"
    "（又は企業グループ）として、サプライチェーン強化に向けたセキュリティ対策評価制度（SCS評価制度）"
    "の★4（スタンダード）を取得し、その登録を維持するものとする。…",
    "contract_text_en": "The Contractor shall obtain ★4 (Standard) of the Supply-Chain "
    "Cybersecurity Evaluation Scheme (SCS評価制度) as a legal entity (or corporate group) …",
    "notes": [],
}


class WizardRecommendApi(APIView):
    """POST the procurer's answers, get the ★ to require of the supplier.

    Public and stateless: no authentication (so no session and no CSRF token), anonymous
    requests are throttled by the default anon rate.
    """

    authentication_classes = []  # public and stateless: nothing to authenticate, no CSRF
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="wizard_recommend",
        summary="Recommend the ★ to require of a supplier",
        description=(
            "Applies the model chart of the scheme's interim report: exclusion first, then three "
            "supply-chain risks (any yes → ★4), then two adjustment factors that raise ★3 to ★4. "
            '"unknown" answers are treated as the answer that leads to the stronger requirement, '
            "and the reasons say so. Texts are returned in Japanese and English."
        ),
        tags=["wizard"],
        auth=[],
        request=WizardAnswersSerializer,
        responses={
            200: WizardRecommendationSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="Invalid or incomplete answers."),
            429: OpenApiResponse(ApiErrorSerializer, description="Too many requests."),
        },
        examples=[
            OpenApiExample(
                "Confidential information on the supplier's IT",
                request_only=True,
                value={
                    "exclusion": "no",
                    "confidential_information": "yes",
                    "business_interruption": "no",
                    "internal_system_access": "no",
                },
            ),
            OpenApiExample(
                "No risk, no adjustment factor",
                request_only=True,
                value={
                    "exclusion": "no",
                    "confidential_information": "no",
                    "business_interruption": "no",
                    "internal_system_access": "no",
                    "recent_incidents": "no",
                    "important_subcontractors": "no",
                },
            ),
            OpenApiExample("Excluded purchase", request_only=True, value={"exclusion": "yes"}),
            OpenApiExample(
                "Star 4 recommended", response_only=True, status_codes=["200"], value=_STAR4_EXAMPLE
            ),
            OpenApiExample(
                "Incomplete answers",
                response_only=True,
                status_codes=["400"],
                value={
                    "detail": "Invalid input.",
                    "code": "invalid",
                    "fields": {
                        "internal_system_access": [
                            'This answer is required unless "exclusion" is "yes".'
                        ]
                    },
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        answers = WizardAnswersSerializer(data=request.data)
        answers.is_valid(raise_exception=True)
        recommendation = recommend_star(answers.to_answers())
        return Response(WizardRecommendationSerializer(recommendation).data)
