"""The ★ wizard's decision logic (registry.wizard) against the interim report's model chart.

The truth table covers every combination of exclusion × Q1 × Q2 × Q3 × both adjustment factors,
each answered yes / no / "not sure" (3**6 = 729 cases), and checks the implementation against a
formulation of the chart written independently here.
"""

import itertools
import re

import pytest
from django.utils import translation

from registry.wizard import (
    Answer,
    IncompleteAnswersError,
    Question,
    WizardAnswers,
    missing_questions,
    next_question,
    previous_question,
    questions_needed,
    recommend_star,
)

VALUES = ("yes", "no", "unknown")
RISKS = ("confidential_information", "business_interruption", "internal_system_access")
FACTORS = ("recent_incidents", "important_subcontractors")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def chart_star(exclusion, q1, q2, q3, incidents, subcontractors):
    """The chart read as one sentence: an excluded purchase needs no ★; otherwise ★3 only when
    every risk and every adjustment factor is a clear "no" ("not sure" counts against it)."""
    if exclusion == "yes":
        return None
    return 3 if (q1, q2, q3, incidents, subcontractors) == ("no",) * 5 else 4


def chart_reason_codes(exclusion, q1, q2, q3, incidents, subcontractors):
    """Which findings explain the result: exclusion alone, else the risks that apply, else the
    ★3 starting point followed by the adjustment factors (or the absence of any)."""
    if exclusion == "yes":
        return {"excluded"}
    suffix = {"yes": "", "unknown": "_unknown"}
    codes = {"exclusion_unknown"} if exclusion == "unknown" else set()
    risks = {name + suffix[a] for name, a in zip(RISKS, (q1, q2, q3), strict=True) if a in suffix}
    if risks:
        return codes | risks
    factors = {
        name + suffix[a]
        for name, a in zip(FACTORS, (incidents, subcontractors), strict=True)
        if a in suffix
    }
    return codes | {"no_chart_risk"} | (factors or {"no_adjustment"})


def answers_of(combination):
    return WizardAnswers(**{q.value: Answer(v) for q, v in zip(Question, combination, strict=True)})


TRUTH_TABLE = list(itertools.product(VALUES, repeat=6))


@pytest.mark.parametrize("combination", TRUTH_TABLE, ids="-".join)
def test_truth_table_matches_the_model_chart(combination):
    recommendation = recommend_star(answers_of(combination))

    assert recommendation.star == chart_star(*combination)
    assert recommendation.excluded == (combination[0] == "yes")
    assert recommendation.reason_codes == chart_reason_codes(*combination)
    assert len(recommendation.reasons) == len(recommendation.reason_codes)
    # ★4 always comes with the advice to add requirements where ★4 is not strong enough.
    assert recommendation.additional_requirements.applies == (recommendation.star == 4)


def test_truth_table_is_complete():
    assert len(TRUTH_TABLE) == 3**6 == 729
    stars = {chart_star(*c) for c in TRUTH_TABLE}
    assert stars == {None, 3, 4}


@pytest.mark.parametrize("combination", TRUTH_TABLE[::7], ids="-".join)
def test_every_text_exists_in_both_languages(combination):
    recommendation = recommend_star(answers_of(combination))
    statements = [
        *recommendation.reasons,
        *recommendation.notes,
        recommendation.additional_requirements.summary,
        *recommendation.additional_requirements.examples,
    ]
    for statement in statements:
        assert JAPANESE.search(statement.text_ja), statement.code
        assert statement.text_en
        assert statement.text_en != statement.text_ja
        assert not JAPANESE.search(statement.text_en.replace("追加要求", "")), statement.code


def test_reasons_follow_the_order_of_the_questions():
    answers = WizardAnswers(
        exclusion=Answer.UNKNOWN,
        confidential_information=Answer.YES,
        business_interruption=Answer.NO,
        internal_system_access=Answer.UNKNOWN,
    )
    recommendation = recommend_star(answers)
    assert [r.code for r in recommendation.reasons] == [
        "exclusion_unknown",
        "confidential_information",
        "internal_system_access_unknown",
    ]
    assert [r.question for r in recommendation.reasons] == [
        Question.EXCLUSION,
        Question.CONFIDENTIAL_INFORMATION,
        Question.INTERNAL_SYSTEM_ACCESS,
    ]


