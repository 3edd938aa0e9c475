"""Benchmark: score ~100k typical replies against the whole bank on one core and print replies per second.

Usage: .venv/bin/python bench/score_bank.py [--replies 100000] [--seed 7]
Replies are 30–150 characters: model answers, truncations, mutations (clauses dropped, shuffled or
negated, a rude or off-topic clause added), buyer messages and keyword salads.
"""
from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from check_bank import load_bank  # noqa: E402
from quizzes.scoring import compile_snapshot, keyword_salad, rubric_snapshot  # noqa: E402

CLAUSE = re.compile(r"[^,。!?;~,.!?;]+[,。!?;~,.!?;]*")
EXTRA_CLAUSES = ("不会给您补发的。", "今天天气不错。", "您看可以吗?", "有问题随时找我哦~", "稍等,我查一下。", "爱买不买。")


def variants(model_answer: str, buyer_text: str, salad: str, rng: random.Random, count: int = 43) -> list[str]:
    """`count` replies like the ones trainees send, derived from one scenario."""
    clauses = CLAUSE.findall(model_answer) or [model_answer]
    out = [model_answer, buyer_text, salad]
    for _ in range(count - len(out)):
        kind = rng.randrange(5)
        if kind == 0:
            cut = rng.randint(30, max(31, len(model_answer)))
            reply = model_answer[:cut]
        elif kind == 1:
            kept = [c for c in clauses if rng.random() > 0.35] or clauses[:1]
            reply = "".join(kept)
        elif kind == 2:
            shuffled = clauses[:]
            rng.shuffle(shuffled)
            reply = "".join(shuffled)
        elif kind == 3:
            reply = "".join(clauses) + rng.choice(EXTRA_CLAUSES)
        else:
            reply = buyer_text + rng.choice(clauses)
        out.append(reply[:150] if len(reply) >= 30 else (reply + model_answer)[:150])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    bank = load_bank()
    lexicon = bank.lexicon()
    per_scenario = -(-args.replies // len(bank.scenarios))
    jobs = []
    for scenario in bank.scenarios:
        snapshot = rubric_snapshot(scenario.rubric, lexicon)
        compiled = compile_snapshot(snapshot)
        buyer_text, topic_text = scenario.buyer_text, scenario.topic_text
        for reply in variants(scenario.model_answer, buyer_text, keyword_salad(snapshot), rng, per_scenario):
            jobs.append((compiled, reply, buyer_text, topic_text))
    # Shuffled so consecutive replies belong to different scenarios, as they do on a live site.
    rng.shuffle(jobs)
    jobs = jobs[: args.replies]
    lengths = [len(reply) for _, reply, _, _ in jobs]
    # The prepared jobs are not part of the work being measured: keep the cyclic garbage collector
    # from walking them again and again while replies are scored.
    gc.collect()
    gc.freeze()
    # CPU time of this process as well as wall time: on a shared machine the wall clock also counts
    # the time other processes had the core.
    started = time.perf_counter()
    cpu_started = time.process_time()
    passed = review = 0
    for compiled, reply, buyer_text, topic_text in jobs:
        result = compiled.score(reply, buyer_text=buyer_text, topic_text=topic_text)
        passed += result.passed
        review += result.needs_review
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"{len(jobs)} replies ({len(bank.scenarios)} scenarios, mean {sum(lengths) / len(lengths):.0f} chars, "
        f"passed {passed}, needs review {review})\n"
        f"wall {elapsed:.2f}s: {len(jobs) / elapsed:,.0f} replies/s; "
        f"cpu {cpu:.2f}s: {len(jobs) / cpu:,.0f} replies/s per core"
    )


if __name__ == "__main__":
    main()
