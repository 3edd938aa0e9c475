"""Reads for people management: who a supervisor may manage, a person's change history, and the
check of an import before anything is saved."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_noop

from ..models import OnboardingPath, PersonChange, Team, User
from ..selectors import teams_visible_to, trainees_visible_to
from .rows import RawRow, date_parse
from .tokens import sign_in_tokens

# Row problems (msgids; the preview translates them).
NAME_MISSING = gettext_noop("缺少姓名")
USERNAME_MISSING = gettext_noop("缺少用户名")
USERNAME_INVALID = gettext_noop("用户名只能包含字母、数字和 @ . + - _")
USERNAME_TAKEN = gettext_noop("用户名“%(username)s”已被使用")
USERNAME_REPEATED = gettext_noop("用户名“%(username)s”在文件中重复(第 %(line)d 行)")
DATE_MISSING = gettext_noop("缺少入职日期")
DATE_INVALID = gettext_noop("入职日期“%(value)s”无法识别,请写成 2026-12-01")
TEAM_MISSING = gettext_noop("缺少团队")
TEAM_UNKNOWN = gettext_noop("团队“%(team)s”不存在或不归你管理")
PATH_UNKNOWN = gettext_noop("带教路径“%(path)s”不存在")


def people_visible_to(*, user: User) -> QuerySet[User]:
    """The trainees a user manages on the people page, leavers included: those trainees_visible_to shows
    unlisted, for supervisors and admins only (a trainee sees themselves but manages nobody)."""
    if not (user.is_supervisor or user.is_platform_admin):
        return User.objects.none()
    return trainees_visible_to(user=user, listed=False)


def people_list(*, user: User, include_inactive: bool = True) -> list[User]:
    """The people page: active first, then leavers, by team and name, with team and path (one query)."""
    people = people_visible_to(user=user)
    if not include_inactive:
        people = people.filter(is_active=True)
    return list(people.select_related("team__default_path", "path_assignment__path")
                .order_by("-is_active", "team__name", "display_name", "username"))


def access_person_by_id(*, user: User, person_id: int) -> User:
    """A trainee (active or not) of one of the user's teams; 404 otherwise."""
    person = (people_visible_to(user=user).select_related("team__default_path", "path_assignment__path")
              .filter(pk=person_id).first())
    if person is None:
        raise Http404
    return person


def person_changes(*, person: User, limit: int = 100) -> QuerySet[PersonChange]:
    """A person's change history, newest first, with who made each change."""
    return PersonChange.objects.filter(person=person).select_related("actor").order_by("-created_at", "-id")[:limit]


def sign_in_link_user(*, uidb64: str, token: str) -> User | None:
    """The active user a one-time sign-in link names, if its token is still good; None otherwise."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if sign_in_tokens.check_token(user, token) else None


def paths_available() -> QuerySet[OnboardingPath]:
    return OnboardingPath.objects.order_by("name")


@dataclass
class CheckedRow:
    """A row of an import with what it resolved to; `errors` are (msgid, params) pairs."""

    raw: RawRow
    team: Team | None = None
    path: OnboardingPath | None = None
    hire_date: object = None

    @property
    def errors(self) -> list:
        return self.raw.errors

    @property
    def ok(self) -> bool:
        return not self.raw.errors


def people_import_check(*, user: User | None, rows: list[RawRow]) -> list[CheckedRow]:
    """Every row's problems, against the database and the rest of the file; nothing is written.

    `user` None is the command line (every team). Three queries whatever the number of rows:
    taken usernames, the teams, the paths.
    """
    teams = {t.name: t for t in (teams_visible_to(user=user) if user is not None else Team.objects.all())}
    paths = {}
    for path in paths_available():
        paths[path.name] = paths[path.slug] = path
    usernames = [r.username for r in rows if r.username]
    taken = {u.lower() for u in User.objects.filter(
        Q(username__in=usernames) | Q(username__in=[u.lower() for u in usernames])).values_list("username", flat=True)}
    seen: dict[str, int] = {}
    validator = UnicodeUsernameValidator()
    checked = []
    for raw in rows:
        raw.errors = []
        row = CheckedRow(raw=raw)
        if not raw.name:
            raw.errors.append((NAME_MISSING, {}))
        if not raw.username:
            raw.errors.append((USERNAME_MISSING, {}))
        else:
            try:
                validator(raw.username)
                if len(raw.username) > 150:
                    raise ValidationError("too long")
            except ValidationError:
                raw.errors.append((USERNAME_INVALID, {}))
            key = raw.username.lower()
            if key in taken:
                raw.errors.append((USERNAME_TAKEN, {"username": raw.username}))
            elif key in seen:
                raw.errors.append((USERNAME_REPEATED, {"username": raw.username, "line": seen[key]}))
            seen.setdefault(key, raw.line)
        if raw.hire_date in ("", None):
            raw.errors.append((DATE_MISSING, {}))
        else:
            row.hire_date = date_parse(raw.hire_date)
            if row.hire_date is None:
                raw.errors.append((DATE_INVALID, {"value": str(raw.hire_date)[:40]}))
        if not raw.team:
            raw.errors.append((TEAM_MISSING, {}))
        else:
            row.team = teams.get(raw.team)
            if row.team is None:
                raw.errors.append((TEAM_UNKNOWN, {"team": raw.team[:80]}))
        if raw.path:
            row.path = paths.get(raw.path)
            if row.path is None:
                raw.errors.append((PATH_UNKNOWN, {"path": raw.path[:120]}))
        checked.append(row)
    return checked
