"""Reads for review disputes: who resolves them, which are open, one dispute by id with its permission check."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from quizzes.models import ReviewResponse

from ..models import Role, User
from .people import trainees_visible_to

__all__ = ["dispute_resolvers", "reviewer_may_resolve", "open_disputes_for", "access_dispute_by_id"]


def _team_supervisors(*, trainee: User) -> list[User]:
    if not trainee.team_id:
        return []
    return list(User.objects.filter(supervised_teams=trainee.team_id, role=Role.SUPERVISOR, is_active=True)
                .order_by("pk"))


def dispute_resolvers(*, trainee: User, reviewer_id: int | None) -> list[User]:
    """Who a trainee's dispute goes to: the team's other active supervisors; the reviewer only when
    nobody else supervises the team; the platform admins when the team has no supervisor at all."""
    supervisors = _team_supervisors(trainee=trainee)
    others = [s for s in supervisors if s.pk != reviewer_id]
    if others or supervisors:
        return others or supervisors
    return list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))


def reviewer_may_resolve(*, trainee: User, reviewer_id: int | None) -> bool:
    """The reviewer resolves a dispute of their own review only when no other supervisor of the team exists."""
    return not any(s.pk != reviewer_id for s in _team_supervisors(trainee=trainee))


def _disputes() -> QuerySet[ReviewResponse]:
    return ReviewResponse.objects.filter(kind=ReviewResponse.Kind.DISPUTED).select_related(
        "trainee", "assigned_to", "resolved_by", "review__reviewer", "review__answer__scenario")


def open_disputes_for(*, user: User) -> QuerySet[ReviewResponse]:
    """Open disputes of the trainees the user may see, oldest first, with what a list row shows (the
    supervisor home and the queue list them on every visit: selecting the five joined tables whole
    cost about 4 ms of SQL building and reading for no row at all)."""
    names = [f"{who}__{name}" for who in ("trainee", "review__reviewer") for name in User.NAME_FIELDS]
    return (ReviewResponse.objects.filter(kind=ReviewResponse.Kind.DISPUTED, resolved_at__isnull=True,
                                          trainee__in=trainees_visible_to(user=user))
            .select_related("trainee", "review__reviewer", "review__answer__scenario")
            .only("created_at", "reason", "assigned_to_id", "trainee_id", "review__final_total",
                  "review__answer__scenario__title", *names)
            .order_by("created_at", "pk"))


def access_dispute_by_id(*, user: User, dispute_id: int) -> ReviewResponse:
    """A dispute of a trainee the user may see (supervisors their teams', admins all); 404 otherwise."""
    return get_object_or_404(_disputes().filter(trainee__in=trainees_visible_to(user=user, listed=False)),
                             pk=dispute_id)
