"""Template helpers of the accounts app."""

from typing import Any

from django import template

from accounts.selectors import user_is_privileged

register = template.Library()


@register.filter
def is_privileged(user: Any) -> bool:
    """`{% if user|is_privileged %}`: MFA is mandatory for this user."""
    return user_is_privileged(user)
