"""Writes for the trainee's answer to a review: acknowledge it, or dispute it and have it resolved.

Who should resolve a dispute and who may is the people side's decision (teams and supervisors are
not quizzes'): the caller passes it in. A changed score is an ordinary review (review_submit), so
the answer's final score, its attempt's total and anything computed from them follow.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from courses import clock
from courses.text import without_nul

from .. import grading
from ..models import Answer, Review, ReviewResponse
from .reviews import review_submit

__all__ = [
    "ERROR_DISPUTE_REASON_REQUIRED", "ERROR_ALREADY_RESPONDED", "ERROR_REVIEW_SUPERSEDED", "ERROR_RESOLUTION_FINAL",
    "ERROR_ALREADY_RESOLVED", "ERROR_RESOLUTION_REQUIRED", "ResponseRefused", "review_acknowledge", "review_dispute",
    "review_dispute_resolve",
]

ERROR_DISPUTE_REASON_REQUIRED = _("请写下异议理由:哪一项评分你觉得不对,为什么。")
ERROR_ALREADY_RESPONDED = _("这次审阅你已经回应过了(每次审阅只能确认或提出一次异议)。")
ERROR_REVIEW_SUPERSEDED = _("这次审阅已被更新的审阅取代,请回应最新的一次。")
ERROR_RESOLUTION_FINAL = _("这是对异议的裁定结果,不能再次提出异议。")
ERROR_ALREADY_RESOLVED = _("这条异议已经裁定过了。")
ERROR_RESOLUTION_REQUIRED = _("请写下裁定说明:学员会看到你为什么维持或调整评分。")
MAX_REASON_CHARS = 2000


class ResponseRefused(Exception):
    """The response or resolution breaks a rule; `message` says which, in words the user can read."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def _respondable_review(*, review_id: int, trainee) -> Review:
    review = (Review.objects.select_for_update(of=("self",)).select_related("answer")
              .filter(pk=review_id).first())
    if review is None or review.answer.user_id != trainee.pk:
        raise PermissionDenied  # only the trainee whose answer it is answers its review
    latest = review.answer.reviews.order_by("-created_at", "-id").values_list("pk", flat=True).first()
    if latest != review.pk:
        raise ResponseRefused(ERROR_REVIEW_SUPERSEDED)
    if ReviewResponse.objects.filter(resolution_review=review).exists():
        raise ResponseRefused(ERROR_RESOLUTION_FINAL)
    if ReviewResponse.objects.filter(review=review).exists():
        raise ResponseRefused(ERROR_ALREADY_RESPONDED)
    return review


def _create_response(**fields) -> ReviewResponse:
    try:
        with transaction.atomic():
            return ReviewResponse.objects.create(created_at=clock.now(), **fields)
    except IntegrityError:  # the same trainee's second tab a moment earlier
        raise ResponseRefused(ERROR_ALREADY_RESPONDED) from None


@transaction.atomic
def review_acknowledge(*, review_id: int, trainee) -> ReviewResponse:
    """The trainee accepts the review (once; not after disputing it)."""
    review = _respondable_review(review_id=review_id, trainee=trainee)
    return _create_response(review=review, trainee=trainee, kind=ReviewResponse.Kind.ACKNOWLEDGED)


@transaction.atomic
def review_dispute(*, review_id: int, trainee, reason: str, assigned_to=None) -> ReviewResponse:
    """The trainee disputes the review with a reason (required), once; `assigned_to` is who should resolve it."""
    reason = without_nul(reason or "").strip()
    if not reason:
        raise ResponseRefused(ERROR_DISPUTE_REASON_REQUIRED)
    review = _respondable_review(review_id=review_id, trainee=trainee)
    return _create_response(review=review, trainee=trainee, kind=ReviewResponse.Kind.DISPUTED,
                            reason=reason[:MAX_REASON_CHARS], assigned_to=assigned_to)


@transaction.atomic
def review_dispute_resolve(*, dispute_id: int, resolver, resolution: str, points: dict[str, float],
                           criterion_comments: dict[str, str] | None = None,
                           reviewer_may_resolve: bool = False, cleared_caps: Iterable[str] | None = None) -> ReviewResponse:
    """Uphold the disputed review or change its points, with a resolution comment (required).

    Points and cleared caps (None: the disputed review's) equal to the disputed review's uphold it (no
    new review); any difference is a new review by the resolver, through review_submit, so its total
    follows the same credit rule and every total that depends on the answer follows. The
    reviewer themself may resolve only when the caller says nobody else can (`reviewer_may_resolve`).
    Whether `resolver` may resolve disputes of this trainee at all is the caller's check.
    """
    resolution = without_nul(resolution or "").strip()
    if not resolution:
        raise ResponseRefused(ERROR_RESOLUTION_REQUIRED)
    dispute = (ReviewResponse.objects.select_for_update(of=("self",)).select_related("review")
               .get(pk=dispute_id, kind=ReviewResponse.Kind.DISPUTED))
    if dispute.resolved_at is not None:
        raise ResponseRefused(ERROR_ALREADY_RESOLVED)
    review = dispute.review
    if review.reviewer_id == resolver.pk and not reviewer_may_resolve:
        raise PermissionDenied  # a second pair of eyes when the team has one
    current = {c["key"]: c["final_earned"] for c in review.criteria}
    answer = Answer.objects.only("pk", "auto_result").get(pk=review.answer_id)
    was_cleared = {c["code"] for c in review.cleared_caps}
    caps = {c["code"] for c in grading.capping_reasons(answer.auto_result)}
    cleared = was_cleared if cleared_caps is None else set(cleared_caps) & caps
    changed = cleared != was_cleared or any(
        key in current and float(value) != float(current[key]) for key, value in points.items())
    if changed:
        outcome = review_submit(
            answer_id=answer.pk, reviewer=resolver, points={**current, **points}, comment=resolution, passages=[],
            seen_review_id=None, force=True, criterion_comments=criterion_comments, cleared_caps=cleared)
        dispute.resolution_review = outcome.review
        dispute.outcome = ReviewResponse.Outcome.CHANGED
    else:
        dispute.outcome = ReviewResponse.Outcome.UPHELD
    dispute.resolved_by, dispute.resolved_at, dispute.resolution = resolver, clock.now(), resolution[:MAX_REASON_CHARS]
    dispute.save(update_fields=["resolution_review", "outcome", "resolved_by", "resolved_at", "resolution"])
    return dispute
