"""Small template helpers of the assessments pages."""

from typing import Any

from django import template

from ..models import Answer, Application, CriterionReview

register = template.Library()

_STATUS_TONES: dict[str, str] = {
    Application.Status.DRAFT: "neutral",
    Application.Status.IN_REVIEW: "neutral",
    Application.Status.RETURNED: "warning",
    Application.Status.APPROVED: "success",
    Application.Status.DECLARED: "success",
    Application.Status.SUBMITTED: "neutral",
    Application.Status.REGISTERED: "success",
    Application.Status.REJECTED: "error",
    Application.Status.WITHDRAWN: "neutral",
}

_ANSWER_TONES: dict[str, str] = {
    "": "warning",
    Answer.Status.IMPLEMENTED: "success",
    Answer.Status.PARTLY: "warning",
    Answer.Status.NOT_IMPLEMENTED: "error",
    Answer.Status.NOT_APPLICABLE: "neutral",
}


@register.filter
def status_tone(application: Application) -> str:
    """The badge modifier for an application's status."""
    return _STATUS_TONES.get(application.status, "neutral")


@register.filter
def answer_tone(status: str) -> str:
    """The badge modifier for an answer status ("" = not answered)."""
    return _ANSWER_TONES.get(status, "neutral")


@register.filter
def answer_label(status: str) -> str:
    """The translated label of an answer status, or "Not answered"."""
    from django.utils.translation import gettext

    if not status:
        return gettext("Not answered")
    return str(Answer.Status(status).label)


@register.filter
def verdict_tone(verdict: str) -> str:
    return "success" if verdict == CriterionReview.Verdict.PASS else "warning"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping[key]` or None (for dicts keyed by ids in the context)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.inclusion_tag("assessments/includes/renewal_for_registration.html", takes_context=True)
def renewal_for_registration(context: template.Context, registration: Any) -> dict[str, Any]:
    """On a registration's page: "Start the renewal" when the signed-in user may start it now,
    or a link to the renewal already under way."""
    from .. import selectors

    application = getattr(registration, "application", None)
    user = context.get("user")
    result: dict[str, Any] = {"application": application, "csrf_token": context.get("csrf_token")}
    if application is None or user is None:
        return result
    from ..permissions import can_renew_application

    if not can_renew_application(user, application):
        return result
    result["existing_renewal"] = selectors.existing_renewal(application)
    result["can_renew"] = selectors.can_renew_now(user, application)
    return result
