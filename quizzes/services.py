"""Writes for quizzes: submitting and scoring answers, module quizzes, drafts, rescoring."""
from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
import multiprocessing
import os
from typing import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from courses import clock
from courses.models import Lesson, Module, Tag

from . import grading
from .bank_files import Bank, parse_bank
from .models import Answer, Attempt, Question, RubricVersion, Scenario, ScoreRecord
from .scoring import ENGINE_VERSION, rubric_hash, rubric_snapshot
from .scoring import batch

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


@dataclass
class BankReport:
    scenarios_created: int = 0
    scenarios_updated: int = 0
    questions_created: int = 0
    questions_updated: int = 0
    rubric_versions_created: int = 0
    retired: int = 0


def rubric_version_for(*, snapshot: dict) -> tuple[RubricVersion, bool]:
    """The stored version with this content, created on first sight (versions are never edited)."""
    return RubricVersion.objects.get_or_create(content_hash=rubric_hash(snapshot), defaults={"snapshot": snapshot})


def _upsert(model, slug: str, values: dict) -> tuple[object, bool, bool]:
    """(object, created, changed) for a slug-keyed row, saving only when something differs."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        return model.objects.create(slug=slug, **values), True, True
    changed = any(getattr(obj, k) != v for k, v in values.items())
    if changed:
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
    return obj, False, changed


def _set_tags(obj, codes: tuple[str, ...], tags: dict[str, Tag]) -> bool:
    wanted = sorted(tags[c].pk for c in codes)
    if sorted(obj.tags.values_list("pk", flat=True)) != wanted:
        obj.tags.set(wanted)
        return True
    return False


@transaction.atomic
def bank_apply(*, bank: Bank) -> BankReport:
    """Upsert scenarios (with their rubric snapshot) and questions by slug; retire what left the files.

    Retired items stay in the database (answers point at them) but are no longer offered.
    """
    report = BankReport()
    lexicon = bank.lexicon()
    modules = {m.slug: m for m in Module.objects.all()}
    tags = {t.code: t for t in Tag.objects.all()}
    for item in bank.scenarios:
        rubric, new_version = rubric_version_for(snapshot=rubric_snapshot(item.rubric, lexicon))
        report.rubric_versions_created += new_version
        scenario, created, changed = _upsert(Scenario, item.slug, {
            "title": item.title, "module": modules[item.module], "difficulty": item.difficulty,
            "pass_mark": item.pass_mark, "context": item.context, "model_answer": item.model_answer,
            "turns": [{"role": t.role, "text": t.text} for t in item.turns], "rubric": rubric,
            "source_path": item.path, "is_active": True, "certification_only": item.certification_only,
        })
        changed = _set_tags(scenario, item.tags, tags) or changed
        report.scenarios_created += created
        report.scenarios_updated += changed and not created
    for item in bank.questions:
        answer = ([0] if item.answer else [1]) if isinstance(item.answer, bool) else sorted(item.answer)
        question, created, changed = _upsert(Question, item.slug, {
            "kind": item.kind, "module": modules[item.module], "prompt": item.prompt,
            "choices": list(item.choices), "answer": answer, "explanation": item.explanation,
            "source_path": item.path, "is_active": True, "certification_only": item.certification_only,
        })
        changed = _set_tags(question, item.tags, tags) or changed
        report.questions_created += created
        report.questions_updated += changed and not created
    report.retired += Scenario.objects.filter(is_active=True).exclude(
        slug__in=[s.slug for s in bank.scenarios]).update(is_active=False)
    report.retired += Question.objects.filter(is_active=True).exclude(
        slug__in=[q.slug for q in bank.questions]).update(is_active=False)
    return report


def bank_parse(*, root: Path) -> Bank:
    """Validate the bank files against the loaded curriculum's modules and tags (raises ContentErrors)."""
    return parse_bank(
        root, module_slugs=set(Module.objects.values_list("slug", flat=True)),
        tags={t.code for t in Tag.objects.all()},
        lessons=dict(Lesson.objects.values_list("slug", "module__slug")),
    )


def clean_reply_text(text: str) -> str:
    """Stored as typed, minus NUL characters (PostgreSQL refuses them) and capped in length."""
    return text.replace("\x00", "")[:MAX_REPLY_CHARS]


