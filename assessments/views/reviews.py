"""The advisor's review page: every criterion as submitted, its evidence, what changed since the
previous round and what was asked then, a verdict per criterion (saved as the advisor works) and
the decision."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from accounts.models import User
from core.exceptions import DomainError
from scheme.models import Criterion

from .. import selectors
from ..forms import CriterionReviewForm, ReviewDecisionForm
from ..models import AnswerSnapshot, CriterionReview, EvidenceFile, ReviewRound
from ..permissions import application_actions, can_review_application
from ..selectors import CriterionChange
from ..services.reviews import (
    criteria_pass_unchanged,
    criterion_review_record,
    review_approve,
    review_return,
)
from .common import ApplicationMixin, current_user


@dataclass
class ReviewEntry:
    """One criterion on the review page."""

    criterion: Criterion
    snapshot: AnswerSnapshot
    evidence: list[EvidenceFile]
    form: CriterionReviewForm
    review: CriterionReview | None
    previous: CriterionReview | None
    change: CriterionChange | None
    errors: list[str] = field(default_factory=list)
    saved: bool = False
    # For a renewal: what changed since last year's approved answers (None for a criterion new
    # in this edition, see `new_this_edition`).
    last_year: CriterionChange | None = None
    new_this_edition: bool = False
    # What to look at: the answer changed (since the last round, or in a renewal's first round
    # since last year), the last round found it needed work, or it is unchanged and passed
    # (then the page folds it away, see selectors.unchanged_since_review).
    changed: bool = False
    needed_work: bool = False
    unchanged: bool = False

    @property
    def verdict(self) -> str:
        return self.review.verdict if self.review else ""


@dataclass
class ReviewItem:
    item: Any
    entries: list[ReviewEntry]


@dataclass
class ReviewCategory:
    """The items of one category, with how many of its criteria have a verdict."""

    category: Any
    items: list[ReviewItem]

    @property
    def entries(self) -> list[ReviewEntry]:
        return [entry for item in self.items for entry in item.entries]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def reviewed(self) -> int:
        return sum(1 for entry in self.entries if entry.review is not None)


def review_prefix(criterion: Criterion) -> str:
    return f"r-{criterion.code}"


def _review_round(view: ApplicationMixin, user: Any) -> ReviewRound:
    if not can_review_application(user, view.application):
        raise PermissionDenied
    review_round = selectors.open_round(view.application)
    if review_round is None or review_round.engagement.advisor.user_id != user.pk:
        raise Http404
    return review_round


def review_entries(
    review_round: ReviewRound,
    *,
    only: set[int] | None = None,
    posted: dict[int, ReviewEntry] | None = None,
) -> list[ReviewEntry]:
    posted = posted or {}
    snapshots = (
        AnswerSnapshot.objects.filter(round=review_round)
        .select_related("criterion__item__subcategory__category", "criterion__level")
        .order_by("criterion__position")
    )
    if only is not None:
        snapshots = snapshots.filter(criterion_id__in=only)
    evidence = {
        e.pk: e for e in EvidenceFile.objects.filter(application_id=review_round.application_id)
    }
    reviews = selectors.criterion_reviews_of(review_round)
    previous = selectors.previous_round_reviews(review_round)
    round_changes = selectors.round_changes(review_round)
    changes = round_changes or {}
    since_last_year = selectors.renewal_changes(review_round)
    unchanged = selectors.unchanged_since_review(review_round)
    entries = []
    for snapshot in snapshots:
        criterion = snapshot.criterion
        if criterion.pk in posted:
            entries.append(posted[criterion.pk])
            continue
        review = reviews.get(criterion.pk)
        change = changes.get(criterion.pk)
        last_year = since_last_year.get(criterion.pk) if since_last_year else None
        before = previous.get(criterion.pk)
        # Changed since the last round; in a renewal's first round, since last year.
        basis = change if round_changes is not None else last_year
        entries.append(
            ReviewEntry(
                criterion=criterion,
                snapshot=snapshot,
                evidence=[evidence[e["id"]] for e in snapshot.evidence if e["id"] in evidence],
                form=CriterionReviewForm(
                    prefix=review_prefix(criterion),
                    initial={
                        "verdict": review.verdict if review else "",
                        "comment": review.comment if review else "",
                    },
                ),
                review=review,
                previous=before,
                change=change,
                last_year=last_year,
                new_this_edition=(
                    since_last_year is not None and since_last_year.get(criterion.pk) is None
                ),
                changed=basis is not None and basis.has_changes,
                needed_work=bool(before and before.verdict == CriterionReview.Verdict.NEEDS_WORK),
                unchanged=criterion.pk in unchanged,
            )
        )
    return entries


def process_review(
    request: HttpRequest, entry: ReviewEntry, user: User, review_round: ReviewRound
) -> ReviewEntry:
    """Record the posted verdict of one criterion (a blank verdict leaves it unrecorded)."""
    form = CriterionReviewForm(request.POST, prefix=review_prefix(entry.criterion))
    entry.form = form
    if not form.is_valid():
        entry.errors = [str(e) for errors in form.errors.values() for e in errors]
        return entry
    verdict = form.cleaned_data["verdict"]
    if not verdict:
        if form.cleaned_data["comment"]:
            entry.errors = [_("Choose pass or needs work.")]
        return entry
    try:
        entry.review = criterion_review_record(
            application=review_round.application,
            criterion=entry.criterion,
            by=user,
            verdict=verdict,
            comment=form.cleaned_data["comment"],
        )
        entry.saved = True
    except DomainError as exc:
        entry.errors = [exc.message]
    return entry


def _items(entries: list[ReviewEntry]) -> list[ReviewItem]:
    items: list[ReviewItem] = []
    for entry in entries:
        if not items or items[-1].item.pk != entry.criterion.item_id:
            items.append(ReviewItem(item=entry.criterion.item, entries=[]))
        items[-1].entries.append(entry)
    return items


def _categories(entries: list[ReviewEntry]) -> list[ReviewCategory]:
    """The items grouped by category, in catalogue order."""
    categories: list[ReviewCategory] = []
    for item in _items(entries):
        category = item.item.subcategory.category
        if not categories or categories[-1].category.pk != category.pk:
            categories.append(ReviewCategory(category=category, items=[]))
        categories[-1].items.append(item)
    return categories


class ReviewView(ApplicationMixin, View):
    """GET: the whole review; POST (without JavaScript): the verdicts of one item."""

    template_name = "assessments/review.html"

    def render(
        self,
        request: HttpRequest,
        review_round: ReviewRound,
        posted: dict[int, ReviewEntry] | None = None,
        decision_form: ReviewDecisionForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        entries = review_entries(review_round, posted=posted)
        passed = sum(1 for e in entries if e.review and e.review.verdict == "pass")
        needs_work = sum(1 for e in entries if e.review and e.review.verdict == "needs_work")
        unchanged = [e for e in entries if e.unchanged]
        return TemplateResponse(
            request,
            self.template_name,
            {
                "application": self.application,
                "actions": application_actions(request.user, self.application),
                "round": review_round,
                "categories": _categories(entries),
                "total": len(entries),
                "passed": passed,
                "needs_work": needs_work,
                "open": len(entries) - passed - needs_work,
                "entities": selectors.scope_entities_in_order(self.application),
                "decision_form": decision_form
                or ReviewDecisionForm(initial={"summary": review_round.summary}),
                "is_later_round": review_round.number > 1,
                "is_renewal": self.application.renewal_of_id is not None,
                # The summary at the top: what changed, what needed work, what is folded away.
                "changed": [e for e in entries if e.changed],
                "needed_work": [e for e in entries if e.needed_work],
                "new_this_edition": [e for e in entries if e.new_this_edition],
                "to_look_at": [
                    e for e in entries if e.changed or e.needed_work or e.new_this_edition
                ],
                "unchanged": unchanged,
                "unchanged_pending": sum(1 for e in unchanged if e.review is None),
            },
            status=status,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        review_round = _review_round(self, request.user)
        return self.render(request, review_round)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        review_round = _review_round(self, user)
        if request.POST.get("action") == "pass_unchanged":
            return self.pass_unchanged(request, user)
        item_code = request.POST.get("item", "")
        entries = [e for e in review_entries(review_round) if e.criterion.item.code == item_code]
        if not entries:
            raise Http404
        posted = {e.criterion.pk: process_review(request, e, user, review_round) for e in entries}
        if any(e.errors for e in posted.values()):
            return self.render(request, review_round, posted=posted)
        messages.success(request, _("Your verdicts on %(code)s were saved.") % {"code": item_code})
        return redirect(
            reverse("assessments:review", kwargs={"pk": self.application.pk}) + f"#item-{item_code}"
        )

    def pass_unchanged(self, request: HttpRequest, user: User) -> HttpResponse:
        """Pass at once the folded criteria that have no verdict yet."""
        try:
            reviews = criteria_pass_unchanged(application=self.application, by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d unchanged criterion was marked as passing.",
                    "%(n)d unchanged criteria were marked as passing.",
                    len(reviews),
                )
                % {"n": len(reviews)},
            )
        return redirect(
            reverse("assessments:review", kwargs={"pk": self.application.pk}) + "#review-focus"
        )


class CriterionReviewSaveView(ApplicationMixin, View):
    """htmx: save one criterion's verdict as the advisor works."""

    def get_login_anchor(self) -> str:
        return f"criterion-{self.kwargs.get('criterion', '')}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        review_round = _review_round(self, user)
        criterion = Criterion.objects.filter(
            edition_id=self.application.edition_id, code=kwargs["criterion"]
        ).first()
        if criterion is None:
            raise Http404
        entries = review_entries(review_round, only={criterion.pk})
        if not entries:
            raise Http404
        entry = process_review(request, entries[0], user, review_round)
        if not getattr(request, "htmx", False):
            for error in entry.errors:
                messages.error(request, error)
            return redirect(
                reverse("assessments:review", kwargs={"pk": self.application.pk})
                + f"#criterion-{criterion.code}"
            )
        response = TemplateResponse(
            request, "assessments/includes/review_result.html", {"entry": entry}
        )
        response["X-Autosave"] = "saved" if entry.saved else "not-saved"
        return response


class ReviewDecisionView(ApplicationMixin, View):
    """Return for revision or approve."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        if not can_review_application(user, self.application):
            raise PermissionDenied
        form = ReviewDecisionForm(request.POST)
        summary = form.cleaned_data["summary"] if form.is_valid() else ""
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                review_approve(application=self.application, by=user, summary=summary)
                messages.success(
                    request,
                    _(
                        "You approved the self-assessment. The applicant's management can now "
                        "sign the declaration."
                    ),
                )
            elif decision == "return":
                review_return(application=self.application, by=user, summary=summary)
                messages.success(
                    request,
                    _("The self-assessment was returned to the applicant with your comments."),
                )
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("assessments:review", pk=self.application.pk)
        return redirect(self.application)
