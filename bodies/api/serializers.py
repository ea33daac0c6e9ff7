"""Read-only serializers of the public bodies and advisors API."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from accounts.choices import Industry, Prefecture

from ..choices import BodyRole
from ..models import AdvisorProfile, Designation, Qualification, SchemeBody


class ErrorSerializer(serializers.Serializer[Any]):
    """The API's error shape (core.api.exception_handler)."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "fields" cannot be a class attribute: it would hide Serializer.fields.
        return {
            **super().get_fields(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()), required=False
            ),
        }


# --- query parameters --------------------------------------------------------------------------


class BodyQuerySerializer(serializers.Serializer[Any]):
    """Filters of the scheme-body list."""

    role = serializers.ChoiceField(
        choices=BodyRole.choices, required=False, help_text="Only bodies holding this role."
    )
    level = serializers.ChoiceField(
        choices=[(3, "★3"), (4, "★4")],
        required=False,
        help_text="Only bodies designated for this star level (3 or 4).",
    )
    prefecture = serializers.ChoiceField(
        choices=Prefecture.choices,
        required=False,
        help_text="JIS X 0401 code of the head office's prefecture, e.g. 13 for Tokyo.",
    )
    valid_only = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only bodies with a designation valid today.",
    )


class AdvisorQuerySerializer(serializers.Serializer[Any]):
    """Filters of the advisor directory."""

    q = serializers.CharField(
        required=False, max_length=100, help_text="Words searched in the name and introduction."
    )
    prefecture = serializers.ChoiceField(
        choices=Prefecture.choices,
        required=False,
        help_text="Advisors serving this prefecture (JIS code) or all of Japan.",
    )
    industry = serializers.ChoiceField(
        choices=Industry.choices, required=False, help_text="JSIC division letter, e.g. E."
    )
    language = serializers.ChoiceField(
        choices=[("ja", "Japanese"), ("en", "English")], required=False
    )
    mode = serializers.ChoiceField(
        choices=[("external", "external"), ("internal", "internal"), ("any", "any")],
        required=False,
        default="external",
        help_text="external (default): advisors who take outside clients.",
    )


# --- scheme bodies -----------------------------------------------------------------------------


class DesignationSerializer(serializers.ModelSerializer[Designation]):
    """One designation period; `state` combines the status with today's date."""

    levels = serializers.SerializerMethodField(help_text="Star levels, e.g. [3, 4].")
    state = serializers.ChoiceField(
        choices=Designation.State.choices, source="current_state", read_only=True
    )

    class Meta:
        model = Designation
        fields = [
            "role",
            "levels",
            "valid_from",
            "valid_until",
            "status",
            "status_effective_on",
            "state",
        ]

    def get_levels(self, designation: Designation) -> list[int]:
        return sorted(level.stars for level in designation.levels.all())


class SchemeBodySerializer(serializers.ModelSerializer[SchemeBody]):
    """A scheme body with its roles and every designation (withdrawn and expired included)."""

    corporate_number = serializers.CharField(source="organisation.corporate_number")
    name = serializers.CharField(source="organisation.name")
    name_en = serializers.CharField(source="organisation.name_en")
    prefecture = serializers.CharField(source="organisation.prefecture")
    roles = serializers.SerializerMethodField()
    designations = DesignationSerializer(many=True)
    url = serializers.SerializerMethodField(help_text="The body's public page.")

    class Meta:
        model = SchemeBody
        fields = [
            "corporate_number",
            "name",
            "name_en",
            "prefecture",
            "website",
            "contact_email",
            "roles",
            "designations",
            "url",
        ]

    def get_roles(self, body: SchemeBody) -> list[str]:
        return sorted(role.role for role in body.roles.all())

    def get_url(self, body: SchemeBody) -> str:
        return self._absolute(body.get_absolute_url())

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- advisors ----------------------------------------------------------------------------------


class PublicQualificationSerializer(serializers.ModelSerializer[Qualification]):
    """A verified qualification; `number` only for RISS (published by IPA), else null."""

    name = serializers.CharField()
    number = serializers.SerializerMethodField()

    class Meta:
        model = Qualification
        fields = ["kind", "name", "number", "obtained_on", "expires_on"]

    def get_number(self, qualification: Qualification) -> str | None:
        return qualification.number if qualification.number_is_public else None


class AdvisorSerializer(serializers.ModelSerializer[AdvisorProfile]):
    """A listed advisor with their verified, valid qualifications."""

    prefectures = serializers.SerializerMethodField()
    industries = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    employer = serializers.SerializerMethodField(
        help_text="The organisation an internal advisor advises (null for external-only)."
    )
    qualifications = PublicQualificationSerializer(many=True, source="public_qualifications")
    url = serializers.SerializerMethodField()

    class Meta:
        model = AdvisorProfile
        fields = [
            "id",
            "display_name",
            "mode",
            "nationwide",
            "prefectures",
            "industries",
            "languages",
            "bio",
            "contact_email",
            "website",
            "employer",
            "qualifications",
            "url",
        ]

    def get_prefectures(self, advisor: AdvisorProfile) -> list[str]:
        return [area.prefecture for area in advisor.areas.all()]

    def get_industries(self, advisor: AdvisorProfile) -> list[str]:
        return [item.industry for item in advisor.industries.all()]

    def get_languages(self, advisor: AdvisorProfile) -> list[str]:
        return [
            code
            for code, spoken in (("ja", advisor.speaks_japanese), ("en", advisor.speaks_english))
            if spoken
        ]

    def get_employer(self, advisor: AdvisorProfile) -> str | None:
        if advisor.employer is None or advisor.mode == AdvisorProfile.Mode.EXTERNAL:
            return None
        return advisor.employer.name

    def get_url(self, advisor: AdvisorProfile) -> str:
        request = self.context.get("request")
        path = reverse("bodies:advisor-detail", kwargs={"pk": advisor.pk})
        return request.build_absolute_uri(path) if request is not None else path
