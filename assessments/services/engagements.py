"""Engaging a qualified advisor: the applicant invites, the advisor accepts (declaring no
conflict of interest) or declines, either side may end it before the review starts."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bodies.models import AdvisorProfile
from bodies.selectors import advisor_directory, advisor_is_qualified
from core.exceptions import DomainError
from core.services import audit_record
from core.workflows import ensure_transition

from .. import emails
from ..models import AdvisorEngagement, Application
from ..permissions import can_edit_application, can_end_engagement, can_respond_to_engagement
from ..workflows import EDITABLE_STATES, ENGAGEMENT_TRANSITIONS
from ._common import lock_application, require

E = AdvisorEngagement.Status


def engagement_kind_for(application: Application, advisor: AdvisorProfile) -> str:
    """Internal when the advisor is a member of the applicant, external otherwise."""
    internal = application.organisation.memberships.filter(user_id=advisor.user_id).exists()
    return AdvisorEngagement.Kind.INTERNAL if internal else AdvisorEngagement.Kind.EXTERNAL


def _check_advisor(application: Application, advisor: AdvisorProfile, kind: str) -> None:
    today = timezone.localdate()
    if not advisor_is_qualified(advisor, on=today):
        raise DomainError(
            _("This advisor has no verified qualification valid today and cannot be engaged."),
            code="advisor_not_qualified",
        )
    if kind == AdvisorEngagement.Kind.INTERNAL:
        if advisor.mode == AdvisorProfile.Mode.EXTERNAL:
            raise DomainError(
                _("This advisor does not act as an internal advisor."),
                code="advisor_not_internal",
            )
    elif not advisor_directory(mode="external", on=today).filter(pk=advisor.pk).exists():
        raise DomainError(
            _("External advisors are chosen from the public advisor directory."),
            code="advisor_not_listed",
        )


@transaction.atomic
def engagement_invite(
    *, application: Application, advisor: AdvisorProfile, by: User, message: str = ""
) -> AdvisorEngagement:
    """Invite `advisor` to review the application: a member of the applicant who holds an
    advisor profile (internal) or an advisor from the public directory (external). Only one
    engagement is open at a time; the advisor is told by e-mail."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    if application.status not in EDITABLE_STATES:
        raise DomainError(
            _("An advisor can be invited while the application is a draft or returned."),
            code="not_editable",
        )
    if AdvisorEngagement.objects.filter(
        application=application, status__in=[E.INVITED, E.ACCEPTED]
    ).exists():
        raise DomainError(
            _("An advisor is already invited or engaged. End that engagement first."),
            code="engagement_open",
        )
    kind = engagement_kind_for(application, advisor)
    _check_advisor(application, advisor, kind)
    engagement = AdvisorEngagement.objects.create(
        application=application,
        advisor=advisor,
        kind=kind,
        invited_by=by,
        message=message.strip(),
    )
    audit_record(
        action="assessments.engagement.invited",
        by=by,
        obj=engagement,
        data={"application": application.pk, "advisor": advisor.pk, "kind": kind},
    )
    transaction.on_commit(lambda: emails.engagement_invited(engagement))
    return engagement


def _lock_engagement(engagement: AdvisorEngagement) -> AdvisorEngagement:
    return (
        AdvisorEngagement.objects.select_for_update(of=("self",))
        .select_related("application", "advisor__user", "invited_by")
        .get(pk=engagement.pk)
    )


@transaction.atomic
def engagement_accept(
    *,
    engagement: AdvisorEngagement,
    by: User,
    no_conflict: bool,
    coi_declaration: str,
) -> AdvisorEngagement:
    """The invited advisor accepts, declaring that they have no conflict of interest with the
    applicant (`no_conflict` must be confirmed and the declaration written). From now on they
    see the application and its evidence."""
    engagement = _lock_engagement(engagement)
    require(can_respond_to_engagement(by, engagement))
    ensure_transition(engagement.status, E.ACCEPTED, ENGAGEMENT_TRANSITIONS)
    if engagement.application.is_final:
        raise DomainError(_("This application is closed."), code="application_closed")
    if not no_conflict or not coi_declaration.strip():
        raise DomainError(
            _(
                "Confirm that you have no conflict of interest and describe your relation to the "
                "applicant."
            ),
            code="coi_required",
        )
    now = timezone.now()
    engagement.status = E.ACCEPTED
    engagement.coi_declaration = coi_declaration.strip()
    engagement.coi_accepted_at = now
    engagement.responded_at = now
    engagement.save(
        update_fields=["status", "coi_declaration", "coi_accepted_at", "responded_at", "updated_at"]
    )
    audit_record(
        action="assessments.engagement.accepted",
        by=by,
        obj=engagement,
        data={"application": engagement.application_id, "coi": engagement.coi_declaration},
    )
    transaction.on_commit(lambda: emails.engagement_answered(engagement))
    return engagement


@transaction.atomic
def engagement_decline(
    *, engagement: AdvisorEngagement, by: User, reason: str = ""
) -> AdvisorEngagement:
    """The invited advisor declines; the applicant may then invite someone else."""
    engagement = _lock_engagement(engagement)
    require(can_respond_to_engagement(by, engagement))
    ensure_transition(engagement.status, E.DECLINED, ENGAGEMENT_TRANSITIONS)
    engagement.status = E.DECLINED
    engagement.decline_reason = reason.strip()
    engagement.responded_at = timezone.now()
    engagement.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
    audit_record(
        action="assessments.engagement.declined",
        by=by,
        obj=engagement,
        data={"application": engagement.application_id, "reason": engagement.decline_reason},
    )
    transaction.on_commit(lambda: emails.engagement_answered(engagement))
    return engagement


def _end(engagement: AdvisorEngagement, by: User | None, reason: str) -> None:
    ensure_transition(engagement.status, E.ENDED, ENGAGEMENT_TRANSITIONS)
    engagement.status = E.ENDED
    engagement.ended_at = timezone.now()
    engagement.end_reason = reason.strip()
    engagement.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    audit_record(
        action="assessments.engagement.ended",
        by=by,
        obj=engagement,
        data={"application": engagement.application_id, "reason": engagement.end_reason},
    )


@transaction.atomic
def engagement_end(
    *, engagement: AdvisorEngagement, by: User, reason: str = ""
) -> AdvisorEngagement:
    """End an invitation or engagement before the review starts or after it was returned:
    the applicant cancels or changes advisor, or the advisor steps down. During a review round
    the engagement cannot end (the round needs its advisor); withdrawing ends it."""
    engagement = _lock_engagement(engagement)
    require(can_end_engagement(by, engagement))
    if engagement.application.status not in EDITABLE_STATES:
        raise DomainError(
            _("The advisor can only be changed while the application is a draft or returned."),
            code="not_editable",
        )
    _end(engagement, by, reason)
    transaction.on_commit(lambda: emails.engagement_ended(engagement))
    return engagement


def end_open_engagements(
    *, application: Application, by: User | None, reason: str
) -> list[AdvisorEngagement]:
    """End every open engagement of an application that reached a final state (withdrawn here;
    registered or rejected by the registration body's services), so that the advisor's access
    ends with it. Call inside the caller's transaction."""
    engagements = list(
        AdvisorEngagement.objects.select_for_update(of=("self",))
        .select_related("advisor__user")
        .filter(application=application, status__in=[E.INVITED, E.ACCEPTED])
    )
    for engagement in engagements:
        _end(engagement, by, reason)
    return engagements
