"""Forms of the bodies app: directory filters, designation decisions, staff grants, and the
advisor's own profile and qualifications. Each form validates input and hands a service its
arguments; the rules themselves live in the services."""

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Industry, Prefecture
from accounts.corporate_number import normalise_corporate_number
from accounts.models import Organisation, User
from scheme.models import Level

from .choices import DESIGNATED_ROLES, BodyRole, StaffRole
from .models import AdvisorProfile, Designation, Qualification, SchemeBody
from .selectors import employers_for, staff_candidates
from .services import AdvisorProfileData, QualificationData
from .services.bodies import staff_roles_allowed_at
from .validators import normalise_qualification_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ChoiceList(forms.CheckboxSelectMultiple):
    """Checkboxes as the design system's list of choices."""

    template_name = "bodies/widgets/choices.html"


class RadioList(forms.RadioSelect):
    """Radio buttons as the design system's list of choices."""

    template_name = "bodies/widgets/choices.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _designated_role_choices() -> "list[tuple[str, StrOrPromise]]":
    return [(value, label) for value, label in BodyRole.choices if value in DESIGNATED_ROLES]


class LevelChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"★{obj.stars} {obj.name}"


# --- public directories ------------------------------------------------------------------------


class BodyFilterForm(forms.Form):
    """Filters of the public directory of scheme bodies (all optional)."""

    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *BodyRole.choices]
    )
    level = forms.ModelChoiceField(
        label=_("Level"),
        required=False,
        queryset=Level.objects.filter(stars__in=[3, 4]),
        to_field_name="code",
        empty_label=_("All levels"),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        required=False,
        choices=[("", _("All prefectures")), *Prefecture.choices],
    )
    valid_only = forms.BooleanField(label=_("Only currently valid designations"), required=False)


class AdvisorFilterForm(forms.Form):
    """Search of the public advisor directory."""

    MODE_CHOICES = [
        ("external", _("Advisors who take outside clients")),
        ("internal", _("Internal advisors")),
        ("any", _("All advisors")),
    ]
    LANGUAGE_CHOICES = [("", _("Any language")), ("ja", _("Japanese")), ("en", _("English"))]

    q = forms.CharField(
        label=_("Name or keyword"),
        required=False,
        max_length=100,
        help_text=_("Searches the name and the introduction."),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        required=False,
        choices=[("", _("All prefectures")), *Prefecture.choices],
        help_text=_("Advisors who serve all of Japan are included."),
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        required=False,
        choices=[("", _("All industries")), *Industry.choices],
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    mode = forms.ChoiceField(
        label=_("Kind of advisor"), required=False, choices=MODE_CHOICES, initial="external"
    )

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments from the valid part of the input."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "prefecture": data.get("prefecture") or None,
            "industry": data.get("industry") or None,
            "language": data.get("language") or None,
            "mode": data.get("mode") or "external",
        }


# --- designations ------------------------------------------------------------------------------


class DesignationGrantForm(forms.Form):
    """A new designation of an organisation already known to the registry."""

    corporate_number = forms.CharField(
        label=_("Corporate number (法人番号) of the body"),
        max_length=20,
        help_text=_("13 digits; the organisation must already be registered in the portal."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=_designated_role_choices, widget=RadioList)
    levels = LevelChoiceField(
        label=_("Levels"),
        queryset=Level.objects.filter(stars__in=[3, 4]),
        widget=ChoiceList,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day of validity. Leave empty for three years."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate()
        self.organisation: Organisation | None = None

    def clean_corporate_number(self) -> str:
        number = normalise_corporate_number(self.cleaned_data["corporate_number"])
        self.organisation = Organisation.objects.filter(corporate_number=number).first()
        if self.organisation is None:
            raise ValidationError(
                _("No organisation with this corporate number is registered in the portal.")
            )
        return number


class DesignationDecisionForm(forms.Form):
    """Suspension, reinstatement or withdrawal of a designation."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept for the scheme bodies and the audit trail; not published."),
    )
    effective_on = forms.DateField(
        label=_("Effective on"),
        widget=DateInput(),
        help_text=_("Today or a day in the past."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()


class DesignationRenewForm(forms.Form):
    """The next period of a designation."""

    levels = LevelChoiceField(
        label=_("Levels"),
        queryset=Level.objects.filter(stars__in=[3, 4]),
        widget=ChoiceList,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day of the new period. Leave empty for three years."),
    )

    def __init__(self, *args: Any, designation: Designation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["levels"].initial = list(designation.levels.all())


# --- body staff --------------------------------------------------------------------------------


def _person_label(user: User) -> str:
    return f"{user.name} <{user.email}>" if user.name else user.email


class StaffGrantForm(forms.Form):
    """A staff role for a member of the body's organisation."""

    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), empty_label=_("Choose a person")
    )
    role = forms.ChoiceField(label=_("Role"), widget=RadioList)

    def __init__(self, *args: Any, body: SchemeBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)  # noqa: S101 (narrowing only)
        user_field.queryset = staff_candidates(body)
        user_field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]
        allowed = staff_roles_allowed_at(body)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)  # noqa: S101 (narrowing only)
        role_field.choices = [
            (value, label) for value, label in StaffRole.choices if value in allowed
        ]


# --- advisors ----------------------------------------------------------------------------------


