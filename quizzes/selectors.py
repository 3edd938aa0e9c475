"""Reads for quizzes: the catalogue, permission-checked answer lookups, evidence highlighting, timing."""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Abs
from django.shortcuts import get_object_or_404
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from courses import clock
from courses.models import Module, Tag
from courses.selectors import search_form

from . import grading
from .disclosure import Disclosure, disclosure_for
from .models import Answer, Attempt, Question, Review, ReviewLock, Scenario
from .scoring.agreement import totals_kappa
from .scoring.credit import explain_total
from .scoring.engine import MAX_CHARS_PER_MINUTE
from .scoring.types import CAPPING_REASONS, REVIEW_PASTED
from .templatetags.scoring_text import REVIEW_REASON_TEXT
from .scoring.credit import CAPPED_TOTAL, CREDIT_EXPONENT
from .services import LockState, attempts_close_expired

# Who reads answers as a reviewer (exams still open included): the project's auth backend decides by role.
REVIEW_PERMISSION = "quizzes.review_answer"

# Targets taught in module 1 (岗位认知与日常工作).
FIRST_RESPONSE_TARGET_MS = 6_000      # the "golden six seconds"
REPLY_TARGET_MS = 60_000              # a complete reply within a minute
TYPING_TARGET_CPM = 60                # 60 characters a minute


def visible_users(*, user, listed: bool = False) -> QuerySet:
    """The users whose work `user` may see, by the project's one rule (settings.QUIZZES_VISIBLE_USERS names
    it): quizzes asks rather than reading roles and teams itself. `listed` as that rule takes it."""
    return import_string(settings.QUIZZES_VISIBLE_USERS)(user=user, listed=listed)


def answers_visible_to(*, user, listed: bool = False) -> QuerySet[Answer]:
    """Answers of the users visible_users gives; a trainee's own answers only once their attempt is closed."""
    # IN (their users) rather than a join through teams: the planner then walks the answer indexes
    # trainee by trainee, and a trainee in two of the supervisor's teams is not doubled.
    answers = Answer.objects.filter(user__in=visible_users(user=user, listed=listed).values("pk"))
    if user.has_perm(REVIEW_PERMISSION):
        return answers
    # Sealed: nothing of an exam or quiz still being taken (answer ids are in its form) is reachable.
    return answers.exclude(attempt__status=Attempt.Status.IN_PROGRESS)


def reviews_visible_to(*, user) -> QuerySet:
    """Reviews of the answers of the users visible_users gives, joined on the trainee (not IN answers:
    for a supervisor that probed the reviews once per answer of the team, five times slower)."""
    return Review.objects.filter(answer__user__in=visible_users(user=user).values("pk"))


def access_answer_by_id(*, user, answer_id: int) -> Answer:
    """An answer the user may see, with everything its page needs; 404 otherwise (for its owner
    also while its attempt is still open). Read repair first: attempts past their deadline become results."""
    attempts_close_expired()
    return get_object_or_404(answers_visible_to(user=user).select_related(
        "scenario", "scenario__module", "question", "rubric", "attempt", "user"), pk=answer_id)


def access_review_by_id(*, user, review_id: int) -> Review:
    """A review of an answer the user may see; 404 otherwise."""
    return get_object_or_404(Review.objects.select_related("answer").filter(
        answer__in=answers_visible_to(user=user).values("pk")), pk=review_id)


def access_attempt_by_id(*, user, attempt_id: int) -> Attempt:
    """An attempt the user may see (own; supervisors their teams'; admins all); 404 otherwise."""
    attempts_close_expired()
    attempts = Attempt.objects.select_related("module", "user").filter(user__in=visible_users(user=user).values("pk"))
    return get_object_or_404(attempts, pk=attempt_id)


def access_own_open_attempt(*, user, attempt_id: int) -> Attempt:
    """The user's own attempt (only its owner may type into it); past its deadline it is closed first."""
    attempts_close_expired()
    return get_object_or_404(Attempt.objects.select_related("module"), pk=attempt_id, user=user)


