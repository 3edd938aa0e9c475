"""Reads for the people side. Permission-checked lookups are named access_<thing>_by_id."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from courses import clock
from courses.models import LessonCompletion
from quizzes.models import Attempt
from quizzes.services import attempts_close_expired

from .certification import EXPIRY_WARNING_DAYS, FLAG_BELOW, FLAG_CONSECUTIVE_ROUNDS, band_for

from .models import (
    CertificationAttempt, Notification, OnboardingPath, PathStep, Role, Team, User, certification_valid_from,
    path_step_title,
)


def teams_visible_to(*, user: User) -> QuerySet[Team]:
    """Admins see every team; supervisors the teams they supervise; trainees none."""
    if user.is_platform_admin:
        return Team.objects.all()
    if user.is_supervisor:
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def trainees_visible_to(*, user: User) -> QuerySet[User]:
    """Trainees a user may look at: a supervisor's own teams, everyone for admins, oneself for a trainee."""
    trainees = User.objects.filter(role=Role.TRAINEE, is_active=True)
    if user.is_platform_admin:
        return trainees
    if user.is_supervisor:
        return trainees.filter(team__supervisors=user)
    return trainees.filter(pk=user.pk)


def trainee_choices_for(*, user: User) -> QuerySet[User]:
    """The trainees a user may pick in a form, with only what their label needs (User.__str__)."""
    return trainees_visible_to(user=user).only("pk", "username", "display_name").order_by("display_name", "username")


def access_trainee_by_id(*, user: User, trainee_id: int) -> TraineeRow:
    """The trainee (as a TraineeRow: name, team, path) if `user` may see them; 404 otherwise (no hint that the id exists)."""
    rows = trainees_with_paths(user=user, trainee_id=trainee_id)
    if not rows:
        raise Http404
    return rows[0]


