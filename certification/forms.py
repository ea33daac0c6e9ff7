"""Forms of the certification app: they validate input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Application

from .selectors import scheme_today
from .workflows import REASON_TEXT_REQUIRED, reason_choices


class QueueFilterForm(forms.Form):
    """Filters of the registration body's queue."""

    STATUS_CHOICES = [
        (Application.Status.SUBMITTED, _("Waiting for a decision")),
        (Application.Status.RETURNED, _("Returned for revision")),
        (Application.Status.REGISTERED, _("Registered")),
        (Application.Status.REJECTED, _("Rejected")),
        ("all", _("All")),
    ]

    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, initial="submitted"
    )
    organisation = forms.CharField(
        label=_("Organisation (name or corporate number)"), required=False, max_length=100
    )
    older_than_days = forms.IntegerField(
        label=_("Submitted more than … days ago"), required=False, min_value=0, max_value=3650
    )


class ReasonsForm(forms.Form):
    """The reasons the registration body gives when it returns or rejects a submission."""

    reasons = forms.CharField(
        label=_("Reasons for the applicant"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Say what is missing or wrong and what the applicant should do."),
    )


class LifecycleForm(forms.Form):
    """A status change of a registration: a reason code, the reason that will be published and
    the day it takes effect (today or earlier)."""

    reason_code = forms.ChoiceField(label=_("Reason"))
    reason = forms.CharField(
        label=_("Published reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_("Shown on the public verification page and recorded in the public ledger."),
    )
    effective_on = forms.DateField(
        label=_("Effective date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today or an earlier day; not before the registration or its last change."),
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("effective_on", scheme_today())
        super().__init__(*args, **kwargs)
        reason_code = self.fields["reason_code"]
        assert isinstance(reason_code, forms.ChoiceField)  # noqa: S101 - declared above
        reason_code.choices = reason_choices(action)
        self.fields["reason"].required = action in REASON_TEXT_REQUIRED


class VerifyForm(forms.Form):
    """Look a registration up by its number."""

    number = forms.CharField(
        label=_("Registration number"),
        max_length=32,
        help_text=_("For example SCS3-2027-000123, as printed on the certificate of registration."),
    )
