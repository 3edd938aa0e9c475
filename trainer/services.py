"""Writes for the people side."""
from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from courses import clock
from courses.models import Lesson, Module
from quizzes import services as quiz_services
from quizzes.models import Attempt, Question, Review, Scenario

from .models import (
    CertificationAttempt, CertificationExam, CertificationRound, Notification, OnboardingPath, PathAssignment,
    PathStep, PersonChange, Role, Team, User,
)
from .onboarding_files import parse_onboarding
from .selectors.disputes import dispute_resolvers, reviewer_may_resolve
from .selectors.pending import certification_pending_attempts


def notification_create(*, user: User, message: str, url: str = "") -> Notification:
    """Tell a user something in-app."""
    return Notification.objects.create(user=user, message=message[:300], url=url[:300])


def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read (idempotent)."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def user_upsert(
    *, username: str, password: str, role: str, display_name: str = "", team: Team | None = None,
    hire_date: date | None = None,
) -> tuple[User, bool]:
    """Create a user or update the given fields of an existing one; the password is set only on create."""
    user, created = User.objects.get_or_create(username=username, defaults={"role": role})
    user.role = role
    user.display_name = display_name
    user.team = team
    user.hire_date = hire_date
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if created:
        user.set_password(password)
    user.save()
    return user, created


# ------------------------------------------------------------------------------- onboarding paths


@transaction.atomic
def onboarding_load(*, path: Path) -> tuple[int, int]:
    """Upsert exams and paths from the file; a path's steps are rebuilt (progress is derived, nothing is lost)."""
    modules = {m.slug: m for m in Module.objects.all()}
    exams, paths = parse_onboarding(path, module_slugs=set(modules))
    exam_rows = {}
    for spec in exams:
        exam_rows[spec.slug], _created = CertificationExam.objects.update_or_create(
            slug=spec.slug, defaults={k: v for k, v in spec.__dict__.items() if k != "slug"})
    for spec in paths:
        onboarding_path, _created = OnboardingPath.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "description": spec.description})
        onboarding_path.steps.all().delete()
        steps: list[PathStep] = []
        for module_spec in spec.modules:
            module = modules[module_spec.module]
            for lesson in Lesson.objects.filter(module=module).order_by("order"):
                steps.append(PathStep(kind=PathStep.Kind.LESSON, lesson=lesson, due_days=module_spec.lessons_due))
            if module_spec.quiz_due is not None:
                steps.append(PathStep(kind=PathStep.Kind.MODULE_QUIZ, module=module, due_days=module_spec.quiz_due,
                                      pass_mark=module_spec.quiz_pass_mark))
        for step_spec in spec.extra_steps:
            steps.append(PathStep(kind=PathStep.Kind.CERTIFICATION, exam=exam_rows[step_spec.target],
                                  due_days=step_spec.due_days))
        for order, step in enumerate(steps, start=1):
            step.path, step.order = onboarding_path, order
        PathStep.objects.bulk_create(steps)
    return len(exams), len(paths)


MAX_EXTENSION_DAYS = 60
# Constants for the tests; gettext_noop so that makemessages finds them.
EXTENSION_OUT_OF_RANGE = gettext_noop("延期天数应在 1 到 60 天之间。")
EXTENSION_NEEDS_REASON = gettext_noop("请写明延期原因。")


def _path_name(path: OnboardingPath | None) -> str:
    return path.name if path is not None else "—"


def _person_change(*, person: User, actor: User | None, action: str, before: str = "", after: str = "",
                   note: str = "", when=None) -> PersonChange:
    return PersonChange(person=person, actor=actor, action=action, before=before[:200], after=after[:200],
                        note=note[:200], created_at=when or clock.now())


@transaction.atomic
def path_assign(*, path: OnboardingPath, trainees: QuerySet[User] | list[User], assigned_by: User | None,
                record: bool = True) -> int:
    """Give every listed trainee this path as their own (replacing any other); each change is a PersonChange."""
    now = clock.now()
    trainees = list(trainees)
    current = {a.trainee_id: a.path for a in PathAssignment.objects.filter(trainee__in=trainees).select_related("path")}
    defaults = {t.pk: t.team.default_path for t in User.objects.filter(pk__in=[t.pk for t in trainees])
                .select_related("team__default_path") if t.team is not None}
    changes = []
    for trainee in trainees:
        PathAssignment.objects.update_or_create(
            trainee=trainee, defaults={"path": path, "assigned_at": now, "assigned_by": assigned_by})
        before = current.get(trainee.pk) or defaults.get(trainee.pk)
        if record and (before is None or before.pk != path.pk or trainee.pk not in current):
            changes.append(_person_change(person=trainee, actor=assigned_by, action=PersonChange.Action.PATH,
                                          before=_path_name(before), after=path.name, when=now))
    PersonChange.objects.bulk_create(changes)
    return len(trainees)


