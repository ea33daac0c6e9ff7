"""Fixtures of the accounts tests."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from tests.accounts.roles import PRIVILEGED_GROUP


@pytest.fixture
def make_privileged(settings: pytest.FixtureRequest) -> Callable[[User], User]:
    """Registers the tests' own privileged-role check and returns a function that gives a user
    that role."""
    settings.ACCOUNTS_PRIVILEGED_ROLE_CHECKS = [  # type: ignore[attr-defined]
        "tests.accounts.roles.group_roles"
    ]

    def make(user: User) -> User:
        group, _created = Group.objects.get_or_create(name=PRIVILEGED_GROUP)
        user.groups.add(group)
        return user

    return make
