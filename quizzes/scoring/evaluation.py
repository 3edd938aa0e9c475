"""How well the scorer agrees with supervisors' grades (pure Python, no Django).

A graded set holds replies with a supervisor's grade 0–4 (3 or more = a supervisor passes it) and a
`kind` (excellent … unacceptable, or one of the gaming kinds). The scorer's 0–100 totals are put into
grades by bins fixed in advance, so a change to the scorer cannot move the bins to flatter itself.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .agreement import quadratic_weighted_kappa

# [0,40) → 0, [40,60) → 1, [60,75) → 2, [75,90) → 3, [90,100] → 4
GRADE_BINS = (40, 60, 75, 90)
PASS_GRADE = 3
GAMING_KINDS = ("stuffing", "negation", "rude_keywords", "copy", "offtopic", "false_facts", "gibberish")
GRADED_KINDS = ("excellent", "good", "mediocre", "poor", "unacceptable")


def grade_of(total: float) -> int:
    """The 0–4 grade a 0–100 total falls in, by the fixed bins."""
    return sum(total >= edge for edge in GRADE_BINS)


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson's r of the tie-averaged ranks); None when undefined."""
    if len(first) != len(second):
        raise ValueError("both sequences must be the same length")
    n = len(first)
    if n < 2:
        return None
    a, b = _ranks(first), _ranks(second)
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b))
    var_a = sum((x - mean_a) ** 2 for x in a)
    var_b = sum((y - mean_b) ** 2 for y in b)
    if not var_a or not var_b:
        return None
    return cov / (var_a * var_b) ** 0.5


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Cohen's kappa of two yes/no raters; None when chance agreement is total."""
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if not n:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    yes_a, yes_b = sum(first) / n, sum(second) / n
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class GradedReply:
    """One line of a graded set."""

    id: str
    scenario: str
    reply: str
    grade: int
    kind: str
    why: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradedReply":
        grade = data["grade"]
        if not isinstance(grade, int) or not 0 <= grade <= 4:
            raise ValueError(f"grade must be a whole number 0–4, not {grade!r}")
        return cls(str(data["id"]), str(data["scenario"]), str(data["reply"]), grade, str(data["kind"]),
                   str(data.get("why", "")))


@dataclass(frozen=True)
class Scored:
    """A graded reply with what the scorer made of it."""

    item: GradedReply
    total: int
    passed: bool
    needs_review: bool
    reasons: tuple[str, ...]
    result: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def auto_grade(self) -> int:
        return grade_of(self.total)

    @property
    def disagrees(self) -> bool:
        """Off by a grade or more, or on the other side of the pass line."""
        return self.auto_grade != self.item.grade or self.passed != (self.item.grade >= PASS_GRADE)


@dataclass(frozen=True)
class KindFigures:
    n: int
    passed: float
    flagged: float


@dataclass(frozen=True)
class Evaluation:
    """The figures of one run over a graded set."""

    n: int
    spearman: float | None
    qwk: float | None
    pass_accuracy: float
    pass_kappa: float | None
    gaming_passed: float
    gaming_flagged: float
    good_flagged: float  # share of grade ≥ 3 replies that were sent to review
    kinds: dict[str, KindFigures]
    scored: tuple[Scored, ...]

    def summary(self) -> dict[str, Any]:
        """The figures as JSON-able data, ratios to three places."""
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "n": self.n, "spearman": r(self.spearman), "qwk": r(self.qwk),
            "pass_accuracy": r(self.pass_accuracy), "pass_kappa": r(self.pass_kappa),
            "gaming_passed": r(self.gaming_passed), "gaming_flagged": r(self.gaming_flagged),
            "good_flagged": r(self.good_flagged),
            "kinds": {kind: {"n": f.n, "passed": r(f.passed), "flagged": r(f.flagged)} for kind, f in self.kinds.items()},
        }


def _share(items: list[Scored], test: Any) -> float:
    return sum(1 for s in items if test(s)) / len(items) if items else 0.0


def evaluate(scored: Iterable[Scored]) -> Evaluation:
    """Agreement figures of scored replies against their supervisors' grades."""
    items = tuple(scored)
    grades = [s.item.grade for s in items]
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for s in items:
        by_kind[s.item.kind].append(s)
    gaming = [s for s in items if s.item.kind in GAMING_KINDS]
    good = [s for s in items if s.item.grade >= PASS_GRADE]
    order = {kind: i for i, kind in enumerate(GRADED_KINDS + GAMING_KINDS)}
    return Evaluation(
        n=len(items),
        spearman=spearman([s.total for s in items], grades),
        qwk=quadratic_weighted_kappa([s.auto_grade for s in items], grades, categories=5),
        pass_accuracy=_share(list(items), lambda s: s.passed == (s.item.grade >= PASS_GRADE)),
        pass_kappa=cohen_kappa([s.passed for s in items], [g >= PASS_GRADE for g in grades]),
        gaming_passed=_share(gaming, lambda s: s.passed),
        gaming_flagged=_share(gaming, lambda s: s.needs_review),
        good_flagged=_share(good, lambda s: s.needs_review),
        kinds={
            kind: KindFigures(len(group), _share(group, lambda s: s.passed), _share(group, lambda s: s.needs_review))
            for kind, group in sorted(by_kind.items(), key=lambda pair: order.get(pair[0], len(order)))
        },
        scored=items,
    )
