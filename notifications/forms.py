"""Forms of the notifications app."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OPTIONAL_KINDS, Kind


class PreferencesForm(forms.Form):
    """Which optional notices the user receives (in the portal and by e-mail)."""

    enabled = forms.MultipleChoiceField(
        label=_("Optional notices I want to receive"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Decisions on applications, changes to your registrations and work assigned to you "
            "are always sent: they cannot be switched off."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enabled"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - declared above
        field.choices = [(value, label) for value, label in Kind.choices if value in OPTIONAL_KINDS]
