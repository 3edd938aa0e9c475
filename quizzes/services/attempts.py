"""Writes for answers and attempts: practice, module quizzes, drafts, submitting, scoring, rescoring."""
from __future__ import annotations

import contextlib
import enum
import gc
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
import multiprocessing
import os
from typing import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from courses import clock
from courses.models import Module
from courses.text import without_nul

from .. import grading
from ..models import Answer, Attempt, Question, RubricVersion, Scenario, ScoreRecord
from ..scoring import ENGINE_VERSION, batch

MODULE_QUIZ_SCENARIOS = 3
MODULE_QUIZ_QUESTIONS = 5
MODULE_QUIZ_PASS_MARK = 70
MAX_REPLY_CHARS = 2000


@dataclass(frozen=True)
class ReplyInput:
    """What the page sends for one item: the text or the chosen options, and its timing."""

    reply_text: str = ""
    selected: tuple[int, ...] = ()
    first_keystroke_ms: int | None = None
    submit_ms: int | None = None
    pasted_chars: int | None = None


def clean_reply_text(text: str) -> str:
    """Stored as typed, minus NUL characters (PostgreSQL refuses them) and capped in length."""
    return without_nul(text)[:MAX_REPLY_CHARS]


def _record_score(answer: Answer, *, rubric: RubricVersion, result: dict, when) -> ScoreRecord:
    answer.rubric = rubric
    answer.auto_result = result
    answer.auto_total = result["total"]
    answer.auto_passed = result["passed"]
    # A supervisor's score stays final, and a reviewed answer is no longer waiting for review.
    answer.needs_review = result["needs_review"] and answer.reviewed_at is None
    if answer.reviewed_at is None:
        answer.final_total = result["total"]
        answer.final_passed = result["passed"]
    return ScoreRecord(
        answer=answer, rubric=rubric, engine_version=ENGINE_VERSION, result=result, total=result["total"],
        passed=result["passed"], needs_review=result["needs_review"], created_at=when,
    )


def answer_score(*, answer: Answer) -> None:
    """Score an answer with its scenario's current rubric (or check a question) and store the result."""
    now = clock.now()
    if answer.scenario_id:
        scenario = answer.scenario
        result = grading.score_scenario_reply(scenario=scenario, rubric=scenario.rubric, reply=answer.reply_text,
                                              typing=grading.typing_of(answer))
        record = _record_score(answer, rubric=scenario.rubric, result=result, when=now)
        answer.save()
        record.save()
        return
    correct = grading.question_is_correct(question=answer.question, selected=list(answer.selected))
    answer.auto_total = answer.final_total = 100 if correct else 0
    answer.auto_passed = answer.final_passed = correct
    answer.auto_result = {"correct": correct}
    answer.save()


def _apply_input(answer: Answer, data: ReplyInput) -> None:
    answer.reply_text = clean_reply_text(data.reply_text)
    answer.selected = sorted(set(data.selected))
    answer.first_keystroke_ms = data.first_keystroke_ms
    answer.submit_ms = data.submit_ms
    answer.pasted_chars = data.pasted_chars


def lock_user(user) -> None:
    """Hold the user's row until the transaction ends, so that one user's check-then-create writes
    (start a quiz, start a sitting, record a practice form) run one after the other on PostgreSQL.
    SQLite needs no row lock: its IMMEDIATE transactions already run one at a time."""
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


@transaction.atomic
def practice_answer_submit(*, user, scenario: Scenario | None = None, question: Question | None = None,
                           data: ReplyInput, form_token: str | None = None,
                           served_at: datetime | None = None) -> Answer:
    """One practice reply or choice: recorded, scored at once, explained on the result page.

    `form_token` (from the page's form) makes it exactly once: the same form sent again, however
    often and however concurrently, gives back the answer it made the first time. `served_at` is
    when the server served that form: with the arrival time it is the reply's response time.
    """
    if form_token is not None:
        lock_user(user)
        existing = _practice_answer_for_token(user, form_token)
        if existing is not None:
            return existing
    now = clock.now()
    try:
        with transaction.atomic():  # the constraint is the last word when the row lock is not enough
            attempt = Attempt.objects.create(
                user=user, mode=Attempt.Mode.PRACTICE, module=(scenario or question).module,
                status=Attempt.Status.SUBMITTED, started_at=served_at or now, submitted_at=now,
                pass_mark=scenario.pass_mark if scenario else 100, form_token=form_token,
            )
    except IntegrityError:
        return _practice_answer_for_token(user, form_token)
    answer = Answer(attempt=attempt, user=user, scenario=scenario, question=question, submitted_at=now,
                    pass_mark=attempt.pass_mark, served_at=served_at, received_at=now)
    _apply_input(answer, data)
    answer_score(answer=answer)
    attempt.total, attempt.passed = answer.auto_total, answer.auto_passed
    attempt.save(update_fields=["total", "passed"])
    return answer