def answer_reviews(*, answer: Answer) -> list:
    """The answer's reviews, newest first, with reviewer, passage comments and the trainee's response
    (acknowledged, or disputed and how it was resolved) as `review.trainee_response`, and the dispute
    a review resolved as `review.resolved_dispute` (None when there is none)."""
    reviews = list(answer.reviews.select_related(
        "reviewer", "response__trainee", "response__assigned_to", "response__resolved_by",
        "resolves__trainee", "resolves__resolved_by").prefetch_related("comments"))
    for review in reviews:
        review.trainee_response = getattr(review, "response", None)
        review.resolved_dispute = getattr(review, "resolves", None)
    return reviews


@dataclass(frozen=True)
class ReviewState:
    """What a result page shows of an answer's reviews: the latest one (its points are final), every
    review with its response, and what the viewing trainee may still do."""

    latest: Review | None
    reviews: list
    can_respond: bool


def answer_review_state(*, answer: Answer, user) -> ReviewState:
    """The answer's reviews for its page; the owner may respond to the latest review once, unless it
    is itself the resolution of a dispute (final)."""
    reviews = answer_reviews(answer=answer)
    latest = reviews[0] if reviews else None
    can_respond = bool(latest and answer.user_id == user.pk and latest.trainee_response is None
                       and latest.resolved_dispute is None)
    return ReviewState(latest, reviews, can_respond)


def attempt_answers(*, attempt: Attempt) -> list[Answer]:
    return list(attempt.answers.select_related("scenario", "question", "rubric").order_by("position"))


def attempt_draft_seq(*, answers: list[Answer]) -> int:
    """The newest autosave the server holds for these items: the page numbers its next saves after it."""
    return max((a.draft_seq for a in answers), default=0)


def answer_disclosure(*, answer: Answer, user) -> Disclosure:
    """What `user` may see of this answer's result (quizzes.disclosure)."""
    item = answer.scenario or answer.question
    return disclosure_for(mode=answer.attempt.mode, is_open=answer.attempt.is_open, viewer_supervises=user.has_perm(REVIEW_PERMISSION),
                          certification_item=bool(item and item.certification_only))


@dataclass(frozen=True)
class ResultItem:
    """One item of a result page with what its viewer may see of it."""

    answer: Answer
    segments: list
    disclosure: Disclosure
    verdicts: list = ()  # CriterionVerdict per criterion: the latest review's points are final
    latest_review: Review | None = None


def attempt_result_items(*, attempt: Attempt, user) -> list[ResultItem]:
    """The attempt's items for its result page, each with its evidence segments, disclosure and the
    verdicts of its latest review (one query for every item's reviews)."""
    items = []
    answers = attempt_answers(attempt=attempt)
    latest: dict[int, Review] = {}
    for review in Review.objects.filter(answer__in=[a.pk for a in answers]).order_by("-created_at", "-id"):
        latest.setdefault(review.answer_id, review)
    for answer in answers:
        answer.attempt = attempt
        disclosure = answer_disclosure(answer=answer, user=user)
        segments = reply_segments(reply=answer.reply_text, result=answer.auto_result if disclosure.evidence else None)
        review = latest.get(answer.pk)
        items.append(ResultItem(answer, segments, disclosure,
                                criterion_verdicts(result=answer.auto_result, review=review), review))
    return items


def access_scenario_by_slug(*, slug: str) -> Scenario:
    return get_object_or_404(Scenario.objects.select_related("module", "rubric").prefetch_related("tags"),
                             slug=slug, is_active=True, certification_only=False)


def access_question_by_slug(*, slug: str) -> Question:
    return get_object_or_404(Question.objects.select_related("module"), slug=slug, is_active=True,
                             certification_only=False)


