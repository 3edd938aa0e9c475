"""The scorer's agreement figures: the maths (no database), and the figures reached on the development set."""
from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.scoring.evaluation import GradedReply, Scored, cohen_kappa, evaluate, grade_of, spearman

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"

# Issue #26's targets for every set: a change that raises one set and lowers another below these fails.
TARGETS = {"qwk": 0.85, "pass_kappa": 0.80, "gaming_flagged": 0.90, "good_flagged": 0.10, "qwk_spread": 0.05}


@pytest.mark.parametrize(("total", "grade"), [(0, 0), (39, 0), (40, 1), (59, 1), (60, 2), (74, 2), (75, 3), (89, 3),
                                              (90, 4), (100, 4)])
def test_totals_fall_in_the_fixed_bins(total, grade):
    assert grade_of(total) == grade


def test_spearman_uses_tied_ranks():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks [1.5, 1.5, 3, 4] against [1, 2, 3, 4]: r = 0.9487 (worked by hand)
    assert spearman([5, 5, 7, 9], [1, 2, 3, 4]) == pytest.approx(0.9487, abs=1e-4)
    assert spearman([1, 1], [2, 3]) is None


def test_cohen_kappa_against_a_worked_example():
    # 10 items: both yes 4, both no 3, a yes/b no 2, a no/b yes 1 → po = .7, pe = .6*.5 + .4*.5 = .5, κ = .4
    a = [True] * 4 + [False] * 3 + [True] * 2 + [False]
    b = [True] * 4 + [False] * 3 + [False] * 2 + [True]
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa([True, True], [True, True]) is None


def _scored(grade: int, kind: str, total: int, passed: bool, flagged: bool) -> Scored:
    return Scored(GradedReply("x", "s", "r", grade, kind), total, passed, flagged, ())


def test_evaluate_counts_kinds_gaming_and_flags():
    evaluation = evaluate([
        _scored(4, "excellent", 95, True, False),
        _scored(3, "good", 80, True, True),
        _scored(1, "poor", 45, False, False),
        _scored(0, "stuffing", 35, False, True),
        _scored(0, "negation", 80, True, False),
    ])
    assert evaluation.n == 5
    assert evaluation.gaming_passed == 0.5 and evaluation.gaming_flagged == 0.5
    assert evaluation.good_flagged == 0.5
    assert evaluation.kinds["negation"].passed == 1.0
    assert evaluation.pass_accuracy == pytest.approx(0.8)
    assert evaluation.scored[4].disagrees and not evaluation.scored[0].disagrees


def test_a_grade_outside_0_to_4_is_refused():
    with pytest.raises(ValueError):
        GradedReply.from_dict({"id": "a", "scenario": "s", "reply": "r", "grade": 7, "kind": "good"})


def test_a_missing_set_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No graded set"):
        call_command("evaluate_scorer", "--set", str(tmp_path / "none.jsonl"))


def test_a_broken_line_names_its_place(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "scenario": "s", "reply": "r", "grade": 3, "kind": "good"}\n{broken\n', encoding="utf-8")
    with pytest.raises(CommandError, match="set.jsonl:2"):
        call_command("evaluate_scorer", "--set", str(path))


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason=f"the graded sets are not here ({EVAL_DIR}): they live in the "
                    "team's shared folder beside the repository, not in a clone")
