"""`{% load notifications_tags %}`: the unread count for the header's bell."""

from django import template
from django.template.context import Context

from ..selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: Context) -> int:
    """How many notifications of the signed-in user are unread (0 for anonymous visitors)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return unread_count(user)