def practice_catalogue(*, module: Module | None = None,
                       tags: Sequence[Tag] = ()) -> tuple[QuerySet[Scenario], QuerySet[Question]]:
    """Scenarios and questions for practice, optionally narrowed to a module and to tags (all must match)."""
    scenarios = (Scenario.objects.filter(is_active=True, certification_only=False).select_related("module")
                 .prefetch_related("tags").order_by("module__order", "slug"))
    questions = Question.objects.filter(is_active=True, certification_only=False).select_related("module").order_by(
        "module__order", "slug")
    if module is not None:
        scenarios, questions = scenarios.filter(module=module), questions.filter(module=module)
    for tag in tags:
        # One subquery per tag, so that two tags narrow instead of widening a single join.
        scenarios = scenarios.filter(pk__in=Scenario.objects.filter(tags=tag).values("pk"))
        questions = questions.filter(pk__in=Question.objects.filter(tags=tag).values("pk"))
    return scenarios, questions


def scenarios_search(*, query: str, limit: int = 30) -> list[Scenario]:
    """Practice scenarios whose title or background contains the query (a substring; works for Chinese).
    The buyer's messages are JSON, stored with escaped Chinese, so a substring search would miss them."""
    query = search_form(query)
    if not query:
        return []
    return list(Scenario.objects.filter(is_active=True, certification_only=False)
                .filter(Q(title__icontains=query) | Q(context__icontains=query))
                .select_related("module").only("slug", "title", "context", "module__title")
                .order_by("module__order", "slug")[:limit])


class PracticeMark(NamedTuple):
    tries: int
    best: int | None


def practice_marks(*, user, scenario_ids: list[int]) -> dict[int, PracticeMark]:
    """How often the user answered each scenario in practice and their best score (one query)."""
    if not scenario_ids:
        return {}
    rows = (Answer.objects.filter(user=user, scenario_id__in=scenario_ids, submitted_at__isnull=False,
                                  attempt__mode=Attempt.Mode.PRACTICE)
            .values("scenario_id").annotate(tries=Count("id"), best=Max("final_total")).order_by())
    return {row["scenario_id"]: PracticeMark(row["tries"], row["best"]) for row in rows}


def practice_history(*, user, scenario: Scenario, limit: int = 10) -> list[Answer]:
    return list(Answer.objects.filter(user=user, scenario=scenario, submitted_at__isnull=False)
                .order_by("-submitted_at")[:limit])


def modules_with_quizzes(*, user) -> list[tuple[Module, Attempt | None, int]]:
    """Each module with a quiz: the user's best submitted attempt (or None) and how many attempts."""
    modules = list(Module.objects.order_by("order"))
    attempts = Attempt.objects.filter(user=user, mode=Attempt.Mode.MODULE_QUIZ).exclude(
        status=Attempt.Status.IN_PROGRESS).order_by("-total")
    best: dict[int, Attempt] = {}
    counts: dict[int, int] = {}
    for attempt in attempts:
        best.setdefault(attempt.module_id, attempt)
        counts[attempt.module_id] = counts.get(attempt.module_id, 0) + 1
    return [(m, best.get(m.pk), counts.get(m.pk, 0)) for m in modules]


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str = ""         # "" plain, "good" covered evidence, "bad" something to avoid
    labels: str = ""       # criteria this span is evidence for
    notes: tuple[int, ...] = ()  # numbers (1-based) of the supervisor's passage comments on this span
    ends: tuple[int, ...] = ()   # the numbers of those passages that end with this span (their mark goes here)

    @property
    def note_ids(self) -> str:
        return " ".join(f"passage-note-{n}" for n in self.notes)


UNEXPLAINED_LABEL = _("评分无法解释的话:既不对应评分项,也不是情景里的事实或礼貌用语")
_MARK_RANK = {"": 0, "unexplained": 1, "good": 2, "bad": 3}


@dataclass(frozen=True)
class CapView:
    message: str
    quotes: tuple[str, ...]  # the passages of the reply that caused the cap


