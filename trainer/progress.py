"""The progress rules: when a path step falls due, which attempt counts, what status a step has.

Pure Python (no database, no Django): trainer.selectors reads a trainee's path, completions and
attempts and asks these functions; the grid, the homes, the trainee detail and the exports all
show what they give.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

NOT_STARTED, IN_PROGRESS, PASSED, FAILED, OVERDUE = "not_started", "in_progress", "passed", "failed", "overdue"
LESSON = "lesson"  # PathStep.Kind.LESSON; the other kinds are passed by attempts
DUE_SOON_DAYS = 7


class Sitting(NamedTuple):
    """One attempt at a module quiz or a certification exam, as the rules see it."""

    id: int
    finished: bool
    total: int | None


def start_date(*, hire_date: date | None, assigned_on: date | None, today: date) -> date:
    """Steps fall due counted from the hire date, else from the day the path was assigned, else today."""
    return hire_date or assigned_on or today


def due_on(*, start: date, due_days: int, extension_days: int = 0) -> date:
    """A step's due date: `due_days` after the start, moved on by the trainee's granted extension."""
    return start + timedelta(days=due_days + extension_days)


OWN, TEAM = "own", "team"  # where a trainee's path comes from


class PathChoice(NamedTuple):
    """A path a trainee could follow, and the day it was given (own assignment or the team's default)."""

    path_id: int
    given_on: date | None


def effective_path(*, own: PathChoice | None, team_default: PathChoice | None) -> tuple[PathChoice | None, str]:
    """The trainee's own path overrides the team's default; the team's default covers members without one."""
    if own is not None:
        return own, OWN
    if team_default is not None:
        return team_default, TEAM
    return None, ""


class PathChange(NamedTuple):
    """What replacing one path with another means for a trainee (step keys: (kind, lesson/module/exam id))."""

    kept: list  # done steps that the new path has too: still done
    dropped: list  # done steps the new path does not have: the work stays in the history, off the path
    to_do: list  # steps of the new path not done yet


def path_change(*, done: set, old_steps: list, new_steps: list) -> PathChange:
    """Progress is derived from what the trainee did, so a done step of the new path stays done."""
    new_keys = set(new_steps)
    return PathChange(kept=[k for k in new_steps if k in done],
                      dropped=[k for k in old_steps if k in done and k not in new_keys],
                      to_do=[k for k in new_steps if k not in done])


def best_passing(sittings: list[Sitting], pass_mark: int) -> Sitting | None:
    """The highest-scoring finished sitting at or above the pass mark (the first of equals), if any."""
    passed = [s for s in sittings if s.finished and (s.total or 0) >= pass_mark]
    return max(passed, key=lambda s: s.total) if passed else None


def lesson_status(*, done: bool, due: date, today: date) -> str:
    if done:
        return PASSED
    return OVERDUE if today > due else NOT_STARTED


def attempt_status(*, sittings: list[Sitting], pass_mark: int, due: date, today: date) -> tuple[str, Sitting | None]:
    """Status of a quiz or exam step from its sittings (oldest first), and the sitting the step shows:
    the best passing one, else the latest finished one (failed). Not passed past the due date is overdue."""
    finished = [s for s in sittings if s.finished]
    best = best_passing(finished, pass_mark)
    if best is not None:
        return PASSED, best
    if not sittings:
        status, shown = NOT_STARTED, None
    elif len(finished) < len(sittings):
        status, shown = IN_PROGRESS, None
    else:
        status, shown = FAILED, finished[-1]
    return (OVERDUE if today > due else status), shown


class StepStatus:
    """One step of one trainee's path. Plain slots, not a dataclass: the grid builds thousands."""

    __slots__ = ("step", "status", "due_on", "score", "attempt_url")

    def __init__(self, step: Any, status: str, due_on: date, score: int | None = None, attempt_url: str = ""):
        self.step, self.status, self.due_on, self.score, self.attempt_url = step, status, due_on, score, attempt_url

    @property
    def evidence_url(self) -> str:
        """The attempt the status shows, else the step's lesson (`step.lesson_url`, if the step has one)."""
        return self.attempt_url or getattr(self.step, "lesson_url", "")

    @property
    def is_done(self) -> bool:
        return self.status == PASSED

    def __repr__(self) -> str:
        return f"StepStatus({self.step.pk}, {self.status!r}, due {self.due_on})"


@dataclass
class TraineeProgress:
    trainee: Any
    path: Any
    steps: list[StepStatus] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(s.is_done for s in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.steps)) if self.steps else 0

    @property
    def overdue(self) -> list[StepStatus]:
        return [s for s in self.steps if s.status == OVERDUE]

    @property
    def next_step(self) -> StepStatus | None:
        return next((s for s in self.steps if not s.is_done), None)

    def due_soon(self, today: date) -> list[StepStatus]:
        return [s for s in self.steps if not s.is_done and s.status != OVERDUE
                and s.due_on <= today + timedelta(days=DUE_SOON_DAYS)]