def notifications_for(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    """A user's newest notifications."""
    return Notification.objects.filter(user=user).order_by("-created_at")[:limit]


def access_notification_by_id(*, user: User, notification_id: int) -> Notification:
    """One of the user's own notifications, or 404."""
    try:
        return Notification.objects.get(pk=notification_id, user=user)
    except Notification.DoesNotExist:
        raise Http404


# --------------------------------------------------------------------------------------- progress

NOT_STARTED, IN_PROGRESS, PASSED, FAILED, OVERDUE = "not_started", "in_progress", "passed", "failed", "overdue"
DUE_SOON_DAYS = 7


class StepStatus:
    """One step of one trainee's path. Plain slots, not a dataclass: the grid builds thousands."""

    __slots__ = ("step", "status", "due_on", "score", "evidence_url")

    def __init__(self, step: StepInfo, status: str, due_on: date, score: int | None = None, evidence_url: str = ""):
        self.step, self.status, self.due_on, self.score, self.evidence_url = step, status, due_on, score, evidence_url

    @property
    def is_done(self) -> bool:
        return self.status == PASSED

    def __repr__(self) -> str:
        return f"StepStatus({self.step.pk}, {self.status!r}, due {self.due_on})"


@dataclass
class TraineeProgress:
    trainee: TraineeRow | User
    path: PathRef | OnboardingPath | None
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


_URL_TEMPLATES: dict[str, str] = {}


def reverse_cached(name: str, arg) -> str:
    """reverse() for one argument, resolved once per URL name: the grid and the lists build hundreds of links."""
    template_ = _URL_TEMPLATES.get(name)
    if template_ is None:
        template_ = _URL_TEMPLATES[name] = reverse(name, args=["999999999"]).replace("999999999", "{}")
    return template_.format(arg)


def _start_date(hire_date: date | None, assigned_at) -> date:
    """Steps fall due counted from the hire date, else from when the path was assigned, else today."""
    if hire_date:
        return hire_date
    return timezone.localdate(assigned_at) if assigned_at else clock.today()


@dataclass(frozen=True, slots=True)
class TeamRef:
    pk: int
    name: str


@dataclass(frozen=True, slots=True)
class PathRef:
    pk: int
    name: str
    steps_version: object


@dataclass(frozen=True, slots=True)
class TraineeRow:
    """A trainee in a list (grid, supervisor home, exports): who, which team, which path since when.

    Read as one tuple per trainee: four model instances a trainee (user, team, assignment, path)
    cost the supervisor home more than the SQL did.
    """

    pk: int
    username: str
    name: str
    hire_date: date | None
    team: TeamRef | None
    path: PathRef | None
    assigned_at: object

    @property
    def team_id(self) -> int | None:
        return self.team.pk if self.team else None


@dataclass(frozen=True, slots=True)
class StepInfo:
    """A path step as the progress pages show it: read as one tuple per step instead of four model
    instances (step, lesson, module, exam), which made loading the path a third of the grid's time."""

    pk: int
    path_id: int
    order: int
    kind: str
    due_days: int
    pass_mark: int
    lesson_id: int | None
    lesson_slug: str | None
    module_id: int | None
    exam_id: int | None
    exam_pass_mark: int | None
    title: str
    due_delta: timedelta  # due this long after the trainee's start date
    lesson_url: str       # lessons only; quiz and exam steps link to the attempt that counts


# Steps per (path, stamp, language), kept by each server process: reading a path's steps with their
# lesson, module and exam was a four-table join on every progress page. The stamp comes with the
# trainee's path (OnboardingPath.steps_version), so a changed path is reread on the next request in
# every process. One entry per path and language: an old stamp's entry is replaced, not kept.
_STEPS_CACHE: dict[tuple[int, str], tuple[object, list[StepInfo]]] = {}


def _path_steps(paths: dict[int, object]) -> dict[int, list[StepInfo]]:
    """Steps of each path, by path id. `paths` maps path id to its steps_version (None: not known, read it)."""
    language = translation.get_language() or ""
    steps_by_path: dict[int, list[StepInfo]] = {}
    for path_id, version in paths.items():
        cached = _STEPS_CACHE.get((path_id, language))
        if version is not None and cached is not None and cached[0] == version:
            steps_by_path[path_id] = cached[1]
    missing = [path_id for path_id in paths if path_id not in steps_by_path]
    if not missing:
        return steps_by_path
    rows = (PathStep.objects.filter(path_id__in=missing).order_by("path_id", "order").values_list(
        "pk", "path_id", "order", "kind", "due_days", "pass_mark", "lesson_id", "lesson__slug", "module_id", "exam_id",
        "exam__pass_mark", "lesson__title", "module__title", "exam__name", "path__steps_version"))
    versions: dict[int, object] = {}
    for *fields, lesson_title, module_title, exam_name, version in rows:
        title = path_step_title(fields[3], lesson_title=lesson_title, module_title=module_title, exam_name=exam_name)
        lesson_slug, due_days = fields[7], fields[4]
        step = StepInfo(*fields, title=title, due_delta=timedelta(days=due_days),
                        lesson_url=reverse_cached("courses:lesson", lesson_slug) if lesson_slug else "")
        steps_by_path.setdefault(step.path_id, []).append(step)
        versions[step.path_id] = version
    for path_id in missing:
        # Stored under the stamp read with the steps: if the path changed since the trainee was
        # read, the newer steps are shown and kept under the newer stamp.
        if path_id in versions:
            _STEPS_CACHE[(path_id, language)] = (versions[path_id], steps_by_path[path_id])
        else:
            steps_by_path.setdefault(path_id, [])
    return steps_by_path


def _steps_version(path: PathRef | OnboardingPath) -> object:
    if isinstance(path, PathRef):
        return path.steps_version
    # Only if it was loaded with the path: reading a deferred field here would cost a query per trainee.
    return path.__dict__.get("steps_version")


def _path_and_start(trainee: User | TraineeRow) -> tuple[PathRef | OnboardingPath | None, date | None]:
    if isinstance(trainee, TraineeRow):
        path = trainee.path
        return path, _start_date(trainee.hire_date, trainee.assigned_at) if path else None
    assignment = _assignment(trainee)
    if assignment is None:
        return None, None
    return assignment.path, _start_date(trainee.hire_date, assignment.assigned_at)


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


@dataclass
class _ProgressInputs:
    """What every trainee's step statuses are derived from, read in a fixed number of queries."""

    today: date
    plans: list[tuple]  # (path, start date) per trainee
    steps_by_path: dict[int, list[StepInfo]]
    completions: set[tuple[int, int]]  # (trainee, lesson)
    quizzes: dict[tuple[int, int], list[tuple]]  # (trainee, module) -> [(attempt id, status, total)], oldest first
    certs: dict[tuple[int, int], list[tuple]]  # (trainee, exam) -> [(sitting id, status, total)], oldest first

    def attempts_for(self, pk: int, step: StepInfo) -> tuple[list[tuple] | None, int]:
        if step.kind == _MODULE_QUIZ:
            return self.quizzes.get((pk, step.module_id)), step.pass_mark
        return self.certs.get((pk, step.exam_id)), step.exam_pass_mark


def _progress_inputs(trainees: list[User | TraineeRow], attempts: list[tuple] | None) -> _ProgressInputs:
    ids = [t.pk for t in trainees]
    plans = [_path_and_start(t) for t in trainees]
    paths = {path.pk: _steps_version(path) for path, _start in plans if path}
    steps_by_path = _path_steps(paths) if paths else {}
    if not any(steps_by_path.values()):
        ids = []  # nobody has a path: nothing else to read
    completions = set(LessonCompletion.objects.filter(user_id__in=ids).values_list("user_id", "lesson_id")) if ids else set()
    quizzes: dict[tuple[int, int], list[tuple]] = {}
    certs: dict[tuple[int, int], list[tuple]] = {}
    if ids:
        if attempts is None:
            attempts = quiz_and_certification_attempts(trainee_ids=ids)
        for user_id, mode, module_id, exam_id, attempt_id, cert_id, status, total, *_sitting in attempts:
            if mode == Attempt.Mode.MODULE_QUIZ:
                quizzes.setdefault((user_id, module_id), []).append((attempt_id, status, total))
            elif cert_id is not None:
                certs.setdefault((user_id, exam_id), []).append((cert_id, status, total))
    return _ProgressInputs(clock.today(), plans, steps_by_path, completions, quizzes, certs)


def progress_for(*, trainees: list[User | TraineeRow], attempts: list[tuple] | None = None) -> list[TraineeProgress]:
    """Every trainee's path with a status per step, derived from completions and attempts.

    A fixed number of queries whatever the number of trainees or steps: trainees are TraineeRows
    (trainees_with_paths) or users with `path_assignment__path` selected. `attempts`, if given, is
    quiz_and_certification_attempts() of these trainees, already read.
    """
    inputs = _progress_inputs(trainees, attempts)
    today, completions = inputs.today, inputs.completions
    result = []
    for trainee, (path, start) in zip(trainees, inputs.plans):
        progress = TraineeProgress(trainee=trainee, path=path)
        if path:
            pk = trainee.pk
            append = progress.steps.append
            for step in inputs.steps_by_path.get(path.pk, []):
                due = start + step.due_delta
                if step.kind == _LESSON:
                    if (pk, step.lesson_id) in completions:
                        append(StepStatus(step, PASSED, due, evidence_url=step.lesson_url))
                    else:
                        append(StepStatus(step, OVERDUE if today > due else NOT_STARTED, due, evidence_url=step.lesson_url))
                    continue
                rows, pass_mark = inputs.attempts_for(pk, step)
                url_name = "quizzes:attempt_result" if step.kind == _MODULE_QUIZ else "trainer:certification_result"
                status = _attempt_step_status(step, due, rows, pass_mark, url_name) if rows else StepStatus(step, NOT_STARTED, due)
                if status.status in (NOT_STARTED, IN_PROGRESS, FAILED) and today > due:
                    status.status = OVERDUE
                append(status)
        result.append(progress)
    return result


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    """How far a trainee is, without the steps: what the supervisor home's team cards add up."""

    trainee: TraineeRow | User
    done: int
    total: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_summaries(*, trainees: list[User | TraineeRow], attempts: list[tuple] | None = None
                       ) -> list[ProgressSummary]:
    """progress_for's counts (done, steps, overdue) per trainee, without building a status per step:
    the same rules (a step is done when its lesson is completed or a finished attempt reaches the
    pass mark; otherwise it is overdue past its due date), a third of the time."""
    inputs = _progress_inputs(trainees, attempts)
    today, completions = inputs.today, inputs.completions
    result = []
    for trainee, (path, start) in zip(trainees, inputs.plans):
        steps = inputs.steps_by_path.get(path.pk, []) if path else []
        done = overdue = 0
        pk = trainee.pk
        for step in steps:
            if step.kind == _LESSON:
                is_done = (pk, step.lesson_id) in completions
            else:
                rows, pass_mark = inputs.attempts_for(pk, step)
                is_done = bool(rows) and _best_passing(rows, pass_mark) is not None
            if is_done:
                done += 1
            elif today > start + step.due_delta:
                overdue += 1
        result.append(ProgressSummary(trainee, done, len(steps), overdue))
    return result


_LESSON, _MODULE_QUIZ = PathStep.Kind.LESSON, PathStep.Kind.MODULE_QUIZ


def _assignment(trainee: User):
    try:
        return trainee.path_assignment
    except Exception:  # RelatedObjectDoesNotExist: no path assigned yet
        return None


def _best_passing(rows: list[tuple], pass_mark: int) -> tuple | None:
    """The highest-scoring finished attempt (id, status, total) at or above the pass mark, if any."""
    passed = [r for r in rows if r[1] != Attempt.Status.IN_PROGRESS and (r[2] or 0) >= pass_mark]
    return max(passed, key=lambda r: r[2]) if passed else None


def _attempt_step_status(step: StepInfo, due: date, rows: list[tuple], pass_mark: int, url_name: str) -> StepStatus:
    """Status of a quiz or certification step from the trainee's attempts (id, status, total), oldest first."""
    finished = [r for r in rows if r[1] != Attempt.Status.IN_PROGRESS]
    best = _best_passing(finished, pass_mark)
    if best is not None:
        return StepStatus(step, PASSED, due, score=best[2], evidence_url=reverse_cached(url_name, best[0]))
    if len(finished) < len(rows):
        return StepStatus(step, IN_PROGRESS, due)
    latest = finished[-1]
    return StepStatus(step, FAILED, due, score=latest[2], evidence_url=reverse_cached(url_name, latest[0]))


def trainees_with_paths(*, user: User, team_id: int | None = None, trainee_id: int | None = None) -> list[TraineeRow]:
    """Trainees the user may see (of one team, or the one trainee), with team and path, in one query
    (names and dates only)."""
    trainees = trainees_visible_to(user=user)
    if team_id:
        trainees = trainees.filter(team_id=team_id)
    if trainee_id is not None:
        trainees = trainees.filter(pk=trainee_id)
    name_from = User.name_from
    teams: dict[int, TeamRef] = {}
    paths: dict[int, PathRef] = {}
    rows = []
    for (pk, username, display_name, first_name, last_name, hire_date, team_pk, team_name, path_pk, path_name,
         steps_version, assigned_at) in trainees.values_list(
            "pk", "username", "display_name", "first_name", "last_name", "hire_date", "team_id", "team__name",
            "path_assignment__path_id", "path_assignment__path__name", "path_assignment__path__steps_version",
            "path_assignment__assigned_at").order_by("team__name", "display_name", "username"):
        # One TeamRef and PathRef each, shared by their trainees
        team = (teams.get(team_pk) or teams.setdefault(team_pk, TeamRef(team_pk, team_name))) if team_pk else None
        path = (paths.get(path_pk) or paths.setdefault(path_pk, PathRef(path_pk, path_name, steps_version))) if path_pk else None
        rows.append(TraineeRow(pk, username, name_from(display_name, first_name, last_name, username), hire_date,
                               team, path, assigned_at))
    return rows


def trainees_without_path(*, user: User) -> list[TraineeRow]:
    """Trainees the user may see who have no onboarding path yet (new hires to set up)."""
    return [t for t in trainees_with_paths(user=user) if t.path is None]


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


def _grid_columns(rows: list[TraineeProgress]) -> list[StepInfo]:
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


# ----------------------------------------------------------------------------------- certification

@dataclass(frozen=True, slots=True)
class _Named:
    name: str


@dataclass(frozen=True, slots=True)
class _Titled:
    title: str


@dataclass(frozen=True, slots=True)
class _Submitted:
    submitted_at: object


@dataclass(frozen=True, slots=True)
class SittingRow:
    """A certification sitting as the lists show it, read as one tuple (the sitting, its attempt,
    exam, round and trainee as model instances cost more than the query): templates read
    cert.exam.name, cert.round.title, cert.attempt.submitted_at and cert.trainee.name."""

    pk: int
    trainee_id: int
    verification_code: str
    exam: _Named
    round: _Titled | None
    attempt: _Submitted
    trainee: _Named


@dataclass
class CertificationRecord:
    cert: SittingRow
    score: int | None
    passed: bool | None
    band: object
    valid_until: date | None

    @property
    def is_valid(self) -> bool:
        return self.valid_until is not None and self.valid_until >= clock.today()


def certification_records(*, trainee_ids: list[int] | None = None, cert_ids: list[int] | None = None
                          ) -> list[CertificationRecord]:
    """Finished certification sittings of these trainees (or these sittings), newest first, with band and validity."""
    attempts_close_expired()
    certs = CertificationAttempt.objects.exclude(attempt__status=Attempt.Status.IN_PROGRESS)
    if trainee_ids is not None:
        certs = certs.filter(trainee_id__in=trainee_ids)
    if cert_ids is not None:
        certs = certs.filter(pk__in=cert_ids)
    name_from = User.name_from
    records = []
    for (pk, trainee_id, code, total, passed, submitted_at, exam_name, validity_days, round_id, round_title,
         display_name, first_name, last_name, username) in certs.order_by("-attempt__submitted_at").values_list(
            "pk", "trainee_id", "verification_code", "attempt__total", "attempt__passed", "attempt__submitted_at",
            "exam__name", "exam__validity_days", "round_id", "round__title", "trainee__display_name",
            "trainee__first_name", "trainee__last_name", "trainee__username"):
        sitting = SittingRow(pk, trainee_id, code, _Named(exam_name), _Titled(round_title) if round_id else None,
                             _Submitted(submitted_at), _Named(name_from(display_name, first_name, last_name, username)))
        records.append(CertificationRecord(sitting, total, passed, band_for(total or 0), certification_valid_from(
            passed=passed, submitted_at=submitted_at, validity_days=validity_days)))
    return records


def _finished_sittings(attempts: list[tuple]) -> list[tuple]:
    """(sitting id, trainee id, round id, total, passed, submitted at, validity days) of the finished
    certification sittings among quiz_and_certification_attempts() rows, newest first."""
    sittings = [(cert_id, user_id, round_id, total, passed, submitted_at, validity_days)
                for (user_id, _mode, _module, _exam, _attempt, cert_id, status, total, passed, submitted_at, round_id,
                     validity_days) in attempts
                if cert_id is not None and status != Attempt.Status.IN_PROGRESS]
    sittings.sort(key=lambda s: (s[5] is not None, s[5] or 0), reverse=True)
    return sittings


def certification_alerts(*, user: User, trainee_ids: list[int] | None = None, attempts: list[tuple] | None = None
                         ) -> dict:
    """For a supervisor: certifications expiring within 14 days, and trainees below 65 twice in a row.

    Sittings are read as quiz_and_certification_attempts() tuples, or taken from `attempts` when the
    caller has read those already; full records are loaded only for the few the alerts show.
    """
    if attempts is None:
        if trainee_ids is None:
            trainee_ids = list(trainees_visible_to(user=user).values_list("pk", flat=True))
        attempts = quiz_and_certification_attempts(trainee_ids=trainee_ids, modes=[Attempt.Mode.CERTIFICATION])
    today = clock.today()
    latest_valid: dict[int, tuple[date, int]] = {}
    by_trainee: dict[int, list[tuple[int, int | None]]] = {}
    for pk, trainee_id, round_id, total, passed, submitted_at, validity_days in _finished_sittings(attempts):
        if round_id:
            by_trainee.setdefault(trainee_id, []).append((pk, total))
        valid_until = certification_valid_from(passed=passed, submitted_at=submitted_at, validity_days=validity_days)
        if valid_until is not None and valid_until >= today and trainee_id not in latest_valid:
            latest_valid[trainee_id] = (valid_until, pk)
    horizon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    expiring_ids = [pk for valid_until, pk in sorted(latest_valid.values()) if valid_until <= horizon]
    flagged_ids = []
    for sittings in by_trainee.values():
        recent = sittings[:FLAG_CONSECUTIVE_ROUNDS]
        if len(recent) == FLAG_CONSECUTIVE_ROUNDS and all((total or 0) < FLAG_BELOW for _pk, total in recent):
            flagged_ids.append([pk for pk, _total in recent])
    shown_ids = expiring_ids + [pk for ids in flagged_ids for pk in ids]
    shown = {r.cert.pk: r for r in certification_records(cert_ids=shown_ids)} if shown_ids else {}
    return {"expiring": [shown[pk] for pk in expiring_ids if pk in shown],
            "flagged": [[shown[pk] for pk in ids if pk in shown] for ids in flagged_ids]}


def access_certification_by_id(*, user: User, cert_id: int) -> CertificationAttempt:
    """A certification the user may see: own, own teams', or any for admins; 404 otherwise."""
    attempts_close_expired()
    certs = CertificationAttempt.objects.select_related("attempt", "exam", "trainee", "round")
    if not user.is_platform_admin:
        certs = certs.filter(trainee__in=trainees_visible_to(user=user))
    try:
        return certs.get(pk=cert_id)
    except CertificationAttempt.DoesNotExist:
        raise Http404


def open_rounds_for(*, trainee: User):
    """Rounds of the trainee's team open today, each with the trainee's sitting if any."""
    from .models import CertificationRound

    attempts_close_expired()  # an exam whose time ran out shows its result, not 继续作答
    today = clock.today()
    rounds = list(CertificationRound.objects.filter(team_id=trainee.team_id, opens_on__lte=today, closes_on__gte=today)
                  .select_related("exam").prefetch_related(
                      Prefetch("attempts", queryset=CertificationAttempt.objects.filter(trainee=trainee).select_related("attempt"),
                               to_attr="mine")))
    return rounds


# ------------------------------------------------------------------------------------- dashboards

@dataclass(frozen=True, slots=True)
class AnswerRow:
    """An answer as a list shows it (when, mode, what, scores, flags): one tuple, where the answer,
    its scenario or question and its attempt as model instances cost more than the query."""

    pk: int
    submitted_at: object
    scenario_id: int | None
    title: str  # the scenario's title, or the knowledge question's prompt
    mode: str
    auto_total: int | None
    final_total: int | None
    final_passed: bool | None
    needs_review: bool
    reviewed_at: object

    @property
    def mode_label(self) -> str:
        return str(Attempt.Mode(self.mode).label)

    @property
    def url(self) -> str:
        return reverse_cached("quizzes:answer", self.pk)


_ANSWER_ROW_VALUES = ("pk", "submitted_at", "scenario_id", "scenario__title", "question__prompt", "attempt__mode",
                      "auto_total", "final_total", "final_passed", "needs_review", "reviewed_at")


def answer_rows(values) -> list[AnswerRow]:
    """AnswerRows from an iterable of _ANSWER_ROW_VALUES tuples."""
    return [AnswerRow(pk, submitted_at, scenario_id, scenario_title if scenario_id else (prompt or ""), mode, auto_total,
                      final_total, final_passed, needs_review, reviewed_at)
            for (pk, submitted_at, scenario_id, scenario_title, prompt, mode, auto_total, final_total, final_passed,
                 needs_review, reviewed_at) in values]


def _submitted_answers_of(trainee_ids: list[int]):
    from quizzes.models import Answer

    return Answer.objects.filter(user_id__in=trainee_ids, submitted_at__isnull=False)


def recent_answers(*, trainee_ids: list[int], limit: int = 10) -> list[AnswerRow]:
    return answer_rows(_submitted_answers_of(trainee_ids).order_by("-submitted_at").values_list(*_ANSWER_ROW_VALUES)[:limit])


def score_series(*, trainee: User | TraineeRow, limit: int = 60) -> list[dict]:
    """Scenario scores over time (oldest first) for the trainee's chart."""
    from quizzes.models import Answer

    rows = list(Answer.objects.filter(user_id=trainee.pk, scenario__isnull=False, submitted_at__isnull=False)
                .order_by("-submitted_at").values_list("submitted_at", "final_total", "scenario__title")[:limit])
    shop_time = timezone.get_current_timezone()
    return [{"t": submitted_at.astimezone(shop_time).strftime("%m-%d %H:%M"), "score": score, "title": title}
            for submitted_at, score, title in reversed(rows)]


def trainee_dashboard(*, trainee: User) -> dict:
    """Everything the trainee home shows: next step, progress, due soon, overdue, results, feedback."""
    from quizzes.models import Review

    # The trainee's own row (team, path) as a tuple; a user the trainee list leaves out (an admin
    # without a role of trainee) gets their path, if any, through the model.
    row = trainees_with_paths(user=trainee)
    progress = progress_for(trainees=row or [User.objects.select_related("path_assignment__path").get(pk=trainee.pk)])[0]
    today = clock.today()
    return {
        "progress": progress, "today": today, "due_soon": progress.due_soon(today), "overdue": progress.overdue,
        "recent": recent_answers(trainee_ids=[trainee.pk], limit=8),
        "feedback": list(Review.objects.filter(answer__user=trainee).select_related("reviewer", "answer__scenario")
                         .only("answer_id", "reviewer_id", "created_at", "comment", "final_total", "answer__scenario_id",
                               "answer__scenario__title", "reviewer__username", "reviewer__display_name",
                               "reviewer__first_name", "reviewer__last_name")
                         .order_by("-created_at")[:5]),
        "series": score_series(trainee=trainee),
    }


def supervisor_dashboard(*, user: User) -> dict:
    from quizzes.selectors import review_queue_pages

    trainees = trainees_with_paths(user=user)
    attempts = quiz_and_certification_attempts(trainee_ids=[t.pk for t in trainees]) if trainees else []
    rows = progress_summaries(trainees=trainees, attempts=attempts)
    teams: dict[int | None, dict] = {}
    for row in rows:
        team = row.trainee.team
        entry = teams.setdefault(team.pk if team else None, {"team": team, "trainees": 0, "overdue": 0, "percent_sum": 0})
        entry["trainees"] += 1
        entry["overdue"] += bool(row.overdue)
        entry["percent_sum"] += row.percent
    for entry in teams.values():
        entry["percent"] = round(entry["percent_sum"] / entry["trainees"]) if entry["trainees"] else 0
    pending, flagged, top_queue = review_queue_pages(user=user).head(5)
    return {
        "teams": list(teams.values()), "behind_count": sum(entry["overdue"] for entry in teams.values()),
        "pending_reviews": pending, "flagged_reviews": flagged,
        "top_queue": top_queue, "alerts": certification_alerts(user=user, attempts=attempts),
    }


TRAINEE_DETAIL_ANSWERS = 20  # answers a page of the trainee detail; the full history is also in the export


def trainee_detail(*, trainee: TraineeRow, page_number=None) -> dict:
    """Everything one trainee did: path status, their answers a page at a time, certifications, chart.

    `trainee` is the TraineeRow access_trainee_by_id gives.
    """
    from quizzes.selectors import CountedApart

    submitted = _submitted_answers_of([trainee.pk])
    answers = Paginator(CountedApart(submitted, submitted.order_by("-submitted_at", "-pk").values_list(*_ANSWER_ROW_VALUES)),
                        TRAINEE_DETAIL_ANSWERS).get_page(page_number)
    answers.object_list = answer_rows(answers.object_list)
    return {
        "trainee": trainee, "progress": progress_for(trainees=[trainee])[0], "answers": answers,
        "certifications": certification_records(trainee_ids=[trainee.pk]), "series": score_series(trainee=trainee),
    }


def results_for_export(*, user: User):
    """Every submitted answer of the trainees the user may see, for the results export."""
    from quizzes.models import Answer

    return (Answer.objects.filter(user__in=trainees_visible_to(user=user), submitted_at__isnull=False)
            .select_related("user", "user__team", "attempt", "scenario__module", "question__module")
            .order_by("user__username", "submitted_at").iterator(chunk_size=2000))
