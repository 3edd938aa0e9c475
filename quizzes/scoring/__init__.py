"""The rubric scoring engine: pure Python, standard library only, no Django."""
from .credit import total_from_points
from .engine import ENGINE_VERSION, CompiledRubric, compile_snapshot, rubric_hash, rubric_snapshot, score_reply
from .probes import keyword_salad
from .lexicon import Lexicon
from .types import (
    REVIEW_AUTO_FAIL,
    REVIEW_COPIED_BUYER,
    REVIEW_GIBBERISH,
    REVIEW_KEYWORD_STUFFING,
    REVIEW_MESSAGES,
    REVIEW_OFF_TOPIC,
    REVIEW_RUDE,
    REVIEW_TOO_SHORT,
    Concept,
    Criterion,
    CriterionResult,
    ReviewReason,
    Rubric,
    ScoreResult,
    Span,
)

__all__ = [
    "ENGINE_VERSION", "total_from_points", "CompiledRubric", "compile_snapshot", "rubric_hash", "rubric_snapshot", "score_reply",
    "keyword_salad", "Lexicon", "Concept", "Criterion", "CriterionResult", "ReviewReason", "Rubric",
    "ScoreResult", "Span", "REVIEW_AUTO_FAIL", "REVIEW_COPIED_BUYER", "REVIEW_GIBBERISH",
    "REVIEW_KEYWORD_STUFFING", "REVIEW_MESSAGES", "REVIEW_OFF_TOPIC", "REVIEW_RUDE", "REVIEW_TOO_SHORT",
]
