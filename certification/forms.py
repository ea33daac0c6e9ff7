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


class AnnualSelfAssessmentForm(forms.Form):
    """The holder's annual statement to the evaluation body (the service checks the rest)."""

    MAINTAINED_CHOICES = [
        ("yes", _("Yes, every measure evaluated is still in place")),
        ("no", _("No, some measures changed or are no longer in place")),
    ]

    measures_maintained = forms.ChoiceField(
        label=_("Are the measures evaluated still in place?"),
        choices=MAINTAINED_CHOICES,
        widget=forms.RadioSelect,
    )
    changes = forms.CharField(
        label=_("Changes since the evaluation"),
        help_text=_(
            "Changes to the scope, the organisation, the systems or the measures (required "
            "when a measure is no longer in place)."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    incidents = forms.CharField(
        label=_("Security incidents"),
        help_text=_("Incidents in the scope since the evaluation or the last self-assessment."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    statement = forms.CharField(
        label=_("Further remarks"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        help_text=_(
            "For example the filled-in self-assessment sheet. PDF, images, Word, Excel, "
            "PowerPoint, text or CSV; the type is checked from the content."
        ),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("measures_maintained") == "no"
            and not (cleaned.get("changes") or "").strip()
        ):
            self.add_error(
                "changes",
                _("Describe which measures are no longer in place, and why, under the changes."),
            )
        return cleaned


class AnnualReviewForm(forms.Form):
    """The evaluation body accepts or returns an annual self-assessment."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for completion"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the holder"),
        help_text=_("Required when you return it: say what must be completed or corrected."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what the holder must complete or correct."))
        return cleaned
