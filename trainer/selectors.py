"""Reads for the people side. Permission-checked lookups are named access_<thing>_by_id."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from courses import clock
from courses.models import LessonCompletion
from quizzes.models import Attempt
from quizzes.services import attempts_close_expired

from . import progress as rules
from .certification import EXPIRY_WARNING_DAYS, FLAG_BELOW, FLAG_CONSECUTIVE_ROUNDS, band_for
from .models import (
    CertificationAttempt, Notification, PathAssignment, PathStep, Role, Team, User, certification_valid_from,
    certification_valid_until,
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


def access_trainee_by_id(*, user: User, trainee_id: int) -> User:
    """The trainee (with team and path) if `user` may see them; 404 otherwise (no hint that the id exists)."""
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

# Re-exported: the rules and their types live in trainer.progress (pure, no database).
NOT_STARTED, IN_PROGRESS, PASSED, FAILED, OVERDUE = rules.NOT_STARTED, rules.IN_PROGRESS, rules.PASSED, rules.FAILED, rules.OVERDUE
StepStatus, TraineeProgress = rules.StepStatus, rules.TraineeProgress

# What a trainee in a list (grid, supervisor home, exports, trainee detail) shows: name, team, path since when.
_TRAINEE_FIELDS = ("username", "display_name", "first_name", "last_name", "hire_date", "team__name",
                   "path_assignment__assigned_at", "path_assignment__path__name")


def trainees_with_paths(*, user: User, team_id: int | None = None, trainee_id: int | None = None) -> list[User]:
    """Trainees the user may see (of one team, or the one trainee), with team and path, in one query."""
    trainees = trainees_visible_to(user=user)
    if team_id:
        trainees = trainees.filter(team_id=team_id)
    if trainee_id is not None:
        trainees = trainees.filter(pk=trainee_id)
    return list(trainees.select_related("team", "path_assignment__path").only(*_TRAINEE_FIELDS)
                .order_by("team__name", "display_name", "username"))


def trainees_without_path(*, user: User) -> QuerySet[User]:
    """Trainees the user may see who have no onboarding path yet (new hires to set up)."""
    return (trainees_visible_to(user=user).filter(path_assignment__isnull=True).select_related("team")
            .only("username", "display_name", "first_name", "last_name", "hire_date", "team__name")
            .order_by("team__name", "display_name", "username"))


def _assignment(trainee: User) -> PathAssignment | None:
    try:
        return trainee.path_assignment
    except PathAssignment.DoesNotExist:  # no path assigned yet
        return None


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
    trainees_with_paths (or have `path_assignment__path` selected). `attempts`, if given, is
    quiz_and_certification_attempts() of these trainees, already read.
    """
    assignments = [_assignment(t) for t in trainees]
    steps_by_path = path_steps(path_ids={a.path_id for a in assignments if a}) if any(assignments) else {}
    ids = [t.pk for t, a in zip(trainees, assignments) if a and steps_by_path[a.path_id]]
    completions = set(LessonCompletion.objects.filter(user_id__in=ids).values_list("user_id", "lesson_id")) if ids else set()
    sittings: dict[tuple[int, str, int], list[rules.Sitting]] = {}  # (trainee, kind, module or exam) -> oldest first
    if ids:
        if attempts is None:
            attempts = quiz_and_certification_attempts(trainee_ids=ids)
        for user_id, mode, module_id, exam_id, attempt_id, cert_id, status, total, *_sitting in attempts:
            finished = status != Attempt.Status.IN_PROGRESS
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
        start = rules.start_date(hire_date=trainee.hire_date, assigned_on=timezone.localdate(assignment.assigned_at),
                                 today=today)
        for step in steps_by_path[assignment.path_id]:
            due = rules.due_on(start=start, due_days=step.due_days)
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


# ----------------------------------------------------------------------------------- certification

