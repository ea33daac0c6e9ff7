"""Registrations (the ★ an organisation holds), their history, the registration body's
decisions on ★3 applications, and the send-markers of the scheduled reminders."""

from .annual import AnnualSelfAssessment, annual_attachment_path
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
    "AnnualSelfAssessment",
    "Registration",
    "RegistrationCounter",
    "RegistrationDecision",
    "RegistrationEvent",
    "Reminder",
    "ReviewNudge",
    "annual_attachment_path",
    "certificate_path",
]
