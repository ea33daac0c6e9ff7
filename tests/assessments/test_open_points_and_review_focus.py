"""Long applications stay readable: "What is still missing" groups the open points per category
(the points that are not about one criterion first), the refusal to send for review uses the same
grouping, and the advisor's review page folds away, in a later round, the criteria that passed
last time and did not change (in a renewal's first round: those unchanged since last year), with
a summary and links to what needs a look."""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Application, CriterionReview, EvidenceFile
from assessments.services.applications import answer_save
from assessments.services.renewals import (
    answers_confirm_unchanged,
    application_renew,
    evidence_reconfirm,
)
from assessments.services.reviews import (
    SubmissionIncomplete,
    application_submit_for_review,
    criteria_pass_unchanged,
    criterion_review_record,
    review_approve,
    review_return,
)
from core.exceptions import DomainError
from core.models import AuditEvent
from scheme.models import Edition
from tests.assessments.helpers import sign_in
from tests.assessments.test_renewal import engage, registered
from tests.factories.assessments import (
    ApplicationFactory,
    application_people,
    fill_answers,
)
from tests.factories.scheme import LevelFactory

pytestmark = pytest.mark.django_db


class _Element(HTMLParser):
    """Collects the inner HTML of the first element with a given id."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=False)
        self.element_id = element_id
        self.depth = 0
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if self.depth:
            self.parts.append(self.get_starttag_text() or "")
            if tag not in self.VOID:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.done or not self.depth:
            return
        self.depth -= 1
        if self.depth == 0:
            self.done = True
        else:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth and not self.done:
            self.parts.append(data)

    handle_entityref = lambda self, name: self.handle_data(f"&{name};")  # noqa: E731
    handle_charref = lambda self, name: self.handle_data(f"&#{name};")  # noqa: E731


def element(html: str, element_id: str) -> str:
    parser = _Element(element_id)
    parser.feed(html)
    assert parser.done, f"no element #{element_id}"
    return "".join(parser.parts)


def links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def page(client: Client, name: str, application: Application) -> str:
    response = client.get(reverse(f"assessments:{name}", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    return response.content.decode()


# --- what is still missing -----------------------------------------------------------------------


@pytest.fixture
def full_catalogue_application():
    """A new ★3 application on the real catalogue (81 criteria in 7 categories), without an
    advisor."""
    call_command("load_catalogue", verbosity=0, stdout=StringIO())
    edition = Edition.objects.get(code=settings.SCHEME_CURRENT_EDITION)
    application = ApplicationFactory.create(edition=edition, level=LevelFactory.create(stars=3))
    people = application_people(application, engagement=False)
    return application, people


def test_a_new_application_lists_its_open_points_per_category(full_catalogue_application):
    application, people = full_catalogue_application
    assert application.answers.count() == 81
    html = page(sign_in(Client(), people.member), "detail", application)
    missing = element(html, "open-points")

    # The advisor comes first, before any criterion.
    general = element(missing, "open-points-general")
    assert "セキュリティ専門家に依頼し、引き受けられるまでお待ちください。" in general
    assert missing.index("open-points-general") < missing.index("open-points-criteria")

    criteria = element(missing, "open-points-criteria")
    assert "7 つの分類で、81 件の評価基準が未完了です。" in criteria
    blocks = re.findall(r'id="open-points-category-([^"]+)"', criteria)
    assert blocks == ["1", "2", "3", "4", "5", "6", "7"]
    # A category not started at all: no preview, the whole list folded, a link to its page.
    governance_url = reverse(
        "assessments:assessment", kwargs={"pk": application.pk, "category": "1"}
    )
    governance = element(criteria, "open-points-category-1")
    total_1 = application.answers.filter(criterion__item__subcategory__category__code="1").count()
    assert f"残り {total_1} 件" in governance
    assert f"未回答 {total_1} 件" in governance
    shown, _sep, folded = governance.partition("<details")
    assert "<li>" not in shown
    assert f"まだ始めていません: {total_1} 件の評価基準を表示" in folded
    assert len(re.findall(r"<li>", folded)) == total_1
    assert governance_url in links(governance)
    # Every one of the 81 criteria is still reachable from the page.
    assert len([u for u in links(criteria) if "#criterion-" in u]) == 81


def test_a_category_under_way_shows_its_first_criteria_and_folds_the_rest(
    full_catalogue_application,
):
    application, people = full_catalogue_application
    protection = list(
        application.answers.filter(criterion__item__subcategory__category__code="4").order_by(
            "criterion__position"
        )
    )
    Answer.objects.filter(pk=protection[0].pk).update(status=Answer.Status.IMPLEMENTED)
    Answer.objects.filter(pk=protection[1].pk).update(status=Answer.Status.NOT_APPLICABLE)
    html = page(sign_in(Client(), people.member), "detail", application)
    block = element(element(html, "open-points"), "open-points-category-4")
    left = len(protection) - 1
    assert f"残り {left} 件" in block
    assert f"未回答 {left - 1} 件 / 理由のない「該当なし」1 件" in block
    shown, _sep, folded = block.partition("<details")
    shown_links = [u for u in links(shown) if "#criterion-" in u]
    assert [u.rsplit("#criterion-", 1)[1] for u in shown_links] == [
        a.criterion.code for a in protection[1:4]
    ]
    assert f"ほか {left - 3} 件" in folded
    assert len(re.findall(r"<li>", folded)) == left - 3
    category_url = reverse("assessments:assessment", kwargs={"pk": application.pk, "category": "4"})
    assert category_url in links(block)


def test_the_invited_advisor_is_named_until_they_accept(full_catalogue_application):
    application, people = full_catalogue_application
    from tests.factories.assessments import AdvisorEngagementFactory

    engagement = AdvisorEngagementFactory.create(application=application, invited=True)
    html = page(sign_in(Client(), people.member), "detail", application)
    general = element(element(html, "open-points"), "open-points-general")
    assert f"{engagement.advisor.display_name} さんがまだ依頼を引き受けていません。" in general


def test_the_refusal_to_send_for_review_uses_the_same_grouping(full_catalogue_application):
    application, people = full_catalogue_application
    client = sign_in(Client(), people.member)
    response = client.post(
        reverse("assessments:submit", kwargs={"pk": application.pk}), follow=True
    )
    assert Application.objects.get(pk=application.pk).status == Application.Status.DRAFT
    html = response.content.decode()
    message = re.search(r'<div class="notice notice--error" role="alert">\s*<p>(.*?)</p>', html)
    assert message is not None
    text = message.group(1)
    assert text.startswith("自己評価はまだ確認に出せません。")
    assert "セキュリティ専門家に依頼し、引き受けられるまでお待ちください。" in text
    assert "未完了の評価基準が 81 件あります（ガバナンスの整備 " in text
    assert "「まだ足りないもの」" in text
    # A summary per category, not 81 criteria one by one.
    assert "1-1-1-1" not in text


def test_the_refusal_in_english_names_the_categories():
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    Answer.objects.filter(application=application, criterion__code="4-1-1-2").update(
        status=Answer.Status.NOT_APPLICABLE, na_justification=""
    )
    with pytest.raises(SubmissionIncomplete) as refused:
        application_submit_for_review(application=application, by=people.member)
    from django.utils import translation

    with translation.override("en"):
        from assessments.selectors import (
            application_open_points,
            open_points_grouped,
            open_points_message,
        )

        groups = open_points_grouped(application, application_open_points(application))
        text = open_points_message(groups)
    assert text == (
        "The self-assessment cannot be sent for review yet. 1 criterion is still open "
        "(Protection against attacks: 1). The list is under “What is still missing”."
    )
    assert [p.criterion for p in refused.value.points] == ["4-1-1-2"]


def test_nothing_missing_shows_no_groups():
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    html = page(sign_in(Client(), people.member), "detail", application)
    missing = element(html, "open-points")
    assert "足りないものはありません" in missing
    assert "open-points-criteria" not in missing
    assert "open-points-general" not in missing


# --- the review page -----------------------------------------------------------------------------


def review_all(application, advisor, verdicts=None):
    verdicts = verdicts or {}
    for answer in Answer.objects.filter(application=application).select_related("criterion"):
        verdict, comment = verdicts.get(answer.criterion.code, ("pass", ""))
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=advisor,
            verdict=verdict,
            comment=comment,
        )


@pytest.fixture
def second_round():
    """Round 1: 1-1-1-1 needs work, the rest pass; the applicant changes 1-1-1-1 and 4-1-1-1
    and sends it again."""
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    review_all(application, people.advisor, {"1-1-1-1": ("needs_work", "頻度を書いてください。")})
    review_return(application=application, by=people.advisor)
    for code in ("1-1-1-1", "4-1-1-1"):
        answer = Answer.objects.get(application=application, criterion__code=code)
        answer_save(
            answer=answer,
            by=people.member,
            expected_version=answer.version,
            status=answer.status,
            description=answer.description + "\n年1回見直します。",
            na_justification="",
        )
    application_submit_for_review(
        application=Application.objects.get(pk=application.pk), by=people.member
    )
    return Application.objects.get(pk=application.pk), people


def test_the_first_round_groups_by_category_and_folds_nothing():
    application = ApplicationFactory.create()
    people = application_people(application)
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    criterion_review_record(
        application=application,
        criterion=application.answers.get(criterion__code="1-1-1-1").criterion,
        by=people.advisor,
        verdict="pass",
        comment="",
    )
    html = page(sign_in(Client(), people.advisor), "review", application)
    assert "<details" not in html
    assert 'id="review-focus"' not in html
    governance = element(html, "category-1")
    assert "<h2" in governance
    assert "3 件中 1 件を判定済み" in governance
    assert "2 件中 0 件を判定済み" in element(html, "category-4")
    assert 'id="item-1-1-1"' in governance
    assert 'id="item-4-1-1"' not in governance
    # A table of contents at the top leads to each category, with its count.
    assert (
        'href="#category-1">1 ガバナンスの整備</a> <span class="small">3 件中 1 件を判定済み'
        in html
    )
    assert 'href="#category-4">4 攻撃等の防御</a>' in html


def test_a_later_round_folds_what_passed_and_did_not_change(second_round):
    application, people = second_round
    html = page(sign_in(Client(), people.advisor), "review", application)

    focus = element(html, "review-focus")
    assert "前回から変更された評価基準: 2 件" in focus
    assert "前回「要修正」だった評価基準: 1 件" in focus
    assert "変更がなく前回適合だった評価基準: 3 件" in focus
    assert links(focus) == ["#criterion-1-1-1-1", "#criterion-4-1-1-1"]
    assert "変更のない 3 件を「適合」にする" in focus

    folded = re.findall(r'<details class="criterion-folded" id="folded-([^"]+)"', html)
    assert folded == ["1-1-1-2", "1-1-2-1", "4-1-1-2"]
    # Folded, but still reviewable when opened: the verdict fields are inside.
    inside = element(html, "folded-1-1-2-1")
    assert "前回適合・変更なし" in inside
    assert "今回: 未判定" in inside
    assert 'name="r-1-1-2-1-verdict"' in inside
    assert 'id="criterion-1-1-2-1"' in inside
    # The changed and the needs-work criteria are shown in full.
    for code in ("1-1-1-1", "4-1-1-1"):
        assert f'id="folded-{code}"' not in html
        assert f'id="criterion-{code}"' in html


def test_a_folded_criterion_shows_this_rounds_verdict_once_given(second_round):
    application, people = second_round
    criterion = application.answers.get(criterion__code="1-1-2-1").criterion
    client = sign_in(Client(), people.advisor)
    response = client.post(
        reverse("assessments:review-save", kwargs={"pk": application.pk, "criterion": "1-1-2-1"}),
        {"r-1-1-2-1-verdict": "pass", "r-1-1-2-1-comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response["X-Autosave"] == "saved"
    # The folded line's verdict is updated in place.
    assert re.search(
        r'id="verdict-1-1-2-1" hx-swap-oob="true">.*今回: 適合', response.content.decode()
    )
    assert CriterionReview.objects.get(round__number=2, criterion=criterion).verdict == "pass"
    assert "今回: 適合" in element(page(client, "review", application), "folded-1-1-2-1")
    # A "needs work" given to a folded criterion keeps it open on the next visit.
    criterion_review_record(
        application=application,
        criterion=criterion,
        by=people.advisor,
        verdict="needs_work",
        comment="規程の版を確認させてください。",
    )
    html = page(client, "review", application)
    assert re.search(r'<details class="criterion-folded" id="folded-1-1-2-1" open>', html)


def test_passing_the_folded_criteria_at_once(second_round):
    application, people = second_round
    already = application.answers.get(criterion__code="4-1-1-2").criterion
    criterion_review_record(
        application=application,
        criterion=already,
        by=people.advisor,
        verdict="needs_work",
        comment="最新の版を添付してください。",
    )
    client = sign_in(Client(), people.advisor)
    review_url = reverse("assessments:review", kwargs={"pk": application.pk})
    response = client.post(review_url, {"action": "pass_unchanged"}, follow=True)
    assert response.redirect_chain[-1][0] == review_url + "#review-focus"
    assert "変更のない評価基準 2 件を「適合」にしました。" in response.content.decode()
    verdicts = dict(
        CriterionReview.objects.filter(round__number=2, round__application=application).values_list(
            "criterion__code", "verdict"
        )
    )
    # Only the folded ones without a verdict: the needs-work verdict is kept, the changed
    # criteria are left to the advisor.
    assert verdicts == {"1-1-1-2": "pass", "1-1-2-1": "pass", "4-1-1-2": "needs_work"}
    event = AuditEvent.objects.get(action="assessments.review.unchanged_passed")
    assert event.data == {"round": 2, "criteria": ["1-1-1-2", "1-1-2-1"]}
    # Nothing left to pass: refused with a reason, nothing recorded twice.
    response = client.post(review_url, {"action": "pass_unchanged"}, follow=True)
    assert "この回ですべて判定済みです" in response.content.decode()
    assert AuditEvent.objects.filter(action="assessments.review.unchanged_passed").count() == 1


def test_only_the_advisor_of_the_round_may_pass_the_folded_criteria(second_round):
    application, people = second_round
    for user in (people.member, people.other_advisor):
        with pytest.raises(PermissionDenied):
            criteria_pass_unchanged(application=application, by=user)
    review_url = reverse("assessments:review", kwargs={"pk": application.pk})
    assert (
        sign_in(Client(), people.member).post(review_url, {"action": "pass_unchanged"}).status_code
        == 403
    )
    assert (
        sign_in(Client(), people.other_advisor)
        .post(review_url, {"action": "pass_unchanged"})
        .status_code
        == 404
    )
    assert not CriterionReview.objects.filter(round__number=2).exists()


def test_passing_the_folded_criteria_outside_a_review_is_refused(second_round):
    application, people = second_round
    review_all(application, people.advisor)
    review_approve(application=application, by=people.advisor)
    with pytest.raises(DomainError):
        criteria_pass_unchanged(
            application=Application.objects.get(pk=application.pk), by=people.advisor
        )


# --- a renewal's first round ---------------------------------------------------------------------


def test_a_renewals_first_round_folds_what_is_unchanged_since_last_year():
    previous, people, _registration = registered()
    renewal = application_renew(previous=previous, by=people.member)
    changed = Answer.objects.get(application=renewal, criterion__code="4-1-1-1")
    answer_save(
        answer=changed,
        by=people.member,
        expected_version=changed.version,
        status=changed.status,
        description=changed.description + "\nMFAを導入しました。",
        na_justification="",
    )
    answers_confirm_unchanged(application=renewal, by=people.member)
    evidence_reconfirm(evidence=EvidenceFile.objects.get(application=renewal), by=people.member)
    advisor = engage(renewal, people.member)
    application_submit_for_review(application=renewal, by=people.member)
    html = page(sign_in(Client(), advisor), "review", renewal)

    focus = element(html, "review-focus")
    assert "昨年の承認から変更された評価基準: 1 件" in focus
    assert "昨年の承認から変更がなく、申請者が現在も正しいと確認した評価基準: 4 件" in focus
    assert links(focus) == ["#criterion-4-1-1-1"]
    folded = re.findall(r'<details class="criterion-folded" id="folded-([^"]+)"', html)
    assert folded == ["1-1-1-1", "1-1-1-2", "1-1-2-1", "4-1-1-2"]
    assert "昨年から変更なし" in element(html, "folded-1-1-1-1")
    assert 'id="folded-4-1-1-1"' not in html
