"""Helpers for state machines whose allowed transitions are kept as data in <app>/workflows.py."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from .exceptions import TransitionNotAllowed


def ensure_transition(current: str, target: str, table: Mapping[str, frozenset[str]]) -> None:
    """Raise TransitionNotAllowed unless `table` allows moving from `current` to `target`."""
    if target not in table.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("This action is not possible in the current state (%(current)s → %(target)s).")
            % {"current": current, "target": target}
        )
