"""Forms of the assessments app: they validate input; services do the work."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from bodies.models import AdvisorProfile

from .files import accepted_types_text
from .models import Answer, CriterionReview


class OrganisationChoiceForm(forms.Form):
    """Step 1 of starting an application when the user belongs to several organisations."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation applying"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ScopeForm(forms.Form):
    """The scope of the application: legal entities, sites and the IT that is covered."""

    covered_entities = forms.ModelMultipleChoiceField(
        label=_("Subsidiaries included in the scope"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The applicant itself is always included. Tick any subsidiaries that the "
            "scope also covers."
        ),
    )
    sites = forms.CharField(
        label=_("Sites"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One site per line, e.g. “Head office (Chiyoda, Tokyo)”."),
        max_length=5000,
    )
    infrastructure = forms.CharField(
        label=_("Internet-connected IT infrastructure in scope"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: office network with one internet line, 12 laptops, a file "
            "server, the company website."
        ),
        max_length=5000,
    )
    cloud_services = forms.CharField(
        label=_("Cloud and managed services used"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "For example: e-mail and office software in the cloud, accounting software, "
            "a managed website."
        ),
        max_length=5000,
    )
    all_it_outsourced = forms.BooleanField(
        label=_("All of our IT is run by outside providers"), required=False
    )

    def __init__(self, *args: Any, subsidiaries: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["covered_entities"]
        field.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in subsidiaries]
        ).order_by("name")
        if not subsidiaries:
            del self.fields["covered_entities"]

    def clean_sites(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["sites"].splitlines() if line.strip()]


class AnswerForm(forms.Form):
    """One criterion's answer; the prefix is "c-<criterion code>"."""

    status = forms.ChoiceField(
        label=_("Implementation status"),
        choices=Answer.Status.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("How it is met"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    na_justification = forms.CharField(
        label=_("Why it does not apply"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you choose “not applicable”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EffortForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours spent so far"),
        required=False,
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(99999))],
        help_text=_(
            "Optional. The total time your organisation spent on this application; used "
            "only for the scheme's statistics."
        ),
    )


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Accepted: %(types)s.") % {"types": accepted_types_text()},
    )
    answers = forms.ModelMultipleChoiceField(
        label=_("Criteria this file supports"),
        queryset=Answer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, answers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["answers"]
        field.queryset = answers  # type: ignore[attr-defined]
        field.label_from_instance = lambda answer: (  # type: ignore[attr-defined]
            f"{answer.criterion.code} {answer.criterion.statement}"
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChecklistUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in checklist (.xlsx)"),
        help_text=_("The Excel checklist downloaded from this application, with your changes."),
    )


class InviteAdvisorForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("Advisor"),
        queryset=AdvisorProfile.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    message = forms.CharField(
        label=_("Message to the advisor (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, advisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors  # type: ignore[attr-defined]


class AdvisorSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or keyword"), required=False, max_length=100)


class EngagementAcceptForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=_("I declare that I have no conflict of interest with this applicant."),
        required=True,
    )
    coi_declaration = forms.CharField(
        label=_("Your relation to the applicant"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: “No business, capital or family relation; I have not advised "
            "them before.” or, for an internal advisor, your position."
        ),
    )


class EngagementDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CriterionReviewForm(forms.Form):
    """The advisor's verdict on one criterion; the prefix is "r-<criterion code>"."""

    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=CriterionReview.Verdict.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “needs work”: say what to change or add."),
    )


class ReviewDecisionForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeclarationForm(forms.Form):
    signer_name = forms.CharField(label=_("Your name"), max_length=150)
    signer_title = forms.CharField(
        label=_("Your title"), max_length=150, help_text=_("For example: 代表取締役")
    )
    confirm = forms.BooleanField(
        label=_("I have read the declaration and sign it on behalf of the organisation."),
        required=True,
    )
