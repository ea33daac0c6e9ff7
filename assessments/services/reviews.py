"""The advisor's review: the applicant sends the self-assessment for review (a new round with a
snapshot of every answer), the advisor records a verdict per criterion and then returns the
application for revision or approves it."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bodies.models import AdvisorProfile, Qualification
from bodies.selectors import advisor_is_qualified
from core.exceptions import DomainError
from core.services import audit_record
from scheme.models import Criterion

from .. import emails
from ..models import (
    AdvisorEngagement,
    Answer,
    AnswerSnapshot,
    Application,
    Approval,
    CriterionReview,
    ReviewRound,
)
from ..permissions import can_edit_application, can_review_application
from ..selectors import (
    OpenPoint,
    application_open_points,
    open_points_grouped,
    open_points_message,
    unchanged_since_review,
)
from ._common import lock_application, move, require


class SubmissionIncomplete(DomainError):  # noqa: N818 (a domain error, named for what happened)
    """The self-assessment cannot go to review yet; `points` lists what is missing."""

    code = "submission_incomplete"

    def __init__(self, application: Application, points: list[OpenPoint]) -> None:
        self.groups = open_points_grouped(application, points)
        super().__init__(open_points_message(self.groups))
        self.points = points


@transaction.atomic
def application_submit_for_review(*, application: Application, by: User) -> ReviewRound:
    """Send the self-assessment to the engaged advisor: refused with the list of open points
    while anything is missing. Starts a new review round and snapshots every answer with its
    evidence, so that the next round can show what changed."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    move(application, Application.Status.IN_REVIEW, service="reviews.application_submit_for_review")
    points = application_open_points(application)
    if points:
        raise SubmissionIncomplete(application, points)
    engagement = AdvisorEngagement.objects.select_related("advisor__user").get(
        application=application, status=AdvisorEngagement.Status.ACCEPTED
    )
    now = timezone.now()
    number = (
        ReviewRound.objects.filter(application=application).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    review_round = ReviewRound.objects.create(
        application=application,
        engagement=engagement,
        number=number,
        started_at=now,
        requested_by=by,
    )
    AnswerSnapshot.objects.bulk_create(
        [
            AnswerSnapshot(
                round=review_round,
                criterion_id=answer.criterion_id,
                status=answer.status,
                description=answer.description,
                na_justification=answer.na_justification,
                evidence=[e.as_snapshot() for e in answer.evidence_files.all()],
                answer_version=answer.version,
            )
            for answer in Answer.objects.filter(application=application).prefetch_related(
                "evidence_files"
            )
        ]
    )
    application.review_requested_at = now
    application.save(update_fields=["status", "review_requested_at", "updated_at"])
    audit_record(
        action="assessments.application.review_requested",
        by=by,
        obj=application,
        data={"round": number, "engagement": engagement.pk},
    )
    transaction.on_commit(
        lambda: emails.send(
            [engagement.advisor.user], "review_requested", application, round=review_round
        )
    )
    return review_round


def _open_round_for_advisor(application: Application, by: User) -> ReviewRound:
    """The open round of an application in review, locked; only its own advisor gets it."""
    review_round = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("engagement__advisor")
        .get(application=application, decision="")
    )
    if review_round.engagement.advisor.user_id != by.pk:
        raise DomainError(
            _("This round is reviewed by the advisor it was sent to."), code="other_advisor"
        )
    return review_round


@transaction.atomic
def criterion_review_record(
    *, application: Application, criterion: Criterion, by: User, verdict: str, comment: str
) -> CriterionReview:
    """Record (or change) the advisor's verdict on one criterion in the open round. "Needs
    work" requires a comment that tells the applicant what to fix."""
    application = lock_application(application)
    require(can_review_application(by, application))
    if application.status != Application.Status.IN_REVIEW:
        raise DomainError(
            _("The self-assessment is not waiting for a review."), code="not_in_review"
        )
    review_round = _open_round_for_advisor(application, by)
    if verdict not in CriterionReview.Verdict.values:
        raise DomainError(_("Choose pass or needs work."), code="invalid_verdict")
    comment = comment.strip()
    if verdict == CriterionReview.Verdict.NEEDS_WORK and not comment:
        raise DomainError(
            _("Say what needs to be done: a comment is required for “needs work”."),
            code="comment_required",
        )
    if not AnswerSnapshot.objects.filter(round=review_round, criterion=criterion).exists():
        raise DomainError(
            _("This criterion is not part of the application."), code="unknown_criterion"
        )
    review, _created = CriterionReview.objects.update_or_create(
        round=review_round,
        criterion=criterion,
        defaults={"verdict": verdict, "comment": comment, "reviewed_by": by},
    )
    return review


@transaction.atomic
def criteria_pass_unchanged(*, application: Application, by: User) -> list[CriterionReview]:
    """Record "pass" at once on the criteria of the open round that the review page folds away
    (`selectors.unchanged_since_review`: passed in the previous round and unchanged since, or in
    a renewal's first round unchanged since last year's approval) and that have no verdict yet
    in this round. Verdicts already given are kept; the advisor can still change any one."""
    application = lock_application(application)
    require(can_review_application(by, application))
    if application.status != Application.Status.IN_REVIEW:
        raise DomainError(
            _("The self-assessment is not waiting for a review."), code="not_in_review"
        )
    review_round = _open_round_for_advisor(application, by)
    decided = set(
        CriterionReview.objects.filter(round=review_round).values_list("criterion_id", flat=True)
    )
    pending = unchanged_since_review(review_round) - decided
    if not pending:
        raise DomainError(
            _("Every unchanged criterion already has your verdict in this round."),
            code="nothing_unchanged",
        )
    criteria = list(Criterion.objects.filter(pk__in=pending).order_by("position"))
    reviews = CriterionReview.objects.bulk_create(
        [
            CriterionReview(
                round=review_round,
                criterion=criterion,
                verdict=CriterionReview.Verdict.PASS,
                comment="",
                reviewed_by=by,
            )
            for criterion in criteria
        ]
    )
    audit_record(
        action="assessments.review.unchanged_passed",
        by=by,
        obj=application,
        data={"round": review_round.number, "criteria": [c.code for c in criteria]},
    )
    return reviews


