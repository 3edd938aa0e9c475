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
    assert summary.endswith(" 0 failed") and summary.startswith("70 scenarios")


def test_first_half_is_cut_at_a_sentence_end_near_the_middle():
    assert check_bank.first_half("亲,您好。我帮您查一下。稍等哦。马上回您!") == "亲,您好。我帮您查一下。"
    assert check_bank.first_half("没有句号的一句话") == "没有句号"


def test_a_rubric_that_lets_half_the_model_answer_pass_is_caught():
    bank = check_bank.load_bank()
    lexicon = bank.lexicon()
    scenario = next(s for s in bank.scenarios if s.slug not in check_bank.COMPLETE_FIRST_HALF)
    lenient = replace(scenario, pass_mark=1)  # anything of substance passes now
    half = next(p for p in check_bank.probes(lenient, lexicon) if p.name == "first half")
    assert half.failure(check_bank.score(lenient, lexicon, half.reply)) is not None
    assert half.failure(check_bank.score(scenario, lexicon, half.reply)) is None


def test_the_exemption_list_names_real_scenarios_with_reasons():
    slugs = {s.slug for s in check_bank.load_bank().scenarios}
    assert set(check_bank.COMPLETE_FIRST_HALF) <= slugs
    assert all(len(reason) > 20 for reason in check_bank.COMPLETE_FIRST_HALF.values())
