"""The progress rules (trainer.progress), table by table, without a database."""
from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from trainer import progress as rules
from trainer.progress import FAILED, IN_PROGRESS, NOT_STARTED, OVERDUE, PASSED, Sitting, StepStatus, TraineeProgress

TODAY = date(2026, 12, 10)
YESTERDAY, TOMORROW = date(2026, 12, 9), date(2026, 12, 11)


def test_the_rules_import_nothing_from_django_or_the_apps():
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {name for name in imported if name.split(".")[0] in {"django", "trainer", "quizzes", "courses"}}


@pytest.mark.parametrize("hire_date, assigned_on, expected", [
    (date(2026, 11, 1), date(2026, 11, 20), date(2026, 11, 1)),  # the hire date first
    (None, date(2026, 11, 20), date(2026, 11, 20)),               # else the day the path was assigned
    (None, None, TODAY),                                          # else today
])
def test_start_date(hire_date, assigned_on, expected):
    assert rules.start_date(hire_date=hire_date, assigned_on=assigned_on, today=TODAY) == expected


@pytest.mark.parametrize("start, due_days, expected", [
    (date(2026, 11, 1), 0, date(2026, 11, 1)),
    (date(2026, 11, 1), 30, date(2026, 12, 1)),
    (date(2026, 12, 30), 3, date(2027, 1, 2)),
])
def test_due_on(start, due_days, expected):
    assert rules.due_on(start=start, due_days=due_days) == expected


@pytest.mark.parametrize("sittings, pass_mark, expected", [
    ([], 70, None),
    ([Sitting(1, True, 69)], 70, None),
    ([Sitting(1, True, 70)], 70, 1),                                      # the pass mark itself passes
    ([Sitting(1, True, 75), Sitting(2, True, 90), Sitting(3, True, 80)], 70, 2),  # the best, not the latest
    ([Sitting(1, True, 90), Sitting(2, True, 90)], 70, 1),                # the first of equals
    ([Sitting(1, False, 95), Sitting(2, True, 72)], 70, 2),               # an open sitting never counts
    ([Sitting(1, True, None)], 0, 1),                                     # no total counts as 0
    ([Sitting(1, True, None)], 70, None),
])
def test_best_passing(sittings, pass_mark, expected):
    best = rules.best_passing(sittings, pass_mark)
    assert (best.id if best else None) == expected


@pytest.mark.parametrize("done, due, expected", [
    (True, YESTERDAY, PASSED),
    (True, TOMORROW, PASSED),
    (False, TODAY, NOT_STARTED),  # due today is not late yet
    (False, TOMORROW, NOT_STARTED),
    (False, YESTERDAY, OVERDUE),
])
def test_lesson_status(done, due, expected):
    assert rules.lesson_status(done=done, due=due, today=TODAY) == expected


@pytest.mark.parametrize("sittings, due, expected_status, expected_shown", [
    ([], TOMORROW, NOT_STARTED, None),
    ([], YESTERDAY, OVERDUE, None),
    ([Sitting(1, False, None)], TOMORROW, IN_PROGRESS, None),
    ([Sitting(1, False, None)], YESTERDAY, OVERDUE, None),
    ([Sitting(1, True, 50)], TOMORROW, FAILED, 1),
    ([Sitting(1, True, 50)], YESTERDAY, OVERDUE, 1),                         # late and failed: shows the attempt
    ([Sitting(1, True, 50), Sitting(2, True, 60)], TOMORROW, FAILED, 2),      # the latest failure
    ([Sitting(1, True, 50), Sitting(2, False, None)], TOMORROW, IN_PROGRESS, None),  # retrying
    ([Sitting(1, True, 80), Sitting(2, True, 50)], YESTERDAY, PASSED, 1),     # passed once is passed, even late
    ([Sitting(1, True, 80), Sitting(2, False, None)], TOMORROW, PASSED, 1),
])
def test_attempt_status(sittings, due, expected_status, expected_shown):
    status, shown = rules.attempt_status(sittings=sittings, pass_mark=70, due=due, today=TODAY)
    assert status == expected_status
    assert (shown.id if shown else None) == expected_shown


class _Step:
    pk = 1


@pytest.mark.parametrize("statuses, done, percent, overdue, next_index, due_soon", [
    ([], 0, 0, 0, None, 0),
    ([(PASSED, TODAY), (PASSED, TODAY)], 2, 100, 0, None, 0),
    ([(PASSED, YESTERDAY), (OVERDUE, YESTERDAY), (NOT_STARTED, date(2026, 12, 17)), (NOT_STARTED, date(2026, 12, 18))],
     1, 25, 1, 1, 1),                                                       # due soon: within 7 days, not overdue
    ([(FAILED, TOMORROW), (IN_PROGRESS, TOMORROW), (PASSED, TOMORROW)], 1, 33, 0, 0, 2),
])
def test_a_trainees_counts(statuses, done, percent, overdue, next_index, due_soon):
    steps = [StepStatus(_Step(), status, due) for status, due in statuses]
    progress = TraineeProgress(trainee=None, path=None, steps=steps)
    assert (progress.done, progress.percent, len(progress.overdue)) == (done, percent, overdue)
    assert progress.next_step is (steps[next_index] if next_index is not None else None)
    assert len(progress.due_soon(TODAY)) == due_soon


@pytest.mark.parametrize("start, due_days, extension, expected", [
    (date(2026, 11, 1), 10, 0, date(2026, 11, 11)),   # no extension: as before
    (date(2026, 11, 1), 10, 3, date(2026, 11, 14)),   # a 3-day extension moves the step on 3 days
    (date(2026, 12, 30), 0, 5, date(2027, 1, 4)),     # across the year
])
def test_due_on_with_an_extension(start, due_days, extension, expected):
    assert rules.due_on(start=start, due_days=due_days, extension_days=extension) == expected


OWN_PATH = rules.PathChoice(1, date(2026, 11, 20))
TEAM_PATH = rules.PathChoice(2, date(2026, 11, 1))


@pytest.mark.parametrize("own, team_default, expected", [
    (OWN_PATH, TEAM_PATH, (OWN_PATH, rules.OWN)),   # the trainee's own path overrides the team's
    (None, TEAM_PATH, (TEAM_PATH, rules.TEAM)),     # without one, the team's default
    (OWN_PATH, None, (OWN_PATH, rules.OWN)),
    (None, None, (None, "")),                       # neither: no path
])
def test_effective_path(own, team_default, expected):
    assert rules.effective_path(own=own, team_default=team_default) == expected


L1, L2, L3, QUIZ, EXAM = ("lesson", 1), ("lesson", 2), ("lesson", 3), ("module_quiz", 7), ("certification", 9)


@pytest.mark.parametrize("done, old, new, kept, dropped, to_do", [
    # completed steps the new path shares stay done; those it lacks drop off the path; the rest is to do
    ({L1, QUIZ}, [L1, L2, QUIZ], [L1, L3, QUIZ, EXAM], [L1, QUIZ], [], [L3, EXAM]),
    ({L1, L2}, [L1, L2], [L2, L3], [L2], [L1], [L3]),
    (set(), [L1], [L1, L2], [], [], [L1, L2]),
    ({L1, L2}, [L1, L2], [L1, L2], [L1, L2], [], []),
])
def test_path_change_keeps_completed_steps(done, old, new, kept, dropped, to_do):
    change = rules.path_change(done=done, old_steps=old, new_steps=new)
    assert (change.kept, change.dropped, change.to_do) == (kept, dropped, to_do)