def _practice_answer_for_token(user, form_token: str) -> Answer | None:
    return Answer.objects.filter(attempt__user=user, attempt__form_token=form_token).first()


def draw_items(*, scenarios: list[Scenario], questions: list[Question], n_scenarios: int, n_questions: int,
               rng: random.Random, spread_by: Callable[[Scenario], Iterable[str]] | None = None,
               seen: frozenset | set = frozenset()) -> list:
    """A random draw; with spread_by, scenarios are picked so that their groups (e.g. customer types) differ.

    Items in `seen` (what the trainee had last time) are drawn only when the others run out.
    """
    picked: list[Scenario] = []
    pool = scenarios[:]
    rng.shuffle(pool)
    pool.sort(key=lambda item: item in seen)  # a stable sort: still random within the unseen and the seen
    fresh_questions = [q for q in questions if q not in seen]
    stale_questions = [q for q in questions if q in seen]
    if spread_by:
        seen: set[str] = set()
        for scenario in pool:
            groups = set(spread_by(scenario))
            if len(picked) < n_scenarios and not groups & seen:
                picked.append(scenario)
                seen |= groups
    for scenario in pool:
        if len(picked) >= n_scenarios:
            break
        if scenario not in picked:
            picked.append(scenario)
    drawn_questions = rng.sample(fresh_questions, min(n_questions, len(fresh_questions)))
    drawn_questions += rng.sample(stale_questions, min(n_questions - len(drawn_questions), len(stale_questions)))
    return picked + drawn_questions


@transaction.atomic
def attempt_start(*, user, mode: str, items: list, pass_mark: int, module: Module | None = None,
                  time_limit: timedelta | None = None) -> Attempt:
    """An attempt with its drawn items stored as empty answers, so the draw and drafts survive reloads."""
    now = clock.now()
    attempt = Attempt.objects.create(
        user=user, mode=mode, module=module, pass_mark=pass_mark, started_at=now,
        deadline=now + time_limit if time_limit else None,
    )
    Answer.objects.bulk_create([
        Answer(attempt=attempt, user=user, position=index, pass_mark=pass_mark,
               scenario=item if isinstance(item, Scenario) else None,
               question=item if isinstance(item, Question) else None)
        for index, item in enumerate(items)
    ])
    return attempt


@transaction.atomic
def module_quiz_start(*, user, module: Module, rng: random.Random | None = None) -> Attempt:
    """Resume the open quiz of this module, or draw a new one (the module's scenarios and questions,
    never the certification pool). One open quiz per trainee and module, however many starts race."""
    lock_user(user)
    open_quiz = Attempt.objects.filter(
        user=user, module=module, mode=Attempt.Mode.MODULE_QUIZ, status=Attempt.Status.IN_PROGRESS)
    if (existing := open_quiz.first()) is not None:
        return existing
    items = draw_items(
        scenarios=list(Scenario.objects.filter(module=module, is_active=True, certification_only=False)),
        questions=list(Question.objects.filter(module=module, is_active=True, certification_only=False)),
        n_scenarios=MODULE_QUIZ_SCENARIOS, n_questions=MODULE_QUIZ_QUESTIONS, rng=rng or random.Random(),
    )
    try:
        with transaction.atomic():
            return attempt_start(user=user, mode=Attempt.Mode.MODULE_QUIZ, items=items, module=module,
                                 pass_mark=MODULE_QUIZ_PASS_MARK)
    except IntegrityError:  # attempt_one_open_module_quiz: another start won
        return open_quiz.get()


def _deadline_passed(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline


def deadline_passed(attempt: Attempt) -> bool:
    """True once a timed attempt's deadline is behind us (the server's clock decides, not the page's)."""
    return _deadline_passed(attempt, clock.now())


class DraftOutcome(enum.Enum):
    SAVED = "saved"
    STALE = "stale"    # every item already holds a newer save
    CLOSED = "closed"  # submitted, expired or past the deadline: drafts no longer count


@transaction.atomic
def attempt_save_draft(*, attempt_id: int, user, inputs: dict[int, ReplyInput], seq: int) -> DraftOutcome:
    """Keep what was typed so far, item by item, without ever losing newer work.

    `seq` numbers the page's saves: an item keeps its draft when it already holds one from a later
    save (requests can arrive out of order), and an empty text or choice never replaces a saved one
    (a page that lost its text must not blank the server's copy). Refused once the attempt is closed
    or past its deadline.
    """
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id, user=user)
    now = clock.now()
    if not attempt.is_open or _deadline_passed(attempt, now):
        return DraftOutcome.CLOSED
    saved = False
    for answer_id, data in inputs.items():
        text, selected = clean_reply_text(data.reply_text), sorted(set(data.selected))
        if not text.strip() and not selected:
            continue
        saved |= bool(Answer.objects.filter(attempt=attempt, pk=answer_id, draft_seq__lt=seq).update(
            reply_text=text, selected=selected, first_keystroke_ms=data.first_keystroke_ms,
            draft_saved_at=now, draft_seq=seq))
    return DraftOutcome.SAVED if saved else DraftOutcome.STALE