@dataclass(frozen=True)
class TotalView:
    """How an answer's automatic total came about, for the result page."""

    earned: float
    weight: float
    percent: int  # share of the rubric's points earned, before the curve
    curved: int
    caps: tuple[CapView, ...]
    capped_to: int | None
    total: int


def total_explanation(*, answer: Answer) -> TotalView | None:
    """The steps from the answer's criterion points to its automatic total (curve, then each cap)."""
    result = answer.auto_result
    if not result or not result.get("criteria") or answer.scenario_id is None:
        return None
    explained = explain_total(result, pass_mark=answer.attempt.pass_mark, capping=CAPPING_REASONS)
    reply = answer.reply_text or ""
    caps = tuple(CapView(str(REVIEW_REASON_TEXT.get(cap.code, cap.message)),
                         tuple(reply[a:b] for a, b in cap.evidence if 0 <= a < b <= len(reply)))
                 for cap in explained.caps)
    return TotalView(earned=explained.earned, weight=explained.weight, percent=round(100 * explained.share),
                     curved=explained.curved, caps=caps, capped_to=explained.capped_to, total=explained.total)


def reply_segments(*, reply: str, result: dict | None, passages=()) -> list[Segment]:
    """The reply cut into plain and highlighted pieces by the evidence spans of each criterion and,
    when given, by the supervisor's passage comments (ReviewComment rows, numbered from 1 in order)."""
    if not reply:
        return []
    notes: list[tuple[int, ...]] = [()] * len(reply)
    ends: dict[int, tuple[int, ...]] = {}
    for number, passage in enumerate(passages, start=1):
        end = min(len(reply), passage.end)
        for i in range(max(0, passage.start), end):
            notes[i] = (*notes[i], number)
        if passage.start < end:
            ends[end] = (*ends.get(end, ()), number)
    if not result:
        return _cut(reply, [""] * len(reply), [[] for _ in reply], notes, ends)
    marks: list[tuple[int, int, str, str]] = []
    for criterion in result.get("criteria", []):
        kind = "bad" if criterion["kind"] == "avoids" else "good"
        for start, end in criterion.get("evidence", []):
            if 0 <= start < end <= len(reply):
                marks.append((start, end, kind, criterion["label"]))
    # What a guard or a check flagged (an insult, a wrong fact, a refusal) is marked too, with its reason.
    for reason in result.get("review_reasons", []):
        for start, end in reason.get("evidence", []):
            if 0 <= start < end <= len(reply):
                marks.append((start, end, "bad", reason.get("message", "")))
    # Clauses the scorer could not account for: neither credited, nor the scenario's facts, nor courtesy.
    for start, end in (result.get("stats") or {}).get("unexplained", []):
        if 0 <= start < end <= len(reply):
            marks.append((start, end, "unexplained", str(UNEXPLAINED_LABEL)))
    if not marks and not ends:
        return [Segment(reply)]
    # Per character: "bad" wins over "good", which wins over "unexplained"; labels are joined so a hover
    # shows every criterion.
    kinds = [""] * len(reply)
    labels: list[list[str]] = [[] for _ in reply]
    for start, end, kind, label in marks:
        for i in range(start, end):
            if _MARK_RANK[kind] > _MARK_RANK[kinds[i]]:
                kinds[i] = kind
            if label not in labels[i]:
                labels[i].append(label)
    return _cut(reply, kinds, labels, notes, ends)


def _cut(reply: str, kinds: list[str], labels: list[list[str]], notes: list[tuple[int, ...]],
         ends: dict[int, tuple[int, ...]]) -> list[Segment]:
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(reply) + 1):
        if (i == len(reply) or kinds[i] != kinds[start] or labels[i] != labels[start] or notes[i] != notes[start]
                or i in ends):
            segments.append(Segment(reply[start:i], kinds[start], "、".join(labels[start]), notes[start],
                                    ends.get(i, ())))
            start = i
    return segments


