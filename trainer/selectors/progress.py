"""Progress of trainees along their paths: trainer.progress's rules over what they did (a fixed number of queries)."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from courses import clock
from courses.models import LessonCompletion
from quizzes.models import Attempt
from quizzes.services import attempts_close_expired

from .. import progress as rules
from ..models import PathAssignment, PathStep, User
from .pending import certification_pending_attempts

# Re-exported: the rules and their types live in trainer.progress (pure, no database).
NOT_STARTED, IN_PROGRESS, PASSED, FAILED, OVERDUE = rules.NOT_STARTED, rules.IN_PROGRESS, rules.PASSED, rules.FAILED, rules.OVERDUE
StepStatus, TraineeProgress = rules.StepStatus, rules.TraineeProgress

def _assignment(trainee: User) -> PathAssignment | None:
    try:
        return trainee.path_assignment
    except PathAssignment.DoesNotExist:  # no path assigned yet
        return None


def has_own_path(trainee: User) -> bool:
    """Whether the trainee has a path of their own (which overrides the team's default)."""
    return _assignment(trainee) is not None


class FollowedPath:
    """The path a trainee follows (their own, else their team's default), since when, and from where."""

    __slots__ = ("path", "path_id", "given_on", "source")

    def __init__(self, path, given_on, source: str):
        self.path, self.path_id, self.given_on, self.source = path, path.pk, given_on, source


def followed_path(trainee: User) -> FollowedPath | None:
    """trainer.progress.effective_path over the trainee's assignment and team (selected with the trainee)."""
    assignment, team = _assignment(trainee), trainee.team
    own = rules.PathChoice(assignment.path_id, timezone.localdate(assignment.assigned_at)) if assignment else None
    team_default = None
    if team is not None and team.default_path_id:
        team_default = rules.PathChoice(team.default_path_id, timezone.localdate(team.default_path_set_at)
                                        if team.default_path_set_at else None)
    choice, source = rules.effective_path(own=own, team_default=team_default)
    if choice is None:
        return None
    return FollowedPath(assignment.path if source == rules.OWN else team.default_path, choice.given_on, source)


# What progress_for needs selected with each trainee (select_related / only).
TRAINEE_PATH_RELATED = ("team__default_path", "path_assignment__path")
TRAINEE_PATH_FIELDS = ("hire_date", "due_extension_days", "team__name", "team__default_path_set_at",
                       "team__default_path__name", "path_assignment__assigned_at", "path_assignment__path__name")


def path_steps(*, path_ids: set[int]) -> dict[int, list[PathStep]]:
    """Steps of each path, in order, with the lesson, module or exam each shows (one query)."""
    steps: dict[int, list[PathStep]] = {path_id: [] for path_id in path_ids}
    for step in (PathStep.objects.filter(path_id__in=path_ids).select_related("lesson", "module", "exam")
                 .only("path_id", "order", "kind", "due_days", "pass_mark", "lesson__slug", "lesson__title",
                       "module__title", "exam__name", "exam__pass_mark").order_by("path_id", "order")):
        steps[step.path_id].append(step)
    return steps


# Module quizzes and certification sittings of some trainees, oldest first, as tuples: what their
# path steps need, and (the last four) what the certification alerts need, so that the supervisor
# home reads them once for both.
_ATTEMPT_VALUES = ("user_id", "mode", "module_id", "certification__exam_id", "id", "certification__id", "status",
                   "total", "passed", "submitted_at", "certification__round_id", "certification__exam__validity_days")


def quiz_and_certification_attempts(*, trainee_ids: list[int],
                                    modes=(Attempt.Mode.MODULE_QUIZ, Attempt.Mode.CERTIFICATION)) -> list[tuple]:
    # Exams past their deadline are closed and scored first (read repair): an unsubmitted exam is a
    # result like any other, for the progress steps, the bands and the "two rounds below 65" alert.
    attempts_close_expired()
    return list(Attempt.objects.filter(user_id__in=trainee_ids, mode__in=modes)
                .values_list(*_ATTEMPT_VALUES).order_by("started_at", "id"))


_LESSON, _MODULE_QUIZ, _CERTIFICATION = PathStep.Kind.LESSON, PathStep.Kind.MODULE_QUIZ, PathStep.Kind.CERTIFICATION


def progress_for(*, trainees: list[User], attempts: list[tuple] | None = None) -> list[TraineeProgress]:
    """Every trainee's path with a status per step: trainer.progress's rules over their completions and attempts.

    A fixed number of queries whatever the number of trainees or steps: trainees come from
    trainees_with_paths (or have TRAINEE_PATH_RELATED selected). `attempts`, if given, is
    quiz_and_certification_attempts() of these trainees, already read.
    """
    assignments = [followed_path(t) for t in trainees]
    steps_by_path = path_steps(path_ids={a.path_id for a in assignments if a}) if any(assignments) else {}
    ids = [t.pk for t, a in zip(trainees, assignments) if a and steps_by_path[a.path_id]]
    completions = set(LessonCompletion.objects.filter(user_id__in=ids).values_list("user_id", "lesson_id")) if ids else set()
    sittings: dict[tuple[int, str, int], list[rules.Sitting]] = {}  # (trainee, kind, module or exam) -> oldest first
    if ids:
        if attempts is None:
            attempts = quiz_and_certification_attempts(trainee_ids=ids)
        # A sitting pending review has no result yet: its step is not done until the review.
        sat = [row[4] for row in attempts if row[5] is not None and row[6] != Attempt.Status.IN_PROGRESS]
        pending = certification_pending_attempts(attempt_ids=sat) if sat else set()
        for user_id, mode, module_id, exam_id, attempt_id, cert_id, status, total, *_sitting in attempts:
            finished = status != Attempt.Status.IN_PROGRESS and attempt_id not in pending
            if mode == Attempt.Mode.MODULE_QUIZ:
                sittings.setdefault((user_id, _MODULE_QUIZ, module_id), []).append(rules.Sitting(attempt_id, finished, total))
            elif cert_id is not None:
                sittings.setdefault((user_id, _CERTIFICATION, exam_id), []).append(rules.Sitting(cert_id, finished, total))
    today = clock.today()
    result = []
    for trainee, assignment in zip(trainees, assignments):
        progress = TraineeProgress(trainee=trainee, path=assignment.path if assignment else None)
        result.append(progress)
        if assignment is None:
            continue
        start = rules.start_date(hire_date=trainee.hire_date, assigned_on=assignment.given_on, today=today)
        extension = trainee.due_extension_days
        for step in steps_by_path[assignment.path_id]:
            due = rules.due_on(start=start, due_days=step.due_days, extension_days=extension)
            if step.kind == _LESSON:
                status = rules.lesson_status(done=(trainee.pk, step.lesson_id) in completions, due=due, today=today)
                progress.steps.append(StepStatus(step, status, due))
                continue
            if step.kind == _MODULE_QUIZ:
                key, pass_mark, url_name = (trainee.pk, _MODULE_QUIZ, step.module_id), step.pass_mark, "quizzes:attempt_result"
            else:
                key, pass_mark, url_name = (trainee.pk, _CERTIFICATION, step.exam_id), step.exam.pass_mark, "trainer:certification_result"
            status, shown = rules.attempt_status(sittings=sittings.get(key, []), pass_mark=pass_mark, due=due, today=today)
            if shown is None:
                progress.steps.append(StepStatus(step, status, due))
            else:
                progress.steps.append(StepStatus(step, status, due, shown.total, reverse(url_name, args=[shown.id])))
    return result



def _step_key(step: PathStep) -> tuple:
    return (step.kind, step.lesson_id or step.module_id or step.exam_id)


class PathChangePreview:
    """For the confirmation page: one trainee, the path they follow now, and what the new path keeps and changes."""

    def __init__(self, trainee: User, current, kept: list[PathStep], dropped: list[PathStep], to_do: int):
        self.trainee, self.current, self.kept, self.dropped, self.to_do = trainee, current, kept, dropped, to_do


def path_change_preview(*, trainees: list[User], path) -> list[PathChangePreview]:
    """Trainees (from trainees_with_paths) whose followed path `path` would replace, with what stays done.

    Trainees without a path, or already on `path`, are left out: nothing of theirs is replaced."""
    progress = [p for p in progress_for(trainees=trainees) if p.path is not None and p.path.pk != path.pk]
    if not progress:
        return []
    new_steps = path_steps(path_ids={path.pk})[path.pk]
    by_key = {_step_key(step): step for step in new_steps}
    result = []
    for row in progress:
        done = {_step_key(s.step) for s in row.steps if s.is_done}
        change = rules.path_change(done=done, old_steps=[_step_key(s.step) for s in row.steps],
                                   new_steps=list(by_key))
        old_by_key = {_step_key(s.step): s.step for s in row.steps}
        result.append(PathChangePreview(row.trainee, row.path, [by_key[k] for k in change.kept],
                                        [old_by_key[k] for k in change.dropped], len(change.to_do)))
    return result
