"""Where a team or a trainee is weak: which rubric criteria, customer types and situations are missed
most over a period, the trend by week, certification participation, and a trainee's own weakest criteria.

Per-criterion points live in JSON (Answer.auto_result, Review.criteria). Aggregating JSON arrays in SQL
is backend-specific (json_each on SQLite, jsonb_array_elements on PostgreSQL), so the rows of a bounded
period are read in a few flat queries and counted here in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from courses import clock
from courses.models import Lesson, Tag
from quizzes.models import Answer, Attempt, Review, Scenario

from ..models import CertificationAttempt, CertificationRound, User
from .people import teams_visible_to, trainees_visible_to

__all__ = ["WEAK_SPOT_MAX_DAYS", "weak_trend_chart", "weak_spot_answer_rows", "tag_by_id", "WeakAnswerRow", "WeakCell", "WeakSpots", "weak_spots", "weak_spot_answer_ids", "weakest_criteria_for",
           "certification_participation", "WeakCriterion"]

WEAK_SPOT_MAX_DAYS = 366       # the longest period the page reads (the rows are counted in Python)
HEATMAP_COLUMNS = 10           # the most-missed criteria shown as columns
TREND_SERIES = 5               # the most-missed criteria drawn in the trend chart


@dataclass(frozen=True)
class _Scored:
    """One scenario answer of the period with its final per-criterion points."""

    answer_id: int
    user_id: int
    scenario_id: int
    submitted_at: datetime
    criteria: tuple[tuple[str, str, bool], ...]  # (key, label, missed)


@dataclass
class WeakCell:
    tried: int = 0
    missed: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.missed / self.tried) if self.tried else 0

    @property
    def shade(self) -> int:
        """0-5 for the cell's background (the number is always printed too)."""
        return min(5, (self.percent + 19) // 20) if self.tried else 0


@dataclass
class WeakSpots:
    columns: list[tuple[str, str]]                                 # (criterion key, label), most missed first
    criteria: list[tuple[str, str, WeakCell]]                       # every criterion with its totals, most missed first
    people: list[tuple[User, list[tuple[str, WeakCell]]]]           # per trainee, (key, cell) per column
    tags: list[tuple[Tag, WeakCell, list[tuple[str, WeakCell]]]]    # per tag: all criteria, then (key, cell) per column
    trend_weeks: list[date] = field(default_factory=list)           # Mondays
    trend: list[tuple[str, str, list[int | None]]] = field(default_factory=list)  # (key, label, % per week)
    answers: int = 0


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone))


def _scored_answers(*, user: User, start: date, end: date, team_id: int | None = None, trainee_id: int | None = None,
                    exclude_certification_items: bool = False) -> list[_Scored]:
    """The period's scenario answers the user may see, with the final points per criterion: the latest
    review's where a supervisor reviewed, else the scorer's. Two queries."""
    trainees = trainees_visible_to(user=user)
    if team_id:
        trainees = trainees.filter(team_id=team_id)
    if trainee_id:
        trainees = trainees.filter(pk=trainee_id)
    since, until = _period(start, end)
    answers = Answer.objects.filter(user__in=trainees.values("pk"), scenario__isnull=False, submitted_at__gte=since,
                                    submitted_at__lt=until).exclude(attempt__status=Attempt.Status.IN_PROGRESS)
    if exclude_certification_items:
        answers = answers.exclude(scenario__certification_only=True)
    rows = list(answers.values_list("pk", "user_id", "scenario_id", "submitted_at", "auto_result", "reviewed_at"))
    reviewed = [pk for pk, *_rest, reviewed_at in rows if reviewed_at]
    final: dict[int, dict[str, float]] = {}
    if reviewed:
        for answer_id, criteria in (Review.objects.filter(answer__in=answers.filter(reviewed_at__isnull=False))
                                    .order_by("answer_id", "-created_at", "-id").values_list("answer_id", "criteria")):
            final.setdefault(answer_id, {c["key"]: c["final_earned"] for c in criteria})
    scored = []
    for pk, user_id, scenario_id, submitted_at, result, _reviewed_at in rows:
        overrides = final.get(pk, {})
        criteria = tuple((c["key"], c["label"], overrides.get(c["key"], c["earned"]) < c["max"])
                         for c in (result or {}).get("criteria", []))
        scored.append(_Scored(pk, user_id, scenario_id, submitted_at, criteria))
    return scored


def _scenario_tags(scenario_ids: set[int]) -> dict[int, list[int]]:
    through = Scenario.tags.through
    tags: dict[int, list[int]] = {}
    for scenario_id, tag_id in through.objects.filter(scenario_id__in=scenario_ids).values_list("scenario_id", "tag_id"):
        tags.setdefault(scenario_id, []).append(tag_id)
    return tags


