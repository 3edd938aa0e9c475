"""Acknowledging and disputing a review, resolving a dispute: the quizzes services, one rule per test."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from quizzes import services
from quizzes.models import Answer, Review, ReviewResponse, Scenario
from tests.factories import user_create
from tests.trainer.conftest import content, submit_reply  # noqa: F401 (content: the fixture)
from trainer.models import Role


@pytest.fixture
def reviewed(content, people):
    scenario = Scenario.objects.order_by("slug").first()
    answer = submit_reply(people.trainee, scenario, scenario.model_answer)
    review = services.review_submit(answer_id=answer.pk, reviewer=people.supervisor, points={}, comment="不错",
                                    passages=[], seen_review_id=None).review
    return answer, review


def test_the_owner_acknowledges_once(reviewed, people):
    _answer, review = reviewed
    response = services.review_acknowledge(review_id=review.pk, trainee=people.trainee)
    assert response.kind == ReviewResponse.Kind.ACKNOWLEDGED and response.created_at is not None
    with pytest.raises(services.ResponseRefused) as refused:
        services.review_dispute(review_id=review.pk, trainee=people.trainee, reason="还是不服")
    assert refused.value.message == services.ERROR_ALREADY_RESPONDED


def test_a_dispute_needs_a_reason(reviewed, people):
    _answer, review = reviewed
    for reason in ("", "   \n"):
        with pytest.raises(services.ResponseRefused) as refused:
            services.review_dispute(review_id=review.pk, trainee=people.trainee, reason=reason)
        assert refused.value.message == services.ERROR_DISPUTE_REASON_REQUIRED
    assert not ReviewResponse.objects.exists()


def test_dispute_once_per_review(reviewed, people):
    _answer, review = reviewed
    dispute = services.review_dispute(review_id=review.pk, trainee=people.trainee, reason="第一项我说到了",
                                      assigned_to=people.other_supervisor)
    assert dispute.is_open and dispute.assigned_to == people.other_supervisor
    with pytest.raises(services.ResponseRefused) as refused:
        services.review_dispute(review_id=review.pk, trainee=people.trainee, reason="再来一次")
    assert refused.value.message == services.ERROR_ALREADY_RESPONDED
    assert ReviewResponse.objects.count() == 1


def test_only_the_owner_responds(reviewed, people):
    _answer, review = reviewed
    for other in (people.teammate, people.supervisor, people.admin):
        with pytest.raises(PermissionDenied):
            services.review_dispute(review_id=review.pk, trainee=other, reason="不对")
        with pytest.raises(PermissionDenied):
            services.review_acknowledge(review_id=review.pk, trainee=other)


def test_only_the_latest_review_can_be_answered(reviewed, people):
    answer, old = reviewed
    services.review_submit(answer_id=answer.pk, reviewer=people.supervisor, points={}, comment="再看一次",
                           passages=[], seen_review_id=old.pk)
    with pytest.raises(services.ResponseRefused) as refused:
        services.review_dispute(review_id=old.pk, trainee=people.trainee, reason="不对")
    assert refused.value.message == services.ERROR_REVIEW_SUPERSEDED


def _zeroed(answer: Answer) -> dict[str, float]:
    first = answer.auto_result["criteria"][0]
    return {first["key"]: 0.0}


def test_resolving_with_changed_points_is_a_review_and_totals_follow(reviewed, people):
    answer, review = reviewed
    dispute = services.review_dispute(review_id=review.pk, trainee=people.trainee, reason="不对")
    second = user_create(role=Role.SUPERVISOR, username="sup-b")
    resolved = services.review_dispute_resolve(dispute_id=dispute.pk, resolver=second, resolution="第一项没说到",
                                               points=_zeroed(answer), criterion_comments={"x": "ignored"})
    assert resolved.outcome == ReviewResponse.Outcome.CHANGED and resolved.resolved_by == second
    assert resolved.resolved_at is not None and resolved.resolution == "第一项没说到"
    new = resolved.resolution_review
    assert new.reviewer == second and new.comment == "第一项没说到"
    answer.refresh_from_db()
    assert answer.final_total == new.final_total < review.final_total
    assert answer.attempt.total == answer.final_total  # a practice attempt of one answer
    first = answer.auto_result["criteria"][0]["key"]
    assert {c["key"]: c["final_earned"] for c in new.criteria}[first] == 0.0
    with pytest.raises(services.ResponseRefused) as refused:
        services.review_dispute_resolve(dispute_id=dispute.pk, resolver=second, resolution="再改", points={})
    assert refused.value.message == services.ERROR_ALREADY_RESOLVED
    with pytest.raises(services.ResponseRefused) as refused:  # the resolution is final
        services.review_dispute(review_id=new.pk, trainee=people.trainee, reason="还是不对")
    assert refused.value.message == services.ERROR_RESOLUTION_FINAL


def test_unchanged_points_uphold_without_a_new_review(reviewed, people):
    answer, review = reviewed
    dispute = services.review_dispute(review_id=review.pk, trainee=people.trainee, reason="不对")
    current = {c["key"]: c["final_earned"] for c in review.criteria}
    resolved = services.review_dispute_resolve(dispute_id=dispute.pk, resolver=people.other_supervisor,
                                               resolution="评分没问题", points=current)
    assert resolved.outcome == ReviewResponse.Outcome.UPHELD and resolved.resolution_review is None
    assert Review.objects.count() == 1
    answer.refresh_from_db()
    assert answer.final_total == review.final_total


def test_the_reviewer_resolves_only_when_allowed_and_a_reason_is_required(reviewed, people):
    answer, review = reviewed
    dispute = services.review_dispute(review_id=review.pk, trainee=people.trainee, reason="不对")
    with pytest.raises(PermissionDenied):
        services.review_dispute_resolve(dispute_id=dispute.pk, resolver=people.supervisor, resolution="我没错",
                                        points={})
    with pytest.raises(services.ResponseRefused) as refused:
        services.review_dispute_resolve(dispute_id=dispute.pk, resolver=people.other_supervisor, resolution=" ",
                                        points={})
    assert refused.value.message == services.ERROR_RESOLUTION_REQUIRED
    resolved = services.review_dispute_resolve(dispute_id=dispute.pk, resolver=people.supervisor, resolution="复核过",
                                               points={}, reviewer_may_resolve=True)
    assert resolved.outcome == ReviewResponse.Outcome.UPHELD


def test_criterion_comments_are_kept_with_the_points(reviewed, people):
    answer, _review = reviewed
    key = answer.auto_result["criteria"][0]["key"]
    review = services.review_submit(answer_id=answer.pk, reviewer=people.supervisor, points={}, comment="",
                                    passages=[], seen_review_id=None, force=True,
                                    criterion_comments={key: "  先道歉再解释 "}).review
    comments = {c["key"]: c["comment"] for c in review.criteria}
    assert comments[key] == "先道歉再解释" and all(v == "" for k, v in comments.items() if k != key)
