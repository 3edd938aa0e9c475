"""What the home pages, the trainee detail and the results export show."""
from __future__ import annotations

from functools import partial
from statistics import mean

from django.core.paginator import Paginator
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from courses import clock
from quizzes.models import Answer, Attempt, Review

from ..models import User
from .certification import certification_alerts, certification_records, certifications_awaiting_review_for
from .disputes import open_disputes_for
from .people import trainees_visible_to, trainees_with_paths
from .progress import TRAINEE_PATH_FIELDS, TRAINEE_PATH_RELATED, progress_for, quiz_and_certification_attempts
from .review import review_queue_head_for
from .weakspots import weakest_criteria_for

def _submitted_answers_of(trainee_ids: list[int]) -> QuerySet:
    """Submitted answers as the answer lists show them: when, mode, scenario title or question prompt, scores, flags."""
    return (Answer.objects.filter(user_id__in=trainee_ids, submitted_at__isnull=False)
            .select_related("scenario", "question", "attempt")
            .only("submitted_at", "auto_total", "final_total", "final_passed", "needs_review", "reviewed_at",
                  "scenario__title", "question__prompt", "attempt__mode"))


def recent_answers(*, trainee_ids: list[int], limit: int = 10) -> QuerySet:
    return _submitted_answers_of(trainee_ids).order_by("-submitted_at")[:limit]


SERIES_MODES = (Attempt.Mode.PRACTICE, Attempt.Mode.MODULE_QUIZ, Attempt.Mode.CERTIFICATION)


def score_series(*, trainee: User, limit: int = 200) -> dict:
    """Scenario scores for the trainee's chart: one series per mode (practice, module quiz, exam), a point per
    day (that day's mean), days oldest first. Empty when there is nothing to show."""
    rows = list(Answer.objects.filter(user_id=trainee.pk, scenario__isnull=False, submitted_at__isnull=False,
                                      final_total__isnull=False)
                .order_by("-submitted_at").values_list("submitted_at", "final_total", "attempt__mode")[:limit])
    if not rows:
        return {}
    shop_time = timezone.get_current_timezone()
    scores: dict[tuple, list[int]] = {}  # (day, mode) -> scores
    for submitted_at, score, mode in rows:
        scores.setdefault((submitted_at.astimezone(shop_time).date(), mode), []).append(score)
    days = sorted({day for day, _mode in scores})
    series = []
    for mode in SERIES_MODES:
        points = [round(mean(scores[(day, mode)])) if (day, mode) in scores else None for day in days]
        if any(point is not None for point in points):
            series.append({"mode": str(mode), "label": str(Attempt.Mode(mode).label), "data": points})
    labels = [f"{day:%m-%d}" for day in days]
    # "rows": the same numbers by day, for the table beside the chart.
    return {"labels": labels, "series": series,
            "rows": [[label, *(s["data"][i] for s in series)] for i, label in enumerate(labels)]}


# How long the trainee home keeps its answer panels at most. Their key changes with every answer, score
# or review of the trainee, so this bounds only what the key cannot see: titles or lessons reloaded.
ANSWER_PANELS_CACHE_SECONDS = 15 * 60


def trainee_answers_version(*, trainee: User) -> str:
    """Changes whenever the trainee home's answer panels (score chart, weakest criteria, supervisor
    feedback, recent results) can change: a new answer, a submitted or closed exam, a new score record
    (a rescore), a new review, a new day (the 30-day window). One indexed aggregate, under 1 ms. Why a
    cache at all: the home is opened many times between two answers, and those panels took 17 of its
    37 ms (bench/pages.py, 100 answers a month), most of it counting 30 days of per-criterion JSON."""
    newest = Answer.objects.filter(user_id=trainee.pk).aggregate(
        answer=Max("pk"), submitted=Max("submitted_at"), scored=Max("score_records__pk"), reviewed=Max("reviews__pk"))
    submitted = newest["submitted"].timestamp() if newest["submitted"] else None
    return f"{newest['answer']}-{submitted}-{newest['scored']}-{newest['reviewed']}-{clock.today():%Y%m%d}"


def trainee_feedback(*, trainee: User, limit: int = 5) -> list[Review]:
    """The newest supervisor reviews of the trainee's answers, with reviewer and scenario title."""
    return list(Review.objects.filter(answer__user=trainee).select_related("reviewer", "answer__scenario")
                .only("answer_id", "reviewer_id", "created_at", "comment", "final_total", "answer__scenario_id",
                      "answer__scenario__title", *(f"reviewer__{name}" for name in User.NAME_FIELDS))
                .order_by("-created_at")[:limit])


def trainee_dashboard(*, trainee: User) -> dict:
    """Everything the trainee home shows: next step, progress, due soon, overdue, results, feedback.

    The answer panels are a cached fragment of the page (see trainee_answers_version): their data is
    handed over uncomputed, and the template computes it on a cache miss only."""
    own = User.objects.select_related(*TRAINEE_PATH_RELATED).only(*TRAINEE_PATH_FIELDS).get(pk=trainee.pk)
    progress = progress_for(trainees=[own])[0]
    today = clock.today()
    return {
        "progress": progress, "today": today, "due_soon": progress.due_soon(today), "overdue": progress.overdue,
        "answers_version": trainee_answers_version(trainee=trainee), "answers_cache_seconds": ANSWER_PANELS_CACHE_SECONDS,
        "recent": partial(recent_answers, trainee_ids=[trainee.pk], limit=8),
        "feedback": partial(trainee_feedback, trainee=trainee),
        "series": partial(score_series, trainee=trainee), "weakest": partial(weakest_criteria_for, trainee=trainee),
    }


DISPUTES_ON_HOME = 10
CERTIFICATIONS_WAITING_ON_HOME = 10


def supervisor_dashboard(*, user: User) -> dict:
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
    pending, flagged, top_queue = review_queue_head_for(user=user, n=5)
    return {
        "teams": list(teams.values()), "behind_count": sum(entry["overdue"] for entry in teams.values()),
        "pending_reviews": pending, "flagged_reviews": flagged,
        "top_queue": top_queue, "alerts": certification_alerts(user=user, attempts=attempts),
        "disputes": list(open_disputes_for(user=user)[:DISPUTES_ON_HOME]),
        "certifications_waiting": certifications_awaiting_review_for(user=user, limit=CERTIFICATIONS_WAITING_ON_HOME),
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
    # Each answer's reviews (newest first, with the reviewer) come with every chunk of 2,000: one query a chunk.
    reviews = Review.objects.select_related("reviewer").only(
        "answer_id", "created_at", "comment", "criteria", "reviewer_id", *(f"reviewer__{n}" for n in User.NAME_FIELDS))
    return (Answer.objects.filter(user__in=trainees_visible_to(user=user), submitted_at__isnull=False)
            .select_related("user", "user__team", "attempt", "scenario__module", "question__module")
            .prefetch_related(Prefetch("reviews", queryset=reviews.order_by("-created_at", "-id"), to_attr="latest_reviews"))
            .order_by("user__username", "submitted_at").iterator(chunk_size=2000))