@transaction.atomic
def team_default_path_set(*, team: Team, path: OnboardingPath, actor: User | None) -> int:
    """Make `path` the team's default: members without a path of their own follow it (each recorded).

    Returns how many members follow it now. Members with their own path keep theirs."""
    team = Team.objects.select_for_update(of=("self",)).select_related("default_path").get(pk=team.pk)
    before, now = team.default_path, clock.now()
    team.default_path, team.default_path_set_at = path, now
    team.save(update_fields=["default_path", "default_path_set_at"])
    followers = list(User.objects.filter(team=team, role=Role.TRAINEE, is_active=True, path_assignment__isnull=True))
    if before is None or before.pk != path.pk:
        note = _("团队“%(team)s”的默认路径") % {"team": team.name}
        PersonChange.objects.bulk_create([
            _person_change(person=member, actor=actor, action=PersonChange.Action.PATH, before=_path_name(before),
                           after=path.name, note=note, when=now) for member in followers])
    return len(followers)


@transaction.atomic
def due_extension_grant(*, trainee: User, days: int, reason: str, actor: User | None) -> int:
    """Move every due date of the trainee's path on by `days` (added to earlier extensions); recorded with the reason."""
    reason = reason.strip()
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(_(EXTENSION_OUT_OF_RANGE), code="range")
    if not reason:
        raise ValidationError(_(EXTENSION_NEEDS_REASON), code="reason")
    trainee = User.objects.select_for_update().get(pk=trainee.pk)
    before = trainee.due_extension_days
    trainee.due_extension_days = before + days
    trainee.save(update_fields=["due_extension_days"])
    _person_change(person=trainee, actor=actor, action=PersonChange.Action.EXTENSION,
                   before=_("%(n)d 天") % {"n": before}, after=_("%(n)d 天") % {"n": trainee.due_extension_days},
                   note=reason).save()
    return trainee.due_extension_days


# ----------------------------------------------------------------------------------- certification

def rounds_create_monthly(*, team: Team, exam: CertificationExam, first_month_start, months: int,
                          window_days: int = 7) -> list[CertificationRound]:
    """Schedule `months` monthly rounds for a team, each open for `window_days` from the 1st (or given day)."""
    rounds = []
    year, month, day = first_month_start.year, first_month_start.month, first_month_start.day
    for _index in range(months):
        opens = first_month_start.replace(year=year, month=month, day=min(day, 28))
        round_, _created = CertificationRound.objects.get_or_create(
            team=team, exam=exam, opens_on=opens,
            defaults={"title": _("%(y)d年%(m)d月认证") % {"y": year, "m": month},
                      "closes_on": opens + timedelta(days=window_days - 1)})
        rounds.append(round_)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return rounds


ERROR_ROUND_CLOSED = gettext_lazy("这一轮认证不在开放时间内。")
ERROR_ROUND_TAKEN = gettext_lazy("你在这一轮已经参加过认证。")


def certification_pool() -> tuple[list[Scenario], list[Question]]:
    """What exams are drawn from: the bank's certification-only scenarios and questions (never practice items)."""
    return (list(Scenario.objects.filter(is_active=True, certification_only=True).prefetch_related("tags")),
            list(Question.objects.filter(is_active=True, certification_only=True)))


def customer_types(scenario: Scenario) -> list[str]:
    """The groups an exam draw spreads across: the scenario's customer types (its slug when it has none)."""
    return [t.key for t in scenario.tags.all() if t.kind == "customer"] or [scenario.slug]


@transaction.atomic
def certification_start(*, trainee: User, round_: CertificationRound, rng: random.Random | None = None) -> CertificationAttempt:
    """Draw an exam from the certification pool (scenarios spread across customer types, plus
    questions, preferring items the trainee did not have last time) and start the clock.

    Resumes the trainee's unfinished sitting of this round instead of drawing a second one: one
    sitting per trainee and round, however many starts race (row lock, then the constraint).
    """
    if trainee.team_id != round_.team_id:
        raise PermissionDenied
    quiz_services.lock_user(trainee)
    existing = CertificationAttempt.objects.select_related("attempt").filter(trainee=trainee, round=round_).first()
    if existing:
        if existing.attempt.is_open:
            return existing
        raise ValidationError(ERROR_ROUND_TAKEN)
    today = clock.today()
    if not round_.opens_on <= today <= round_.closes_on:
        raise ValidationError(ERROR_ROUND_CLOSED)
    exam = round_.exam
    scenarios, questions = certification_pool()
    last = CertificationAttempt.objects.filter(trainee=trainee).order_by("-attempt__started_at").values("attempt_id")[:1]
    seen = {*Scenario.objects.filter(answers__attempt_id__in=last), *Question.objects.filter(answers__attempt_id__in=last)}
    items = quiz_services.draw_items(
        scenarios=scenarios, questions=questions, n_scenarios=exam.scenario_count, n_questions=exam.question_count,
        rng=rng or random.Random(), spread_by=customer_types, seen=seen,
    )
    try:
        with transaction.atomic():
            attempt = quiz_services.attempt_start(
                user=trainee, mode=Attempt.Mode.CERTIFICATION, items=items, pass_mark=exam.pass_mark,
                time_limit=timedelta(minutes=exam.time_limit_minutes),
            )
            return CertificationAttempt.objects.create(
                attempt=attempt, exam=exam, round=round_, trainee=trainee,
                verification_code=secrets.token_hex(8).upper())
    except IntegrityError:  # certification_one_sitting_per_round: another start won
        return CertificationAttempt.objects.select_related("attempt").get(trainee=trainee, round=round_)


