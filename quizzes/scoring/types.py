"""Value types of the scoring engine: what a rubric is made of and what scoring returns."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

CRITERION_KINDS = ("covers", "avoids", "form")
CRITERION_MODES = ("any", "all")
FORM_CHECKS = ("length", "exclamations", "polite_address", "closing_invitation")

REVIEW_COPIED_BUYER = "copied_buyer"
REVIEW_KEYWORD_STUFFING = "keyword_stuffing"
REVIEW_GIBBERISH = "gibberish"
REVIEW_OFF_TOPIC = "off_topic"
REVIEW_TOO_SHORT = "too_short"
REVIEW_RUDE = "rude"
REVIEW_AUTO_FAIL = "auto_fail"

REVIEW_MESSAGES = {
    REVIEW_COPIED_BUYER: "回复大部分是照抄买家的原话,照抄的部分不计分。",
    REVIEW_KEYWORD_STUFFING: "回复像是把关键词堆在一起,没有写成通顺的句子。",
    REVIEW_GIBBERISH: "回复看起来是乱码、乱敲的字符或同一个字反复出现。",
    REVIEW_OFF_TOPIC: "回复和买家的问题没有关系。",
    REVIEW_TOO_SHORT: "回复太短,没有把事情说清楚。",
    REVIEW_RUDE: "回复里出现了粗鲁或辱骂的说法。",
    REVIEW_AUTO_FAIL: "触犯了一票否决项:{label}。",
}


@dataclass(frozen=True)
class Concept:
    """Something a reply can express, with the phrasings that count as expressing it."""

    key: str
    label: str
    phrases: tuple[str, ...]
    negatable: bool = True


@dataclass(frozen=True)
class Criterion:
    """One line of a rubric: a thing to cover, a thing to avoid, or a check on the reply's form."""

    key: str
    kind: str
    label: str
    weight: int
    concepts: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    mode: str = "any"
    auto_fail: bool = False
    check: str | None = None
    min: int | None = None
    max: int | None = None
    feedback: str = ""
    praise: str = ""

    def __post_init__(self) -> None:
        if self.kind not in CRITERION_KINDS:
            raise ValueError(f"criterion {self.key!r}: unknown kind {self.kind!r}")
        if self.mode not in CRITERION_MODES:
            raise ValueError(f"criterion {self.key!r}: unknown mode {self.mode!r}")
        if self.kind == "form" and self.check not in FORM_CHECKS:
            raise ValueError(f"criterion {self.key!r}: unknown check {self.check!r}")
        if self.weight < 1:
            raise ValueError(f"criterion {self.key!r}: weight must be at least 1")


@dataclass(frozen=True)
class Rubric:
    """The criteria a reply is scored against and the total it needs to pass."""

    criteria: tuple[Criterion, ...]
    pass_mark: int


# Results are named tuples rather than dataclasses: scoring makes many of them per reply and tuples are
# several times cheaper to build, while staying immutable with named fields.
class Span(NamedTuple):
    """Character offsets into the original reply, end exclusive."""

    start: int
    end: int


class ReviewReason(NamedTuple):
    """Why a reply needs a human to look at it."""

    code: str
    message: str


class CriterionResult(NamedTuple):
    """How one criterion went for one reply."""

    key: str
    label: str
    kind: str
    earned: float
    max: int
    met: bool
    evidence: tuple[Span, ...]
    feedback: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, spans as [start, end] pairs."""
        data = self._asdict()
        data["evidence"] = [[span.start, span.end] for span in self.evidence]
        return data


class ScoreResult(NamedTuple):
    """The score of one reply against one rubric, with everything needed to explain it."""

    total: int
    passed: bool
    needs_review: bool
    review_reasons: tuple[ReviewReason, ...]
    criteria: tuple[CriterionResult, ...]
    stats: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: spans as [start, end] pairs, ratios rounded to three places."""
        return {
            "total": self.total,
            "passed": self.passed,
            "needs_review": self.needs_review,
            "review_reasons": [reason._asdict() for reason in self.review_reasons],
            "criteria": [criterion.to_dict() for criterion in self.criteria],
            "stats": {key: round(value, 3) if isinstance(value, float) else value for key, value in self.stats.items()},
        }
