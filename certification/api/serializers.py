"""Serializers of the public ledger API of registrations.

The field names of RegistrationSerializer are a published contract (later work — search, open
data, proofs — builds on them): add fields, never rename or remove one.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.corporate_number import normalise_corporate_number

from ..choices import EffectiveStatus
from ..models import Registration
from ..pdf import verify_url
from ..selectors import StatusFacts, status_facts

STATUS_VALUES = list(EffectiveStatus.values)


@extend_schema_field(
    {
        "type": "string",
        "enum": STATUS_VALUES,
        "description": (
            "The effective status today (Asia/Tokyo): the stored status combined with the "
            "validity dates, so a registration whose validity ended is never reported active. "
            "not_yet_valid: a renewal waiting for its first day."
        ),
    },
    component_name="RegistrationStatus",
)
class RegistrationStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=STATUS_VALUES, **kwargs)


class RegistrationQuerySerializer(serializers.Serializer[Any]):
    """The query parameters of the list."""

    corporate_number = serializers.CharField(
        required=False,
        help_text=(
            "The holder's 13-digit corporate number (法人番号); full-width digits, spaces and "
            "hyphens are accepted."
        ),
    )
    star = serializers.ChoiceField(required=False, choices=[3, 4], help_text="The ★ level.")
    status = RegistrationStatusField(required=False, help_text="The effective status.")

    def validate_corporate_number(self, value: str) -> str:
        try:
            return normalise_corporate_number(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class ScopeEntitySerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="The legal entity's name at registration.")
    corporate_number = serializers.CharField(help_text="Its corporate number (法人番号).")


class ScopeSerializer(serializers.Serializer[Any]):
    """What the registration covers, as published."""

    entities = ScopeEntitySerializer(many=True, help_text="The legal entities covered.")
    sites = serializers.ListField(child=serializers.CharField(), help_text="The sites covered.")
    infrastructure = serializers.CharField(
        help_text="The internet-connected IT infrastructure in scope.", allow_blank=True
    )
    cloud_services = serializers.CharField(
        help_text="The cloud and managed services used.", allow_blank=True
    )
    all_it_outsourced = serializers.BooleanField(help_text="Whether all IT is outsourced.")


class RegistrationSerializer(serializers.Serializer[Registration]):
    """One registration of the public ledger."""

    registration_number = serializers.CharField(source="number", help_text="e.g. SCS3-2027-000123")
    corporate_number = serializers.CharField(
        help_text="The holder's corporate number (法人番号) at registration."
    )
    holder_name = serializers.CharField(help_text="The holder's legal name at registration.")
    holder_name_en = serializers.CharField(help_text="Its English name, when given.")
    star = serializers.IntegerField(source="level.stars", help_text="The ★ level (3 or 4).")
    status = RegistrationStatusField(source="effective_status")
    status_since = serializers.SerializerMethodField(
        help_text="Since when the status applies (for expired: the first day no longer valid)."
    )
    status_reason_code = serializers.SerializerMethodField(
        help_text="Why a suspension, revocation, withdrawal or expiry happened (a code)."
    )
    status_reason = serializers.SerializerMethodField(
        help_text="The published reason of a suspension, revocation or withdrawal."
    )
    valid_from = serializers.DateField(help_text="The first day of validity.")
    valid_until = serializers.DateField(help_text="The last day of validity.")
    registered_on = serializers.DateField(help_text="The day of registration.")
    scope = ScopeSerializer()
    edition = serializers.CharField(
        source="edition.code", help_text="The requirement catalogue edition, e.g. scs-2026-03."
    )
    registering_body = serializers.CharField(
        source="registering_body.organisation.name", help_text="The body that registered it."
    )
    continues = serializers.CharField(
        source="supersedes.number",
        allow_null=True,
        default=None,
        help_text="The registration this renewal continues without a gap, if any.",
    )
    verify_url = serializers.SerializerMethodField(help_text="The public verification page.")

    def _facts(self, registration: Registration) -> StatusFacts:
        cached: StatusFacts | None = getattr(registration, "_status_facts", None)
        if cached is None:
            cached = status_facts(registration)
            registration._status_facts = cached  # type: ignore[attr-defined]
        return cached

    def get_status_since(self, registration: Registration) -> str | None:
        since = self._facts(registration).since
        return since.isoformat() if since else None

    def get_status_reason_code(self, registration: Registration) -> str:
        return self._facts(registration).reason_code

    def get_status_reason(self, registration: Registration) -> str:
        return self._facts(registration).reason

    def get_verify_url(self, registration: Registration) -> str:
        return verify_url(registration)


class LedgerErrorSerializer(serializers.Serializer[Any]):
    """The API's error shape."""

    detail = serializers.CharField()
    code = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "fields" cannot be a class attribute: it would hide Serializer.fields.
        return {
            **super().get_fields(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                help_text="The messages per query parameter.",
            ),
        }
