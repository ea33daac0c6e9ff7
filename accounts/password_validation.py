"""Password rules that depend on who the user is."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors import user_is_privileged


class RoleAwareMinimumLengthValidator:
    """At least `min_length` characters for everyone and `privileged_min_length` for users who
    hold a privileged role (staff, scheme bodies, advisors), as ASVS 6.2.1 recommends."""

    def __init__(self, min_length: int = 12, privileged_min_length: int = 15) -> None:
        self.min_length = min_length
        self.privileged_min_length = privileged_min_length

    def required_length(self, user: Any = None) -> int:
        if user is not None and user_is_privileged(user):
            return self.privileged_min_length
        return self.min_length

    def validate(self, password: str, user: Any = None) -> None:
        required = self.required_length(user)
        if len(password) < required:
            raise ValidationError(
                ngettext(
                    "This password is too short. It must contain at least %(min_length)d "
                    "character.",
                    "This password is too short. It must contain at least %(min_length)d "
                    "characters.",
                    required,
                ),
                code="password_too_short",
                params={"min_length": required},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(min_length)d characters "
            "(%(privileged_min_length)d if you hold a privileged role)."
        ) % {"min_length": self.min_length, "privileged_min_length": self.privileged_min_length}
