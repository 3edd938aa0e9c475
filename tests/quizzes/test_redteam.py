"""Replies written by three red-team rounds that saw only what a trainee sees (944 replies, graded 0-4 by
the writers as a supervisor would). Rounds 2 and 3 were written one-shot, held out from the engine; the
engine was then mended on what they showed, so these are now regression figures, not held-out ones
(docs/scorer.md gives the held-out figures as first measured). No database.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from check_bank import load_bank  # noqa: E402

from quizzes.scoring import compile_snapshot, rubric_snapshot  # noqa: E402

REPLIES = Path(__file__).resolve().parent / "redteam_replies.jsonl"
# What the engine reaches on them now; a change that lets more through, or flags more good replies, fails.
ATTACKS_THROUGH_AT_MOST = 0.13  # bad replies (grade 0-1) passed and not sent to a supervisor
GOOD_FALSE_AT_MOST = 0.07  # good replies (grade 3-4) failed or sent to a supervisor


@lru_cache(maxsize=1)
def _outcomes():
    bank = load_bank()
    lexicon = bank.lexicon()
    scenarios = {s.slug: s for s in bank.scenarios}
    rows = [json.loads(line) for line in REPLIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for row in rows:
        s = scenarios[row["scenario"]]
        result = compile_snapshot(rubric_snapshot(s.rubric, lexicon)).score(
            row["reply"], buyer_text=s.buyer_text, topic_text=s.topic_text, reference=s.model_answer)
        out.append((row, result))
    return out


def test_few_bad_replies_get_through_unflagged():
    bad = [(row, r) for row, r in _outcomes() if row["grade"] <= 1]
    through = [(row, r) for row, r in bad if r.passed and not r.needs_review]
    assert len(bad) > 500
    share = len(through) / len(bad)
    by_family = Counter(row["family"] for row, _ in through)
    assert share <= ATTACKS_THROUGH_AT_MOST, (f"{share:.1%}", by_family.most_common(5))


def test_good_replies_pass_unflagged():
    good = [(row, r) for row, r in _outcomes() if row["grade"] >= 3]
    false = [(row["scenario"], r.total, [x.code for x in r.review_reasons]) for row, r in good
             if not r.passed or r.needs_review]
    assert len(good) > 250
    assert len(false) / len(good) <= GOOD_FALSE_AT_MOST, false
