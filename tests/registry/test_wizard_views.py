"""The ★ wizard's public pages: one question per step, answers kept in the address, the result
in Japanese and English with a contract clause in both languages."""

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

WIZARD = "/wizard/"
RESULT = "/wizard/result/"

ALL_NO = {
    "exclusion": "no",
    "confidential_information": "no",
    "business_interruption": "no",
    "internal_system_access": "no",
    "recent_incidents": "no",
    "important_subcontractors": "no",
}


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def hidden_answers(html):
    """The hidden inputs of the wizard's own form (not of the language switcher)."""
    form = re.search(r'<form method="get" action="/wizard/".*?</form>', html, re.S)
    assert form is not None
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="(\w+)">', form.group(0)))


def checked_value(html, name):
    found = re.search(rf'<input type="radio" name="{name}" value="(\w+)"[^>]*\bchecked\b', html)
    return found.group(1) if found else None


def query(location):
    parts = urlsplit(location)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_first_step_is_the_exclusion_question_in_japanese(client):
    html = page(client.get(WIZARD))
    assert '<html lang="ja">' in html
    assert html.count("<h1") == 1
    assert "単発・一過性の調達" in html
    assert "重要度が相対的に高いとは言えない" in html
    assert '<input type="hidden" name="current" value="exclusion">' in html
    assert "全6問中1問目" in html
    # Yes / no / not sure, each with its label.
    for value, label in (("yes", "はい"), ("no", "いいえ"), ("unknown", "わからない")):
        assert re.search(rf'<input type="radio" name="exclusion" value="{value}"', html)
        assert f"<span>{label}</span>" in html
    # The first step has no back link.
    assert "戻る" not in html


def test_walk_through_every_step_to_a_star4_result(client):
    answers: dict[str, str] = {}
    steps = [
        ("exclusion", "no", "confidential_information"),
        ("confidential_information", "no", "business_interruption"),
        ("business_interruption", "no", "internal_system_access"),
        ("internal_system_access", "no", "recent_incidents"),
        ("recent_incidents", "yes", "important_subcontractors"),
    ]
    for question, answer, following in steps:
        response = client.get(WIZARD, {**answers, question: answer, "current": question})
        assert response.status_code == 302
        path, params = query(response["Location"])
        answers[question] = answer
        assert path == WIZARD
        assert params == {**answers, "step": following}
        html = page(client.get(response["Location"]))
        assert f'<input type="hidden" name="current" value="{following}">' in html
        assert hidden_answers(html) == {**answers, "current": following}

    response = client.get(
        WIZARD, {**answers, "important_subcontractors": "no", "current": "important_subcontractors"}
    )
    assert response.status_code == 302
    path, params = query(response["Location"])
    assert path == RESULT
    assert params == {**answers, "important_subcontractors": "no"}

    html = page(client.get(response["Location"]))
    assert 'class="badge badge--star4"' in html
    assert "★4（スタンダード）" in html
    assert "調整要素（直近のインシデント）" in html


