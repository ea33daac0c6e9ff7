"""The advisor's part: engagements, review rounds with per-criterion verdicts, the snapshot of
the answers each round reviewed, and the approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bodies.models import AdvisorProfile
from core.models import BaseModel
from scheme.models import Criterion

from .applications import Application


class AdvisorEngagement(BaseModel):
    """An applicant's request that a qualified advisor review its self-assessment, and the
    advisor's answer to it.

    While the engagement is accepted (and only then) the advisor sees the application and its
    evidence. Accepting requires a declaration that there is no conflict of interest. At most one
    engagement per application is open (invited or accepted) at a time.
    """

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal advisor (a member of the organisation)")
        EXTERNAL = "external", _("External advisor")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message to the advisor"), max_length=2000, blank=True)
    coi_declaration = models.TextField(
        _("conflict-of-interest declaration"), max_length=2000, blank=True
    )
    coi_accepted_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("advisor engagement")
        verbose_name_plural = _("advisor engagements")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["invited", "accepted", "declined", "ended"]),
                name="assessments_engagement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["internal", "external"]),
                name="assessments_engagement_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["invited", "accepted"]),
                name="assessments_engagement_one_open_per_application",
            ),
            # No acceptance without the conflict-of-interest declaration.
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (Q(coi_accepted_at__isnull=False) & ~Q(coi_declaration="")),
                name="assessments_engagement_accepted_has_coi",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.advisor}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.INVITED, self.Status.ACCEPTED)


class ReviewRound(BaseModel):
    """One pass of the advisor over the self-assessment, from the applicant's request for review
    to the advisor's decision (returned for revision, or approved)."""

    class Decision(models.TextChoices):
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_rounds",
    )
    engagement = models.ForeignKey(
        AdvisorEngagement,
        verbose_name=_("engagement"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    number = models.PositiveSmallIntegerField(_("round"))
    started_at = models.DateTimeField(_("started at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary for the applicant"), max_length=5000, blank=True)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="assessments_round_unique_number"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(decision=""),
                name="assessments_round_one_open_per_application",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", "returned", "approved"]),
                name="assessments_round_decision_valid",
            ),
            models.CheckConstraint(
                condition=(Q(decision="") & Q(decided_at__isnull=True))
                | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="assessments_round_decided_at_matches_decision",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="assessments_round_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} #{self.number}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class CriterionReview(BaseModel):
    """The advisor's verdict on one criterion in one round: it passes, or it needs work (and
    then the comment says what to fix)."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("Pass")
        NEEDS_WORK = "needs_work", _("Needs work")

    round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="criterion_reviews",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["round", "criterion__position"]
        verbose_name = _("criterion review")
        verbose_name_plural = _("criterion reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "criterion"], name="assessments_criterion_review_unique"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["pass", "needs_work"]),
                name="assessments_criterion_review_verdict_valid",
            ),
            # The applicant must be told what to fix.
            models.CheckConstraint(
                condition=~Q(verdict="needs_work") | ~Q(comment=""),
                name="assessments_criterion_review_needs_work_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.criterion.code} {self.verdict}"


class AnswerSnapshot(models.Model):
    """What an answer looked like when a review round started, so that the advisor can see what
    changed between rounds and the record shows exactly what was reviewed."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="snapshots"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, blank=True)
    description = models.TextField(_("how it is met"), blank=True)
    na_justification = models.TextField(_("why it does not apply"), blank=True)
    evidence = models.JSONField(_("evidence files"), default=list, blank=True)
    answer_version = models.PositiveIntegerField(_("answer version"))

    class Meta:
        ordering = ["round", "criterion__position"]
        verbose_name = _("answer snapshot")
        verbose_name_plural = _("answer snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "criterion"], name="assessments_snapshot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.criterion.code}"


class Approval(models.Model):
    """The advisor's approval of a self-assessment: who approved, when, and the facts of their
    qualification as they stood that day (copied, so that a later change to the advisor's
    profile does not rewrite history)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    round = models.OneToOneField(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="approval"
    )
    advisor = models.ForeignKey(
        AdvisorProfile, verbose_name=_("advisor"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    advisor_name = models.CharField(_("advisor's name"), max_length=150)
    engagement_kind = models.CharField(_("kind"), max_length=8)
    qualifications = models.JSONField(_("qualifications at the time"), default=list)
    qualified_on = models.DateField(_("qualification checked for"))
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        ordering = ["application", "approved_at"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.CheckConstraint(
                condition=Q(engagement_kind__in=["internal", "external"]),
                name="assessments_approval_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.advisor_name} {self.approved_at:%Y-%m-%d}"