@dataclass
class CertificationRecord:
    cert: CertificationAttempt
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
    records = []
    for cert in certs.select_related("attempt", "exam", "round", "trainee").only(
            "verification_code", "trainee_id", "attempt__total", "attempt__passed", "attempt__submitted_at", "exam__name",
            "exam__validity_days", "round__title", *(f"trainee__{name}" for name in User.NAME_FIELDS)
    ).order_by("-attempt__submitted_at"):
        total = cert.attempt.total
        records.append(CertificationRecord(cert, total, cert.attempt.passed, band_for(total or 0),
                                           certification_valid_until(cert)))
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

def _submitted_answers_of(trainee_ids: list[int]) -> QuerySet:
    """Submitted answers as the answer lists show them: when, mode, scenario title or question prompt, scores, flags."""
    from quizzes.models import Answer

    return (Answer.objects.filter(user_id__in=trainee_ids, submitted_at__isnull=False)
            .select_related("scenario", "question", "attempt")
            .only("submitted_at", "auto_total", "final_total", "final_passed", "needs_review", "reviewed_at",
                  "scenario__title", "question__prompt", "attempt__mode"))


def recent_answers(*, trainee_ids: list[int], limit: int = 10) -> QuerySet:
    return _submitted_answers_of(trainee_ids).order_by("-submitted_at")[:limit]


def score_series(*, trainee: User, limit: int = 60) -> list[dict]:
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

    own = User.objects.select_related("path_assignment__path").only(
        "hire_date", "path_assignment__assigned_at", "path_assignment__path__name").get(pk=trainee.pk)
    progress = progress_for(trainees=[own])[0]
    today = clock.today()
    return {
        "progress": progress, "today": today, "due_soon": progress.due_soon(today), "overdue": progress.overdue,
        "recent": recent_answers(trainee_ids=[trainee.pk], limit=8),
        "feedback": list(Review.objects.filter(answer__user=trainee).select_related("reviewer", "answer__scenario")
                         .only("answer_id", "reviewer_id", "created_at", "comment", "final_total", "answer__scenario_id",
                               "answer__scenario__title", *(f"reviewer__{name}" for name in User.NAME_FIELDS))
                         .order_by("-created_at")[:5]),
        "series": score_series(trainee=trainee),
    }


def supervisor_dashboard(*, user: User) -> dict:
    from quizzes.selectors import review_queue_head

    trainees = trainees_with_paths(user=user)
    attempts = quiz_and_certification_attempts(trainee_ids=[t.pk for t in trainees]) if trainees else []
    teams: dict[int | None, dict] = {}
    for row in progress_for(trainees=trainees, attempts=attempts):
        team = row.trainee.team
        entry = teams.setdefault(team.pk if team else None, {"team": team, "trainees": 0, "overdue": 0, "percent_sum": 0})
        entry["trainees"] += 1
        entry["overdue"] += bool(row.overdue)
        entry["percent_sum"] += row.percent
    for entry in teams.values():
        entry["percent"] = round(entry["percent_sum"] / entry["trainees"]) if entry["trainees"] else 0
    pending, flagged, top_queue = review_queue_head(user=user, n=5)
    return {
        "teams": list(teams.values()), "behind_count": sum(entry["overdue"] for entry in teams.values()),
        "pending_reviews": pending, "flagged_reviews": flagged,
        "top_queue": top_queue, "alerts": certification_alerts(user=user, attempts=attempts),
    }


TRAINEE_DETAIL_ANSWERS = 20  # answers a page of the trainee detail; the full history is also in the export


def trainee_detail(*, trainee: User, page_number=None) -> dict:
    """Everything one trainee did: path status, their answers a page at a time, certifications, chart.

    `trainee` is the user access_trainee_by_id gives (with team and path).
    """
    answers = Paginator(_submitted_answers_of([trainee.pk]).order_by("-submitted_at", "-pk"),
                        TRAINEE_DETAIL_ANSWERS).get_page(page_number)
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
