"""Forms of the accounts app. They validate input; the services apply the rules."""

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .choices import Industry, Prefecture, SizeBand
from .corporate_number import normalise_corporate_number
from .models import Membership, Organisation, User

ROLE_CHOICES = Membership.Role.choices
ROLE_HELP = {
    "admin": _("Invites and removes members and grants roles."),
    "member": _("Works on the organisation's self-assessments and applications."),
    "executive": _("May sign the management declaration of conformity."),
    "procurer": _("Uses the procurer tools to check and follow suppliers."),
}


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the person's name and preferred language."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("As you would like it shown to others, e.g. 山田 太郎."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages and e-mails use this language."),
    )

    field_order = ["email", "name", "language", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if current in dict(settings.LANGUAGES):
            self.fields["language"].initial = current


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's TOTP activation, which also spends the code it was shown, so that the code
    typed to enrol cannot be replayed to sign in during the same 30-second step."""

    def clean_code(self) -> str:
        code: str = super().clean_code()
        # The replay cache is keyed by user and code; a throw-away Authenticator carries the user.
        TOTP(Authenticator(user=self.user, type=Authenticator.Type.TOTP))._mark_code_used(code)
        return code


class ProfileForm(forms.ModelForm):
    """The user's own name and preferred language."""

    class Meta:
        model = User
        fields = ["name", "language"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}


class CorporateNumberField(forms.CharField):
    """A 法人番号: full-width digits, spaces and hyphens are accepted and normalised."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "help_text", _("13 digits; hyphens, spaces and full-width digits are accepted.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        text: str = super().clean(value)
        if not text and not self.required:
            return ""
        return normalise_corporate_number(text)


def _choose(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """An empty first option, so that nothing is chosen without the user choosing it."""
    return [("", _("Choose…")), *choices]


class OrganisationForm(forms.Form):
    """Registering an organisation."""

    name = forms.CharField(label=_("Legal name"), max_length=200)
    name_kana = forms.CharField(
        label=_("Name in kana"),
        max_length=200,
        required=False,
        help_text=_("In katakana, e.g. カブシキガイシャミナトセイキ."),
    )
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    corporate_number = CorporateNumberField(label=_("Corporate number (法人番号)"))
    prefecture = forms.ChoiceField(label=_("Prefecture"), choices=_choose(Prefecture.choices))
    address = forms.CharField(label=_("Head-office address"), max_length=300)
    industry = forms.ChoiceField(label=_("Industry"), choices=_choose(Industry.choices))
    size_band = forms.ChoiceField(label=_("Number of employees"), choices=_choose(SizeBand.choices))
    parent_corporate_number = CorporateNumberField(
        label=_("Parent company's corporate number"),
        required=False,
        help_text=_(
            "Optional: for a member of a corporate group, the 法人番号 of its parent company, "
            "which must be an organisation you administer."
        ),
    )

    def __init__(self, *args: Any, administered: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.administered = (
            administered if administered is not None else Organisation.objects.none()
        )

    def clean_corporate_number(self) -> str:
        number: str = self.cleaned_data["corporate_number"]
        if Organisation.objects.filter(corporate_number=number).exists():
            raise ValidationError(
                _("An organisation with this corporate number is already registered."),
                code="duplicate",
            )
        return number

    def clean_parent_corporate_number(self) -> Organisation | None:
        number = self.cleaned_data.get("parent_corporate_number")
        if not number:
            return None
        parent = self.administered.filter(corporate_number=number).first()
        if parent is None:
            raise ValidationError(
                _("None of the organisations you administer has this corporate number."),
                code="parent_not_administered",
            )
        return parent


class RolesField(forms.MultipleChoiceField):
    """Membership roles as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", ROLE_CHOICES)
        kwargs.setdefault("label", _("Roles"))
        super().__init__(**kwargs)


class InvitationForm(forms.Form):
    """Inviting somebody by e-mail with the roles to grant."""

    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    roles = RolesField(initial=["member"])

    def __init__(self, *args: Any, grantable: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = self.fields["roles"]
        assert isinstance(roles, RolesField)  # noqa: S101 (declared above)
        roles.choices = [(value, label) for value, label in ROLE_CHOICES if value in grantable]


class MembershipRolesForm(forms.Form):
    """Changing a member's roles."""

    roles = RolesField()


class AuditFilterForm(forms.Form):
    """Filters of the audit trail."""

    action = forms.CharField(label=_("Action"), required=False, max_length=100)
    actor = forms.CharField(label=_("Actor (e-mail or name)"), required=False, max_length=150)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data
