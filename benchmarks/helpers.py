"""What the benchmarks share: timing, result checks and holders built in bulk."""

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.corporate_number import check_digit
from accounts.models import Membership, Organisation, User


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run `fn`; return the seconds it took and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def check(condition: bool, message: str = "") -> None:
    """A correctness check that survives `python -O` (benchmarks assert results, never speed)."""
    if not condition:
        raise AssertionError(message)


def corporate_number(n: int, *, base: int) -> str:
    """The n-th valid 法人番号 of a benchmark's own range (`base` keeps benchmarks apart)."""
    digits = f"{base + n:012d}"
    return f"{check_digit(digits)}{digits}"


def unsaved_organisation(name: str, number: str) -> Organisation:
    """An unsaved organisation with the fields a holder needs."""
    return Organisation(
        name=name,
        corporate_number=number,
        prefecture="13",
        address="東京都千代田区",
        industry="E",
        size_band="21-50",
    )


def holders_with_admins(count: int, *, base: int) -> list[Organisation]:
    """`count` organisations, each with one administrator (the reminders' recipient), built in
    bulk."""
    organisations = Organisation.objects.bulk_create(
        [
            unsaved_organisation(f"株式会社ベンチ{i}", corporate_number(i, base=base))
            for i in range(count)
        ],
        batch_size=5000,
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"admin{i}@bench.example.jp", password=unusable)
            for i in range(len(organisations))
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=org, is_admin=True)
            for user, org in zip(users, organisations, strict=True)
        ],
        batch_size=5000,
    )
    return organisations
