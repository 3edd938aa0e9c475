"""Check every scenario of the bank against the scoring engine (no Django needed).

For each scenario: its model answer must score >= 85 and pass; its buyer message pasted back as the
reply, and a keyword salad of its own rubric phrases, must both fail and be sent to review.

Usage:
    .venv/bin/python tools/check_bank.py                      # check the whole bank
    .venv/bin/python tools/check_bank.py --scenario SLUG      # check one scenario, with its breakdown
    .venv/bin/python tools/check_bank.py --scenario SLUG --reply "亲,……"   # score a reply, print JSON
Exit status: 0 when every check holds, 1 when one fails, 2 when the content files are invalid.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courses.content_errors import ContentErrors  # noqa: E402
from quizzes.bank_files import Bank, ScenarioFile, parse_bank  # noqa: E402
from quizzes.scoring import ScoreResult, compile_snapshot, keyword_salad, rubric_snapshot  # noqa: E402
from quizzes.scoring.lexicon import Lexicon  # noqa: E402

MODEL_ANSWER_MIN = 85


def vocabulary(courses_root: Path) -> tuple[set[str], set[str]]:
    """(module slugs, tags) as the curriculum defines them."""
    data = tomllib.loads((courses_root / "tags.toml").read_text(encoding="utf-8"))
    tags = {f"{kind}:{key}" for kind in ("customer", "situation") for key in data.get(kind, {})}
    modules = {
        tomllib.loads(path.read_text(encoding="utf-8"))["slug"]
        for path in courses_root.glob("*/??-*/_module.toml")
    }
    return modules, tags


def load_bank() -> Bank:
    modules, tags = vocabulary(ROOT / "courses" / "content")
    return parse_bank(ROOT / "quizzes" / "content", module_slugs=modules, tags=tags)


def score(scenario: ScenarioFile, lexicon: Lexicon, reply: str) -> ScoreResult:
    compiled = compile_snapshot(rubric_snapshot(scenario.rubric, lexicon))
    return compiled.score(reply, buyer_text=scenario.buyer_text, topic_text=scenario.topic_text)


def breakdown(result: ScoreResult, reply: str) -> str:
    """One indented line per criterion: mark, points, key, and the text that matched."""
    lines = []
    for criterion in result.criteria:
        mark = "✓" if criterion.met else "✗"
        found = "、".join(f"「{reply[span.start:span.end]}」" for span in criterion.evidence)
        lines.append(
            f"      {mark} {criterion.earned:g}/{criterion.max} {criterion.key} ({criterion.kind}) {criterion.label}"
            + (f"  命中:{found}" if found else "")
        )
    for reason in result.review_reasons:
        lines.append(f"      ! {reason.code}: {reason.message}")
    stats = ", ".join(f"{key}={value}" for key, value in result.to_dict()["stats"].items())
    lines.append(f"      stats: {stats}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Probe:
    """One reply tried against a scenario and what it must come out as."""

    name: str
    reply: str
    must_pass: bool

    def failure(self, result: ScoreResult) -> str | None:
        if self.must_pass:
            if result.passed and result.total >= MODEL_ANSWER_MIN:
                return None
            return f"model answer scored {result.total} (passed={result.passed}); needs >= {MODEL_ANSWER_MIN} and passed"
        if not result.passed and result.needs_review:
            return None
        return f"{self.name} scored {result.total} passed={result.passed} needs_review={result.needs_review}; must fail and need review"


def probes(scenario: ScenarioFile, lexicon: Lexicon) -> list[Probe]:
    return [
        Probe("model answer", scenario.model_answer, True),
        Probe("buyer text", scenario.buyer_text, False),
        Probe("keyword salad", keyword_salad(scenario.rubric, lexicon), False),
    ]


def check(bank: Bank, only: str | None, verbose: bool) -> int:
    lexicon = bank.lexicon()
    failures = 0
    checked = 0
    for scenario in bank.scenarios:
        if only and scenario.slug != only:
            continue
        checked += 1
        for probe in probes(scenario, lexicon):
            result = score(scenario, lexicon, probe.reply)
            problem = probe.failure(result)
            if problem or verbose:
                status = "FAIL" if problem else "ok"
                print(f"{status} {scenario.path} [{probe.name}] {problem or f'total={result.total}'}")
                print(f"      reply: {probe.reply}")
                print(breakdown(result, probe.reply))
            failures += problem is not None
    if only and not checked:
        print(f"no scenario with slug {only!r}", file=sys.stderr)
        return 2
    print(f"{checked} scenarios, {checked * 3} checks, {failures} failed")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", help="only this scenario (slug); prints its breakdown even when it passes")
    parser.add_argument("--reply", help="score this reply against --scenario and print the result as JSON")
    args = parser.parse_args(argv)
    try:
        bank = load_bank()
    except ContentErrors as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.reply is not None:
        if not args.scenario:
            parser.error("--reply needs --scenario")
        scenario = next((s for s in bank.scenarios if s.slug == args.scenario), None)
        if scenario is None:
            print(f"no scenario with slug {args.scenario!r}", file=sys.stderr)
            return 2
        result = score(scenario, bank.lexicon(), args.reply)
        data = result.to_dict()
        for criterion in data["criteria"]:
            criterion["matched"] = [args.reply[start:end] for start, end in criterion["evidence"]]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    return check(bank, args.scenario, verbose=bool(args.scenario))


if __name__ == "__main__":
    sys.exit(main())
