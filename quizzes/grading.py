"""Bridge between stored rubric versions and the pure scoring engine (whose compile_snapshot caches by content hash)."""
from __future__ import annotations

from collections.abc import Iterable

from .models import Answer, Question, RubricVersion, Scenario
from .scoring import compile_snapshot, total_from_points
from .scoring.types import CAPPING_REASONS, TypingSignals


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


def capping_reasons(result: dict | None) -> list[dict]:
    """The reasons of an automatic result that cap its total ({code, message}, one per code): what a
    supervisor may clear."""
    reasons, seen = [], set()
    for reason in (result or {}).get("review_reasons", []):
        if reason.get("code") in CAPPING_REASONS and reason["code"] not in seen:
            seen.add(reason["code"])
            reasons.append({"code": reason["code"], "message": reason.get("message", "")})
    return reasons


def rubric_pass_mark(answer: Answer) -> int:
    """The pass mark the engine capped against: the one in the rubric version the answer was scored with."""
    if answer.rubric_id and "pass_mark" in (answer.rubric.snapshot or {}):
        return int(answer.rubric.snapshot["pass_mark"])
    return answer.scenario.pass_mark if answer.scenario_id else 100


def reviewed_total(*, auto_result: dict | None, auto_total: int | None, criteria: list[dict],
                   cleared_caps: Iterable[str], pass_mark: int) -> tuple[int, bool]:
    """(total, capped) of a review's final points (`criteria` rows with auto_earned, final_earned, max):
    the engine's credit rule, capped while a capping reason the supervisor did not clear still stands.

    Every total that a review, a dispute resolution or the demo data makes from points comes from here.
    """
    caps = {r["code"] for r in capping_reasons(auto_result)}
    cleared = caps & set(cleared_caps)
    capped = bool(caps - cleared)
    if auto_total is None or not criteria:  # a knowledge question (100 or 0): no points to change
        return auto_total or 0, capped
    total = total_from_points(((r["final_earned"], r["max"]) for r in criteria), pass_mark=pass_mark, capped=capped)
    # For the current engine the rule alone gives these; they also hold for an answer scored by an
    # older engine whose rule differed (a rescore skips answers whose rubric did not change).
    if not cleared and all(float(r["final_earned"]) == float(r["auto_earned"]) for r in criteria):
        return auto_total, capped  # a review that changes nothing changes nothing
    if all(float(r["final_earned"]) >= float(r["auto_earned"]) for r in criteria):
        total = max(total, auto_total)  # no point lower than the engine's: no total lower either
    return total, capped