def test_a_yes_to_a_risk_skips_the_adjustment_factors(client):
    answers = {"exclusion": "no", "confidential_information": "yes", "business_interruption": "no"}
    response = client.get(
        WIZARD, {**answers, "internal_system_access": "no", "current": "internal_system_access"}
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == RESULT


def test_exclusion_yes_goes_straight_to_the_result(client):
    response = client.get(WIZARD, {"exclusion": "yes", "current": "exclusion"})
    assert response.status_code == 302
    assert response["Location"] == RESULT + "?exclusion=yes"
    html = page(client.get(response["Location"]))
    assert 'class="badge badge--neutral"' in html
    assert "この分岐図からは★の要求は不要" in html
    assert "最低限" in html
    assert 'id="clause-ja"' not in html


def test_back_link_shows_the_previous_answer_and_keeps_the_later_ones(client):
    answers = {
        "exclusion": "no",
        "confidential_information": "yes",
        "business_interruption": "unknown",
    }
    html = page(client.get(WIZARD, {**answers, "step": "internal_system_access"}))
    back = re.search(r'<a class="button button--tertiary" href="([^"]+)">戻る</a>', html)
    assert back is not None
    path, params = query(back.group(1))
    assert path == WIZARD
    assert params == {**answers, "step": "business_interruption"}

    previous = page(client.get(back.group(1)))
    assert checked_value(previous, "business_interruption") == "unknown"
    assert hidden_answers(previous) == {
        "exclusion": "no",
        "confidential_information": "yes",
        "current": "business_interruption",
    }
    # Changing that answer and going on keeps the answers further along.
    response = client.get(
        WIZARD, {**answers, "business_interruption": "no", "current": "business_interruption"}
    )
    _, params = query(response["Location"])
    assert params == {**answers, "business_interruption": "no", "step": "internal_system_access"}


def test_next_without_an_answer_shows_the_error_and_keeps_the_answers(client):
    html = page(client.get(WIZARD, {"exclusion": "no", "current": "confidential_information"}))
    assert "次に進むには、回答を選択してください。" in html
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert hidden_answers(html) == {"exclusion": "no", "current": "confidential_information"}


def test_a_wrong_value_for_the_current_step_is_an_error(client):
    html = page(
        client.get(
            WIZARD,
            {
                "exclusion": "no",
                "confidential_information": "perhaps",
                "current": "confidential_information",
            },
        )
    )
    assert "表示されている回答から選択してください。" in html
    assert checked_value(html, "confidential_information") is None


def test_invalid_values_in_the_address_are_dropped_with_a_message(client):
    html = page(
        client.get(
            WIZARD,
            {"exclusion": "no", "confidential_information": "maybe", "business_interruption": "no"},
        )
    )
    assert "アドレスに含まれる回答の一部が正しくないため、除外しました" in html
    assert "取引先IT基盤での重要な機密情報の取扱い" in html
    assert '<input type="hidden" name="current" value="confidential_information">' in html
    assert hidden_answers(html) == {
        "exclusion": "no",
        "business_interruption": "no",
        "current": "confidential_information",
    }


def test_an_unknown_step_name_shows_the_first_unanswered_question(client):
    html = page(client.get(WIZARD, {"exclusion": "no", "step": "nonsense"}))
    assert '<input type="hidden" name="current" value="confidential_information">' in html


def test_incomplete_result_shows_the_missing_question_and_keeps_the_answers(client):
    given = {"exclusion": "no", "confidential_information": "no", "internal_system_access": "yes"}
    html = page(client.get(RESULT, given))
    assert "結果を表示するには、以下の質問への回答が必要です。" in html
    assert '<input type="hidden" name="current" value="business_interruption">' in html
    assert hidden_answers(html) == {**given, "current": "business_interruption"}


def test_result_with_an_invalid_value_asks_that_question_again(client):
    html = page(client.get(RESULT, {**ALL_NO, "recent_incidents": "often"}))
    assert "アドレスに含まれる回答の一部が正しくないため" in html
    assert '<input type="hidden" name="current" value="recent_incidents">' in html


def test_result_page_in_japanese(client):
    answers = {
        "exclusion": "no",
        "confidential_information": "yes",
        "business_interruption": "no",
        "internal_system_access": "unknown",
    }
    html = page(client.get(RESULT, answers))
    assert '<html lang="ja">' in html
    assert html.count("<h1") == 1
    assert "この取引先に求める★" in html
    assert 'class="badge badge--star4"' in html
    assert "Q1（重要な機密情報）" in html
    assert "Q3（内部システムへのアクセス）" in html
    assert "「わからない」との回答でした" in html
    assert "追加要求" in html
    clause_ja = re.search(
        r'<pre class="wizard-text" id="clause-ja" lang="ja">(.*?)</pre>', html, re.S
    )
    clause_en = re.search(
        r'<pre class="wizard-text" id="clause-en" lang="en">(.*?)</pre>', html, re.S
    )
    assert clause_ja is not None
    assert clause_en is not None
    assert "法人" in clause_ja.group(1)
    assert "★4（スタンダード）" in clause_ja.group(1)
    assert "The Contractor shall obtain ★4 (Standard)" in clause_en.group(1)
    reasoning_en = re.search(r'id="reasoning-en" lang="en">(.*?)</pre>', html, re.S)
    assert reasoning_en is not None
    assert reasoning_en.group(1).startswith("1. Q1 (important confidential information)")
    # The answers table, with a link to change each answer.
    assert '<th scope="col">質問</th>' in html
    assert "<td>わからない</td>" in html
    assert html.count(">変更<span") == 4


def test_result_page_in_english_still_gives_the_japanese_clause(english):
    html = page(english.get(RESULT, ALL_NO))
    assert '<html lang="en">' in html
    assert "Which ★ to ask of this supplier" in html
    assert 'class="badge badge--star3"' in html
    assert "none of the three supply-chain risks applies" in html
    assert "so the level stays at ★3" in html
    assert "受託者は、本契約の履行期間中" in html
    assert "★3（ベーシック）" in html
    assert "The Contractor shall obtain ★3 (Basic)" in html
    assert "Copy the Japanese clause" in html
    assert "Additional requirements" not in html


def test_step_page_in_english(english):
    html = page(english.get(WIZARD, {"exclusion": "no", "step": "business_interruption"}))
    assert '<html lang="en">' in html
    assert "Would an interruption of the supplier's business" in html
    assert "Whether another supplier in the same industry could deliver instead." in html
    assert "How hard it is to secure stock." in html
    assert "step 3 of 6" in html


def test_pages_need_no_login_and_carry_no_inline_script_or_style(client):
    for response in (client.get(WIZARD), client.get(RESULT, ALL_NO)):
        html = page(response)
        assert "Content-Security-Policy" in response.headers
        assert " style=" not in html
        assert "<style" not in html
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script


def test_result_page_loads_its_script_deferred_and_buttons_start_hidden(client):
    html = page(client.get(RESULT, ALL_NO))
    assert re.search(r'<script src="/static/registry/wizard\.js" defer></script>', html)
    assert '<link rel="stylesheet" href="/static/registry/wizard.css">' in html
    assert re.search(r"<button [^>]*hidden data-print>", html)
    assert len(re.findall(r"<button [^>]*hidden data-copy-target=", html)) == 4
    assert finders.find("registry/wizard.js")
    assert finders.find("registry/wizard.css")


def test_print_stylesheet_targets_a4():
    found = finders.find("registry/wizard.css")
    assert isinstance(found, str)
    css = Path(found).read_text(encoding="utf-8")
    assert "@media print" in css
    assert "size: A4" in css
