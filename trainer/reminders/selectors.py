"""What is due on a day: reminders for trainees, supervisors and teams' groups. Reads only."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from courses import clock
from quizzes.models import Answer, ReviewResponse

from .. import progress as rules
from ..models import CertificationAttempt, CertificationRound, ReminderSent, Role, Team, User
from ..selectors import certification_alerts, progress_for

Kind = ReminderSent.Kind
NAMES_SHOWN = 5  # a message names this many people, then "等 N 人"
DISPUTE_REMINDER_DAYS = 2  # a dispute open longer than this is in the supervisors' daily reminders


@dataclass
class Due:
    """One reminder to send: to a user (in-app and email) or to a team's group robot."""

    kind: str
    subject: str
    on_date: date
    message: str
    url: str = ""
    user: User | None = None
    team: Team | None = None


@dataclass
class TeamDay:
    """What a team's group hears about on a day."""

    team: Team
    overdue: list[str] = field(default_factory=list)
    due_tomorrow: int = 0
    flagged: int = 0
    expiring: list[str] = field(default_factory=list)
    rounds_opening: list[str] = field(default_factory=list)


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += _("等 %(n)d 人") % {"n": len(names)}
    return shown


def _active_trainees() -> list[User]:
    return list(User.objects.filter(Q(path_assignment__isnull=False) | Q(team__default_path__isnull=False),
                                    role=Role.TRAINEE, is_active=True)
                .select_related("team__default_path", "path_assignment__path").order_by("team__name", "display_name", "username"))


def reminders_due(*, today: date) -> tuple[list[Due], list[TeamDay]]:
    """Every reminder due today, and each team's day for teams with a group robot.

    A step due tomorrow and an exam round are reminded once (the date of the reminder is the due
    date, the round's first day); overdue steps, flagged answers and expiring certificates once a
    day while they last.
    """
    tomorrow = today + timedelta(days=1)
    due: list[Due] = []
    home = reverse("home")
    teams = {t.pk: TeamDay(team=t) for t in Team.objects.all()}
    overdue_by_team: dict[int, list[str]] = {}
    for row in progress_for(trainees=_active_trainees()):
        trainee = row.trainee
        for step in row.steps:
            if step.due_on == tomorrow and not step.is_done:
                due.append(Due(Kind.STEP_DUE, f"step:{step.step.pk}", tomorrow, user=trainee, url=step.evidence_url or home,
                               message=_("明天到期:%(step)s") % {"step": step.step.title}))
                if trainee.team_id:
                    teams[trainee.team_id].due_tomorrow += 1
        overdue = row.overdue
        if overdue:
            due.append(Due(Kind.OVERDUE, "", today, user=trainee, url=home, message=_(
                "你有 %(n)d 个步骤已逾期,最早的是“%(step)s”。") % {"n": len(overdue), "step": overdue[0].step.title}))
            if trainee.team_id:
                overdue_by_team.setdefault(trainee.team_id, []).append(trainee.name)
    for team_id, names in overdue_by_team.items():
        teams[team_id].overdue = names

    sat = set(CertificationAttempt.objects.filter(round__isnull=False).values_list("trainee_id", "round_id"))
    for round_ in CertificationRound.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("team", "exam"):
        if round_.opens_on == today:
            teams[round_.team_id].rounds_opening.append(round_.title)
        for trainee in User.objects.filter(team_id=round_.team_id, role=Role.TRAINEE, is_active=True):
            if (trainee.pk, round_.pk) not in sat:
                due.append(Due(Kind.ROUND_OPEN, f"round:{round_.pk}", round_.opens_on, user=trainee,
                               url=reverse("trainer:certification"), message=_(
                                   "认证考试“%(round)s”已开放,%(closes)s 截止。") % {
                                   "round": round_.title, "closes": f"{round_.closes_on:%Y-%m-%d}"}))

    flagged = dict(Answer.objects.filter(needs_review=True, reviewed_at__isnull=True, submitted_at__isnull=False,
                                         scenario__isnull=False, user__is_active=True, user__team__isnull=False)
                   .values_list("user__team_id").annotate(n=Count("id")).values_list("user__team_id", "n"))
    for team_id, n in flagged.items():
        teams[team_id].flagged = n
    stale_disputes = _stale_disputes(today=today)
    supervisors_of: dict[int, set[int]] = {}
    for team_id, user_id in Team.supervisors.through.objects.values_list("team_id", "user_id"):
        supervisors_of.setdefault(team_id, set()).add(user_id)
    for supervisor in User.objects.filter(role=Role.SUPERVISOR, is_active=True).prefetch_related("supervised_teams"):
        team_ids = [t.pk for t in supervisor.supervised_teams.all()]
        if not team_ids:
            continue
        # Not the reviewer's own review while another supervisor of the team can resolve it.
        n_disputes = sum(1 for team_id, reviewer_id in stale_disputes if team_id in team_ids and (
            reviewer_id != supervisor.pk or supervisors_of.get(team_id, set()) <= {supervisor.pk}))
        if n_disputes:
            due.append(Due(Kind.DISPUTE_OPEN, "", today, user=supervisor, url=reverse("trainer:review_queue"),
                           message=_("%(n)d 条异议超过 %(days)d 天还没有处理。") % {
                               "n": n_disputes, "days": DISPUTE_REMINDER_DAYS}))
        n_flagged = sum(flagged.get(pk, 0) for pk in team_ids)
        if n_flagged:
            due.append(Due(Kind.FLAGGED, "", today, user=supervisor, url=reverse("trainer:review_queue"),
                           message=_("%(n)d 条标记的回复等待审阅。") % {"n": n_flagged}))
        late = [name for pk in team_ids for name in overdue_by_team.get(pk, [])]
        if late:
            due.append(Due(Kind.TEAM_OVERDUE, "", today, user=supervisor, url=reverse("trainer:team_grid") + "?overdue=on",
                           message=_("%(n)d 名学员有逾期步骤:%(names)s。") % {"n": len(late), "names": _names(late)}))
        expiring = certification_alerts(user=supervisor)["expiring"]
        if expiring:
            names = [r.cert.trainee.name for r in expiring]
            due.append(Due(Kind.EXPIRING, "", today, user=supervisor, url=reverse("trainer:cert_overview"),
                           message=_("%(n)d 张证书 14 天内到期:%(names)s。") % {"n": len(names), "names": _names(names)}))
            team_of = dict(User.objects.filter(pk__in=[r.cert.trainee_id for r in expiring]).values_list("pk", "team_id"))
            for record in expiring:
                day = teams.get(team_of.get(record.cert.trainee_id))
                if day is not None and record.cert.trainee.name not in day.expiring:
                    day.expiring.append(record.cert.trainee.name)
    return due, [day for day in teams.values() if day.team.webhook_url]


