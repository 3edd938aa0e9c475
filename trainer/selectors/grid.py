"""The supervisor's team grid: progress rows, sorted and paged."""
from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator

from ..models import PathStep, User
from .people import trainees_with_paths
from .progress import TraineeProgress, progress_for

GRID_PAGE = 50  # trainees per grid page; the exports always hold every row

# Sorts that need only the trainee can page before any progress is computed; the others need
# every trainee's progress first.
_TRAINEE_SORTS = {
    "name": lambda t: (t.team.name if t.team else "", t.name),
    "hire_date": lambda t: (t.hire_date or date.max, t.name),
}
_PROGRESS_SORTS = {
    "progress": lambda r: (-r.percent, r.trainee.name),
    "progress_asc": lambda r: (r.percent, r.trainee.name),
    "overdue": lambda r: (-len(r.overdue), r.trainee.name),
}


def _grid_columns(rows: list[TraineeProgress]) -> list[PathStep]:
    longest = max(rows, key=lambda r: len(r.steps), default=None)
    return [s.step for s in longest.steps] if longest else []


def team_grid(*, user: User, team_id: int | None = None, overdue_only: bool = False, sort: str = "name"):
    """Every row (trainee progress) and the columns (steps of the longest path) of the supervisor grid."""
    if sort not in _PROGRESS_SORTS:
        sort = sort if sort in _TRAINEE_SORTS else "name"
    trainees = trainees_with_paths(user=user, team_id=team_id)
    if sort in _TRAINEE_SORTS:
        trainees.sort(key=_TRAINEE_SORTS[sort])
    rows = progress_for(trainees=trainees)
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    if sort in _PROGRESS_SORTS:
        rows.sort(key=_PROGRESS_SORTS[sort])
    return rows, _grid_columns(rows)


def team_grid_page(*, user: User, team_id: int | None = None, overdue_only: bool = False, sort: str = "name",
                   page_number=None):
    """One page of the grid and its columns; progress is computed only for that page when the sort allows."""
    if sort in _TRAINEE_SORTS and not overdue_only:
        trainees = sorted(trainees_with_paths(user=user, team_id=team_id), key=_TRAINEE_SORTS[sort])
        page = Paginator(trainees, GRID_PAGE).get_page(page_number)
        page.object_list = progress_for(trainees=list(page.object_list))
    else:
        rows, _columns = team_grid(user=user, team_id=team_id, overdue_only=overdue_only, sort=sort)
        page = Paginator(rows, GRID_PAGE).get_page(page_number)
    return page, _grid_columns(list(page.object_list))

