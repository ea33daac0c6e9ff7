"""Registrations (the ★ an organisation holds), their history, the registration body's
decisions on ★3 applications, and the send-markers of the scheduled reminders."""

from .registrations import (
    NUMBER_PATTERN,
    Registration,
    RegistrationCounter,
    RegistrationEvent,
    certificate_path,
)
from .reminders import Reminder, ReviewNudge
from .reviews import RegistrationDecision

__all__ = [
    "NUMBER_PATTERN",
    "Registration",
    "RegistrationCounter",
    "RegistrationDecision",
    "RegistrationEvent",
    "Reminder",
    "ReviewNudge",
    "certificate_path",
]