def _verdicts(review_round: ReviewRound) -> tuple[int, int, int]:
    """(criteria in the round, passed, needing work)."""
    total = AnswerSnapshot.objects.filter(round=review_round).count()
    reviews = CriterionReview.objects.filter(round=review_round)
    passed = reviews.filter(verdict=CriterionReview.Verdict.PASS).count()
    needs_work = reviews.filter(verdict=CriterionReview.Verdict.NEEDS_WORK).count()
    return total, passed, needs_work


@transaction.atomic
def review_return(*, application: Application, by: User, summary: str = "") -> ReviewRound:
    """Return the self-assessment for revision. At least one criterion must be marked "needs
    work": the applicant then sees exactly those criteria with the advisor's comments."""
    application = lock_application(application)
    require(can_review_application(by, application))
    move(application, Application.Status.RETURNED, service="reviews.review_return")
    review_round = _open_round_for_advisor(application, by)
    _total, _passed, needs_work = _verdicts(review_round)
    if needs_work == 0:
        raise DomainError(
            _("Mark at least one criterion as “needs work” before returning the self-assessment."),
            code="nothing_to_fix",
        )
    now = timezone.now()
    review_round.decision = ReviewRound.Decision.RETURNED
    review_round.decided_at = now
    review_round.decided_by = by
    review_round.summary = summary.strip()
    review_round.save(
        update_fields=["decision", "decided_at", "decided_by", "summary", "updated_at"]
    )
    application.returned_at = now
    application.save(update_fields=["status", "returned_at", "updated_at"])
    audit_record(
        action="assessments.application.returned",
        by=by,
        obj=application,
        data={"round": review_round.number, "needs_work": needs_work},
    )
    transaction.on_commit(
        lambda: emails.send(
            emails.applicant_users(application),
            "review_returned",
            application,
            round=review_round,
            needs_work=needs_work,
        )
    )
    return review_round


def qualification_facts(advisor: AdvisorProfile, on: Any) -> list[dict[str, Any]]:
    """The advisor's qualifications valid on `on`, as plain facts to keep with an approval."""
    facts: list[dict[str, Any]] = []
    for qualification in Qualification.objects.filter(advisor=advisor).order_by("kind", "pk"):
        if not qualification.is_valid_on(on):
            continue
        facts.append(
            {
                "kind": qualification.kind,
                "name": qualification.name,
                "number": qualification.number,
                "obtained_on": qualification.obtained_on.isoformat(),
                "expires_on": (
                    qualification.expires_on.isoformat() if qualification.expires_on else None
                ),
                "verified_at": (
                    qualification.reviewed_at.isoformat() if qualification.reviewed_at else None
                ),
            }
        )
    return facts


@transaction.atomic
def review_approve(*, application: Application, by: User, summary: str = "") -> Approval:
    """Approve the self-assessment: every criterion must have passed in this round, and the
    advisor must be qualified today (a verified, valid qualification and an active profile).
    Records who approved, when, and their qualification facts as they stand today."""
    application = lock_application(application)
    require(can_review_application(by, application))
    move(application, Application.Status.APPROVED, service="reviews.review_approve")
    review_round = _open_round_for_advisor(application, by)
    total, passed, _needs_work = _verdicts(review_round)
    if passed != total:
        raise DomainError(
            _("Every criterion must pass before approval (%(passed)d of %(total)d do).")
            % {"passed": passed, "total": total},
            code="not_all_passed",
        )
    advisor = review_round.engagement.advisor
    today = timezone.localdate()
    if not advisor_is_qualified(advisor, on=today):
        raise DomainError(
            _(
                "You cannot approve: you have no verified qualification valid today, or your "
                "advisor profile is suspended."
            ),
            code="advisor_not_qualified",
        )
    now = timezone.now()
    review_round.decision = ReviewRound.Decision.APPROVED
    review_round.decided_at = now
    review_round.decided_by = by
    review_round.summary = summary.strip()
    review_round.save(
        update_fields=["decision", "decided_at", "decided_by", "summary", "updated_at"]
    )
    approval = Approval.objects.create(
        application=application,
        round=review_round,
        advisor=advisor,
        approved_by=by,
        advisor_name=advisor.display_name,
        engagement_kind=review_round.engagement.kind,
        qualifications=qualification_facts(advisor, today),
        qualified_on=today,
        approved_at=now,
    )
    application.approved_at = now
    application.save(update_fields=["status", "approved_at", "updated_at"])
    audit_record(
        action="assessments.application.approved",
        by=by,
        obj=application,
        data={
            "round": review_round.number,
            "advisor": advisor.pk,
            "qualifications": [q["kind"] for q in approval.qualifications],
        },
    )
    transaction.on_commit(
        lambda: emails.send(
            emails.applicant_users(application, executives=True),
            "review_approved",
            application,
            approval=approval,
        )
    )
    return approval