@dataclass(frozen=True)
class CriterionVerdict:
    """One criterion on a result page: the scorer's verdict and, after a review, the supervisor's (final)."""

    key: str
    label: str
    kind: str
    max: float
    feedback: str
    auto_earned: float
    auto_met: bool
    final_earned: float
    final_state: str  # "met", "partly" or "missed": what the final points say
    comment: str = ""  # the supervisor's comment on this criterion
    reviewed: bool = False

    @property
    def changed(self) -> bool:
        return self.reviewed and self.final_earned != self.auto_earned


def criterion_state(*, earned: float, maximum: float) -> str:
    """How a number of points reads: all of them met, none missed, anything between partly."""
    if earned >= maximum:
        return "met"
    return "missed" if earned <= 0 else "partly"


def criterion_verdicts(*, result: dict | None, review: Review | None) -> list[CriterionVerdict]:
    """The scorer's criteria with the latest review's points beside them (the review's are final)."""
    reviewed = {c["key"]: c for c in review.criteria} if review else {}
    rows = []
    for c in (result or {}).get("criteria", []):
        r = reviewed.get(c["key"])
        if r is None:
            final, state = c["earned"], "met" if c.get("met") else criterion_state(earned=c["earned"], maximum=c["max"])
        else:
            final = r["final_earned"]
            state = (("met" if c.get("met") else criterion_state(earned=final, maximum=c["max"]))
                     if final == c["earned"] else criterion_state(earned=final, maximum=c["max"]))
        rows.append(CriterionVerdict(
            key=c["key"], label=c["label"], kind=c["kind"], max=c["max"], feedback=c.get("feedback", ""),
            auto_earned=c["earned"], auto_met=bool(c.get("met")), final_earned=final, final_state=state,
            comment=(r or {}).get("comment", ""), reviewed=r is not None))
    return rows


@dataclass(frozen=True)
class TimingFeedback:
    first_keystroke_s: float | None
    submit_s: float | None
    chars_per_minute: int | None
    first_ok: bool | None
    submit_ok: bool | None
    typing_ok: bool | None
    from_server: bool = False
    # The reply came by paste or faster than a person types (the scorer's own `pasted` reason): no typing
    # speed to praise, whatever the arithmetic says.
    pasted: bool = False


def timing_feedback(*, answer: Answer) -> TimingFeedback:
    """Response time and typing speed against the targets taught in module 1: the response time is
    the server's (page served to reply received); the page's figures only fill in the first keystroke."""
    timing = answer.timing
    first, total, cpm = timing.first_keystroke_ms, timing.reply_ms, timing.chars_per_minute
    pasted = any(r.get("code") == REVIEW_PASTED for r in (answer.auto_result or {}).get("review_reasons", ()))
    pasted = pasted or (cpm is not None and cpm > MAX_CHARS_PER_MINUTE)
    return TimingFeedback(
        pasted=pasted,
        first_keystroke_s=round(first / 1000, 1) if first is not None else None,
        submit_s=round(total / 1000, 1) if total is not None else None,
        chars_per_minute=cpm,
        first_ok=None if first is None else first <= FIRST_RESPONSE_TARGET_MS,
        submit_ok=None if total is None else total <= REPLY_TARGET_MS,
        typing_ok=None if cpm is None or pasted else cpm >= TYPING_TARGET_CPM,
        from_server=timing.from_server,
    )



# ----------------------------------------------------------------------------------------- reviews

def review_lock_state(*, answer: Answer, user):
    """Who holds the answer's review lock and until when, read only (looking takes no lock):
    acquired=True when it is the user's own live lock; otherwise the live holder, if any."""
    lock = ReviewLock.objects.select_related("holder").filter(answer=answer, expires_at__gt=clock.now()).first()
    if lock is None:
        return LockState(False)
    return LockState(lock.holder_id == user.pk, lock.holder.name, lock.expires_at)