def weak_spots(*, user: User, start: date, end: date, team_id: int | None = None,
               trainee_id: int | None = None) -> WeakSpots:
    """Misses per criterion, per trainee × criterion, per tag × criterion and per week, for the period.

    A criterion is missed in an answer when its final points are below its full points.
    """
    scored = _scored_answers(user=user, start=start, end=end, team_id=team_id, trainee_id=trainee_id)
    totals: dict[str, WeakCell] = {}
    labels: dict[str, str] = {}
    by_person: dict[tuple[int, str], WeakCell] = {}
    by_tag: dict[tuple[int, str], WeakCell] = {}
    tag_all: dict[int, WeakCell] = {}
    by_week: dict[tuple[date, str], WeakCell] = {}
    tags_of = _scenario_tags({s.scenario_id for s in scored})
    shop_time = timezone.get_current_timezone()
    for answer in scored:
        local_day = answer.submitted_at.astimezone(shop_time).date()
        week = local_day - timedelta(days=local_day.weekday())
        for key, label, missed in answer.criteria:
            labels.setdefault(key, label)
            cells = [totals.setdefault(key, WeakCell()), by_person.setdefault((answer.user_id, key), WeakCell()),
                     by_week.setdefault((week, key), WeakCell())]
            for tag_id in tags_of.get(answer.scenario_id, []):
                cells += [by_tag.setdefault((tag_id, key), WeakCell()), tag_all.setdefault(tag_id, WeakCell())]
            for cell in cells:
                cell.tried += 1
                cell.missed += missed
    ranked = sorted(totals, key=lambda k: (-totals[k].missed, -totals[k].percent, k))
    columns = [(k, labels[k]) for k in ranked[:HEATMAP_COLUMNS]]
    user_ids = {s.user_id for s in scored}
    people = [(person, [(k, by_person.get((person.pk, k), WeakCell())) for k, _label in columns])
              for person in User.objects.filter(pk__in=user_ids).only(*User.NAME_FIELDS).order_by("display_name", "username")]
    tags = [(tag, tag_all[tag.pk], [(k, by_tag.get((tag.pk, k), WeakCell())) for k, _label in columns])
            for tag in Tag.objects.filter(pk__in=tag_all)]
    tags.sort(key=lambda row: (row[0].kind, -row[1].percent, row[0].label))
    weeks = sorted({week for week, _key in by_week})
    trend = [(k, labels[k], [by_week[(w, k)].percent if (w, k) in by_week else None for w in weeks])
             for k in ranked[:TREND_SERIES]]
    return WeakSpots(columns=columns, criteria=[(k, labels[k], totals[k]) for k in ranked], people=people, tags=tags,
                     trend_weeks=weeks, trend=trend, answers=len(scored))


def weak_trend_chart(*, spots: WeakSpots) -> dict:
    """The trend as the chart script reads it (json_script)."""
    return {"weeks": [f"{w:%m-%d}" for w in spots.trend_weeks],
            "series": [{"label": label, "values": values} for _key, label, values in spots.trend]}


def weak_spot_answer_ids(*, user: User, start: date, end: date, criterion: str = "", tag_id: int | None = None,
                         team_id: int | None = None, trainee_id: int | None = None) -> list[int]:
    """The answers behind a heatmap cell (newest first): of the period, of the trainee or team, with a
    scenario carrying the tag, in which the criterion was missed (any criterion when none is given)."""
    scored = _scored_answers(user=user, start=start, end=end, team_id=team_id, trainee_id=trainee_id)
    if tag_id:
        tags_of = _scenario_tags({s.scenario_id for s in scored})
        scored = [s for s in scored if tag_id in tags_of.get(s.scenario_id, [])]
    hits = [s for s in scored if any(missed and (not criterion or key == criterion) for key, _l, missed in s.criteria)]
    return [s.answer_id for s in sorted(hits, key=lambda s: (s.submitted_at, s.answer_id), reverse=True)]


@dataclass(frozen=True)
class WeakCriterion:
    key: str
    label: str
    cell: WeakCell
    lesson: Lesson | None


