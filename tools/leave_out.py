"""Leave-one-set-out for the scorer's tunable thresholds: tune on two graded sets, measure the third.

The engine's rules were written against what all three sets (and two red-team rounds) showed; its few
numeric thresholds are what a tuner would fit. This sweeps them over a grid, picks the setting that does
best on two sets, and reports the third set with it, each way round, beside the shipped setting. If the
held-out figures stay close to the shipped ones, the thresholds were not fitted to any one set.

Usage: .venv/bin/python tools/leave_out.py [--eval DIR] [--quick]
Needs ../shared/eval/ (dev.jsonl, bank2.jsonl, blind.jsonl and blind-scenarios/). No database.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

with contextlib.redirect_stdout(io.StringIO()):
    from check_bank import load_bank, vocabulary  # noqa: E402
from quizzes.bank_files import parse_extra_scenarios  # noqa: E402
from quizzes.scoring import accounting, claims, compile_snapshot, credit, engine, rubric_snapshot  # noqa: E402
from quizzes.scoring.evaluation import GradedReply, Scored, evaluate  # noqa: E402

SETS = ("dev", "bank2", "blind")
# module, attribute, the values swept (the shipped value is among them)
GRID = (
    (credit, "CREDIT_EXPONENT", (0.7, 0.75, 0.8, 0.85, 0.9)),
    (accounting, "ABOUT_PERSON_SHARE", (0.1, 0.15, 0.2)),
    (claims, "COVERED_SHARE", (0.67, 0.75, 0.85)),
    (engine, "PASS_CONFIDENCE_FLOOR", (0.15, 0.25, 0.35)),
    (engine, "BORDERLINE_POINTS", (3, 5, 8)),
)
QUICK_GRID = GRID[:2]


def objective(figures: list) -> float:
    """Agreement, less what the targets forbid: gaming passed, good replies flagged, gaming unflagged."""
    total = 0.0
    for e in figures:
        total += (e.qwk or 0) + (e.pass_kappa or 0) - 2 * e.gaming_passed
        total -= max(0.0, e.good_flagged - 0.10) + max(0.0, 0.90 - e.gaming_flagged)
    return total / len(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--quick", action="store_true", help="sweep only the first two thresholds")
    args = parser.parse_args()
    if not (args.eval / "dev.jsonl").is_file():
        sys.exit(f"No graded sets in {args.eval}: they live in the team's shared folder beside the repository.")
    bank = load_bank()
    lexicon = bank.lexicon()
    modules, tags = vocabulary(ROOT / "courses" / "content")
    scenarios = {s.slug: s for s in bank.scenarios}
    blind = args.eval / "blind-scenarios"
    if blind.is_dir():
        for s in parse_extra_scenarios(blind, concepts=bank.concepts, module_slugs=modules, tags=tags,
                                       taken=set(scenarios)):
            scenarios[s.slug] = s
    compiled = {slug: compile_snapshot(rubric_snapshot(s.rubric, lexicon)) for slug, s in scenarios.items()}
    sets = {name: [GradedReply.from_dict(json.loads(line)) for line in
                   (args.eval / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
            for name in SETS}

    def measure(name: str):
        scored = []
        for item in sets[name]:
            s = scenarios[item.scenario]
            r = compiled[item.scenario].score(item.reply, buyer_text=s.buyer_text, topic_text=s.topic_text,
                                              reference=s.model_answer)
            scored.append(Scored(item, r.total, r.passed, r.needs_review, tuple(x.code for x in r.review_reasons)))
        return evaluate(scored)

    grid = QUICK_GRID if args.quick else GRID
    shipped = tuple(getattr(module, name) for module, name, _ in grid)
    started = time.perf_counter()
    table = {}
    for values in itertools.product(*(choices for _, _, choices in grid)):
        for (module, name, _), value in zip(grid, values):
            setattr(module, name, value)
        claims._stands_in.cache_clear()
        table[values] = {name: measure(name) for name in SETS}
    for (module, name, _), value in zip(grid, shipped):
        setattr(module, name, value)
    claims._stands_in.cache_clear()
    names = [name for _, name, _ in grid]
    print(f"{len(table)} settings of {', '.join(names)} in {time.perf_counter() - started:.0f} s; shipped {shipped}\n")

    def line(e) -> str:
        return (f"QWK {e.qwk:.3f}  κ {e.pass_kappa:.3f}  gaming passed {e.gaming_passed:.1%}  "
                f"gaming flagged {e.gaming_flagged:.1%}  good flagged {e.good_flagged:.1%}")

    for held in SETS:
        tuned_on = [name for name in SETS if name != held]
        best = max(table, key=lambda values: objective([table[values][name] for name in tuned_on]))
        print(f"held out {held:6} tuned on {'+'.join(tuned_on):11} chose {dict(zip(names, best))}")
        print(f"   with the chosen setting: {line(table[best][held])}")
        print(f"   with the shipped one:    {line(table[shipped][held])}")


if __name__ == "__main__":
    main()