def attempt_mark_served(*, attempt: Attempt) -> None:
    """Record, once per item, when the server first served the attempt's page (its timing starts there)."""
    Answer.objects.filter(attempt=attempt, served_at__isnull=True).update(served_at=clock.now())


@transaction.atomic
def attempt_submit(*, attempt_id: int, user, inputs: dict[int, ReplyInput]) -> Attempt:
    """Score every item and close the attempt, exactly once.

    A second submit (double click, resent form) finds the attempt closed and changes nothing. After
    the deadline the new inputs are refused and what was saved before the deadline is scored.
    """
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id, user=user)
    return _attempt_close(attempt, inputs)


def _attempt_close(attempt: Attempt, inputs: dict[int, ReplyInput]) -> Attempt:
    """Score and close a locked attempt (or score one a migration closed unscored); no-op otherwise."""
    unscored = attempt.status == Attempt.Status.EXPIRED and attempt.total is None
    if not attempt.is_open and not unscored:
        return attempt
    now = clock.now()
    late = unscored or _deadline_passed(attempt, now)
    answers = list(attempt.answers.select_related("scenario__rubric", "question"))
    for answer in answers:
        if not late and answer.pk in inputs:
            _apply_input(answer, inputs[answer.pk])
        answer.submitted_at = now
        # What arrived in time: the submitted form, or after the deadline the last draft saved before it.
        answer.received_at = answer.draft_saved_at if late else now
        answer_score(answer=answer)
    points = [grading.answer_points(a) or 0 for a in answers]
    attempt.total = round(sum(points) / len(points)) if points else 0
    attempt.passed = attempt.total >= attempt.pass_mark
    attempt.status = Attempt.Status.EXPIRED if late else Attempt.Status.SUBMITTED
    attempt.submitted_at = min(now, attempt.deadline) if late and attempt.deadline else now
    attempt.save()
    return attempt


def _expired_attempts():
    now = clock.now()
    return Attempt.objects.filter(Q(status=Attempt.Status.IN_PROGRESS, deadline__lt=now)
                                  | Q(status=Attempt.Status.EXPIRED, total__isnull=True))


def _expired_attempt_ids() -> list[int]:
    """Ids of attempts to close, by two reads that each use a partial index (an OR of the two and the
    model's default ordering scanned the whole table: 27 ms at 100,000 attempts on every results page)."""
    now = clock.now()
    open_late = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now).order_by()
    unscored = Attempt.objects.filter(status=Attempt.Status.EXPIRED, total__isnull=True).order_by()
    return list(open_late.values_list("pk", flat=True)) + list(unscored.values_list("pk", flat=True))


def attempts_close_expired() -> int:
    """Close and score every attempt whose deadline has passed, from the drafts saved in time.

    Pages that show attempts or results call this before reading (one indexed query when there is
    nothing to do), and `manage.py close_expired_attempts` runs it for attempts nobody opens, so an
    exam left unsubmitted becomes a result like any other: it counts for bands and alerts.
    Returns how many attempts were closed.
    """
    closed = 0
    for attempt_id in _expired_attempt_ids():
        with transaction.atomic():
            attempt = _expired_attempts().select_for_update().filter(pk=attempt_id).first()
            if attempt is not None:  # another request may have closed it meanwhile
                _attempt_close(attempt, {})
                closed += 1
    return closed


def attempt_refresh_total(*, attempt: Attempt) -> None:
    """Recompute an attempt's total after a review changed one of its answers."""
    points = [grading.answer_points(a) or 0 for a in attempt.answers.all()]
    if points and attempt.status != Attempt.Status.IN_PROGRESS:
        attempt.total = round(sum(points) / len(points))
        attempt.passed = attempt.total >= attempt.pass_mark
        attempt.save(update_fields=["total", "passed"])


RESCORE_PARALLEL_FROM = 5000  # fewer answers than this are scored in this process
# The scoring workers yield the CPU to this process, which writes: with one worker per core, the writer
# otherwise lost a third of its core to them and became the slowest step.
RESCORE_WORKER_NICENESS = 10
# What a rescore reads of each answer to score it, and writes; rows are written RESCORE_WRITE_BATCH at a time.
_RESCORED_SCORING_READ = ("scenario_id", "reply_text", "served_at", "received_at", "pasted_chars")
_RESCORED_FIELDS = ("rubric", "auto_result", "auto_total", "auto_passed", "needs_review", "final_total", "final_passed")
RESCORE_WRITE_BATCH = 500


