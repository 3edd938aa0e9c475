"""A review's total: the engine's credit rule over the final points, caps a supervisor may clear.

An untouched review keeps the automatic total (a plain reply, a capped one, a knowledge question);
changed points follow the curve; a cleared cap lifts the cap; a dispute resolved for the trainee
never ends below the automatic score.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizzes import grading
from quizzes.models import Answer, Scenario
from quizzes.scoring.credit import CAPPED_TOTAL, curve_total, total_from_points
from quizzes.services import ReplyInput, practice_answer_submit, review_dispute, review_dispute_resolve, review_submit

GRADED = Path(__file__).resolve().parent / "graded_replies.jsonl"
RUDE_TAIL = "爱买不买。"


def reply(user, scenario: Scenario, text: str) -> Answer:
    return practice_answer_submit(user=user, scenario=scenario, data=ReplyInput(reply_text=text))


def review(answer: Answer, reviewer, points: dict | None = None, cleared_caps=()):
    return review_submit(answer_id=answer.pk, reviewer=reviewer, points=points or {}, comment="", passages=[],
                         seen_review_id=None, force=True, cleared_caps=cleared_caps).review


def caps_of(answer: Answer) -> set[str]:
    return {r["code"] for r in grading.capping_reasons(answer.auto_result)}


@pytest.fixture
def scenario(bank):
    return Scenario.objects.select_related("rubric").order_by("slug").first()


@pytest.fixture
def partial(scenario, people):
    """A plain reply (no cap) with some of the points: its total is on the curve, not the plain share."""
    answer = reply(people.trainee, scenario, scenario.model_answer[: len(scenario.model_answer) // 2])
    criteria = answer.auto_result["criteria"]
    share = sum(c["earned"] for c in criteria) / sum(c["max"] for c in criteria)
    assert not caps_of(answer) and 0 < share < 1 and answer.auto_total != round(100 * share)
    return answer


@pytest.fixture
def capped(scenario, people):
    """The model reply with a rude tail: nearly every point, held at the cap."""
    answer = reply(people.trainee, scenario, scenario.model_answer + RUDE_TAIL)
    assert caps_of(answer) and answer.auto_total <= CAPPED_TOTAL
    criteria = answer.auto_result["criteria"]
    assert curve_total(sum(c["earned"] for c in criteria), sum(c["max"] for c in criteria)) > answer.auto_total
    return answer


@pytest.mark.parametrize("which", ["partial", "capped"])
def test_an_untouched_review_keeps_the_automatic_total(which, request, people):
    answer = request.getfixturevalue(which)
    auto_total, auto_passed = answer.auto_total, answer.auto_passed
    done = review(answer, people.supervisor)
    answer.refresh_from_db()
    assert done.final_total == answer.final_total == auto_total == done.auto_total
    assert answer.final_passed == done.final_passed == auto_passed
    assert answer.attempt.total == auto_total  # the practice attempt of one answer follows
    assert done.cleared_caps == []


def test_a_knowledge_question_keeps_its_100_or_0():
    for total in (100, 0):
        assert grading.reviewed_total(auto_result={"correct": total == 100}, auto_total=total, criteria=[],
                                      cleared_caps=(), pass_mark=70) == (total, False)


def test_the_rule_alone_gives_the_engine_total_for_every_graded_reply(bank):
    """The untouched shortcut in grading.reviewed_total hides no difference: the credit rule over the
    automatic points, capped by the result's capping reasons, totals as the engine did, on our own
    graded replies (capped and not)."""
    scenarios = {s.slug: s for s in Scenario.objects.select_related("rubric")}
    seen = set()
    for line in GRADED.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        scenario = scenarios[item["scenario"]]
        result = grading.score_scenario_reply(scenario=scenario, rubric=scenario.rubric, reply=item["reply"])
        capped = bool(grading.capping_reasons(result))
        total = total_from_points([(c["earned"], c["max"]) for c in result["criteria"]],
                                  pass_mark=scenario.rubric.snapshot["pass_mark"], capped=capped)
        assert total == result["total"], item["id"]
        seen.add(capped)
    assert seen == {True, False}


def test_changed_points_follow_the_curve(partial, people):
    criteria = partial.auto_result["criteria"]
    lowered = next(c for c in criteria if c["earned"] > 0)
    done = review(partial, people.supervisor, {lowered["key"]: 0})
    earned = sum(c["earned"] for c in criteria) - lowered["earned"]
    weight = sum(c["max"] for c in criteria)
    assert done.final_total == curve_total(earned, weight) < partial.auto_total
    assert done.final_total != round(100 * earned / weight)  # not the plain share


def test_changed_points_of_a_capped_reply_stay_capped_unless_the_cap_is_cleared(capped, people):
    criteria = capped.auto_result["criteria"]
    full = {c["key"]: c["max"] for c in criteria}
    still = review(capped, people.supervisor, full)
    assert still.final_total == min(CAPPED_TOTAL, capped.pass_mark - 1) and not still.final_passed
    lifted = review(capped, people.supervisor, full, cleared_caps=caps_of(capped))
    capped.refresh_from_db()
    assert lifted.final_total == capped.final_total == 100 and lifted.final_passed
    assert {c["code"] for c in lifted.cleared_caps} == caps_of(capped)
    assert all(c["message"] for c in lifted.cleared_caps)  # kept as shown, for the trainee's page


def test_clearing_the_cap_alone_gives_the_curve_of_the_automatic_points(capped, people):
    criteria = capped.auto_result["criteria"]
    done = review(capped, people.supervisor, cleared_caps=caps_of(capped))
    assert done.final_total == curve_total(sum(c["earned"] for c in criteria), sum(c["max"] for c in criteria))
    assert done.final_total > capped.auto_total


def test_a_cleared_cap_is_shown_on_the_trainees_result(capped, people, client_for):
    review(capped, people.supervisor, cleared_caps=caps_of(capped))
    body = client_for(people.trainee).get(capped.get_absolute_url()).content.decode()
    assert 'data-testid="cleared-caps"' in body and "主管核实后取消的扣分上限" in body


def test_codes_that_are_not_caps_of_this_answer_clear_nothing(partial, people):
    done = review(partial, people.supervisor, cleared_caps=["rude", "no_such_code"])
    assert done.final_total == partial.auto_total and done.cleared_caps == []


@pytest.mark.parametrize("which", ["partial", "capped"])
def test_an_upheld_dispute_keeps_the_total(which, request, people):
    answer = request.getfixturevalue(which)
    disputed = review(answer, people.supervisor)
    dispute = review_dispute(review_id=disputed.pk, trainee=people.trainee, reason="请再看一下")
    current = {c["key"]: c["final_earned"] for c in disputed.criteria}
    resolved = review_dispute_resolve(dispute_id=dispute.pk, resolver=people.admin, resolution="维持",
                                      points=current)
    answer.refresh_from_db()
    assert resolved.outcome == resolved.Outcome.UPHELD
    assert answer.final_total == disputed.final_total == answer.auto_total


@pytest.mark.parametrize("which", ["partial", "capped"])
def test_a_dispute_resolved_for_the_trainee_never_ends_below_the_automatic_total(which, request, people):
    answer = request.getfixturevalue(which)
    criteria = answer.auto_result["criteria"]
    lowered = next(c for c in criteria if c["earned"] > 0)
    disputed = review(answer, people.supervisor, {lowered["key"]: 0})
    assert disputed.final_total <= answer.auto_total
    dispute = review_dispute(review_id=disputed.pk, trainee=people.trainee, reason="这一项我写到了")
    resolved = review_dispute_resolve(dispute_id=dispute.pk, resolver=people.admin, resolution="你说得对",
                                      points={lowered["key"]: lowered["earned"]})
    answer.refresh_from_db()
    assert resolved.outcome == resolved.Outcome.CHANGED
    assert answer.final_total == resolved.resolution_review.final_total == answer.auto_total


def test_a_resolution_keeps_the_cleared_caps_of_the_disputed_review(capped, people):
    disputed = review(capped, people.supervisor, cleared_caps=caps_of(capped))
    dispute = review_dispute(review_id=disputed.pk, trainee=people.trainee, reason="这一项我写到了")
    criteria = capped.auto_result["criteria"]
    missed = next(c for c in criteria if c["earned"] < c["max"])
    resolved = review_dispute_resolve(dispute_id=dispute.pk, resolver=people.admin, resolution="加上",
                                      points={missed["key"]: missed["max"]})
    assert resolved.resolution_review.final_total >= disputed.final_total > capped.auto_total
    assert resolved.resolution_review.cleared_caps == disputed.cleared_caps
