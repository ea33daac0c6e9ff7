"""A privileged-role check registered by the accounts tests (ACCOUNTS_PRIVILEGED_ROLE_CHECKS), so
that MFA enforcement is tested independently of the bodies app's roles."""

from typing import Any

PRIVILEGED_GROUP = "test-privileged-role"


def group_roles(user: Any) -> list[str]:
    """["test_reviewer"] for members of the PRIVILEGED_GROUP group."""
    if user.groups.filter(name=PRIVILEGED_GROUP).exists():
        return ["test_reviewer"]
    return []
