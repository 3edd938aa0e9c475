"""Review reasons shown in the reader's language; the engine's stored Chinese stays the source."""
from __future__ import annotations

import pytest
from django.utils import translation

from quizzes.scoring import types
from quizzes.templatetags.scoring_text import REVIEW_REASON_TEXT, reason_text


@pytest.mark.parametrize("code", sorted(REVIEW_REASON_TEXT))
def test_chinese_reason_text_is_the_engines_own(code):
    with translation.override("zh-hans"):
        assert reason_text({"code": code, "message": types.REVIEW_MESSAGES[code]}) == types.REVIEW_MESSAGES[code]


def test_every_engine_reason_has_a_translatable_text():
    assert set(REVIEW_REASON_TEXT) | {types.REVIEW_AUTO_FAIL} == set(types.REVIEW_MESSAGES)


def test_english_reasons_and_auto_fail_label_kept():
    stored = {"code": types.REVIEW_AUTO_FAIL, "message": types.REVIEW_MESSAGES[types.REVIEW_AUTO_FAIL].format(label="承诺假货赔十倍")}
    with translation.override("en"):
        assert reason_text({"code": types.REVIEW_RUDE, "message": "x"}) == "The reply contains rude or abusive wording."
        assert reason_text(stored) == "Breaks a must-not rule: 承诺假货赔十倍."
    with translation.override("zh-hans"):
        assert reason_text(stored) == stored["message"]


def test_unknown_code_shows_the_stored_message():
    assert reason_text({"code": "from_a_future_engine", "message": "新原因"}) == "新原因"