def test_a_reason_names_the_question_that_drove_it():
    answers = WizardAnswers(
        exclusion=Answer.NO,
        confidential_information=Answer.NO,
        business_interruption=Answer.YES,
        internal_system_access=Answer.NO,
    )
    (reason,) = recommend_star(answers).reasons
    assert reason.text_en.startswith("Q2 (business interruption)")
    assert reason.text_ja.startswith("Q2（事業中断）")
    assert "★4" in reason.text_ja


def test_unknown_answers_are_treated_as_yes_and_say_so():
    answers = WizardAnswers(
        exclusion=Answer.NO,
        confidential_information=Answer.NO,
        business_interruption=Answer.NO,
        internal_system_access=Answer.NO,
        recent_incidents=Answer.NO,
        important_subcontractors=Answer.UNKNOWN,
    )
    recommendation = recommend_star(answers)
    assert recommendation.star == 4
    reason = recommendation.reasons[-1]
    assert reason.code == "important_subcontractors_unknown"
    assert "not sure" in reason.text_en
    assert "safe side" in reason.text_en
    assert "わからない" in reason.text_ja
    assert "安全側" in reason.text_ja


def test_an_unsure_exclusion_applies_the_chart():
    answers = WizardAnswers(
        exclusion=Answer.UNKNOWN,
        confidential_information=Answer.NO,
        business_interruption=Answer.NO,
        internal_system_access=Answer.NO,
        recent_incidents=Answer.NO,
        important_subcontractors=Answer.NO,
    )
    recommendation = recommend_star(answers)
    assert recommendation.star == 3
    assert not recommendation.excluded
    assert recommendation.reasons[0].code == "exclusion_unknown"


def test_excluded_purchase_needs_no_star_but_mentions_the_star3_baseline():
    recommendation = recommend_star(WizardAnswers(exclusion=Answer.YES))
    assert recommendation.star is None
    assert recommendation.excluded
    (reason,) = recommendation.reasons
    assert "★3" in reason.text_ja
    assert "最低限" in reason.text_ja
    assert "minimum" in reason.text_en
    assert recommendation.contract_text_ja == ""
    assert recommendation.contract_text_en == ""
    assert not recommendation.additional_requirements.applies


@pytest.mark.parametrize(
    ("combination", "star", "level_ja", "level_en"),
    [
        (("no", "no", "no", "no", "no", "no"), 3, "★3（ベーシック）", "★3 (Basic)"),
        (("no", "yes", "no", "no", "no", "no"), 4, "★4（スタンダード）", "★4 (Standard)"),
        (("unknown", "no", "no", "no", "yes", "no"), 4, "★4（スタンダード）", "★4 (Standard)"),
    ],
)
def test_contract_text_in_both_languages(combination, star, level_ja, level_en):
    recommendation = recommend_star(answers_of(combination))
    assert recommendation.star == star
    ja, en = recommendation.contract_text_ja, recommendation.contract_text_en
    assert level_ja in ja
    assert "法人" in ja
    assert "受託者" in ja
    assert "登録を維持" in ja
    assert ja.endswith("ものとする。")
    assert level_en in en
    assert "legal entity" in en
    assert "registration" in en
    assert not JAPANESE.search(en.replace("SCS評価制度", ""))


def test_contract_text_does_not_depend_on_the_active_language():
    recommendation = recommend_star(answers_of(("no", "yes", "no", "no", "no", "no")))
    with translation.override("en"):
        in_english_ui = (recommendation.contract_text_ja, recommendation.contract_text_en)
    with translation.override("ja"):
        in_japanese_ui = (recommendation.contract_text_ja, recommendation.contract_text_en)
    assert in_english_ui == in_japanese_ui


def test_reasoning_text_numbers_the_reasons():
    recommendation = recommend_star(answers_of(("unknown", "yes", "yes", "no", "no", "no")))
    lines = recommendation.reasoning_text("ja").splitlines()
    assert [line.split(".", 1)[0] for line in lines] == ["1", "2", "3"]
    assert lines[1].startswith("2. Q1（重要な機密情報）")


