"""Reads for quizzes: the catalogue, permission-checked answer lookups, evidence highlighting, timing."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from courses.models import Module

from .models import Answer, Attempt, Question, Scenario

# Targets taught in module 1 (岗位认知与日常工作).
FIRST_RESPONSE_TARGET_MS = 6_000      # the "golden six seconds"
REPLY_TARGET_MS = 60_000              # a complete reply within a minute
TYPING_TARGET_CPM = 60                # 60 characters a minute


def answers_visible_to(*, user) -> QuerySet[Answer]:
    """A trainee's own answers; a supervisor's teams' answers; everything for admins."""
    answers = Answer.objects.all()
    if user.is_platform_admin:
        return answers
    if user.is_supervisor:
        return answers.filter(user__team__supervisors=user)
    return answers.filter(user=user)


def access_answer_by_id(*, user, answer_id: int) -> Answer:
    """An answer the user may see, with everything its page needs; 404 otherwise."""
    try:
        return answers_visible_to(user=user).select_related(
            "scenario", "scenario__module", "question", "rubric", "attempt", "user"
        ).get(pk=answer_id)
    except Answer.DoesNotExist:
        raise Http404


def access_attempt_by_id(*, user, attempt_id: int) -> Attempt:
    """An attempt the user may see (own; supervisors their teams'; admins all); 404 otherwise."""
    attempts = Attempt.objects.select_related("module", "user")
    if user.is_platform_admin:
        pass
    elif user.is_supervisor:
        attempts = attempts.filter(user__team__supervisors=user)
    else:
        attempts = attempts.filter(user=user)
    try:
        return attempts.get(pk=attempt_id)
    except Attempt.DoesNotExist:
        raise Http404


def access_own_open_attempt(*, user, attempt_id: int) -> Attempt:
    """The user's own attempt (only its owner may type into it)."""
    try:
        return Attempt.objects.select_related("module").get(pk=attempt_id, user=user)
    except Attempt.DoesNotExist:
        raise Http404


def attempt_answers(*, attempt: Attempt) -> list[Answer]:
    return list(attempt.answers.select_related("scenario", "question", "rubric").order_by("position"))


def access_scenario_by_slug(*, slug: str) -> Scenario:
    try:
        return Scenario.objects.select_related("module", "rubric").prefetch_related("tags").get(slug=slug, is_active=True)
    except Scenario.DoesNotExist:
        raise Http404


def access_question_by_slug(*, slug: str) -> Question:
    try:
        return Question.objects.select_related("module").get(slug=slug, is_active=True)
    except Question.DoesNotExist:
        raise Http404


def practice_catalogue(*, module_slug: str = "", tag_code: str = "") -> tuple[QuerySet[Scenario], QuerySet[Question]]:
    """Scenarios and questions for practice, optionally narrowed to a module or a tag."""
    scenarios = Scenario.objects.filter(is_active=True).select_related("module").prefetch_related("tags")
    questions = Question.objects.filter(is_active=True).select_related("module")
    if module_slug:
        scenarios = scenarios.filter(module__slug=module_slug)
        questions = questions.filter(module__slug=module_slug)
    if tag_code and ":" in tag_code:
        kind, key = tag_code.split(":", 1)
        scenarios = scenarios.filter(tags__kind=kind, tags__key=key)
        questions = questions.filter(tags__kind=kind, tags__key=key)
    return scenarios.distinct(), questions.distinct()


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


def reply_segments(*, reply: str, result: dict | None) -> list[Segment]:
    """The reply cut into plain and highlighted pieces by the evidence spans of each criterion."""
    if not result or not reply:
        return [Segment(reply)] if reply else []
    marks: list[tuple[int, int, str, str]] = []
    for criterion in result.get("criteria", []):
        kind = "bad" if criterion["kind"] == "avoids" else "good"
        for start, end in criterion.get("evidence", []):
            if 0 <= start < end <= len(reply):
                marks.append((start, end, kind, criterion["label"]))
    if not marks:
        return [Segment(reply)]
    # Per character: "bad" wins over "good"; labels are joined so a hover shows every criterion.
    kinds = [""] * len(reply)
    labels: list[list[str]] = [[] for _ in reply]
    for start, end, kind, label in marks:
        for i in range(start, end):
            if kinds[i] != "bad":
                kinds[i] = kind
            if label not in labels[i]:
                labels[i].append(label)
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(reply) + 1):
        if i == len(reply) or kinds[i] != kinds[start] or labels[i] != labels[start]:
            segments.append(Segment(reply[start:i], kinds[start], "、".join(labels[start])))
            start = i
    return segments


@dataclass(frozen=True)
class TimingFeedback:
    first_keystroke_s: float | None
    submit_s: float | None
    chars_per_minute: int | None
    first_ok: bool | None
    submit_ok: bool | None
    typing_ok: bool | None


def timing_feedback(*, answer: Answer) -> TimingFeedback:
    """Response time and typing speed against the targets taught in module 1."""
    first, total, cpm = answer.first_keystroke_ms, answer.submit_ms, answer.chars_per_minute
    return TimingFeedback(
        first_keystroke_s=round(first / 1000, 1) if first is not None else None,
        submit_s=round(total / 1000, 1) if total is not None else None,
        chars_per_minute=cpm,
        first_ok=None if first is None else first <= FIRST_RESPONSE_TARGET_MS,
        submit_ok=None if total is None else total <= REPLY_TARGET_MS,
        typing_ok=None if cpm is None else cpm >= TYPING_TARGET_CPM,
    )


def scenarios_for_module(*, module: Module) -> QuerySet[Scenario]:
    return Scenario.objects.filter(module=module, is_active=True)


def search_filter(queryset: QuerySet, query: str) -> QuerySet:
    return queryset.filter(Q(title__icontains=query) | Q(context__icontains=query)) if query else queryset
