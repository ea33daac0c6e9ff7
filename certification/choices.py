"""Fixed classifications of the registration lifecycle: what a change is, why it was made, and
the statuses the public sees."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """A named change of a registration's status; each is one service."""

    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Lift the suspension")
    REVOKE = "revoke", _("Revoke")
    WITHDRAW = "withdraw", _("Withdraw")
    EXPIRE = "expire", _("Expire")
    SUPERSEDE = "supersede", _("Supersede by the renewal")


class ReasonCode(models.TextChoices):
    """Why a registration was created or changed. The code goes to the public ledger; the
    published free-text reason explains it in the decision-maker's words."""

    REGISTERED = "registered", _("Registered after review")
    RENEWED = "renewed", _("Renewed")
    FALSE_REPORT = "false_report", _("False or misleading report")
    CONCEALMENT = "concealment", _("Concealment of facts")
    NONCONFORMITY = "nonconformity", _("Requirements no longer met")
    INCIDENT = "incident", _("Serious incident under investigation")
    OBLIGATION_UNMET = "obligation_unmet", _("Scheme obligation not met")
    CORRECTED = "corrected", _("Corrective action confirmed")
    CLEARED = "cleared", _("Investigation closed without finding")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    BUSINESS_CLOSED = "business_closed", _("Business closed or merged")
    SCOPE_CHANGED = "scope_changed", _("Scope changed substantially")
    VALIDITY_ENDED = "validity_ended", _("Validity ended")
    OTHER = "other", _("Other reason")


class EffectiveStatus(models.TextChoices):
    """The status the public sees: the stored status combined with the dates (today in Tokyo).

    `not_yet_valid` exists only here: a renewal registered before the registration it continues
    has ended, waiting for its first day.
    """

    ACTIVE = "active", _("Active")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn by the holder")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded by its renewal")
