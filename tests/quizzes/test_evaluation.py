"""The scorer's agreement figures: the maths (no database), and the figures reached on the development set."""
from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.scoring.evaluation import GradedReply, Scored, cohen_kappa, evaluate, grade_of, spearman

DEV_SET = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev.jsonl"

# What `make eval-scorer` reached when this was written (issue #11). A change that loses any of them fails.
PINNED = {"qwk": 0.86, "pass_kappa": 0.88, "spearman": 0.74}
PINNED_GAMING_PASSED_AT_MOST = 0.0
PINNED_GAMING_FLAGGED_AT_LEAST = 0.98
PINNED_GOOD_FLAGGED_AT_MOST = 0.05


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


@pytest.mark.skipif(not DEV_SET.is_file(), reason=f"the development set is not here ({DEV_SET}): it lives in the "
                    "team's shared folder beside the repository, not in a clone")
def test_the_scorer_keeps_its_figures_on_the_development_set(bank):
    out = StringIO()
    call_command("evaluate_scorer", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["n"] == 240
    for name, floor in PINNED.items():
        assert figures[name] >= floor, (name, figures[name])
    assert figures["gaming_passed"] <= PINNED_GAMING_PASSED_AT_MOST
    assert figures["gaming_flagged"] >= PINNED_GAMING_FLAGGED_AT_LEAST
    assert figures["good_flagged"] <= PINNED_GOOD_FLAGGED_AT_MOST


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
    figures = json.loads(out.getvalue())
    assert figures["n"] == 40
    assert figures["qwk"] >= 0.85 and figures["pass_kappa"] >= 0.9 and figures["spearman"] >= 0.75
    # One gaming reply still passes: a false claim without numbers (同一个型号、保修也一样).
    assert figures["gaming_passed"] <= 0.07 and figures["gaming_flagged"] >= 0.9
    assert figures["good_flagged"] == 0