def _rescore_pool(workers: int, answers: int, scenarios: dict):
    """A pool of spawned scoring processes (see quizzes.scoring.batch), or None to score here."""
    payload = {pk: (s.rubric.snapshot, s.buyer_text, s.topic_text, s.model_answer) for pk, s in scenarios.items()}
    if workers < 2 or answers < RESCORE_PARALLEL_FROM:
        batch.init_worker(payload)  # score here, with the same code the workers run
        return None
    return multiprocessing.get_context("spawn").Pool(workers, initializer=batch.init_worker,
                                                     initargs=(payload, RESCORE_WORKER_NICENESS))


def answers_rescore(*, batch_size: int = 2000, force: bool = False, workers: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Re-score every submitted scenario answer under its scenario's current rubric, keeping old records.

    Answers already scored with the current version are skipped (unless `force`), so running it twice
    is cheap. Returns how many answers got a new score. Reviewed answers keep their final score.
    Scoring is pure and CPU-bound: with many answers it runs in `workers` processes (default: every
    core), while this process reads and writes the database.
    """
    scenarios = {s.pk: s for s in Scenario.objects.select_related("rubric")}
    candidates = Answer.objects.filter(scenario__isnull=False, submitted_at__isnull=False)
    if not force:
        candidates = candidates.exclude(rubric_id__in=[s.rubric_id for s in scenarios.values()])
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    pool = _rescore_pool(workers if workers is not None else (os.cpu_count() or 1), len(ids), scenarios)
    try:
        return _rescore_batches(ids, scenarios, batch_size, pool, progress)
    finally:
        if pool is not None:
            pool.close()
            pool.join()


def _rescore_start(chunk: list[int], pool):
    """Start scoring one chunk of answers: (their ids, something whose .get() gives the results in order)."""
    answers = list(Answer.objects.filter(pk__in=chunk).order_by("pk").only(*_RESCORED_SCORING_READ))
    tasks = []
    for answer in answers:
        typing = grading.typing_of(answer)
        tasks.append((answer.scenario_id, answer.reply_text, typing.elapsed_ms, typing.pasted_chars))
    if pool is None:
        return [a.pk for a in answers], _Done(list(map(batch.score_task, tasks)))
    return [a.pk for a in answers], pool.map_async(batch.score_task, tasks, chunksize=100)


class _Done:
    """Results scored in this process, with the same .get() as the pool's AsyncResult."""

    def __init__(self, results: list[dict]):
        self.results = results

    def get(self) -> list[dict]:
        return self.results


def _rescore_batches(ids, scenarios, batch_size, pool, progress) -> int:
    # Pipelined: the workers score the next chunk while this process writes the current one.
    chunks = [ids[start:start + batch_size] for start in range(0, len(ids), batch_size)]
    done, pending = 0, _rescore_start(chunks[0], pool) if chunks else None
    for index in range(len(chunks)):
        with _gc_paused():
            scored_ids, running = pending
            pending = _rescore_start(chunks[index + 1], pool) if index + 1 < len(chunks) else None
            done += _rescore_write(dict(zip(scored_ids, running.get())), scenarios)
        if progress:
            progress(done, len(ids))
    return done


@transaction.atomic
def _rescore_write(results: dict[int, dict], scenarios: dict) -> int:
    """Store one chunk's new scores (answer id → result); returns how many answers were written."""
    # Locked where they are read: a review landing meanwhile waits, so its final score stays.
    answers = list(Answer.objects.select_for_update().filter(pk__in=results).defer("auto_result"))
    now = clock.now()
    records = [_record_score(answer, rubric=scenarios[answer.scenario_id].rubric, result=results[answer.pk], when=now)
               for answer in answers]
    ScoreRecord.objects.bulk_create(records, batch_size=RESCORE_WRITE_BATCH)
    # The rows exist and are locked, so this INSERT … ON CONFLICT (id) DO UPDATE only updates the scored
    # fields, a batch a statement. Per 10,000 answers on SQLite: 1.5 s, against 3.6 s for a
    # save(update_fields) per answer and 17 s for bulk_update (its CASE per field grows with the batch).
    Answer.objects.bulk_create(answers, batch_size=RESCORE_WRITE_BATCH, update_conflicts=True,
                               unique_fields=["id"], update_fields=_RESCORED_FIELDS)
    return len(answers)


@contextlib.contextmanager
def _gc_paused():
    """No cyclic garbage collection while a chunk is read, received and written. Its thousands of result
    dicts made the collector run again and again over everything alive (7.4 s of writing per 10,000
    answers against 3.4 s paused); what the chunk leaves is freed by reference counting when it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
