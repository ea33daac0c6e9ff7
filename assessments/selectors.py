"""Reads of the assessments app. Everything a user may see goes through the scoped selectors
(`application_list_for`, `application_get_for`): applications outside the user's scope do not
exist for them (404), whoever they are."""

import datetime
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import Membership, Organisation
from bodies.models import AdvisorProfile
from bodies.selectors import advisor_directory, advisor_is_qualified
from scheme.models import Category, Criterion, Edition, Item, Level

from .models import (
    AdvisorEngagement,
    Answer,
    AnswerSnapshot,
    Application,
    Approval,
    CriterionReview,
    Declaration,
    EvidenceFile,
    ReviewRound,
)

# ------------------------------------------------------------------------------------------------
# Visibility
# ------------------------------------------------------------------------------------------------


def application_list_for(user: Any) -> QuerySet[Application]:
    """The applications `user` may see: those of organisations where they are a member,
    administrator or executive, and those they advise under an accepted engagement (only while
    it lasts). Procurers and other advisors see none of them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Application.objects.none()
    member = Membership.objects.filter(
        Q(is_member=True) | Q(is_admin=True) | Q(is_executive=True),
        organisation_id=OuterRef("organisation_id"),
        user_id=user.pk,
    )
    advisor = AdvisorEngagement.objects.filter(
        application_id=OuterRef("pk"),
        advisor__user_id=user.pk,
        status=AdvisorEngagement.Status.ACCEPTED,
    )
    return (
        Application.objects.filter(Exists(member) | Exists(advisor))
        .select_related("organisation", "level", "edition")
        .order_by("-created_at", "-pk")
    )


def application_get_for(user: Any, pk: int) -> Application:
    """The application `pk` if `user` may see it; Http404 otherwise (never a hint that it
    exists)."""
    application = application_list_for(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def applications_of_organisations_for(user: Any) -> QuerySet[Application]:
    """The applications of the user's own organisations (not those they advise)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    member = Membership.objects.filter(
        Q(is_member=True) | Q(is_admin=True) | Q(is_executive=True),
        organisation_id=OuterRef("organisation_id"),
        user_id=user.pk,
    )
    return application_list_for(user).filter(Exists(member))


def organisations_for_new_application(user: Any) -> QuerySet[Organisation]:
    """Organisations for which `user` may start an application (member or administrator)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Exists(
            Membership.objects.filter(
                Q(is_member=True) | Q(is_admin=True),
                organisation_id=OuterRef("pk"),
                user_id=user.pk,
            )
        )
    ).order_by("name")


def scope_entities_in_order(application: Application) -> list[Organisation]:
    """The legal entities an application covers: the applicant first, then the others by name."""
    entities = list(application.covered_entities.order_by("name"))
    return sorted(entities, key=lambda entity: entity.pk != application.organisation_id)


def scope_entities_for(organisation: Organisation) -> list[Organisation]:
    """The legal entities a scope of `organisation` may cover: itself and its subsidiaries (at
    any depth of the corporate group)."""
    entities = [organisation]
    seen = {organisation.pk}
    frontier = [organisation.pk]
    while frontier:
        children = list(
            Organisation.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=seen)
            .order_by("name")
        )
        entities.extend(children)
        seen.update(child.pk for child in children)
        frontier = [child.pk for child in children]
    return entities


# ------------------------------------------------------------------------------------------------
# The catalogue as the application sees it
# ------------------------------------------------------------------------------------------------


def current_edition() -> Edition:
    """The edition new applications are pinned to (settings.SCHEME_CURRENT_EDITION)."""
    return Edition.objects.get(code=settings.SCHEME_CURRENT_EDITION)


def star3_level() -> Level:
    return Level.objects.get(stars=3)


def criteria_for(edition: Edition, level: Level) -> QuerySet[Criterion]:
    """The criteria an applicant for `level` meets in `edition`: those of the items that apply
    at the level, tagged with that level or a lower one (★3: the 81 ★3-tagged criteria of the
    final edition; ★4: all 153). The same rule as scheme.exports."""
    return (
        Criterion.objects.filter(edition=edition, level__stars__lte=level.stars, item__levels=level)
        .select_related("item__subcategory__category", "level")
        .order_by("position")
    )


def answers_for(application: Application, *, category: Category | None = None) -> QuerySet[Answer]:
    """The application's answers in catalogue order, with criterion, item and evidence."""
    answers = Answer.objects.filter(application=application)
    if category is not None:
        answers = answers.filter(criterion__item__subcategory__category=category)
    return (
        answers.select_related(
            "criterion__item__subcategory__category", "criterion__level", "updated_by"
        )
        .prefetch_related(
            Prefetch("evidence_files", queryset=EvidenceFile.objects.order_by("original_name"))
        )
        .order_by("criterion__position")
    )