def _stale_disputes(*, today: date) -> list[tuple[int, int]]:
    """(team, reviewer) of each dispute open for more than DISPUTE_REMINDER_DAYS on `today`."""
    cutoff = clock.now() + (today - clock.today()) - timedelta(days=DISPUTE_REMINDER_DAYS)
    return list(ReviewResponse.objects.filter(
        kind=ReviewResponse.Kind.DISPUTED, resolved_at__isnull=True, created_at__lte=cutoff,
        trainee__is_active=True, trainee__team__isnull=False).values_list("trainee__team_id", "review__reviewer_id"))


def team_day_text(day: TeamDay, *, today: date, site_url: str) -> str:
    """The group message of a team's day; empty when there is nothing to say."""
    lines = []
    if day.overdue:
        lines.append(_("逾期:%(names)s(%(n)d 人)") % {"names": _names(day.overdue), "n": len(day.overdue)})
    if day.due_tomorrow:
        lines.append(_("明天到期的步骤:%(n)d 个") % {"n": day.due_tomorrow})
    if day.flagged:
        lines.append(_("标记待审的回复:%(n)d 条") % {"n": day.flagged})
    if day.expiring:
        lines.append(_("14 天内到期的证书:%(names)s") % {"names": _names(day.expiring)})
    if day.rounds_opening:
        lines.append(_("今天开放的认证:%(rounds)s") % {"rounds": "、".join(day.rounds_opening)})
    if not lines:
        return ""
    header = _("【客服训练营】%(team)s · %(date)s") % {"team": day.team.name, "date": f"{today:%Y-%m-%d}"}
    return "\n".join([header, *lines, site_url + reverse("home")])
