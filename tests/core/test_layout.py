"""The base layout, the site pages and the error pages, rendered through the real stack."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from core.views import server_error

pytestmark = pytest.mark.urls("tests.core.urls_ui")

ROOT = Path(__file__).resolve().parents[2]


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([a-z-]+)">', content)
    assert match, "no <html lang>"
    return match.group(1).decode()


def h1_count(content: bytes) -> int:
    return len(re.findall(rb"<h1[\s>]", content))


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
class TestSitePages:
    @pytest.mark.parametrize("path", ["/", "/design/", "/accessibility/"])
    def test_page_in_japanese_by_default(self, client, path):
        response = client.get(path)
        assert response.status_code == 200
        assert html_lang(response.content) == "ja"
        assert h1_count(response.content) == 1
        assert "SCS評価制度 登録簿" in response.text

    @pytest.mark.parametrize("path", ["/", "/design/", "/accessibility/"])
    def test_page_in_english(self, english, path):
        response = english.get(path)
        assert html_lang(response.content) == "en"
        assert h1_count(response.content) == 1
        assert "SCS Registry" in response.text

    def test_layout_landmarks_and_links(self, client):
        text = client.get("/").text
        assert '<a class="skip-link" href="#main">本文へ移動</a>' in text
        assert '<main id="main"' in text
        assert '<nav class="site-nav" aria-label="メイン">' in text
        assert '<a href="/" aria-current="page">ホーム</a>' in text
        assert 'href="/catalogue/"' in text
        assert 'href="/wizard/"' in text
        assert 'href="/api/docs/"' in text
        assert 'href="/accessibility/"' in text
        assert 'aria-controls="site-menu"' in text
        # no inline script or style: the CSP allows neither
        assert "<style" not in text
        assert " style=" not in text
        assert re.search(r"<script(?![^>]*\bsrc=)", text) is None

    def test_language_switcher_posts_back_to_the_current_page(self, client):
        text = client.get("/design/?x=1").text
        assert '<form action="/i18n/setlang/" method="post" class="lang-switch"' in text
        assert '<input name="next" type="hidden" value="/design/?x=1">' in text
        assert 'lang="ja" aria-current="true">日本語</button>' in text
        assert 'lang="en">English</button>' in text

    def test_switching_language_keeps_the_page(self, client):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/design/"})
        assert response.status_code == 302
        assert response["Location"] == "/design/"
        assert html_lang(client.get("/design/").content) == "en"

    def test_anonymous_account_menu(self, client):
        text = client.get("/").text
        assert 'href="/accounts/login/">ログイン</a>' in text
        assert 'href="/accounts/signup/">新規登録</a>' in text
        assert "ログアウト" not in text

    def test_signed_in_account_menu(self, client):
        user = get_user_model().objects.create_user(
            email="hanako@example.jp", password="a long enough password", name="山田 花子"
        )
        client.force_login(user)
        text = client.get("/design/").text
        assert "山田 花子" in text
        assert '<form method="post" action="/accounts/logout/">' in text
        assert "ログアウト" in text

    def test_breadcrumbs_only_where_a_page_has_them(self, client):
        assert 'class="breadcrumbs"' not in client.get("/").text
        text = client.get("/accessibility/").text
        assert '<nav class="breadcrumbs" aria-label="パンくずリスト"><ol><li><a href="/">' in text
        assert '<span aria-current="page">アクセシビリティ方針</span>' in text

    def test_messages_are_notices_with_a_live_role(self, client):
        text = client.get("/test/messages/").text
        assert '<div class="notice notice--success" role="status">' in text
        assert '<div class="notice notice--error" role="alert">' in text

    def test_style_guide_shows_every_component(self, client):
        text = client.get("/design/").text
        for css_class in DESIGN_CLASSES:
            assert re.search(rf'class="[^"]*(?<![\w-]){re.escape(css_class)}(?![\w-])', text), (
                css_class
            )


# The class names other templates are written against (the contract of static/src).
DESIGN_CLASSES = [
    "container", "stack", "cluster", "card", "table-wrap", "table",
    "badge", "badge--star3", "badge--star4", "badge--star5", "badge--success",
    "badge--warning", "badge--error", "badge--neutral", "badge--info",
    "button", "button--primary", "button--secondary", "button--tertiary", "button--danger",
    "form-field", "field-error", "help", "required",
    "notice", "notice--info", "notice--warning", "notice--error", "notice--success",
    "breadcrumbs", "progress", "visually-hidden", "lead", "muted", "skip-link",
    "tabs", "pagination", "definition-list",
]  # fmt: skip


def test_every_contract_class_is_styled():
    css = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "static/src").glob("*.css"))
    )
    for css_class in DESIGN_CLASSES:
        assert re.search(rf"\.{re.escape(css_class)}(?![\w-])", css), f".{css_class} has no CSS"


@pytest.mark.django_db
class TestErrorPages:
    def test_not_found(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert html_lang(response.content) == "ja"
        assert h1_count(response.content) == 1
        assert "ページが見つかりません" in response.text
        assert 'class="site-header"' in response.text

    def test_not_found_in_english(self, english):
        response = english.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.text

    def test_forbidden(self, client):
        response = client.get("/test/forbidden/")
        assert response.status_code == 403
        assert "アクセスできません" in response.text
        assert 'href="/accounts/login/?next=/test/forbidden/"' in response.text

    def test_server_error(self, english):
        english.raise_request_exception = False
        response = english.get("/test/broken/")
        assert response.status_code == 500
        assert html_lang(response.content) == "en"
        assert h1_count(response.content) == 1
        assert "Server error" in response.text


def test_server_error_page_needs_no_database():
    # No django_db mark: any query here would raise. The handler must not need one.
    with translation.override("ja"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "サーバーエラー" in response.content.decode()


def exploding_context_processor(request):
    raise RuntimeError("a context processor failed")


def test_server_error_page_does_not_run_context_processors(settings):
    templates = [{**settings.TEMPLATES[0]}]
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "context_processors": [f"{__name__}.exploding_context_processor"],
    }
    with override_settings(TEMPLATES=templates):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert 'href="/static/dist/app.css"' in response.content.decode()