# ------------------------------------------------------------------------------------------ reviews

@transaction.atomic
def review_submit_and_notify(*, answer, reviewer: User, **review_fields):
    """Record the review (quizzes) and tell the trainee in-app, once: a resent form notifies nobody."""
    outcome = quiz_services.review_submit(answer_id=answer.pk, reviewer=reviewer, **review_fields)
    review = outcome.review
    if not outcome.created:
        return review
    subject = answer.scenario.title if answer.scenario_id else _("知识题")
    notification_create(
        user=answer.user,
        message=_("%(name)s 审阅了你在“%(subject)s”的回复:%(score)d 分") % {
            "name": reviewer.name, "subject": subject, "score": review.final_total},
        url=answer.get_absolute_url(),
    )
    if answer.reviewed_at is None:  # `answer` as it was before this review
        _notify_certification_issued(attempt_id=answer.attempt_id)
    return review


def _notify_certification_issued(*, attempt_id: int) -> None:
    """When the first review of a reply was the last one a certification sitting waited for, tell the
    trainee the result is final (its certificate, band and path step are issued from now on)."""
    cert = (CertificationAttempt.objects.select_related("attempt", "exam", "trainee__team")
            .filter(attempt_id=attempt_id).first())
    if cert is None or cert.attempt.is_open or (cert.trainee.team_id and cert.trainee.team.certify_before_review):
        return  # not a finished sitting, or issued when it ended
    if attempt_id in certification_pending_attempts(attempt_ids=[attempt_id]):
        return
    notification_create(user=cert.trainee, url=cert.get_absolute_url(), message=_(
        "“%(exam)s”的回复已全部审阅:最终 %(score)d 分。") % {"exam": cert.exam.name, "score": cert.attempt.total or 0})


# ----------------------------------------------------------------------------------------- disputes

@transaction.atomic
def review_dispute_and_notify(*, review_id: int, trainee: User, reason: str):
    """Dispute a review (quizzes), routed to the team's supervisors (another than the reviewer when the
    team has one), and tell them in-app. quizzes.views calls this through settings.QUIZZES_REVIEW_DISPUTE."""
    reviewer_id = Review.objects.filter(pk=review_id).values_list("reviewer_id", flat=True).first()
    resolvers = dispute_resolvers(trainee=trainee, reviewer_id=reviewer_id)
    dispute = quiz_services.review_dispute(review_id=review_id, trainee=trainee, reason=reason,
                                           assigned_to=resolvers[0] if resolvers else None)
    url = reverse("trainer:dispute_resolve", args=[dispute.pk])
    for supervisor in resolvers:
        notification_create(user=supervisor, url=url, message=_("%(name)s 对审阅提出异议:%(reason)s") % {
            "name": trainee.name, "reason": dispute.reason[:120]})
    return dispute


@transaction.atomic
def review_dispute_resolve_and_notify(*, dispute, resolver: User, resolution: str, points: dict[str, float],
                                      criterion_comments: dict[str, str] | None = None,
                                      cleared_caps: list[str] | None = None):
    """Resolve a dispute the resolver may see (access_dispute_by_id) and tell the trainee in-app."""
    resolved = quiz_services.review_dispute_resolve(
        dispute_id=dispute.pk, resolver=resolver, resolution=resolution, points=points,
        criterion_comments=criterion_comments, cleared_caps=cleared_caps,
        reviewer_may_resolve=reviewer_may_resolve(trainee=dispute.trainee, reviewer_id=dispute.review.reviewer_id))
    answer = dispute.review.answer
    if resolved.outcome == resolved.Outcome.CHANGED:
        message = _("%(name)s 处理了你的异议:评分调整为 %(score)d 分") % {
            "name": resolver.name, "score": resolved.resolution_review.final_total}
    else:
        message = _("%(name)s 处理了你的异议:维持原评分") % {"name": resolver.name}
    notification_create(user=dispute.trainee, message=message, url=answer.get_absolute_url())
    return resolved


def team_review_sampling_update(*, team: Team, percent: int, certify_before_review: bool | None = None) -> None:
    """The share (0–100) of a team's ordinary replies that enter the review queue; certification
    replies and flagged ones always do (trainer.selectors.review_sampling_for). `certify_before_review`
    (None: unchanged) issues certificates on the automatic scores without waiting for the review
    (trainer.selectors.pending)."""
    team.review_sample_percent = max(0, min(100, percent))
    fields = ["review_sample_percent"]
    if certify_before_review is not None:
        team.certify_before_review = certify_before_review
        fields.append("certify_before_review")
    team.save(update_fields=fields)