@dataclass(frozen=True)
class ReviewCredit:
    """What the review form needs to total points the way the server will (grading.reviewed_total):
    the capping reasons a supervisor may clear and the credit rule's numbers, for the running total."""

    caps: list[dict]
    auto_total: int | None
    pass_mark: int
    exponent: float = CREDIT_EXPONENT
    capped_total: int = CAPPED_TOTAL


def review_credit(*, answer: Answer) -> ReviewCredit:
    """The credit rule as it applies to this answer's review."""
    return ReviewCredit(caps=grading.capping_reasons(answer.auto_result), auto_total=answer.auto_total,
                        pass_mark=grading.rubric_pass_mark(answer))


REVIEW_STATUS_PENDING = "pending"
REVIEW_STATUS_REVIEWED = "reviewed"
REVIEW_STATUS_FLAGGED = "flagged"
REVIEW_STATUS_ALL = "all"

# An answer's sampling bucket, 0-99: Knuth's multiplicative hash of its id, so the same answer is
# always in or out (the queue never reshuffles) and consecutive answers of one trainee spread over
# the buckets. Integer arithmetic only: the same number on SQLite and PostgreSQL (ids below 3.4e9
# keep the product inside a 64-bit integer).
SAMPLE_MULTIPLIER = 2654435761
SAMPLE_MODULUS = 2 ** 32


def sample_bucket(answer_id: int) -> int:
    """The bucket review_queue_answers computes in SQL, in Python (for tests and explanations)."""
    return answer_id * SAMPLE_MULTIPLIER % SAMPLE_MODULUS % 100


@dataclass(frozen=True)
class QueueSampling:
    """Which unreviewed replies enter the queue, per team: every certification reply, every flagged one,
    and `percent` % of the rest. Teams not named take everything. trainer passes it in as data (quizzes
    never reads teams' settings itself)."""

    percent_by_team: dict[int, int]

    def condition(self) -> Q | None:
        """The filter the rule adds, or None when every team takes everything."""
        by_percent: dict[int, list[int]] = {}
        for team_id, percent in self.percent_by_team.items():
            if percent < 100:
                by_percent.setdefault(max(0, percent), []).append(team_id)
        if not by_percent:
            return None
        sampled = [team for teams in by_percent.values() for team in teams]
        condition = ~Q(user__team_id__in=sampled) | Q(user__team_id__isnull=True)
        always = Q(needs_review=True) | Q(attempt__mode=Attempt.Mode.CERTIFICATION) | Q(reviewed_at__isnull=False)
        for percent, teams in sorted(by_percent.items()):
            condition |= Q(user__team_id__in=teams) & (always | Q(sample_bucket__lt=percent))
        return condition


def review_queue_answers(*, user, team_id: int | None = None, trainee_id: int | None = None, scenario_title: str = "",
                         mode: str = "", status: str = REVIEW_STATUS_PENDING,
                         sampling: QueueSampling | None = None) -> QuerySet[Answer]:
    """The scenario answers a queue with these filters holds, unordered: cheap to count.

    `scenario_title` is a substring of the title (Chinese, so icontains rather than a search index);
    `mode` one of Attempt.Mode; `sampling` the teams' rule (reviewed answers are never sampled out).
    The conditions go into one filter(): each filter() call copies the whole query.
    """
    conditions = {"scenario__isnull": False, "submitted_at__isnull": False}
    if team_id:
        conditions["user__team_id"] = team_id
    if trainee_id:
        conditions["user_id"] = trainee_id
    if scenario_title:
        conditions["scenario__title__icontains"] = scenario_title
    if mode:
        conditions["attempt__mode"] = mode
    if status == REVIEW_STATUS_PENDING:
        conditions["reviewed_at__isnull"] = True
    elif status == REVIEW_STATUS_REVIEWED:
        conditions["reviewed_at__isnull"] = False
    elif status == REVIEW_STATUS_FLAGGED:
        conditions.update(needs_review=True, reviewed_at__isnull=True)
    answers = answers_visible_to(user=user, listed=True)
    return answers_sampled(answers, sampling=sampling if status != REVIEW_STATUS_REVIEWED else None, **conditions)


