"""The ★3 journey end to end, in Japanese, through the real pages in Chromium: a new supplier
signs up and registers its organisation, fills in the self-assessment (one refused upload, one
"not applicable" refused until justified), has an external advisor return and then approve it,
signs the management declaration after re-entering its password, submits it to the
registration body, whose staff register it; the public pages then show the ★3 registration.

Most criteria are answered and passed through the services to keep the test fast; one whole
category (and every step of the workflow) goes through the UI. A screenshot is kept per step in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from accounts.models import Membership, Organisation, User
from assessments.models import AdvisorEngagement, Answer, Application
from assessments.services.applications import answer_save
from assessments.services.reviews import criterion_review_record
from bodies.choices import BodyRole, StaffRole
from certification.models import Registration
from tests.accounts.helpers import current_code, enrol_totp, verify_email
from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import DESKTOP, SCREENSHOTS, screenshot_name
from tests.factories.accounts import PASSWORD as FACTORY_PASSWORD
from tests.factories.assessments import qualified_advisor
from tests.factories.bodies import (
    BodyStaffFactory,
    SchemeBodyFactory,
    UserFactory,
    corporate_number,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase for the journey 42"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240
UI_CATEGORY = "2"  # 取引先管理: answered through the page, criterion by criterion
NA_CATEGORY = "7"  # インシデントからの復旧: its one ★3 criterion is "not applicable"


class Actor:
    """One person's browser (own cookies), with the page errors it saw."""

    def __init__(self, context: BrowserContext, site_url: str) -> None:
        self.context = context
        self.site_url = site_url
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def go(self, path: str) -> Page:
        self.page.goto(self.site_url + path)
        return self.page


@pytest.fixture
def actor(browser: Browser, site_url: str) -> Iterator[Callable[[], Actor]]:
    contexts: list[BrowserContext] = []

    def _new() -> Actor:
        context = browser.new_context(locale="ja-JP", viewport={"width": DESKTOP, "height": 900})
        context.add_cookies([{"name": "django_language", "value": "ja", "url": site_url}])
        contexts.append(context)
        return Actor(context, site_url)

    yield _new
    for context in contexts:
        context.close()


def _fresh_code(secret: str) -> str:
    """A TOTP code whose 30-second step will not end while the form is sent."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.2)
    return current_code(secret)


def _submit(page: Page, form: str = "main form") -> None:
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()


def _sign_in(person: Actor, email: str, password: str, secret: str | None = None) -> None:
    page = person.go("/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    _submit(page)
    if secret is not None:
        assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
        page.locator("input[name=code]").fill(_fresh_code(secret))
        _submit(page)
    expect(page.locator(".account-menu form button[type=submit]")).to_be_visible()


def _nav(page: Page, label: str) -> None:
    """Follow a link of the signed-in navigation ("My workspace")."""
    page.locator("nav.site-nav ul[aria-labelledby=nav-role-label]").get_by_role(
        "link", name=label
    ).click()
    page.wait_for_load_state()


def _wait_version(page: Page, code: str, version: int) -> None:
    page.wait_for_function(
        "([code, v]) => Number(document.getElementById('version-' + code).value) >= v",
        arg=[code, version],
    )


def _element_shot(locator: Locator, request: pytest.FixtureRequest, suffix: str) -> None:
    """A screenshot of one part of a page too long to keep whole (the review of every
    criterion), named like the `screenshot` fixture's."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / screenshot_name(request.node.name, suffix)))


def _answers(application: Application, category: str | None = None) -> list[Answer]:
    answers = Answer.objects.filter(application=application).select_related(
        "criterion__item__subcategory__category"
    )
    if category is not None:
        answers = answers.filter(criterion__item__subcategory__category__code=category)
    return list(answers.order_by("criterion__position"))


def _pass_all_but(application: Application, advisor: User, keep: set[str]) -> None:
    """The advisor's verdict "pass" on every criterion except `keep` (recorded by the service,
    as the review page's autosave does)."""
    for answer in _answers(application):
        if answer.criterion.code not in keep:
            criterion_review_record(
                application=application,
                criterion=answer.criterion,
                by=advisor,
                verdict="pass",
                comment="",
            )


