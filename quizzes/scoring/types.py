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
REVIEW_SARCASM = "sarcasm"
REVIEW_BLAME = "blame_buyer"
REVIEW_RHETORICAL = "rhetorical_question"
REVIEW_FACT_MISMATCH = "fact_mismatch"
REVIEW_CONTRADICTS = "contradicts_rubric"
REVIEW_HIDDEN_CHARACTERS = "hidden_characters"
REVIEW_REFUSES_HELP = "refuses_help"
REVIEW_LOW_CONFIDENCE = "low_confidence"
REVIEW_PASTED = "pasted"
REVIEW_JUDGES_BUYER = "judges_buyer"
REVIEW_DELIVERY_PROMISE = "delivery_promise"
REVIEW_ABSOLUTE_CLAIM = "absolute_claim"
REVIEW_OFF_PLATFORM = "off_platform"
REVIEW_REVIEW_BRIBE = "review_for_benefit"
REVIEW_OTHER_BUYER = "other_buyer_data"
REVIEW_UNEXPLAINED = "unexplained"

REVIEW_MESSAGES = {
    REVIEW_COPIED_BUYER: "回复大部分是照抄买家的原话,照抄的部分不计分。",
    REVIEW_KEYWORD_STUFFING: "回复像是把关键词堆在一起,没有写成通顺的句子。",
    REVIEW_GIBBERISH: "回复看起来是乱码、乱敲的字符或同一个字反复出现。",
    REVIEW_OFF_TOPIC: "回复和买家的问题没有关系。",
    REVIEW_TOO_SHORT: "回复太短,没有把事情说清楚。",
    REVIEW_RUDE: "回复里出现了粗鲁或辱骂的说法。",
    REVIEW_AUTO_FAIL: "触犯了一票否决项:{label}。",
    REVIEW_SARCASM: "回复里有讽刺或阴阳怪气的说法。",
    REVIEW_BLAME: "回复在责怪或怀疑买家。",
    REVIEW_RHETORICAL: "回复在反问买家。",
    REVIEW_FACT_MISMATCH: "回复里说的数字、时间或快递和情景里的事实对不上。",
    REVIEW_CONTRADICTS: "回复否认了本该告诉买家的内容。",
    REVIEW_HIDDEN_CHARACTERS: "回复里有夹在字中间的隐藏字符。",
    REVIEW_REFUSES_HELP: "回复推掉了客服本该替买家做的事(问、查、推荐、解释)。",
    REVIEW_LOW_CONFIDENCE: "自动评分把握不大,请主管看一下。",
    REVIEW_PASTED: "回复大部分是粘贴进来的,或输入速度超出了人能打字的速度。",
    REVIEW_JUDGES_BUYER: "回复里有评判、挖苦买家的话,和评分标准、情景事实都对不上。",
    REVIEW_DELIVERY_PROMISE: "回复替快递打了包票:到货时间不是店铺能保证的。",
    REVIEW_ABSOLUTE_CLAIM: "回复用了绝对化或功效保证的说法(最好、第一、百分之百有效等),平台和广告法都不允许。",
    REVIEW_OFF_PLATFORM: "回复把买家引到平台以外(微信、QQ、电话、转账、私下交易等)。",
    REVIEW_REVIEW_BRIBE: "回复拿好处换买家改评价,平台明令禁止。",
    REVIEW_OTHER_BUYER: "回复透露了其他买家的信息。",
    REVIEW_UNEXPLAINED: "回复里有评分无法解释的话(号码、账号或链接),请主管看一下。",
}
# Reasons that say the reply is not a real answer, or says something a shop must never send: they cap
# the total below the pass mark. The others only route the reply to a supervisor first.
CAPPING_REASONS = frozenset({
    REVIEW_COPIED_BUYER, REVIEW_KEYWORD_STUFFING, REVIEW_GIBBERISH, REVIEW_OFF_TOPIC, REVIEW_TOO_SHORT, REVIEW_RUDE,
    REVIEW_AUTO_FAIL, REVIEW_SARCASM, REVIEW_BLAME, REVIEW_RHETORICAL, REVIEW_FACT_MISMATCH, REVIEW_CONTRADICTS,
    REVIEW_REFUSES_HELP, REVIEW_JUDGES_BUYER, REVIEW_DELIVERY_PROMISE, REVIEW_ABSOLUTE_CLAIM, REVIEW_OFF_PLATFORM,
    REVIEW_REVIEW_BRIBE, REVIEW_OTHER_BUYER,
})
# A capped total stays in the lowest grade band (supervisors grade such replies 0).
from .credit import CAPPED_TOTAL  # noqa: E402,F401  (re-exported: one home for the credit rule)


@dataclass(frozen=True)
class Concept:
    """Something a reply can express, with the phrasings that count as expressing it."""

    key: str
    label: str
    phrases: tuple[str, ...]
    negatable: bool = True
    # Phrases that say the opposite without a negator (运费您自己出 against "the shop pays the freight"):
    # found in a reply, they cost the criterion that asks for the concept.
    contrary: tuple[str, ...] = ()


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
    # Facts of the scenario beyond its context (e.g. "退款时效: 1-3个工作日"), for the fact check.
    facts: tuple[str, ...] = ()


# Results are named tuples rather than dataclasses: scoring makes many of them per reply and tuples are
# several times cheaper to build, while staying immutable with named fields.
class Span(NamedTuple):
    """Character offsets into the original reply, end exclusive."""

    start: int
    end: int


class ReviewReason(NamedTuple):
    """Why a reply needs a human to look at it, and where in the reply (original offsets)."""

    code: str
    message: str
    evidence: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "evidence": [[s.start, s.end] for s in self.evidence]}


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
    confidence: float = 1.0  # 0–1: how sure the engine is that a supervisor would agree
    diagnostics: tuple[str, ...] = ()  # with explain=True: why phrases did or did not count

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: spans as [start, end] pairs, ratios rounded to three places."""
        return {
            "total": self.total,
            "passed": self.passed,
            "needs_review": self.needs_review,
            "review_reasons": [reason.to_dict() for reason in self.review_reasons],
            "confidence": self.confidence,
            "criteria": [criterion.to_dict() for criterion in self.criteria],
            "stats": {key: round(value, 3) if isinstance(value, float) else value for key, value in self.stats.items()},
            **({"diagnostics": list(self.diagnostics)} if self.diagnostics else {}),
        }


class TypingSignals(NamedTuple):
    """How the reply was typed, as the server saw it: for the paste and speed check."""

    elapsed_ms: int | None = None  # page served → submit received, measured by the server
    pasted_chars: int = 0  # characters that arrived by paste events (reported by the page)