def weakest_criteria_for(*, trainee: User, days: int = 30, n: int = 3) -> list[WeakCriterion]:
    """The trainee's own n most-missed criteria of the last `days` days, each with the lesson that teaches it.

    Criteria carry no lesson of their own; scenarios belong to a module and carry tags. The rule: of the
    scenarios where the criterion was missed, take the module seen most often; in it, the lesson sharing
    the most tags with those scenarios (the earliest lesson on a tie, and the module's first lesson when
    none shares a tag). Certification-only scenarios are left out (their rubric is not shown to trainees).
    """
    today = clock.today()
    scored = _scored_answers(user=trainee, start=today - timedelta(days=days - 1), end=today, trainee_id=trainee.pk,
                             exclude_certification_items=True)
    totals: dict[str, WeakCell] = {}
    labels: dict[str, str] = {}
    missed_in: dict[str, list[int]] = {}
    for answer in scored:
        for key, label, missed in answer.criteria:
            labels.setdefault(key, label)
            cell = totals.setdefault(key, WeakCell())
            cell.tried += 1
            cell.missed += missed
            if missed:
                missed_in.setdefault(key, []).append(answer.scenario_id)
    weakest = sorted((k for k in totals if totals[k].missed), key=lambda k: (-totals[k].percent, -totals[k].missed, k))[:n]
    if not weakest:
        return []
    scenario_ids = {sid for k in weakest for sid in missed_in[k]}
    module_of = dict(Scenario.objects.filter(pk__in=scenario_ids).values_list("pk", "module_id"))
    tags_of = _scenario_tags(scenario_ids)
    lessons = list(Lesson.objects.filter(module_id__in=set(module_of.values())).only("slug", "title", "module_id", "order")
                   .prefetch_related("tags").order_by("order", "pk"))
    result = []
    for key in weakest:
        modules = [module_of[sid] for sid in missed_in[key]]
        module_id = max(set(modules), key=lambda m: (modules.count(m), -m))
        wanted = [t for sid in missed_in[key] if module_of[sid] == module_id for t in tags_of.get(sid, [])]
        candidates = [lesson for lesson in lessons if lesson.module_id == module_id]
        best = max(candidates, key=lambda lesson: (sum(wanted.count(t.pk) for t in lesson.tags.all()), -lesson.order),
                   default=None)
        result.append(WeakCriterion(key, labels[key], totals[key], best))
    return result


@dataclass(frozen=True)
class RoundParticipation:
    round: CertificationRound
    members: int
    sat: int
    passed: int

    @property
    def participation_percent(self) -> int:
        return round(100 * self.sat / self.members) if self.members else 0

    @property
    def pass_percent(self) -> int:
        return round(100 * self.passed / self.sat) if self.sat else 0


def certification_participation(*, user: User, start: date, end: date, team_id: int | None = None) -> list[RoundParticipation]:
    """The rounds of the user's teams open during the period: how many of the team's (current, active)
    trainees sat, and how many of those passed. Three queries."""
    teams = teams_visible_to(user=user)
    if team_id:
        teams = teams.filter(pk=team_id)
    rounds = list(CertificationRound.objects.filter(team__in=teams, opens_on__lte=end, closes_on__gte=start)
                  .select_related("team", "exam").order_by("-opens_on", "team__name"))
    if not rounds:
        return []
    sittings = {row["round_id"]: row for row in CertificationAttempt.objects.filter(
        round__in=rounds, attempt__status__in=[Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED])
        .values("round_id").annotate(sat=Count("pk"), passed=Count("pk", filter=Q(attempt__passed=True)))}
    members = dict(trainees_visible_to(user=user).filter(team__in={r.team_id for r in rounds})
                   .values_list("team_id").annotate(n=Count("pk")).values_list("team_id", "n"))
    return [RoundParticipation(r, members.get(r.team_id, 0), sittings.get(r.pk, {}).get("sat", 0),
                               sittings.get(r.pk, {}).get("passed", 0)) for r in rounds]


@dataclass(frozen=True)
class WeakAnswerRow:
    answer: Answer
    criterion_label: str
    criterion_points: str   # "final/max" of the cell's criterion, or ""


def weak_spot_answer_rows(*, answer_ids: list[int], criterion: str = "") -> list[WeakAnswerRow]:
    """One page of weak_spot_answer_ids as rows, in that order (two queries)."""
    answers = {a.pk: a for a in Answer.objects.filter(pk__in=answer_ids).select_related("user", "scenario", "attempt").only(
        "submitted_at", "auto_total", "final_total", "reviewed_at", "auto_result", "reply_text", "scenario__title",
        "attempt__mode", "user_id", *(f"user__{n}" for n in User.NAME_FIELDS))}
    final = {}
    for answer_id, criteria in (Review.objects.filter(answer_id__in=answer_ids).order_by("answer_id", "-created_at", "-id")
                                .values_list("answer_id", "criteria")):
        final.setdefault(answer_id, {c["key"]: c["final_earned"] for c in criteria})
    rows = []
    for pk in answer_ids:
        answer = answers.get(pk)
        if answer is None:
            continue
        found = next((c for c in (answer.auto_result or {}).get("criteria", []) if c["key"] == criterion), None)
        points = ""
        if found:
            earned = final.get(pk, {}).get(criterion, found["earned"])
            points = f"{earned:g}/{found['max']:g}"
        rows.append(WeakAnswerRow(answer, found["label"] if found else "", points))
    return rows


def tag_by_id(*, tag_id: int) -> Tag | None:
    return Tag.objects.filter(pk=tag_id).first()
