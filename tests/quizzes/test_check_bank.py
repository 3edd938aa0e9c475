"""tools/check_bank.py over the shipped bank: every scenario's probes hold (no database needed)."""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_bank", ROOT / "tools" / "check_bank.py")
check_bank = importlib.util.module_from_spec(_spec)
sys.modules["check_bank"] = check_bank  # its dataclasses look their module up while being defined
_spec.loader.exec_module(check_bank)


def test_every_scenario_of_the_shipped_bank_passes_its_probes(capsys):
    assert check_bank.main([]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    scenarios = len(check_bank.load_bank().scenarios)
    assert summary.endswith(" 0 failed") and summary.startswith(f"{scenarios} scenarios")


def test_first_half_is_cut_at_a_sentence_end_near_the_middle():
    assert check_bank.first_half("亲,您好。我帮您查一下。稍等哦。马上回您!") == "亲,您好。我帮您查一下。"
    assert check_bank.first_half("没有句号的一句话") == "没有句号"


def test_a_rubric_that_lets_half_the_model_answer_pass_is_caught():
    bank = check_bank.load_bank()
    lexicon = bank.lexicon()
    scenario = next(s for s in bank.scenarios if s.slug not in check_bank.COMPLETE_FIRST_HALF)
    lenient = replace(scenario, pass_mark=1)  # anything of substance passes now
    half = next(p for p in check_bank.probes(lenient, lexicon) if p.name == "first half")
    assert half.failure(check_bank.score(lenient, lexicon, half.reply), lenient.pass_mark) is not None
    assert half.failure(check_bank.score(scenario, lexicon, half.reply), scenario.pass_mark) is None


def test_the_exemption_list_names_real_scenarios_with_reasons():
    slugs = {s.slug for s in check_bank.load_bank().scenarios}
    assert set(check_bank.COMPLETE_FIRST_HALF) <= slugs
    assert all(len(reason) > 20 for reason in check_bank.COMPLETE_FIRST_HALF.values())


def _question(slug: str, choices: tuple[str, ...] = ("甲甲", "乙", "丙"), answer=(0,), **fields):
    from quizzes.bank_files import QuestionFile

    values = dict(path="quizzes/content/questions/presales-flow.toml", slug=slug, kind="single", module="presales-flow",
                  tags=("situation:greeting",), prompt=f"题目{slug}?", choices=choices, answer=answer, explanation="因为。",
                  lesson="five-steps-and-greeting")
    values.update(fields)
    return QuestionFile(**values)


LESSONS = {"five-steps-and-greeting": "presales-flow", "wrong-item-sent": "logistics-aftersales"}


def test_the_shipped_questions_pass_the_bank_checks():
    bank = check_bank.load_bank()
    assert check_bank.question_problems(bank.questions, check_bank.lesson_modules(ROOT / "courses" / "content")) == []


def test_longest_option_is_judged_on_meaningful_characters_and_ties_count():
    assert check_bank.option_length("“好的,亲~”") == 3
    assert check_bank.answer_is_longest(_question("a", ("甲乙", "丙丁", "戊"), (0,)))  # tied for longest
    assert not check_bank.answer_is_longest(_question("b", ("甲", "丙丁", "戊"), (0,)))


def test_a_module_where_the_answer_is_usually_the_longest_option_is_reported():
    questions = [_question(f"q{i}", ("正确的长选项", "短", "短的"), (0,)) for i in range(2)]
    questions += [_question(f"r{i}", ("短", "更长的错误选项", "短的"), (0,)) for i in range(3)]
    assert check_bank.longest_answer_shares(questions) == {"presales-flow": (2, 5)}
    [problem] = check_bank.question_problems(questions, LESSONS)
    assert "2 of 5" in problem and "40 %" in problem
    questions.append(_question("r9", ("短", "更长的错误选项", "短的"), (0,)))
    assert check_bank.question_problems(questions, LESSONS) == []  # 2 of 6 is under 40 %


def test_a_missing_or_foreign_lesson_and_a_duplicate_prompt_are_reported():
    questions = [
        _question("ok", ("短", "更长的错误选项", "短的")),
        _question("nowhere", ("短", "更长的错误选项", "短的"), lesson="no-such-lesson"),
        _question("foreign", ("短", "更长的错误选项", "短的"), lesson="wrong-item-sent"),
        _question("again", ("短", "更长的错误选项", "短的"), prompt="题目 ok ?"),
    ]
    problems = check_bank.question_problems(questions, LESSONS)
    assert any("[nowhere]" in p and "does not exist" in p for p in problems)
    assert any("[foreign]" in p and "logistics-aftersales" in p for p in problems)
    assert any("[again]" in p and "[ok]" in p for p in problems)
    assert len(problems) == 3