def answer_get(application: Application, criterion_code: str) -> Answer:
    """The application's answer to the criterion with this code (Http404 when unknown)."""
    answer = (
        Answer.objects.select_related("criterion__item", "application")
        .filter(application=application, criterion__code=criterion_code)
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def categories_for(application: Application) -> QuerySet[Category]:
    """The categories of the pinned edition that contain at least one of the application's
    criteria."""
    return (
        Category.objects.filter(
            edition=application.edition,
            subcategories__items__criteria__in=criteria_for(application.edition, application.level),
        )
        .distinct()
        .order_by("position")
    )


@dataclass
class ItemBlock:
    """One item (要求事項) with the application's answers to its criteria, for the form."""

    item: Item
    answers: list[Answer] = field(default_factory=list)


def item_blocks(answers: list[Answer]) -> list[ItemBlock]:
    """Group answers (in catalogue order) by item."""
    blocks: list[ItemBlock] = []
    for answer in answers:
        if not blocks or blocks[-1].item.pk != answer.criterion.item_id:
            blocks.append(ItemBlock(item=answer.criterion.item))
        blocks[-1].answers.append(answer)
    return blocks


# ------------------------------------------------------------------------------------------------
# Progress and open points
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryProgress:
    """How far the answers of one category are."""

    category: Category
    total: int
    complete: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100


@dataclass(frozen=True)
class Progress:
    """Progress per category and overall (complete = answered, and justified when N/A)."""

    categories: list[CategoryProgress]
    total: int
    complete: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100


def application_progress(application: Application) -> Progress:
    """Count complete answers per category of the pinned edition."""
    counts: dict[int, list[int]] = {}
    categories: dict[int, Category] = {}
    for answer in Answer.objects.filter(application=application).select_related(
        "criterion__item__subcategory__category"
    ):
        category = answer.criterion.item.subcategory.category
        categories[category.pk] = category
        total_complete = counts.setdefault(category.pk, [0, 0])
        total_complete[0] += 1
        total_complete[1] += int(answer.is_complete)
    rows = [
        CategoryProgress(category=categories[pk], total=c[0], complete=c[1])
        for pk, c in sorted(counts.items(), key=lambda kv: categories[kv[0]].position)
    ]
    return Progress(
        categories=rows,
        total=sum(r.total for r in rows),
        complete=sum(r.complete for r in rows),
    )


@dataclass(frozen=True)
class OpenPoint:
    """Something that stops the application from going to review, with where to fix it."""

    code: str
    message: str
    url: str
    criterion: str = ""
    # The category of the criterion, for grouping; None for the points that are not about one
    # criterion (scope, advisor, carried-over evidence).
    category: Category | None = None


def criterion_url(application: Application, criterion: Criterion) -> str:
    """The self-assessment page of the criterion's category, scrolled to the criterion."""
    category = criterion.item.subcategory.category
    base = reverse(
        "assessments:assessment", kwargs={"pk": application.pk, "category": category.code}
    )
    return f"{base}#criterion-{criterion.code}"


def application_open_points(application: Application) -> list[OpenPoint]:
    """What is still missing before the self-assessment can go to the advisor: the scope,
    an accepted advisor, every criterion answered and every "not applicable" justified; for a
    renewal also every carried-over answer confirmed and every carried-over evidence file
    re-confirmed as current."""
    points: list[OpenPoint] = []
    scope_url = reverse("assessments:scope", kwargs={"pk": application.pk})
    if not application.infrastructure.strip():
        points.append(
            OpenPoint(
                code="scope_infrastructure",
                message=_("Describe the internet-connected IT infrastructure in scope."),
                url=scope_url,
            )
        )
    if not application.sites:
        points.append(
            OpenPoint(
                code="scope_sites",
                message=_("List at least one site in scope."),
                url=scope_url,
            )
        )
    engagement = open_engagement(application)
    if engagement is None or engagement.status != AdvisorEngagement.Status.ACCEPTED:
        points.append(
            OpenPoint(
                code="advisor",
                message=(
                    _(
                        "%(name)s has not accepted your invitation yet: the self-assessment can "
                        "go to review once they accept."
                    )
                    % {"name": engagement.advisor.display_name}
                    if engagement is not None
                    else _("Invite an advisor and wait until they accept.")
                ),
                url=reverse("assessments:advisor-invite", kwargs={"pk": application.pk}),
            )
        )
    for answer in Answer.objects.filter(application=application).select_related(
        "criterion__item__subcategory__category"
    ):
        if not answer.is_answered:
            points.append(
                OpenPoint(
                    code="unanswered",
                    message=_("Criterion %(code)s is not answered yet.")
                    % {"code": answer.criterion.code},
                    url=criterion_url(application, answer.criterion),
                    criterion=answer.criterion.code,
                    category=answer.criterion.item.subcategory.category,
                )
            )
        elif answer.needs_justification:
            points.append(
                OpenPoint(
                    code="na_justification",
                    message=_(
                        "Criterion %(code)s is marked “not applicable” without a justification."
                    )
                    % {"code": answer.criterion.code},
                    url=criterion_url(application, answer.criterion),
                    criterion=answer.criterion.code,
                    category=answer.criterion.item.subcategory.category,
                )
            )
        if answer.needs_confirmation:
            points.append(
                OpenPoint(
                    code="carried_over_unconfirmed",
                    message=_(
                        "Criterion %(code)s was carried over from last year: confirm that it "
                        "is still true, or change it."
                    )
                    % {"code": answer.criterion.code},
                    url=criterion_url(application, answer.criterion),
                    criterion=answer.criterion.code,
                    category=answer.criterion.item.subcategory.category,
                )
            )
    evidence_url = reverse("assessments:evidence", kwargs={"pk": application.pk})
    for evidence in EvidenceFile.objects.filter(
        application=application, carried_over_from__isnull=False, reconfirmed_at__isnull=True
    ).order_by("original_name", "pk"):
        points.append(
            OpenPoint(
                code="evidence_not_reconfirmed",
                message=_(
                    "The evidence file “%(name)s” was carried over from last year: confirm that "
                    "it is still current, or remove or replace it."
                )
                % {"name": evidence.original_name},
                url=f"{evidence_url}#evidence-{evidence.pk}",
            )
        )
    return points


# How many criteria of a category are listed before the rest is folded away.
OPEN_POINTS_PREVIEW = 3


@dataclass(frozen=True)
class CategoryOpenPoints:
    """The open points of one category's criteria: the first few shown, the rest folded."""

    category: Category
    url: str
    points: list[OpenPoint]
    # How many criteria of the category the application has, answered or not.
    total: int = 0

    @property
    def criteria_count(self) -> int:
        return len({p.criterion for p in self.points})

    @property
    def not_started(self) -> bool:
        """No criterion of the category is answered yet: listing the first few says nothing,
        so the page only offers the full list folded."""
        return (
            self.total > 0
            and all(p.code == "unanswered" for p in self.points)
            and self.criteria_count == self.total
        )

    @property
    def first(self) -> list[OpenPoint]:
        return [] if self.not_started else self.points[:OPEN_POINTS_PREVIEW]

    @property
    def rest(self) -> list[OpenPoint]:
        return self.points if self.not_started else self.points[OPEN_POINTS_PREVIEW:]

    @property
    def summary(self) -> list[str]:
        """What is open in this category, one phrase per kind ("12 not answered yet", …)."""
        counts: dict[str, int] = {}
        for point in self.points:
            counts[point.code] = counts.get(point.code, 0) + 1
        phrases = {
            "unanswered": lambda n: ngettext(
                "%(n)d criterion not answered yet", "%(n)d criteria not answered yet", n
            ),
            "na_justification": lambda n: ngettext(
                "%(n)d “not applicable” without a justification",
                "%(n)d “not applicable” without a justification",
                n,
            ),
            "carried_over_unconfirmed": lambda n: ngettext(
                "%(n)d answer carried over from last year to confirm or change",
                "%(n)d answers carried over from last year to confirm or change",
                n,
            ),
        }
        return [
            phrase(counts[code]) % {"n": counts[code]}
            for code, phrase in phrases.items()
            if code in counts
        ]


@dataclass(frozen=True)
class OpenPointGroups:
    """The open points as the applicant reads them: first what is not about one criterion
    (scope, advisor, then carried-over evidence files), then the criteria per category."""

    general: list[OpenPoint]
    evidence: list[OpenPoint]
    categories: list[CategoryOpenPoints]

    def __bool__(self) -> bool:
        return bool(self.general or self.evidence or self.categories)

    @property
    def criteria_count(self) -> int:
        return sum(group.criteria_count for group in self.categories)

    @property
    def evidence_first(self) -> list[OpenPoint]:
        return self.evidence[:OPEN_POINTS_PREVIEW]

    @property
    def evidence_rest(self) -> list[OpenPoint]:
        return self.evidence[OPEN_POINTS_PREVIEW:]


def open_points_grouped(application: Application, points: list[OpenPoint]) -> OpenPointGroups:
    """Group `points` (from application_open_points) for the application page and the refusal
    message: general points first, the criteria per category in catalogue order."""
    by_category: dict[int, list[OpenPoint]] = {}
    categories: dict[int, Category] = {}
    general: list[OpenPoint] = []
    evidence: list[OpenPoint] = []
    for point in points:
        if point.category is not None:
            categories[point.category.pk] = point.category
            by_category.setdefault(point.category.pk, []).append(point)
        elif point.code == "evidence_not_reconfirmed":
            evidence.append(point)
        else:
            general.append(point)
    totals: dict[int, int] = {}
    if by_category:
        for row in (
            Answer.objects.filter(application=application)
            .order_by()
            .values("criterion__item__subcategory__category")
            .annotate(n=Count("pk"))
        ):
            totals[row["criterion__item__subcategory__category"]] = row["n"]
    groups = [
        CategoryOpenPoints(
            category=categories[pk],
            url=reverse(
                "assessments:assessment",
                kwargs={"pk": application.pk, "category": categories[pk].code},
            ),
            points=category_points,
            total=totals.get(pk, 0),
        )
        for pk, category_points in sorted(
            by_category.items(), key=lambda kv: categories[kv[0]].position
        )
    ]
    return OpenPointGroups(general=general, evidence=evidence, categories=groups)


def open_points_message(groups: OpenPointGroups) -> str:
    """The refusal of "send for review" in words, in the same grouping as the page: the general
    points one by one, then how many criteria are open in which category."""
    parts = [_("The self-assessment cannot be sent for review yet.")]
    parts += [point.message for point in groups.general]
    if groups.evidence:
        parts.append(
            ngettext(
                "%(n)d evidence file carried over from last year is still to be confirmed.",
                "%(n)d evidence files carried over from last year are still to be confirmed.",
                len(groups.evidence),
            )
            % {"n": len(groups.evidence)}
        )
    if groups.categories:
        separator = pgettext("list separator", ", ")
        per_category = separator.join(
            _("%(category)s: %(n)d") % {"category": g.category.name, "n": g.criteria_count}
            for g in groups.categories
        )
        parts.append(
            ngettext(
                "%(n)d criterion is still open (%(categories)s).",
                "%(n)d criteria are still open (%(categories)s).",
                groups.criteria_count,
            )
            % {"n": groups.criteria_count, "categories": per_category}
        )
    parts.append(_("The list is under “What is still missing”."))
    return " ".join(parts)


def answer_status_counts(application: Application) -> dict[str, int]:
    """How many answers have each status ("" = not answered), for the declaration summary."""
    counts = dict.fromkeys(["", *Answer.Status.values], 0)
    for status in Answer.objects.filter(application=application).values_list("status", flat=True):
        counts[status] += 1
    return counts


# ------------------------------------------------------------------------------------------------
# Evidence
# ------------------------------------------------------------------------------------------------


def evidence_for(application: Application) -> QuerySet[EvidenceFile]:
    """The application's evidence files with the criteria each supports."""
    return (
        EvidenceFile.objects.filter(application=application)
        .select_related("uploaded_by")
        .prefetch_related("answers__criterion")
        .order_by("original_name", "pk")
    )


def evidence_get(application: Application, pk: int) -> EvidenceFile:
    """An evidence file of this (already visible) application; Http404 for any other."""
    evidence = EvidenceFile.objects.filter(application=application, pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


def evidence_total_size(application: Application) -> int:
    return sum(EvidenceFile.objects.filter(application=application).values_list("size", flat=True))


# ------------------------------------------------------------------------------------------------
# Advisors and engagements
# ------------------------------------------------------------------------------------------------


def open_engagement(application: Application) -> AdvisorEngagement | None:
    """The invited or accepted engagement of the application, if any."""
    return (
        AdvisorEngagement.objects.select_related("advisor__user")
        .filter(
            application=application,
            status__in=[AdvisorEngagement.Status.INVITED, AdvisorEngagement.Status.ACCEPTED],
        )
        .first()
    )


def accepted_engagement(application: Application) -> AdvisorEngagement | None:
    return (
        AdvisorEngagement.objects.select_related("advisor__user")
        .filter(application=application, status=AdvisorEngagement.Status.ACCEPTED)
        .first()
    )


def internal_advisors_for(application: Application) -> list[AdvisorProfile]:
    """Members of the applicant who hold an active advisor profile for internal work and a
    qualification valid today."""
    today = timezone.localdate()
    profiles = (
        AdvisorProfile.objects.filter(
            user__memberships__organisation_id=application.organisation_id,
            status=AdvisorProfile.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(mode=AdvisorProfile.Mode.EXTERNAL)
        .select_related("user")
        .distinct()
        .order_by("display_name")
    )
    return [profile for profile in profiles if advisor_is_qualified(profile, on=today)]


def external_advisors(
    *, q: str = "", prefecture: str | None = None, language: str | None = None
) -> QuerySet[AdvisorProfile]:
    """The public advisor directory (external advisors), searched."""
    return advisor_directory(q=q, prefecture=prefecture, language=language, mode="external")


def engagement_inbox_for(user: Any) -> QuerySet[AdvisorEngagement]:
    """The engagements addressed to `user` as an advisor, newest first."""
    if not getattr(user, "is_authenticated", False):
        return AdvisorEngagement.objects.none()
    return (
        AdvisorEngagement.objects.filter(advisor__user_id=user.pk)
        .select_related("application__organisation", "application__level", "invited_by")
        .order_by("-created_at", "-pk")
    )


def engagement_get_for_advisor(user: Any, pk: int) -> AdvisorEngagement:
    """An engagement addressed to `user` (Http404 for anybody else's)."""
    engagement = engagement_inbox_for(user).filter(pk=pk).first()
    if engagement is None:
        raise Http404
    return engagement


def engagements_of(application: Application) -> QuerySet[AdvisorEngagement]:
    return (
        AdvisorEngagement.objects.filter(application=application)
        .select_related("advisor__user", "invited_by")
        .order_by("-created_at", "-pk")
    )


# ------------------------------------------------------------------------------------------------
# Review rounds
# ------------------------------------------------------------------------------------------------


def open_round(application: Application) -> ReviewRound | None:
    return (
        ReviewRound.objects.select_related("engagement__advisor")
        .filter(application=application, decision="")
        .first()
    )


def rounds_of(application: Application) -> QuerySet[ReviewRound]:
    return (
        ReviewRound.objects.filter(application=application)
        .select_related("engagement__advisor", "decided_by")
        .order_by("-number")
    )


def last_decided_round(application: Application) -> ReviewRound | None:
    return rounds_of(application).exclude(decision="").first()


def criterion_reviews_of(review_round: ReviewRound) -> dict[int, CriterionReview]:
    """The round's verdicts by criterion id."""
    return {
        review.criterion_id: review for review in CriterionReview.objects.filter(round=review_round)
    }


def requested_changes(application: Application) -> dict[int, CriterionReview]:
    """What the advisor asked in the last round that returned the application (criterion id →
    the needs-work review with its comment); empty unless the application is returned."""
    if application.status != Application.Status.RETURNED:
        return {}
    last = last_decided_round(application)
    if last is None or last.decision != ReviewRound.Decision.RETURNED:
        return {}
    return {
        review.criterion_id: review
        for review in CriterionReview.objects.filter(
            round=last, verdict=CriterionReview.Verdict.NEEDS_WORK
        ).select_related("criterion")
    }


@dataclass(frozen=True)
class CriterionChange:
    """What changed in one answer between the previous round and this one."""

    status_before: str
    status_after: str
    description_diff: list[tuple[str, str]]
    justification_changed: bool
    evidence_added: list[dict[str, Any]]
    evidence_removed: list[dict[str, Any]]

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after

    @property
    def description_changed(self) -> bool:
        return any(kind != "same" for kind, _text in self.description_diff)

    @property
    def has_changes(self) -> bool:
        return (
            self.status_changed
            or self.description_changed
            or self.justification_changed
            or bool(self.evidence_added or self.evidence_removed)
        )


def _text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A line diff as (kind, text) pairs: kind is "same", "removed" or "added"."""
    rows: list[tuple[str, str]] = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            rows.append(("same", text))
        elif tag == "- ":
            rows.append(("removed", text))
        elif tag == "+ ":
            rows.append(("added", text))
    return rows


def _snapshot_diff(before: AnswerSnapshot | None, after: AnswerSnapshot) -> CriterionChange:
    old_evidence = {e["sha256"] + str(e["id"]): e for e in (before.evidence if before else [])}
    new_evidence = {e["sha256"] + str(e["id"]): e for e in after.evidence}
    return CriterionChange(
        status_before=before.status if before else "",
        status_after=after.status,
        description_diff=_text_diff(before.description if before else "", after.description),
        justification_changed=(before.na_justification if before else "") != after.na_justification,
        evidence_added=[new_evidence[k] for k in new_evidence.keys() - old_evidence.keys()],
        evidence_removed=[old_evidence[k] for k in old_evidence.keys() - new_evidence.keys()],
    )


def round_changes(review_round: ReviewRound) -> dict[int, CriterionChange] | None:
    """Per criterion id, what changed since the previous round (None in round 1)."""
    previous = ReviewRound.objects.filter(
        application_id=review_round.application_id, number=review_round.number - 1
    ).first()
    if previous is None:
        return None
    before = {s.criterion_id: s for s in AnswerSnapshot.objects.filter(round=previous)}
    return {
        snapshot.criterion_id: _snapshot_diff(before.get(snapshot.criterion_id), snapshot)
        for snapshot in AnswerSnapshot.objects.filter(round=review_round)
    }


def previous_round_reviews(review_round: ReviewRound) -> dict[int, CriterionReview]:
    """The verdicts of the round before `review_round` (what the advisor asked last time)."""
    previous = ReviewRound.objects.filter(
        application_id=review_round.application_id, number=review_round.number - 1
    ).first()
    return criterion_reviews_of(previous) if previous else {}


def unchanged_since_review(review_round: ReviewRound) -> set[int]:
    """The criteria (ids) of `review_round` that the advisor may take in at a glance: in a round
    after the first, those that passed in the previous round and whose answer and evidence did
    not change since; in the first round of a renewal, those whose answer is unchanged since
    last year's approval (the applicant confirmed them as still true). Empty otherwise."""
    changes = round_changes(review_round)
    if changes is not None:
        previous = previous_round_reviews(review_round)
        return {
            criterion_id
            for criterion_id, change in changes.items()
            if not change.has_changes
            and criterion_id in previous
            and previous[criterion_id].verdict == CriterionReview.Verdict.PASS
        }
    since_last_year = renewal_changes(review_round)
    if since_last_year is not None:
        return {
            criterion_id
            for criterion_id, change in since_last_year.items()
            if change is not None and not change.has_changes
        }
    return set()


# ------------------------------------------------------------------------------------------------
# Approval and declaration
# ------------------------------------------------------------------------------------------------


def latest_approval(application: Application) -> Approval | None:
    return (
        Approval.objects.filter(application=application)
        .select_related("advisor")
        .order_by("-approved_at", "-pk")
        .first()
    )


def latest_declaration(application: Application) -> Declaration | None:
    return (
        Declaration.objects.filter(application=application)
        .select_related("signed_by", "approval")
        .order_by("-created_at", "-pk")
        .first()
    )


# ------------------------------------------------------------------------------------------------
# Renewals
# ------------------------------------------------------------------------------------------------

# Registration statuses (certification.models.Registration.Status values) in which the ★ is
# still held and can be renewed without a gap, and the one of a registration that ran out.
LIVE_REGISTRATION_STATUSES = ("active", "suspended")
LAPSED_REGISTRATION_STATUS = "expired"


def registration_of(application: Application) -> Any | None:
    """The registration made from `application`, if any. Reached through the registration's
    one-to-one link to its application, so that this app does not import the certification app
    that is built on it."""
    try:
        return application.registration
    except ObjectDoesNotExist:
        return None


def renewal_grace_days() -> int:
    """How long after the end of validity a lapsed registration may still be renewed: as long as
    the renewal reminders still ask for it (the last reminder's offset plus its late window)."""
    offsets = [int(o) for o in getattr(settings, "CERTIFICATION_RENEWAL_REMINDER_OFFSETS", [])]
    late = int(getattr(settings, "CERTIFICATION_REMINDER_LATE_WINDOW_DAYS", 30))
    return max([0, *offsets]) + late


def existing_renewal(previous: Application) -> Application | None:
    """A renewal of `previous` that is under way or registered (withdrawn and rejected ones do
    not count: the organisation may start again)."""
    return (
        Application.objects.filter(renewal_of=previous)
        .exclude(status__in=[Application.Status.WITHDRAWN, Application.Status.REJECTED])
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class RenewalRefusal:
    """Why an application cannot be renewed now."""

    code: str
    message: str


def renewal_refusal(
    previous: Application, *, today: datetime.date | None = None
) -> RenewalRefusal | None:
    """None when `previous` can be renewed today; otherwise the reason. A renewal starts from a
    registered application whose registration is still held (active or suspended), or ran out
    no longer ago than renewal_grace_days(), and that has no renewal under way or registered."""
    today = today or timezone.localdate()
    if previous.status != Application.Status.REGISTERED:
        return RenewalRefusal("not_registered", _("Only a registered application can be renewed."))
    registration = registration_of(previous)
    if registration is None:
        return RenewalRefusal(
            "no_registration", _("This application has no registration to renew.")
        )
    renewal = existing_renewal(previous)
    if renewal is not None:
        return RenewalRefusal(
            "renewal_exists",
            _("A renewal of this application already exists: %(ref)s.")
            % {"ref": renewal.reference},
        )
    if registration.status in LIVE_REGISTRATION_STATUSES:
        return None
    if registration.status == LAPSED_REGISTRATION_STATUS:
        if (today - registration.valid_until).days <= renewal_grace_days():
            return None
        return RenewalRefusal(
            "lapsed_too_long",
            _(
                "The registration ended more than %(days)d days ago: start a new application "
                "instead of a renewal."
            )
            % {"days": renewal_grace_days()},
        )
    return RenewalRefusal(
        "registration_ended",
        _("The registration %(number)s is no longer held and cannot be renewed.")
        % {"number": registration.number},
    )


def can_renew_now(user: Any, previous: Application) -> bool:
    """`user` may start the renewal of `previous` today (for the "Start the renewal" button)."""
    from .permissions import can_renew_application

    return can_renew_application(user, previous) and renewal_refusal(previous) is None


def renewal_new_criteria(application: Application) -> list[Criterion]:
    """For a renewal on a newer edition: the criteria that had no match (by code) in last year's
    application, so they start empty."""
    if application.renewal_of_id is None:
        return []
    previous_codes = set(
        Answer.objects.filter(application_id=application.renewal_of_id).values_list(
            "criterion__code", flat=True
        )
    )
    return [
        answer.criterion
        for answer in Answer.objects.filter(application=application)
        .select_related("criterion__item__subcategory__category")
        .order_by("criterion__position")
        if answer.criterion.code not in previous_codes
    ]


@dataclass(frozen=True)
class RenewalSummary:
    """What the applicant still has to confirm in a renewal."""

    previous: Application
    registration: Any | None
    unconfirmed_answers: int
    evidence_to_reconfirm: int
    new_criteria: list[Criterion]


def renewal_summary(application: Application) -> RenewalSummary | None:
    """For a renewal: the application it renews, that application's registration and what is
    left to confirm; None for a first application."""
    if application.renewal_of_id is None:
        return None
    previous = Application.objects.select_related("edition").get(pk=application.renewal_of_id)
    return RenewalSummary(
        previous=previous,
        registration=registration_of(previous),
        unconfirmed_answers=Answer.objects.filter(
            application=application, carried_over=True, confirmed_at__isnull=True
        ).count(),
        evidence_to_reconfirm=EvidenceFile.objects.filter(
            application=application, carried_over_from__isnull=False, reconfirmed_at__isnull=True
        ).count(),
        new_criteria=renewal_new_criteria(application),
    )


def approved_snapshots_of(application: Application) -> dict[str, AnswerSnapshot]:
    """The answers as the advisor approved them (the snapshots of the approved round), by
    criterion code; empty when the application was never approved."""
    approval = latest_approval(application)
    if approval is None:
        return {}
    return {
        s.criterion.code: s
        for s in AnswerSnapshot.objects.filter(round_id=approval.round_id).select_related(
            "criterion"
        )
    }


def renewal_changes(review_round: ReviewRound) -> dict[int, CriterionChange | None] | None:
    """For a round of a renewal: per criterion id, what changed since last year's approved
    answers (matched by criterion code; evidence by SHA-256, since carried-over files are new
    rows of the same file). None for a criterion new in this edition; None overall when the
    application is not a renewal."""
    application = review_round.application
    if application.renewal_of_id is None:
        return None
    previous = Application.objects.get(pk=application.renewal_of_id)
    last_year = approved_snapshots_of(previous)
    changes: dict[int, CriterionChange | None] = {}
    for snapshot in AnswerSnapshot.objects.filter(round=review_round).select_related("criterion"):
        before = last_year.get(snapshot.criterion.code)
        if before is None:
            changes[snapshot.criterion_id] = None
            continue
        old = {e["sha256"]: e for e in before.evidence}
        new = {e["sha256"]: e for e in snapshot.evidence}
        changes[snapshot.criterion_id] = CriterionChange(
            status_before=before.status,
            status_after=snapshot.status,
            description_diff=_text_diff(before.description, snapshot.description),
            justification_changed=before.na_justification != snapshot.na_justification,
            evidence_added=[new[k] for k in new.keys() - old.keys()],
            evidence_removed=[old[k] for k in old.keys() - new.keys()],
        )
    return changes