def _record_score(answer: Answer, *, rubric: RubricVersion, result: dict, when) -> ScoreRecord:
    answer.rubric = rubric
    answer.auto_result = result
    answer.auto_total = result["total"]
    answer.auto_passed = result["passed"]
    answer.needs_review = result["needs_review"]
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
    from django.db.models import Q

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


def _rescore_pool(workers: int, answers: int, scenarios: dict):
    """A pool of spawned scoring processes (see quizzes.scoring.batch), or None to score here."""
    payload = {pk: (s.rubric.snapshot, s.buyer_text, s.topic_text, s.model_answer) for pk, s in scenarios.items()}
    if workers < 2 or answers < RESCORE_PARALLEL_FROM:
        batch.init_worker(payload)  # score here, with the same code the workers run
        return None
    return multiprocessing.get_context("spawn").Pool(workers, initializer=batch.init_worker, initargs=(payload,))


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
    result_field = Answer._meta.get_field("auto_result")
    pool = _rescore_pool(workers if workers is not None else (os.cpu_count() or 1), len(ids), scenarios)
    try:
        return _rescore_batches(ids, scenarios, result_field, batch_size, pool, progress)
    finally:
        if pool is not None:
            pool.close()
            pool.join()


def _rescore_batches(ids, scenarios, result_field, batch_size, pool, progress) -> int:
    done = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        with transaction.atomic():
            connection = transaction.get_connection()
            rows = Answer.objects.filter(pk__in=chunk).only(
                "pk", "scenario_id", "reply_text", "reviewed_at", "served_at", "received_at", "pasted_chars")
            now = connection.ops.adapt_datetimefield_value(clock.now())
            records, updates = [], []
            rows = list(rows)
            tasks = []
            for row in rows:
                typing = grading.typing_of(row)
                tasks.append((row.scenario_id, row.reply_text, typing.elapsed_ms, typing.pasted_chars))
            results = pool.map(batch.score_task, tasks, chunksize=100) if pool is not None else map(batch.score_task, tasks)
            for row, result in zip(rows, results):
                pk, reviewed_at = row.pk, row.reviewed_at
                scenario = scenarios[row.scenario_id]
                # Serialised once for both tables: the JSON encoding was a fifth of the time.
                stored = result_field.get_db_prep_value(result, connection)
                records.append((pk, scenario.rubric_id, ENGINE_VERSION, stored, result["total"], result["passed"],
                                result["needs_review"], now))
                if reviewed_at is None:
                    updates.append((scenario.rubric_id, stored, result["total"], result["passed"], result["needs_review"],
                                    result["total"], result["passed"], pk))
                else:  # a supervisor's score stays final and the answer is no longer waiting for review
                    updates.append((scenario.rubric_id, stored, result["total"], result["passed"], False, None, None, pk))
            # Prepared statements run per row (executemany): far faster than bulk_create building
            # model instances and bulk_update's CASE expressions.
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {quote(ScoreRecord._meta.db_table)} (answer_id, rubric_id, engine_version, result, "
                    f"total, passed, needs_review, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", records)
                cursor.executemany(
                    f"UPDATE {quote(Answer._meta.db_table)} SET rubric_id = %s, auto_result = %s, auto_total = %s, "
                    f"auto_passed = %s, needs_review = %s, final_total = COALESCE(%s, final_total), "
                    f"final_passed = COALESCE(%s, final_passed) WHERE id = %s", updates)
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    return done


# ----------------------------------------------------------------------------------------- reviews

REVIEW_LOCK_MINUTES = 10


@dataclass(frozen=True)
class LockState:
    acquired: bool
    holder_name: str = ""
    expires_at: object = None


