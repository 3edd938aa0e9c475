"""The review queue as the supervisor workspace reads it: the quizzes queue with the teams' sampling rule."""
from __future__ import annotations

from django.db.models import QuerySet

from quizzes.models import Answer
from quizzes.selectors import QueueSampling, review_queue, review_queue_head

from ..models import User
from .people import teams_visible_to

__all__ = ["review_sampling_for", "review_queue_for", "review_queue_head_for"]


def review_sampling_for(*, user: User) -> QueueSampling:
    """The sampling rule of the teams the user supervises (teams that take every reply are left out)."""
    return QueueSampling(dict(teams_visible_to(user=user).filter(review_sample_percent__lt=100)
                              .values_list("pk", "review_sample_percent")))


def review_queue_for(*, user: User, **filters) -> QuerySet[Answer]:
    """quizzes.selectors.review_queue for this user, with their teams' sampling rule."""
    return review_queue(user=user, sampling=review_sampling_for(user=user), **filters)


def review_queue_head_for(*, user: User, n: int) -> tuple[int, int, list[Answer]]:
    """quizzes.selectors.review_queue_head with the teams' sampling rule."""
    return review_queue_head(user=user, n=n, sampling=review_sampling_for(user=user))
