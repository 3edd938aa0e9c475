"""Writes for reviews: the review lock and a supervisor's review."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from courses import clock
from courses.text import without_nul

from .. import grading
from ..models import Answer, Review, ReviewComment, ReviewLock
from .attempts import attempt_refresh_total

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
                  submit_token: str = "", criterion_comments: dict[str, str] | None = None,
                  cleared_caps: Iterable[str] = ()) -> ReviewOutcome:
    """Record a review: per-criterion points (missing ones keep the automatic value), comments.

    The total of the final points, by the engine's credit rule (grading.reviewed_total), becomes the
    answer's final score; the automatic result stays as it was. `cleared_caps` are the codes of the
    capping reasons the supervisor found do not apply: the cap they set is lifted.
    If another review landed after `seen_review_id`, raise ReviewConflict unless `force` — the
    caller re-shows the form with everything typed, so a review is never lost to a conflict.
    `submit_token` comes from the form: the same form sent again (force=1 twice, a double click)
    returns the review it made and makes no second one. `criterion_comments` (key → text) are kept
    with each criterion's points and shown to the trainee beside them.
    """
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related makes.
    answer = Answer.objects.select_for_update(of=("self",)).select_related("rubric", "scenario", "attempt").get(pk=answer_id)
    if submit_token and (done := answer.reviews.filter(submit_token=submit_token).first()) is not None:
        return ReviewOutcome(done, created=False)
    latest = answer.reviews.order_by("-created_at", "-id").first()
    if latest and latest.pk != seen_review_id and not force:
        raise ReviewConflict(latest)
    auto = {c["key"]: c for c in (answer.auto_result or {}).get("criteria", [])}
    rows = []
    criterion_comments = criterion_comments or {}
    for key, criterion in auto.items():
        value = points.get(key, criterion["earned"])
        value = max(0.0, min(float(criterion["max"]), float(value)))
        rows.append({"key": key, "label": criterion["label"], "kind": criterion["kind"], "max": criterion["max"],
                     "auto_earned": criterion["earned"], "final_earned": value,
                     "comment": without_nul(criterion_comments.get(key, "")).strip()[:1000]})
    cleared_codes = set(cleared_caps)
    cleared = [r for r in grading.capping_reasons(answer.auto_result) if r["code"] in cleared_codes]
    final_total, capped = grading.reviewed_total(
        auto_result=answer.auto_result, auto_total=answer.auto_total, criteria=rows,
        cleared_caps=[r["code"] for r in cleared], pass_mark=grading.rubric_pass_mark(answer))
    now = clock.now()
    review = Review.objects.create(
        answer=answer, reviewer=reviewer, created_at=now, comment=without_nul(comment)[:4000],
        criteria=rows, auto_total=answer.auto_total or 0, final_total=final_total,
        final_passed=not capped and final_total >= answer.attempt.pass_mark, rubric=answer.rubric,
        submit_token=submit_token[:64], cleared_caps=cleared,
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
