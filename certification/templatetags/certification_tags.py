"""`{% load certification_tags %}`: status badges of registrations."""

from django import template
from django.utils.safestring import SafeString

from core.templatetags.ui import badge

from ..choices import EffectiveStatus

register = template.Library()

TONES = {
    EffectiveStatus.ACTIVE: "success",
    EffectiveStatus.NOT_YET_VALID: "info",
    EffectiveStatus.SUSPENDED: "warning",
    EffectiveStatus.REVOKED: "error",
    EffectiveStatus.WITHDRAWN: "neutral",
    EffectiveStatus.EXPIRED: "neutral",
    EffectiveStatus.SUPERSEDED: "neutral",
}


@register.simple_tag
def registration_status_badge(status: str) -> SafeString:
    """The effective status as a badge whose text carries the meaning (colour only repeats it)."""
    value = EffectiveStatus(status)
    return badge(value.label, TONES[value])