def review_lock_acquire(*, answer: Answer, user) -> LockState:
    """Take (or extend) the review lock unless someone else holds a live one.

    Only an explicit step takes it: the supervisor pressing 开始审阅, the open form renewing it,
    or submitting a review. Merely looking at the screen (GET, HEAD, a prefetch, an admin's look)
    never does. Taking it usually finds the lock free or already ours, so the first step is one conditional UPDATE (atomic on its own: a second supervisor's UPDATE
    re-checks the condition after the first one commits). Only when it changes nothing is the lock
    read, or created.
    """
    from django.db import IntegrityError
    from django.db.models import Q

    from .models import ReviewLock

    now = clock.now()
    expires = now + timedelta(minutes=REVIEW_LOCK_MINUTES)
    mine = getattr(user, "name", str(user))
    free_or_mine = ReviewLock.objects.filter(Q(holder=user) | Q(expires_at__lte=now), answer=answer)
    for _attempt in range(3):  # each round either decides or saw the lock change under it
        if free_or_mine.update(holder=user, expires_at=expires):
            return LockState(True, mine, expires)
        lock = ReviewLock.objects.select_related("holder").filter(answer=answer).first()
        if lock is not None and lock.holder_id != user.pk and lock.expires_at > now:
            return LockState(False, lock.holder.name, lock.expires_at)
        if lock is None:
            try:
                with transaction.atomic():
                    ReviewLock.objects.create(answer=answer, holder=user, expires_at=expires)
                return LockState(True, mine, expires)
            except IntegrityError:  # another supervisor created it a moment ago: look again
                pass
    raise RuntimeError("review lock kept changing")  # three changes within one request: not seen in practice


def review_lock_release(*, answer: Answer, user) -> None:
    """Give the lock up (review submitted or cancelled); someone else's lock is left alone."""
    from .models import ReviewLock

    ReviewLock.objects.filter(answer=answer, holder=user).delete()


@dataclass(frozen=True)
class PassageComment:
    quote: str
    text: str


class ReviewConflict(Exception):
    """Someone else reviewed the answer after this reviewer opened it; nothing was saved."""

    def __init__(self, latest):
        self.latest = latest
        super().__init__("answer reviewed meanwhile")


@dataclass(frozen=True)
class ReviewOutcome:
    review: object
    created: bool  # False: this form had been submitted before, and that review is returned


@transaction.atomic
def review_submit(*, answer_id: int, reviewer, points: dict[str, float], comment: str,
                  passages: list[PassageComment], seen_review_id: int | None, force: bool = False,
                  submit_token: str = "") -> ReviewOutcome:
    """Record a review: per-criterion points (missing ones keep the automatic value), comments.

    The supervisor's total becomes the answer's final score; the automatic result stays as it was.
    If another review landed after `seen_review_id`, raise ReviewConflict unless `force` — the
    caller re-shows the form with everything typed, so a review is never lost to a conflict.
    `submit_token` comes from the form: the same form sent again (force=1 twice, a double click)
    returns the review it made and makes no second one.
    """
    from .models import Review, ReviewComment, ReviewLock

    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related makes.
    answer = Answer.objects.select_for_update(of=("self",)).select_related("rubric", "scenario", "attempt").get(pk=answer_id)
    if submit_token and (done := answer.reviews.filter(submit_token=submit_token).first()) is not None:
        return ReviewOutcome(done, created=False)
    latest = answer.reviews.order_by("-created_at", "-id").first()
    if latest and latest.pk != seen_review_id and not force:
        raise ReviewConflict(latest)
    auto = {c["key"]: c for c in (answer.auto_result or {}).get("criteria", [])}
    rows = []
    for key, criterion in auto.items():
        value = points.get(key, criterion["earned"])
        value = max(0.0, min(float(criterion["max"]), float(value)))
        rows.append({"key": key, "label": criterion["label"], "kind": criterion["kind"], "max": criterion["max"],
                     "auto_earned": criterion["earned"], "final_earned": value})
    total_max = sum(r["max"] for r in rows) or 1
    final_total = round(100 * sum(r["final_earned"] for r in rows) / total_max)
    now = clock.now()
    review = Review.objects.create(
        answer=answer, reviewer=reviewer, created_at=now, comment=comment.replace("\x00", "")[:4000],
        criteria=rows, auto_total=answer.auto_total or 0, final_total=final_total,
        final_passed=final_total >= answer.attempt.pass_mark, rubric=answer.rubric, submit_token=submit_token[:64],
    )
    reply = answer.reply_text
    ReviewComment.objects.bulk_create([
        ReviewComment(review=review, start=start, end=start + len(p.quote), quote=p.quote[:500], text=p.text[:1000])
        for p in passages if p.quote and p.text and (start := reply.find(p.quote)) >= 0
    ])
    answer.final_total, answer.final_passed, answer.reviewed_at = final_total, review.final_passed, now
    answer.needs_review = False
    answer.save(update_fields=["final_total", "final_passed", "reviewed_at", "needs_review"])
    attempt_refresh_total(attempt=answer.attempt)
    ReviewLock.objects.filter(answer=answer).delete()
    return ReviewOutcome(review, created=True)