def test_star4_advice_names_the_risks_that_led_to_it():
    recommendation = recommend_star(answers_of(("no", "yes", "no", "yes", "no", "no")))
    advice = recommendation.additional_requirements
    assert advice.applies
    assert "追加要求" in advice.summary.text_ja
    assert [e.code for e in advice.examples] == [
        "confidential_information",
        "internal_system_access",
    ]


def test_subcontracting_note_leaves_the_decision_to_the_direct_supplier():
    recommendation = recommend_star(answers_of(("no", "no", "no", "no", "no", "yes")))
    codes = [note.code for note in recommendation.notes]
    assert "subcontracting" in codes
    note = recommendation.notes[codes.index("subcontracting")]
    assert "直接の取引先" in note.text_ja
    assert "direct supplier" in note.text_en


# --- which questions are asked, and in which order -------------------------------------------


def test_exclusion_yes_asks_nothing_else():
    answers = WizardAnswers(exclusion=Answer.YES)
    assert questions_needed(answers) == [Question.EXCLUSION]
    assert missing_questions(answers) == []
    assert next_question(answers, after=Question.EXCLUSION) is None


def test_adjustment_factors_are_asked_only_while_no_risk_applies():
    all_no = WizardAnswers(
        exclusion=Answer.NO,
        confidential_information=Answer.NO,
        business_interruption=Answer.NO,
        internal_system_access=Answer.NO,
    )
    assert questions_needed(all_no) == list(Question)
    for answer in (Answer.YES, Answer.UNKNOWN):
        one_risk = WizardAnswers(
            exclusion=Answer.NO,
            confidential_information=Answer.NO,
            business_interruption=answer,
            internal_system_access=Answer.NO,
        )
        assert questions_needed(one_risk) == [
            Question.EXCLUSION,
            Question.CONFIDENTIAL_INFORMATION,
            Question.BUSINESS_INTERRUPTION,
            Question.INTERNAL_SYSTEM_ACCESS,
        ]
        assert recommend_star(one_risk).star == 4


def test_missing_answers_raise_with_the_questions_in_order():
    with pytest.raises(IncompleteAnswersError) as raised:
        recommend_star(WizardAnswers(exclusion=Answer.NO, business_interruption=Answer.NO))
    assert raised.value.missing == (
        Question.CONFIDENTIAL_INFORMATION,
        Question.INTERNAL_SYSTEM_ACCESS,
        Question.RECENT_INCIDENTS,
        Question.IMPORTANT_SUBCONTRACTORS,
    )
    with pytest.raises(IncompleteAnswersError) as raised:
        recommend_star(WizardAnswers())
    assert raised.value.missing[0] == Question.EXCLUSION


def test_answers_not_needed_are_ignored():
    without = WizardAnswers(
        exclusion=Answer.NO,
        confidential_information=Answer.YES,
        business_interruption=Answer.NO,
        internal_system_access=Answer.NO,
    )
    with_factors = WizardAnswers(
        **{
            **without.__dict__,
            "recent_incidents": Answer.YES,
            "important_subcontractors": Answer.NO,
        }
    )
    assert recommend_star(without).reason_codes == recommend_star(with_factors).reason_codes


def test_next_and_previous_question_walk_the_needed_questions():
    answers = WizardAnswers(
        exclusion=Answer.NO,
        confidential_information=Answer.NO,
        business_interruption=Answer.NO,
        internal_system_access=Answer.YES,
    )
    assert next_question(answers, after=Question.EXCLUSION) == Question.CONFIDENTIAL_INFORMATION
    assert next_question(answers, after=Question.INTERNAL_SYSTEM_ACCESS) is None
    assert previous_question(answers, before=Question.BUSINESS_INTERRUPTION) == (
        Question.CONFIDENTIAL_INFORMATION
    )
    assert previous_question(answers, before=Question.EXCLUSION) is None
    # After a step comes the next needed question; without one, the first unanswered question.
    partial = WizardAnswers(exclusion=Answer.NO, internal_system_access=Answer.NO)
    assert next_question(partial, after=Question.INTERNAL_SYSTEM_ACCESS) == (
        Question.RECENT_INCIDENTS
    )
    assert next_question(partial) == Question.CONFIDENTIAL_INFORMATION