def test_the_scorer_reaches_its_targets_on_every_shared_set(bank):
    """Issue #26's targets, on each of the three sets (dev, bank2, blind with its blind-written scenarios)."""
    out = StringIO()
    call_command("evaluate_scorer", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert set(figures) == {"dev", "bank2", "blind"}
    assert figures["dev"]["n"] == 240 and figures["bank2"]["n"] == 120 and figures["blind"]["n"] == 112
    for name, set_figures in figures.items():
        assert set_figures["qwk"] >= TARGETS["qwk"], (name, set_figures["qwk"])
        assert set_figures["pass_kappa"] >= TARGETS["pass_kappa"], (name, set_figures["pass_kappa"])
        assert set_figures["gaming_passed"] == 0, name
        assert set_figures["gaming_flagged"] >= TARGETS["gaming_flagged"], (name, set_figures["gaming_flagged"])
        assert set_figures["good_flagged"] <= TARGETS["good_flagged"], (name, set_figures["good_flagged"])
    qwks = [set_figures["qwk"] for set_figures in figures.values()]
    assert max(qwks) - min(qwks) <= TARGETS["qwk_spread"]


SCENARIO_FILE = """slug = "extra-socks-colour"
title = "袜子选颜色"
module = "presales-flow"
tags = ["customer:hesitant", "situation:recommend"]
difficulty = 1
pass_mark = 70
context = "店铺:暖暖袜铺。商品:羊毛袜三双装 ¥39,灰色和藏青两色都有现货,16点前付款当天发货。"
model_answer = "亲,灰色和藏青都有现货哦。灰色百搭,藏青耐脏,您平时穿深色多就选藏青。16点前付款今天就发,您看要哪个颜色?"

[[turns]]
role = "buyer"
text = "灰色和藏青选哪个好?"

[[criteria]]
key = "advise"
kind = "covers"
label = "给出颜色建议"
weight = 3
phrases = ["百搭", "耐脏", "就选"]
feedback = "说说两个颜色各自的好处,帮买家选。"

[[criteria]]
key = "ship"
kind = "covers"
label = "说明发货时间"
weight = 2
phrases = ["当天发", "今天就发"]
feedback = "告诉买家什么时候付款能当天发。"

[[criteria]]
key = "stock"
kind = "covers"
label = "说明有货"
weight = 1
phrases = ["都有现货", "都有货"]
feedback = "告诉买家两色都有货。"

[[criteria]]
key = "polite"
kind = "form"
label = "礼貌称呼"
weight = 1
check = "polite_address"
feedback = "用“亲”或“您”称呼买家。"
"""


def test_a_set_is_scored_against_extra_scenario_files_beside_the_bank(bank, tmp_path):
    """--scenarios: a folder of scenario files (as a blind-written set has) is validated and scored, not loaded."""
    folder = tmp_path / "extra" / "presales-flow"
    folder.mkdir(parents=True)
    (folder / "extra-socks-colour.toml").write_text(SCENARIO_FILE, encoding="utf-8")
    graded = tmp_path / "extra-set.jsonl"
    graded.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"id": "s-1", "scenario": "extra-socks-colour", "grade": 4, "kind": "excellent",
         "reply": "亲,两色都有货~灰色百搭,藏青耐脏,您平时穿深色多就选藏青吧。16点前付款今天就发,要哪个?"},
        {"id": "s-2", "scenario": "extra-socks-colour", "grade": 0, "kind": "stuffing", "reply": "灰色 藏青 百搭 耐脏 当天发"},
    ]), encoding="utf-8")
    out = StringIO()
    call_command("evaluate_scorer", "--set", str(graded), "--scenarios", str(tmp_path / "extra"), "--json", stdout=out)
    figures = json.loads(out.getvalue())["extra-set"]
    assert figures["n"] == 2
    assert figures["kinds"]["excellent"]["passed"] == 1.0 and figures["kinds"]["stuffing"]["passed"] == 0.0


def test_an_extra_scenario_file_with_a_mistake_names_its_place(bank, tmp_path):
    folder = tmp_path / "extra" / "presales-flow"
    folder.mkdir(parents=True)
    (folder / "extra-socks-colour.toml").write_text(SCENARIO_FILE.replace("pass_mark = 70", "pass_mark = 700"),
                                                     encoding="utf-8")
    graded = tmp_path / "set.jsonl"
    graded.write_text(json.dumps({"id": "a", "scenario": "extra-socks-colour", "reply": "r", "grade": 1,
                                  "kind": "poor"}), encoding="utf-8")
    with pytest.raises(CommandError, match="extra-socks-colour.toml.*pass_mark"):
        call_command("evaluate_scorer", "--set", str(graded), "--scenarios", str(tmp_path / "extra"))


def test_flagged_passages_are_marked_in_the_reply():
    from quizzes.selectors import reply_segments

    reply = "亲,马上补发,呵呵"
    result = {"criteria": [{"kind": "covers", "label": "补发", "evidence": [[4, 6]]}],
              "review_reasons": [{"code": "sarcasm", "message": "讽刺", "evidence": [[7, 9]]}]}
    segments = reply_segments(reply=reply, result=result)
    assert [(s.text, s.kind) for s in segments if s.kind] == [("补发", "good"), ("呵呵", "bad")]
    assert next(s for s in segments if s.text == "呵呵").labels == "讽刺"


OWN_SET = Path(__file__).resolve().parent / "graded_replies.jsonl"


def test_the_scorer_keeps_its_figures_on_our_own_graded_replies(bank):
    """40 replies written and graded for this suite, to scenarios the development set does not use."""
    out = StringIO()
    call_command("evaluate_scorer", "--set", str(OWN_SET), "--json", stdout=out)
    figures = json.loads(out.getvalue())["graded_replies"]
    assert figures["n"] == 40
    assert figures["qwk"] >= 0.85 and figures["pass_kappa"] >= 0.9 and figures["spearman"] >= 0.75
    # One gaming reply still passes: a false claim without numbers (同一个型号、保修也一样).
    assert figures["gaming_passed"] <= 0.07 and figures["gaming_flagged"] >= 0.9
    assert figures["good_flagged"] == 0


BLIND_RUBRICS = Path(__file__).resolve().parent / "blind_rubrics"


def test_rubrics_a_shop_trainer_wrote_blind_from_the_docs(bank):
    """12 scenarios written from docs/authoring.md alone and 120 replies graded before scoring (our own
    round 4; first measured QWK 0.712, 14.6 % of good replies flagged; the engine was mended on it since,
    so these are regression floors). Needs nothing beside the repository."""
    out = StringIO()
    call_command("evaluate_scorer", "--set", str(BLIND_RUBRICS / "graded.jsonl"),
                 "--scenarios", str(BLIND_RUBRICS / "scenarios"), "--json", stdout=out)
    figures = json.loads(out.getvalue())["graded"]
    assert figures["n"] == 120
    assert figures["qwk"] >= 0.78 and figures["pass_kappa"] >= 0.80
    assert figures["gaming_passed"] <= 0.05 and figures["good_flagged"] <= 0.10
