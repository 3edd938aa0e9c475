"""Certification sittings: records with band and validity, the supervisor's alerts, open rounds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from courses import clock
from quizzes.models import Attempt
from quizzes.selectors import answers_awaiting_review
from quizzes.services import attempts_close_expired

from ..certification import EXPIRY_WARNING_DAYS, FLAG_BELOW, FLAG_CONSECUTIVE_ROUNDS, band_for
from ..models import CertificationAttempt, CertificationRound, User, certification_valid_until, certification_valid_until_date
from .pending import certification_pending_attempts, every_teams_sampling
from .people import trainees_visible_to
from .progress import quiz_and_certification_attempts

@dataclass
class CertificationRecord:
    cert: CertificationAttempt
    score: int | None  # provisional while pending
    passed: bool | None
    band: object  # None while pending
    valid_until: date | None  # None while pending, failed or unfinished
    pending: bool = False

    @property
    def is_valid(self) -> bool:
        return self.valid_until is not None and self.valid_until >= clock.today()


def _record(cert: CertificationAttempt, *, pending: bool) -> CertificationRecord:
    total = cert.attempt.total
    if pending:
        return CertificationRecord(cert, total, None, None, None, pending=True)
    return CertificationRecord(cert, total, cert.attempt.passed, band_for(total or 0), certification_valid_until(cert))


def certification_record(*, cert: CertificationAttempt) -> CertificationRecord:
    """One sitting (with attempt and exam loaded) with band and validity, or pending review."""
    pending = cert.attempt_id in certification_pending_attempts(attempt_ids=[cert.attempt_id])
    return _record(cert, pending=pending)


def certification_records(*, trainee_ids: list[int] | None = None, cert_ids: list[int] | None = None
                          ) -> list[CertificationRecord]:
    """Finished certification sittings of these trainees (or these sittings), newest first, with band and validity."""
    attempts_close_expired()
    certs = CertificationAttempt.objects.exclude(attempt__status=Attempt.Status.IN_PROGRESS)
    if trainee_ids is not None:
        certs = certs.filter(trainee_id__in=trainee_ids)
    if cert_ids is not None:
        certs = certs.filter(pk__in=cert_ids)
    certs = list(certs.select_related("attempt", "exam", "round", "trainee").only(
            "verification_code", "trainee_id", "attempt__total", "attempt__passed", "attempt__submitted_at", "exam__name",
            "exam__validity_days", "round__title", *(f"trainee__{name}" for name in User.NAME_FIELDS)
    ).order_by("-attempt__submitted_at"))
    pending = certification_pending_attempts(attempt_ids=[c.attempt_id for c in certs]) if certs else set()
    return [_record(cert, pending=cert.attempt_id in pending) for cert in certs]


def _finished_sittings(attempts: list[tuple]) -> list[tuple]:
    """(sitting id, trainee id, round id, total, passed, submitted at, validity days) of the finished
    certification sittings among quiz_and_certification_attempts() rows that are not pending review,
    newest first."""
    finished = [row for row in attempts if row[5] is not None and row[6] != Attempt.Status.IN_PROGRESS]
    pending = certification_pending_attempts(attempt_ids=[row[4] for row in finished]) if finished else set()
    sittings = [(cert_id, user_id, round_id, total, passed, submitted_at, validity_days)
                for (user_id, _mode, _module, _exam, attempt_id, cert_id, _status, total, passed, submitted_at, round_id,
                     validity_days) in finished
                if attempt_id not in pending]
    sittings.sort(key=lambda s: (s[5] is not None, s[5] or 0), reverse=True)
    return sittings


def certification_alerts(*, user: User, trainee_ids: list[int] | None = None, attempts: list[tuple] | None = None
                         ) -> dict:
    """For a supervisor: certifications expiring within 14 days, and trainees below 65 twice in a row
    (sittings pending review count for neither until they are reviewed).

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
        valid_until = certification_valid_until_date(passed=passed, submitted_at=submitted_at, validity_days=validity_days)
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
    certs = CertificationAttempt.objects.select_related("attempt", "exam", "trainee", "round").filter(
        trainee__in=trainees_visible_to(user=user, listed=False))
    return get_object_or_404(certs, pk=cert_id)


def open_rounds_for(*, trainee: User):
    """Rounds of the trainee's team open today, each with the trainee's sitting if any."""
    attempts_close_expired()  # an exam whose time ran out shows its result, not 继续作答
    today = clock.today()
    return list(CertificationRound.objects.filter(team_id=trainee.team_id, opens_on__lte=today, closes_on__gte=today)
                  .select_related("exam").prefetch_related(
                      Prefetch("attempts", queryset=CertificationAttempt.objects.filter(trainee=trainee).select_related("attempt"),
                               to_attr="mine")))


def access_round_by_id(*, trainee: User, round_id: int):
    """A certification round of the trainee's own team, or 404."""
    return get_object_or_404(CertificationRound.objects, pk=round_id, team_id=trainee.team_id)


def certification_by_code(*, code: str) -> CertificationAttempt | None:
    """The sitting a certificate's verification code names (public: the code is the secret), or None."""
    return CertificationAttempt.objects.select_related("attempt", "exam", "trainee").filter(
        verification_code=code.upper()[:24]).first()


def certification_overview(*, user: User, teams) -> dict:
    """The supervisor's certification page: alerts, the teams' rounds, the latest sittings."""
    trainee_ids = list(trainees_visible_to(user=user).values_list("pk", flat=True))
    return {"alerts": certification_alerts(user=user, trainee_ids=trainee_ids),
            "rounds": CertificationRound.objects.filter(team__in=teams).select_related("team", "exam")[:50],
            "records": certification_records(trainee_ids=trainee_ids)[:100]}


@dataclass
class SittingAwaitingReview:
    cert: CertificationAttempt
    answer_ids: list[int]  # the replies still to review, in the order of the exam


def certifications_awaiting_review_for(*, user: User, limit: int = 10) -> list[SittingAwaitingReview]:
    """Finished sittings of the user's trainees that are pending review (oldest first: they have waited
    longest), each with the replies still to review."""
    attempts_close_expired()
    finished = (CertificationAttempt.objects.filter(trainee__in=trainees_visible_to(user=user))
                .exclude(attempt__status=Attempt.Status.IN_PROGRESS).values("attempt_id"))
    pending = certification_pending_attempts(attempt_ids=finished)
    if not pending:
        return []
    certs = list(CertificationAttempt.objects.filter(attempt_id__in=pending)
                 .select_related("attempt", "exam", "round", "trainee")
                 .only("trainee_id", "attempt__total", "attempt__submitted_at", "exam__name", "round__title",
                       *(f"trainee__{name}" for name in User.NAME_FIELDS))
                 .order_by("attempt__submitted_at", "pk")[:limit])
    waiting: dict[int, list[int]] = {}
    for attempt_id, answer_id in (answers_awaiting_review(attempt_ids=[c.attempt_id for c in certs],
                                                          sampling=every_teams_sampling())
                                  .order_by("position").values_list("attempt_id", "pk")):
        waiting.setdefault(attempt_id, []).append(answer_id)
    return [SittingAwaitingReview(cert, waiting.get(cert.attempt_id, [])) for cert in certs]
