"""A reply written the way a scenario's lesson teaches must pass that scenario (no database needed).

The replies live in tests/quizzes/lesson_replies.toml, one per scenario, each naming the lesson it
follows. They are not the model answers: they are what a trainee who read the lesson would write, so
a rubric that disagrees with its lesson fails here.
"""
from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPLIES = tomllib.loads((ROOT / "tests" / "quizzes" / "lesson_replies.toml").read_text(encoding="utf-8"))["replies"]

_spec = importlib.util.spec_from_file_location("check_bank", ROOT / "tools" / "check_bank.py")
check_bank = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_bank", check_bank)
_spec.loader.exec_module(check_bank)


@pytest.fixture(scope="module")
def bank():
    return check_bank.load_bank()


def test_every_reply_names_a_real_scenario_and_lesson_once(bank):
    scenarios = {s.slug for s in bank.scenarios}
    lessons = check_bank.lesson_modules(ROOT / "courses" / "content")
    slugs = [reply["scenario"] for reply in REPLIES]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) <= scenarios
    assert {reply["lesson"] for reply in REPLIES} <= set(lessons)


def test_every_scenario_in_the_bank_has_a_reply(bank):
    """Certification-only scenarios too: the exam pool is scored by the same rubrics."""
    replied = {reply["scenario"] for reply in REPLIES}
    missing = sorted(s.slug for s in bank.scenarios if s.slug not in replied)
    assert not missing, f"scenarios without a lesson reply: {missing}"


def test_certification_scenarios_are_covered(bank):
    certification = {s.slug for s in bank.scenarios if s.certification_only}
    assert certification, "the bank should hold certification-only scenarios"
    assert certification <= {reply["scenario"] for reply in REPLIES}


def test_replies_are_not_the_model_answers(bank):
    models = {s.slug: s.model_answer for s in bank.scenarios}
    assert all(reply["text"].strip() != models[reply["scenario"]] for reply in REPLIES)


@pytest.mark.parametrize("reply", REPLIES, ids=[reply["scenario"] for reply in REPLIES])
def test_a_reply_that_follows_the_lesson_passes(bank, reply):
    scenario = next(s for s in bank.scenarios if s.slug == reply["scenario"])
    result = check_bank.score(scenario, bank.lexicon(), reply["text"])
    assert result.passed and not result.needs_review, check_bank.breakdown(result, reply["text"])
