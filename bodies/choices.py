"""Fixed classifications of the scheme's bodies and their staff.

The registry supports both shapes of the scheme: the final one (IPA operates the scheme and
designates evaluation bodies, technical verification providers and training providers) and the
interim report's one (a registration body, an accreditation body and evaluation bodies). One
organisation may hold several roles, e.g. the operator is registration *and* accreditation body.
"""

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyRole(models.TextChoices):
    """A role an organisation holds in running the scheme."""

    REGISTRATION = "registration", _("Registration body / scheme operator")
    ACCREDITATION = "accreditation", _("Accreditation / designation body")
    EVALUATION = "evaluation", _("Evaluation body")
    VERIFICATION = "verification", _("Technical verification provider")
    TRAINING = "training", _("Training provider")


# Roles an accreditation body grants for a limited period (a Designation); the operator roles
# (registration, accreditation) are appointed by the platform administrator instead.
DESIGNATED_ROLES: tuple[str, ...] = (
    BodyRole.EVALUATION.value,
    BodyRole.VERIFICATION.value,
    BodyRole.TRAINING.value,
)
OPERATOR_ROLES: tuple[str, ...] = (BodyRole.REGISTRATION.value, BodyRole.ACCREDITATION.value)


class StaffRole(models.TextChoices):
    """A privileged role a person holds inside a scheme body (MFA is enforced for all of them)."""

    REGISTRATION_STAFF = "registration_staff", _("Registration staff")
    ACCREDITATION_STAFF = "accreditation_staff", _("Accreditation staff")
    EVALUATOR = "evaluator", _("Evaluator")
    LEAD_EVALUATOR = "lead_evaluator", _("Lead evaluator")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    VERIFIER = "verifier", _("Technical verifier")
    TRAINER = "trainer", _("Trainer")


# Which staff roles make sense at a body holding a given role. ★4 decisions must be taken by
# someone who did not evaluate (ISO/IEC 17065 7.6.2); that is why decision maker is its own role.
STAFF_ROLES_FOR_BODY_ROLE: Mapping[str, tuple[str, ...]] = {
    BodyRole.REGISTRATION: (StaffRole.REGISTRATION_STAFF,),
    BodyRole.ACCREDITATION: (StaffRole.ACCREDITATION_STAFF,),
    BodyRole.EVALUATION: (
        StaffRole.EVALUATOR,
        StaffRole.LEAD_EVALUATOR,
        StaffRole.DECISION_MAKER,
    ),
    BodyRole.VERIFICATION: (StaffRole.VERIFIER,),
    BodyRole.TRAINING: (StaffRole.TRAINER,),
}

# The names under which an active advisor, and an administrator of a scheme body's organisation
# (who grants its staff roles), appear in `user_privileged_roles`.
ADVISOR_ROLE = "advisor"
BODY_ADMIN_ROLE = "scheme_body_admin"
