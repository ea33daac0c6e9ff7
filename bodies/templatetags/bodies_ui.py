"""Status badges of the bodies app (`{% load bodies_ui %}`)."""

from django import template
from django.utils.safestring import SafeString

from core.templatetags.ui import badge

from ..models import AdvisorProfile, Designation, Qualification

register = template.Library()

_DESIGNATION_TONES: dict[str, str] = {
    Designation.State.VALID: "success",
    Designation.State.NOT_YET_VALID: "info",
    Designation.State.EXPIRED: "neutral",
    Designation.State.SUSPENDED: "warning",
    Designation.State.WITHDRAWN: "error",
}
_QUALIFICATION_TONES: dict[str, str] = {
    Qualification.Status.UNVERIFIED: "info",
    Qualification.Status.VERIFIED: "success",
    Qualification.Status.REJECTED: "error",
}
_ADVISOR_TONES: dict[str, str] = {
    AdvisorProfile.Status.ACTIVE: "success",
    AdvisorProfile.Status.SUSPENDED: "warning",
}


@register.simple_tag
def designation_badge(designation: Designation) -> SafeString:
    """The designation's state today (dates and decisions combined) as a badge."""
    state = designation.current_state
    return badge(Designation.State(state).label, _DESIGNATION_TONES[state])


@register.simple_tag
def qualification_badge(qualification: Qualification) -> SafeString:
    return badge(qualification.get_status_display(), _QUALIFICATION_TONES[qualification.status])


@register.simple_tag
def advisor_status_badge(profile: AdvisorProfile) -> SafeString:
    return badge(profile.get_status_display(), _ADVISOR_TONES[profile.status])