def test_star3_journey_from_sign_up_to_public_registration(
    actor: Callable[[], Actor],
    screenshot: Callable[..., Path],
    request: pytest.FixtureRequest,
) -> None:
    # --- the scheme as it stands: catalogue, registration body with its staff, an advisor ----
    call_command("load_catalogue", verbosity=0, stdout=StringIO())
    body = SchemeBodyFactory.create(roles=[BodyRole.REGISTRATION])
    clerk = BodyStaffFactory.create(
        body=body,
        role=StaffRole.REGISTRATION_STAFF,
        user=UserFactory.create(name="登録 担当", email="clerk@operator.example.jp"),
    ).user
    clerk_secret = enrol_totp(verify_email(clerk))
    advisor_profile = qualified_advisor(
        display_name="情報 確保",
        user=UserFactory.create(name="情報 確保", email="riss@advisor.example.jp"),
    )
    advisor = verify_email(advisor_profile.user)
    advisor_secret = enrol_totp(advisor)
    for user in (clerk, advisor):
        user.language = "ja"
        user.save(update_fields=["language"])

    supplier = actor()
    page = supplier.page
    email = f"owner-{int(time.time() * 1000)}@sakura-buhin.example.jp"
    number = corporate_number(4242)

    # === 1. sign up, verify the address, register the organisation, start a ★3 application ===
    page = supplier.go("/accounts/signup/")
    assert page.evaluate("document.documentElement.lang") == "ja"
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("氏名").fill("桜井 真理")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    _submit(page)
    assert page.url.endswith("/accounts/confirm-email/"), page.url
    (message,) = [m for m in mail.outbox if email in m.to]
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", str(message.body))
    assert found is not None, message.body
    page = supplier.go(found.group(1))
    _submit(page)
    _sign_in(supplier, email, PASSWORD)
    owner = User.objects.get(email=email)

    page = supplier.go("/organisations/new/")
    page.locator("input[name=name]").fill("株式会社さくら部品")
    page.locator("input[name=corporate_number]").fill("1234567890123")  # wrong check digit
    page.locator("select[name=prefecture]").select_option(index=13)
    page.locator("input[name=address]").fill("東京都大田区蒲田1-2-3")
    page.locator("select[name=industry]").select_option(index=1)
    page.locator("select[name=size_band]").select_option(index=1)
    _submit(page)
    expect(page.locator("main")).to_contain_text("法人番号")
    assert page.locator("input[name=name]").input_value() == "株式会社さくら部品"  # kept
    page.locator("input[name=corporate_number]").fill(number)
    _submit(page)
    organisation = Organisation.objects.get(corporate_number=number)
    expect(page.locator("h1")).to_contain_text("株式会社さくら部品")
    screenshot(page, "1-organisation")

    # The founder is the organisation's administrator and member; they also sign as executive.
    membership = Membership.objects.get(user=owner, organisation=organisation)
    page = supplier.go(f"/organisations/{organisation.pk}/members/{membership.pk}/roles/")
    page.locator("input[name=roles][value=executive]").check()
    _submit(page)
    membership.refresh_from_db()
    assert membership.is_executive
    assert membership.is_admin
    assert membership.is_member

    _nav(page, "★の申請")
    page.locator("a[href='/applications/start/']").first.click()
    page.wait_for_load_state()
    page.locator("textarea[name=sites]").fill("本社（東京都大田区）\n第二工場（神奈川県川崎市）")
    page.locator("textarea[name=infrastructure]").fill(
        "社内LAN、インターネット回線1本、ファイルサーバ1台、ノートPC 25台"
    )
    page.locator("textarea[name=cloud_services]").fill("Microsoft 365、会計クラウド")
    _submit(page)
    application = Application.objects.get(organisation=organisation)
    assert page.url.endswith(f"/applications/{application.pk}/"), page.url
    expect(page.locator("h1")).to_contain_text("★3")
    screenshot(page, "1-application-started")

    # === 2. the self-assessment ============================================================
    for answer in _answers(application):
        category = answer.criterion.item.subcategory.category.code
        if category not in (UI_CATEGORY, NA_CATEGORY):
            answer_save(
                answer=answer,
                by=owner,
                status=Answer.Status.IMPLEMENTED,
                description=f"{answer.criterion.code}: 社内規程で定め、年1回見直しています。",
                na_justification="",
                expected_version=answer.version,
            )

    ui_answers = _answers(application, UI_CATEGORY)
    assert ui_answers, "the catalogue has ★3 criteria in category 2"
    page = supplier.go(f"/applications/{application.pk}/assessment/{UI_CATEGORY}/")
    expect(page.locator("h1")).to_contain_text("取引先管理")
    for index, answer in enumerate(ui_answers):
        code = answer.criterion.code
        page.locator(f"input[name='c-{code}-status'][value=implemented]").check()
        _wait_version(page, code, 1)
        description = page.locator(f"textarea[name='c-{code}-description']")
        text = f"取引先一覧（{code}）を作成し、契約時に確認しています。"
        description.fill(text)
        if index == 0:
            # A program disguised as a PDF is refused; what was typed is kept and saved.
            page.locator(f"#upload-{code}").set_input_files(
                {"name": "取引先一覧.pdf", "mimeType": "application/pdf", "buffer": EXE}
            )
            error = page.locator(f"#save-{code} .field-error")
            expect(error).to_contain_text("「取引先一覧.pdf」はアップロードされませんでした")
            assert description.input_value() == text
            screenshot(page, "2-upload-refused")
            _wait_version(page, code, 2)
        else:
            description.blur()
            _wait_version(page, code, 2)
    for answer in ui_answers:
        answer.refresh_from_db()
        assert answer.status == Answer.Status.IMPLEMENTED
        assert answer.description.startswith("取引先一覧（")
    assert not application.evidence_files.exists()
    screenshot(page, "2-category-2")

    (na_answer,) = _answers(application, NA_CATEGORY)
    na_code = na_answer.criterion.code
    page = supplier.go(f"/applications/{application.pk}/assessment/{NA_CATEGORY}/")
    page.locator(f"input[name='c-{na_code}-status'][value=not_applicable]").check()
    _wait_version(page, na_code, 1)
    screenshot(page, "2-category-7")

    # === 3. an external advisor from the directory ==========================================
    page = supplier.go(f"/applications/{application.pk}/advisor/")
    page.locator("#id_q").fill("情報")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(f"#advisor-{advisor_profile.pk}").check()
    page.locator("textarea[name=message]").fill("★3の自己評価の確認をお願いします。")
    page.locator("form.form.stack button[type=submit].button--primary").click()
    page.wait_for_load_state()
    engagement = AdvisorEngagement.objects.get(application=application)
    assert engagement.status == AdvisorEngagement.Status.INVITED
    screenshot(page, "3-advisor-invited")

    reviewer = actor()
    _sign_in(reviewer, advisor.email, FACTORY_PASSWORD, advisor_secret)
    _nav(reviewer.page, "セキュリティ専門家の受信箱")
    rpage = reviewer.page
    rpage.locator(f"a[href='/applications/engagements/{engagement.pk}/']").first.click()
    rpage.wait_for_load_state()
    expect(rpage.locator("main")).to_contain_text("株式会社さくら部品")
    rpage.locator("textarea[name=coi_declaration]").fill(
        "資本・取引・親族関係はなく、過去に助言したこともありません。"
    )
    rpage.locator("input[name=no_conflict]").check()
    rpage.locator("form:has(input[name=action][value=accept]) button[type=submit]").click()
    rpage.wait_for_load_state()
    engagement.refresh_from_db()
    assert engagement.status == AdvisorEngagement.Status.ACCEPTED
    screenshot(rpage, "3-advisor-accepted")

    # Sending for review is refused while "not applicable" has no justification.
    page = supplier.go(f"/applications/{application.pk}/")
    page.locator(f"form[action='/applications/{application.pk}/submit/'] button").click()
    page.wait_for_load_state()
    open_points = page.locator("#open-points li")
    expect(open_points).to_have_count(1)
    expect(open_points.first).to_contain_text(na_code)
    expect(page.locator("main")).to_contain_text("自己評価はまだ確認に出せません")
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    screenshot(page, "2-not-applicable-refused")
    open_points.first.locator("a").click()
    page.wait_for_load_state()
    justification = page.locator(f"textarea[name='c-{na_code}-na_justification']")
    justification.fill("自社でシステムの復旧計画の対象となる設備を保有していないため。")
    justification.blur()
    _wait_version(page, na_code, 2)

    page = supplier.go(f"/applications/{application.pk}/")
    expect(page.locator("#open-points")).not_to_contain_text(na_code)
    page.locator(f"form[action='/applications/{application.pk}/submit/'] button").click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    screenshot(page, "3-sent-for-review")

    # The advisor marks one criterion as needing work and returns the self-assessment.
    flagged = ui_answers[-1].criterion.code
    _pass_all_but(application, advisor, {flagged})
    rpage = reviewer.go(f"/applications/{application.pk}/review/")
    comment = rpage.locator(f"textarea[name='r-{flagged}-comment']")
    comment.fill("取引先の重要度の区分が書かれていません。区分の基準を追記してください。")
    rpage.locator(f"input[name='r-{flagged}-verdict'][value=needs_work]").check()
    expect(rpage.locator(f"#save-{flagged} .badge--success")).to_be_visible()
    rpage.locator("textarea[name=summary]").fill("1点だけ追記をお願いします。")
    rpage.locator("button[name=decision][value=return]").click()
    rpage.wait_for_load_state()
    screenshot(rpage, "3-returned")
    application.refresh_from_db()
    assert application.status == Application.Status.RETURNED, rpage.inner_text("main")[:800]

    # The supplier sees what to fix, fixes it and sends it again.
    page = supplier.go(f"/applications/{application.pk}/")
    notice = page.locator(".notice--warning").first
    expect(notice).to_contain_text("取引先の重要度の区分")
    screenshot(page, "3-returned-supplier")
    notice.locator(f"a:has-text('{flagged}')").click()
    page.wait_for_load_state()
    fixed = page.locator(f"textarea[name='c-{flagged}-description']")
    version = int(page.locator(f"#version-{flagged}").input_value())
    fixed.fill(fixed.input_value() + "\n重要度は取引額と扱う情報で3区分にしています。")
    fixed.blur()
    _wait_version(page, flagged, version + 1)
    page = supplier.go(f"/applications/{application.pk}/")
    page.locator(f"form[action='/applications/{application.pk}/submit/'] button").click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW

    # The advisor sees the change and approves.
    _pass_all_but(application, advisor, {flagged})
    rpage = reviewer.go(f"/applications/{application.pk}/review/")
    changed = rpage.locator(f"#criterion-{flagged}")
    expect(changed.locator("ins")).to_contain_text("3区分")
    rpage.locator(f"input[name='r-{flagged}-verdict'][value=pass]").check()
    expect(rpage.locator(f"#save-{flagged} .badge--success")).to_be_visible()
    _element_shot(changed, request, "3-second-round")
    rpage.locator("button[name=decision][value=approve]").click()
    rpage.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED, rpage.inner_text("main")[:500]

    # === 4. the executive signs after re-entering the password ===============================
    page = supplier.go(f"/applications/{application.pk}/")
    page.locator(f"a[href='/applications/{application.pk}/declaration/']").first.click()
    page.wait_for_load_state()
    page.locator("input[name=signer_title]").fill("代表取締役")
    page.locator("input[name=confirm]").check()
    screenshot(page, "4-declaration")
    _submit(page)
    assert "/accounts/reauthenticate/" in page.url, page.url
    page.get_by_label("パスワード").fill(PASSWORD)
    _submit(page)
    application.refresh_from_db()
    assert application.status == Application.Status.DECLARED, page.inner_text("main")[:500]
    assert page.url.endswith(f"/applications/{application.pk}/")

    # === 5. submission to the registration body, which registers it ========================
    page.get_by_role("link", name="登録機関に申請する").click()
    page.wait_for_load_state()
    screenshot(page, "5-submit")
    _submit(page)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    expect(page.locator("#next-heading + *")).to_be_visible()
    assert_no_serious_a11y_violations(page)
    screenshot(page, "5-submitted")

    staff = actor()
    _sign_in(staff, clerk.email, FACTORY_PASSWORD, clerk_secret)
    _nav(staff.page, "登録申請の受付")
    spage = staff.page
    expect(spage.locator("main")).to_contain_text(application.reference)
    screenshot(spage, "5-queue")
    spage.locator(f"a[href='/registrations/submissions/{application.pk}/']").first.click()
    spage.wait_for_load_state()
    checks = spage.locator("section[aria-labelledby=checks-title] tbody tr")
    expect(checks).to_have_count(4)  # answers, advisor, declaration, scope
    expect(checks.locator(".badge--success")).to_have_count(4)
    expect(spage.locator("main")).to_contain_text("すべての確認項目に適合しています")
    screenshot(spage, "5-submission")
    spage.locator(
        f"form[action='/registrations/submissions/{application.pk}/register/'] button"
    ).click()
    spage.wait_for_load_state()
    registration = Registration.objects.get(application=application)
    expect(spage.locator("main")).to_contain_text(registration.number)
    screenshot(spage, "5-registered")

    # === 6. the public pages ===============================================================
    page = supplier.go(f"/applications/{application.pk}/")
    expect(page.locator("section[aria-labelledby=next-heading]")).to_contain_text(
        registration.number
    )
    assert_no_serious_a11y_violations(page)
    screenshot(page, "6-application-registered")
    page.get_by_role("link", name="公開の確認ページ").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/verify/{registration.number}/"), page.url
    verdict = page.locator("main .notice--success[role=status]")
    expect(verdict).to_contain_text("有効")
    expect(verdict).to_contain_text(registration.number)
    screenshot(page, "6-verify")

    visitor = actor()
    public = visitor.go(f"/organisations/{number}/")
    main = public.locator("main")
    expect(main.locator("h1")).to_have_text("株式会社さくら部品")
    expect(main).to_contain_text("★3")
    expect(main).to_contain_text(registration.number)
    start, until = registration.valid_from, registration.valid_until
    assert start == timezone.localdate()
    expect(main).to_contain_text(
        f"{start.year}年{start.month}月{start.day}日〜{until.year}年{until.month}月{until.day}日"
    )
    screenshot(public, "6-organisation-public")
    verify = visitor.go(f"/verify/{registration.number}/")
    expect(verify.locator("main .notice--success[role=status]")).to_contain_text("有効")

    for person in (supplier, reviewer, staff, visitor):
        assert not person.errors, person.errors
