"""The review queue as the supervisor workspace reads it: the quizzes queue with the teams' sampling rule."""
from __future__ import annotations

from django.db.models import QuerySet

from quizzes.models import Answer
from quizzes.selectors import QueueSampling, review_queue, review_queue_head

from ..models import Team, User
from .people import teams_visible_to

__all__ = ["sampled_teams_for", "review_sampling_for", "review_queue_for", "review_queue_head_for"]


def sampled_teams_for(*, user: User) -> list[Team]:
    """The user's teams that sample their queue (a percent under 100), with name and percent, by name."""
    return list(teams_visible_to(user=user).filter(review_sample_percent__lt=100)
                .only("pk", "name", "review_sample_percent").order_by("name"))


def review_sampling_for(*, user: User, sampled_teams: list[Team] | None = None) -> QueueSampling:
    """The sampling rule of the teams the user supervises (teams that take every reply are left out);
    `sampled_teams` when the caller has read sampled_teams_for already."""
    teams = sampled_teams_for(user=user) if sampled_teams is None else sampled_teams
    return QueueSampling({team.pk: team.review_sample_percent for team in teams})


def review_queue_for(*, user: User, sampled_teams: list[Team] | None = None, **filters) -> QuerySet[Answer]:
    """quizzes.selectors.review_queue for this user, with their teams' sampling rule."""
    return review_queue(user=user, sampling=review_sampling_for(user=user, sampled_teams=sampled_teams), **filters)


def review_queue_head_for(*, user: User, n: int) -> tuple[int, int, list[Answer]]:
    """quizzes.selectors.review_queue_head with the teams' sampling rule."""
    return review_queue_head(user=user, n=n, sampling=review_sampling_for(user=user))
