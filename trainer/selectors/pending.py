"""Pending review: whether a finished certification sitting's certificate, band and path step may be issued.

The one rule of it, which every page that shows a certificate, a band, a path step or an alert asks
(the certification records and alerts, the path progress, the result, certificate and verification
pages, the supervisor home). It is read from the answers, never a stored flag, so a review is all it
takes to issue, and nothing can go stale.
"""
from __future__ import annotations

from quizzes.selectors import QueueSampling, answers_awaiting_review

from ..models import Team

__all__ = ["certification_pending_attempts", "every_teams_sampling"]


def every_teams_sampling() -> QueueSampling:
    """The sampling rule of every team that samples (a handful of rows; the rest take everything)."""
    return QueueSampling(dict(Team.objects.filter(review_sample_percent__lt=100)
                              .values_list("pk", "review_sample_percent")))


def certification_pending_attempts(*, attempt_ids) -> set[int]:
    """The quiz attempts among these (ids, or a subquery of ids) whose sitting is pending review.

    A finished certification sitting is pending while one of its replies that the review queue holds
    (flagged by the scorer, or taken by the team's sampling rule, quizzes.selectors.QueueSampling) has
    not been reviewed, unless the trainee's team issues before review (Team.certify_before_review).
    The setting is read as it is now: a team that turns it off sends its unreviewed sittings back to
    waiting.
    """
    return set(answers_awaiting_review(attempt_ids=attempt_ids, sampling=every_teams_sampling())
               .exclude(user__team__certify_before_review=True)
               .values_list("attempt_id", flat=True).distinct())
