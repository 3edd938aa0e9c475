"""Bridge between stored rubric versions and the pure scoring engine (whose compile_snapshot caches by content hash)."""
from __future__ import annotations

from .models import Answer, Question, RubricVersion, Scenario
from .scoring import compile_snapshot
from .scoring.types import TypingSignals


def score_scenario_reply(
    *, scenario: Scenario, rubric: RubricVersion, reply: str, typing: TypingSignals | None = None, explain: bool = False,
) -> dict:
    """The engine's result for a reply, as JSON-able data."""
    result = compile_snapshot(rubric.snapshot, rubric.content_hash).score(
        reply, buyer_text=scenario.buyer_text, topic_text=scenario.topic_text, reference=scenario.model_answer,
        typing=typing, explain=explain,
    )
    return result.to_dict()


def typing_of(answer: Answer) -> TypingSignals:
    """How the reply was typed: the server's page-served → reply-received time and the page's paste count."""
    elapsed = None
    if answer.served_at and answer.received_at and answer.received_at >= answer.served_at:
        elapsed = int((answer.received_at - answer.served_at).total_seconds() * 1000)
    return TypingSignals(elapsed_ms=elapsed, pasted_chars=answer.pasted_chars or 0)


def question_is_correct(*, question: Question, selected: list[int]) -> bool:
    return sorted(set(selected)) == sorted(question.answer)


def answer_points(answer: Answer) -> int | None:
    """0–100 for one answer: the final (reviewed) score when there is one, else the automatic one."""
    if answer.final_total is not None:
        return answer.final_total
    return answer.auto_total