class AdvisorProfileForm(forms.Form):
    """The advisor's own profile, including the conflict-of-interest declaration."""

    display_name = forms.CharField(
        label=_("Name shown in the directory"),
        max_length=100,
        help_text=_("Your name, or your name and your firm's."),
    )
    mode = forms.ChoiceField(
        label=_("How you advise"), choices=AdvisorProfile.Mode.choices, widget=RadioList
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("Required for internal advisors: the organisation you advise from inside."),
    )
    nationwide = forms.BooleanField(
        label=_("I serve all of Japan (for example online)"), required=False
    )
    prefectures = forms.MultipleChoiceField(
        label=_("Prefectures you serve"),
        required=False,
        choices=Prefecture.choices,
        widget=ChoiceList,
    )
    industries = forms.MultipleChoiceField(
        label=_("Industries you know well"),
        required=False,
        choices=Industry.choices,
        widget=ChoiceList,
    )
    speaks_japanese = forms.BooleanField(label=_("I advise in Japanese"), required=False)
    speaks_english = forms.BooleanField(label=_("I advise in English"), required=False)
    bio = forms.CharField(
        label=_("Short introduction"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Up to 1,000 characters: your experience and how you help companies."),
    )
    contact_email = forms.EmailField(label=_("Public contact e-mail address"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(
        label=_("List me in the public advisor directory"),
        required=False,
        help_text=_("You appear once the registration body has verified a qualification."),
    )
    coi_statement = forms.CharField(
        label=_("Conflict-of-interest declaration"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Companies you have a financial or personal interest in, or work for as a "
            "consultant or auditor. Write “none” if there are none."
        ),
    )
    coi_confirm = forms.BooleanField(
        label=_("I declare that this conflict-of-interest declaration is complete and true."),
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer_field = self.fields["employer"]
        assert isinstance(employer_field, forms.ModelChoiceField)  # noqa: S101 (narrowing only)
        employer_field.queryset = employers_for(user)

    @staticmethod
    def initial_for(profile: AdvisorProfile) -> dict[str, Any]:
        return {
            "display_name": profile.display_name,
            "mode": profile.mode,
            "employer": profile.employer_id,
            "nationwide": profile.nationwide,
            "prefectures": [area.prefecture for area in profile.areas.all()],
            "industries": [item.industry for item in profile.industries.all()],
            "speaks_japanese": profile.speaks_japanese,
            "speaks_english": profile.speaks_english,
            "bio": profile.bio,
            "contact_email": profile.contact_email,
            "website": profile.website,
            "is_public": profile.is_public,
            "coi_statement": profile.coi_statement,
        }

    def to_data(self) -> AdvisorProfileData:
        data = self.cleaned_data
        return AdvisorProfileData(
            display_name=data["display_name"],
            mode=data["mode"],
            employer=data["employer"],
            nationwide=data["nationwide"],
            prefectures=data["prefectures"],
            industries=data["industries"],
            speaks_japanese=data["speaks_japanese"],
            speaks_english=data["speaks_english"],
            bio=data["bio"],
            contact_email=data["contact_email"],
            website=data["website"],
            is_public=data["is_public"],
            coi_statement=data["coi_statement"],
        )


class QualificationForm(forms.Form):
    """One of the advisor's qualifications."""

    kind = forms.ChoiceField(label=_("Qualification"), choices=Qualification.Kind.choices)
    other_name = forms.CharField(
        label=_("Name of the qualification"),
        required=False,
        max_length=200,
        help_text=_("Only for “Other qualification”."),
    )
    number = forms.CharField(
        label=_("Registration or certificate number"),
        max_length=40,
        help_text=_("For a RISS, the six-digit registration number (e.g. 012345)."),
    )
    obtained_on = forms.DateField(label=_("Obtained on"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if it does not expire."),
    )
    evidence_note = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Where the registration body can check it, e.g. a public register or a "
            "certificate you can show. Only the registration body sees this."
        ),
    )

    @staticmethod
    def initial_for(qualification: Qualification) -> dict[str, Any]:
        return {
            "kind": qualification.kind,
            "other_name": qualification.other_name,
            "number": qualification.number,
            "obtained_on": qualification.obtained_on,
            "expires_on": qualification.expires_on,
            "evidence_note": qualification.evidence_note,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Qualification.Kind.OTHER and not (data.get("other_name") or "").strip():
            self.add_error("other_name", _("Enter the name of the qualification."))
        if kind and data.get("number"):
            try:
                data["number"] = normalise_qualification_number(kind, data["number"])
            except ValidationError as error:
                self.add_error("number", error)
        obtained: datetime.date | None = data.get("obtained_on")
        expires: datetime.date | None = data.get("expires_on")
        if obtained and obtained > timezone.localdate():
            self.add_error("obtained_on", _("The date obtained cannot be in the future."))
        if obtained and expires and expires <= obtained:
            self.add_error("expires_on", _("The expiry date must come after the date obtained."))
        return data

    def to_data(self) -> QualificationData:
        data = self.cleaned_data
        return QualificationData(
            kind=data["kind"],
            other_name=data["other_name"],
            number=data["number"],
            obtained_on=data["obtained_on"],
            expires_on=data["expires_on"],
            evidence_note=data["evidence_note"],
        )


class ReasonForm(forms.Form):
    """The reason for a decision of the registration body."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The advisor sees this reason."),
    )