def answers_sampled(answers: QuerySet[Answer], *, sampling: QueueSampling | None, **conditions) -> QuerySet[Answer]:
    """Those of `answers` (filtered by `conditions`, in the same filter()) that the sampling rule takes."""
    condition = sampling.condition() if sampling else None
    if condition is None:
        return answers.filter(**conditions)
    answers = answers.alias(sample_bucket=ExpressionWrapper(
        F("pk") * SAMPLE_MULTIPLIER % SAMPLE_MODULUS % 100, output_field=IntegerField()))
    return answers.filter(condition, **conditions)


def answers_awaiting_review(*, attempt_ids, sampling: QueueSampling | None) -> QuerySet[Answer]:
    """Answers of these attempts (ids or a subquery of them) that the review queue holds and nobody has
    reviewed yet: scenario replies that are flagged, or that the sampling rule takes."""
    return answers_sampled(Answer.objects.all(), sampling=sampling, attempt_id__in=attempt_ids,
                           scenario__isnull=False, submitted_at__isnull=False, reviewed_at__isnull=True)


def review_queue_ordered(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    """Most in need of a human first: flagged by the scorer; then failing replies nearest the pass mark;
    then passing ones nearest it; then oldest (the id breaks ties, so pages never overlap)."""
    return answers.annotate(
        passing=Case(When(auto_total__lt=F("pass_mark"), then=Value(0)), default=Value(1), output_field=IntegerField()),
        distance=Abs(F("auto_total") - F("pass_mark")),
    ).order_by("-needs_review", "passing", "distance", "submitted_at", "pk")


def review_queue(*, user, **filters) -> QuerySet[Answer]:
    """Scenario answers of the user's teams, most in need of a human first, with what a queue row shows
    (filters as review_queue_answers). Page it with Paginator: the partial index answer_review_pending
    serves the count and the sort. The trainee, team, scenario and attempt are prefetched for the
    page's rows rather than joined: joined, every pending answer of the teams was read wide and sorted
    (17 ms a page at 2,000 answers a team, against 2 ms)."""
    users = get_user_model().objects.select_related("team").only(
        "display_name", "first_name", "last_name", "username", "team__name")
    return (review_queue_ordered(review_queue_answers(user=user, **filters))
            .only("user_id", "scenario_id", "attempt_id", "reply_text", "submitted_at", "auto_total", "final_total",
                  "needs_review", "reviewed_at", "pass_mark")
            .prefetch_related(Prefetch("user", queryset=users), Prefetch("scenario", queryset=Scenario.objects.only("title")),
                              Prefetch("attempt", queryset=Attempt.objects.only("mode"))))


def review_queue_head(*, user, n: int, sampling: QueueSampling | None = None) -> tuple[int, int, list[Answer]]:
    """(answers in the queue, of which flagged by the scorer, the first n) for the supervisor home."""
    totals = review_queue_answers(user=user, sampling=sampling).aggregate(
        pending=Count("pk"), flagged=Count("pk", filter=Q(needs_review=True)))
    if not totals["pending"]:
        return 0, 0, []
    return totals["pending"], totals["flagged"], list(review_queue(user=user, sampling=sampling)[:n])


@dataclass
class CriterionAgreement:
    scenario_slug: str
    scenario_title: str
    key: str
    label: str
    reviewed: int = 0
    changed: int = 0
    examples: list = None

    @property
    def override_rate(self) -> float:
        return self.changed / self.reviewed if self.reviewed else 0.0

    @property
    def override_percent(self) -> int:
        return round(100 * self.override_rate)


@dataclass
class RubricAgreement:
    scenario_slug: str
    scenario_title: str
    reviewed: int
    exact: int
    kappa: float | None
    criteria_changed: int
    criteria_total: int

    @property
    def exact_rate(self) -> float:
        return self.exact / self.reviewed if self.reviewed else 0.0

    @property
    def change_rate(self) -> float:
        return self.criteria_changed / self.criteria_total if self.criteria_total else 0.0

    @property
    def change_percent(self) -> int:
        return round(100 * self.change_rate)

    @property
    def kappa_text(self) -> str:
        """Two decimals, or a dash when kappa is undefined (fewer than two reviews, or no spread)."""
        return "—" if self.kappa is None else f"{self.kappa:.2f}"


def agreement_report(*, user, examples_per_criterion: int = 3) -> dict:
    """How often supervisors changed the scorer, per rubric and per criterion, plus overall kappa.

    Only the latest review of each answer counts (earlier ones were superseded).
    """
    # Plain tuples of only what the statistics read: model instances of the reviews, their answers
    # and scenarios (with replies, results and dialogues) made this the slowest supervisor page.
    rows = (reviews_visible_to(user=user)
            .order_by("answer_id", "-created_at", "-id")
            .values_list("answer_id", "criteria", "auto_total", "final_total", "answer__scenario__slug",
                         "answer__scenario__title", "cleared_caps"))
    latest: dict[int, _ReviewRow] = {}
    for row in rows:
        if row[0] not in latest:
            latest[row[0]] = _ReviewRow(*row)
    by_rubric: dict[str, list] = {}
    criteria: dict[tuple[str, str], CriterionAgreement] = {}
    for review in latest.values():
        by_rubric.setdefault(review.slug, [review.title, []])[1].append(review)
        for row in review.criteria:
            item = criteria.get((review.slug, row["key"]))
            if item is None:
                item = criteria[review.slug, row["key"]] = CriterionAgreement(
                    review.slug, review.title, row["key"], row["label"], examples=[])
            item.reviewed += 1
            if row["final_earned"] != row["auto_earned"]:
                item.changed += 1
                if len(item.examples) < examples_per_criterion:
                    item.examples.append(review.answer_id)
    rubrics = []
    for slug, (title, items) in sorted(by_rubric.items()):
        rubrics.append(RubricAgreement(
            scenario_slug=slug, scenario_title=title, reviewed=len(items),
            exact=sum(r.auto_total == r.agreed_total for r in items),
            kappa=totals_kappa([r.auto_total for r in items], [r.agreed_total for r in items]),
            criteria_changed=sum(r.changed for r in items),
            criteria_total=sum(len(r.criteria) for r in items),
        ))
    everything = list(latest.values())
    most_overridden = sorted((c for c in criteria.values() if c.changed), key=lambda c: (-c.override_rate, -c.changed))
    return {
        "reviewed": len(everything),
        "exact": sum(r.auto_total == r.agreed_total for r in everything),
        "kappa": totals_kappa([r.auto_total for r in everything], [r.agreed_total for r in everything]),
        "criteria_changed": sum(r.changed for r in everything),
        "criteria_total": sum(len(r.criteria) for r in everything),
        "rubrics": rubrics,
        "most_overridden": most_overridden[:20],
    }


class _ReviewRow(NamedTuple):
    answer_id: int
    criteria: list[dict]
    auto_total: int
    final_total: int
    slug: str
    title: str
    cleared_caps: list[dict]

    @property
    def changed(self) -> int:
        """How many criteria the reviewer scored differently from the engine."""
        return sum(c["final_earned"] != c["auto_earned"] for c in self.criteria)

    @property
    def agreed_total(self) -> int:
        """The supervisor's total as agreement counts it: a review that changed no point and cleared no
        cap agrees with the engine, whatever total it stored (reviews recorded before totals followed
        the credit rule stored the plain share of the points)."""
        return self.auto_total if not self.changed and not self.cleared_caps else self.final_total
