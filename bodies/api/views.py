"""The public, read-only API of the scheme bodies and the advisor directory (AllowAny,
throttled by the project default, paginated). Reads go through bodies.selectors, so the API
shows exactly what the HTML directories show."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from scheme.models import Level

from ..models import AdvisorProfile, SchemeBody
from ..selectors import advisor_directory, advisor_public, scheme_body_directory, scheme_body_public
from .serializers import (
    AdvisorQuerySerializer,
    AdvisorSerializer,
    BodyQuerySerializer,
    ErrorSerializer,
    SchemeBodySerializer,
)

BAD_FILTER = OpenApiResponse(ErrorSerializer, description="A filter value is not valid.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not in the public directory.")


@extend_schema(
    tags=["bodies"],
    summary="List the scheme bodies",
    parameters=[BodyQuerySerializer],
    responses={200: SchemeBodySerializer(many=True), 400: BAD_FILTER},
)
class SchemeBodyListApi(generics.ListAPIView[SchemeBody]):
    """The operator, the accreditation body and every designated body, with their roles and
    designations (all periods; `state` says which are valid today)."""

    permission_classes = [AllowAny]
    serializer_class = SchemeBodySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[SchemeBody]:
        query = BodyQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        level = None
        if "level" in data:
            level = Level.objects.filter(stars=data["level"]).first()
            if level is None:
                return SchemeBody.objects.none()
        return scheme_body_directory(
            role=data.get("role"),
            level=level,
            prefecture=data.get("prefecture"),
            valid_only=data["valid_only"],
        )


@extend_schema(
    tags=["bodies"],
    summary="Get a scheme body",
    parameters=[
        OpenApiParameter(
            "corporate_number",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="The body's 13-digit corporate number (法人番号).",
            pattern=r"^[1-9][0-9]{12}$",
        )
    ],
    responses={200: SchemeBodySerializer, 404: NOT_FOUND},
)
class SchemeBodyDetailApi(generics.RetrieveAPIView[SchemeBody]):
    """One scheme body by its corporate number."""

    permission_classes = [AllowAny]
    serializer_class = SchemeBodySerializer

    def get_object(self) -> SchemeBody:
        body = scheme_body_public(self.kwargs["corporate_number"]).first()
        if body is None:
            raise NotFound
        return body


@extend_schema(
    tags=["advisors"],
    summary="Search the advisor directory",
    parameters=[AdvisorQuerySerializer],
    responses={200: AdvisorSerializer(many=True), 400: BAD_FILTER},
)
class AdvisorListApi(generics.ListAPIView[AdvisorProfile]):
    """Listed, active advisors with at least one verified qualification valid today."""

    permission_classes = [AllowAny]
    serializer_class = AdvisorSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AdvisorProfile]:
        query = AdvisorQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return advisor_directory(
            q=data.get("q", ""),
            prefecture=data.get("prefecture"),
            industry=data.get("industry"),
            language=data.get("language"),
            mode=data["mode"],
        )


@extend_schema(
    tags=["advisors"],
    summary="Get a listed advisor",
    responses={200: AdvisorSerializer, 404: NOT_FOUND},
)
class AdvisorDetailApi(generics.RetrieveAPIView[AdvisorProfile]):
    """One advisor of the directory (whatever their mode)."""

    permission_classes = [AllowAny]
    serializer_class = AdvisorSerializer

    def get_object(self) -> AdvisorProfile:
        advisor = advisor_public(self.kwargs["pk"]).first()
        if advisor is None:
            raise NotFound
        return advisor
