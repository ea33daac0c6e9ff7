"""The public ledger API of registrations: read-only, no login (AllowAny), throttled by the
project's anonymous rate, paginated. Reads go through certification.selectors, so the API
reports the same effective status as every page."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics
from rest_framework.permissions import AllowAny

from ..models import Registration
from ..selectors import registration_public_list
from .serializers import LedgerErrorSerializer, RegistrationQuerySerializer, RegistrationSerializer

EXAMPLE = {
    "registration_number": "SCS3-2027-000123",
    "corporate_number": "7000012050002",
    "holder_name": "株式会社サンプル製作所",
    "holder_name_en": "Sample Works Co., Ltd.",
    "star": 3,
    "status": "active",
    "status_since": "2027-01-15",
    "status_reason_code": "",
    "status_reason": "",
    "valid_from": "2027-01-15",
    "valid_until": "2028-01-14",
    "registered_on": "2027-01-15",
    "scope": {
        "entities": [{"name": "株式会社サンプル製作所", "corporate_number": "7000012050002"}],
        "sites": ["本社（東京都千代田区）"],
        "infrastructure": "社内LAN、インターネット回線1本、ノートPC 12台",
        "cloud_services": "Microsoft 365",
        "all_it_outsourced": False,
    },
    "edition": "scs-2026-03",
    "registering_body": "独立行政法人情報処理推進機構",
    "continues": None,
    "verify_url": "https://registry.example.jp/verify/SCS3-2027-000123/",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="ledger_registrations_list",
        tags=["ledger"],
        summary="List the registrations of the public ledger",
        description=(
            "Every ★ registration, newest first: who holds which ★ for which scope, and until "
            "when. "
            "`status` is the effective status today in Japan (a registration whose validity ended "
            "is reported expired, or superseded when its renewal continues it, even before the "
            "nightly job records it). Filter by the holder's corporate number, the ★ level and the "
            "effective status. No login; anonymous requests are throttled."
        ),
        auth=[],
        parameters=[RegistrationQuerySerializer],
        responses={
            200: RegistrationSerializer(many=True),
            400: OpenApiResponse(LedgerErrorSerializer, description="A filter value is not valid."),
            429: OpenApiResponse(LedgerErrorSerializer, description="Too many requests."),
        },
        examples=[
            OpenApiExample("A ★3 registration", value=EXAMPLE, response_only=True),
        ],
    )
)
class RegistrationListApi(generics.ListAPIView[Registration]):
    """GET /api/v1/ledger/registrations/"""

    authentication_classes: list[Any] = []  # public and stateless: no session, no CSRF
    permission_classes = [AllowAny]
    serializer_class = RegistrationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Registration]:
        query = RegistrationQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return registration_public_list(
            corporate_number=data.get("corporate_number") or None,
            star=data.get("star"),
            status=data.get("status"),
        )
