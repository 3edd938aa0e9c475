"""Writes for people management. Every change to a person is recorded as a PersonChange (who, when)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses import clock

from ..models import OnboardingPath, PersonChange, Role, Team, User
from ..selectors import teams_visible_to
from ..services import path_assign
from .rows import RawRow
from .selectors import people_import_check
from .tokens import sign_in_path

LINK, PASSWORD = "link", "password"
CREDENTIAL_KINDS = (LINK, PASSWORD)
TEMPORARY_PASSWORD_BYTES = 9  # 12 URL-safe characters

NOT_YOUR_TEAM = "你只能把学员安排到自己管理的团队。"
IMPORT_HAS_ERRORS = "导入文件中有错误,未保存任何一行。"


@dataclass
class NewHire:
    """A created trainee and how they sign in the first time (shown once, never stored in clear)."""

    user: User
    kind: str
    sign_in_path: str = ""
    password: str = ""


def _record(*, person: User, actor: User | None, action: str, before: str = "", after: str = "") -> PersonChange:
    return PersonChange.objects.create(person=person, actor=actor, action=action, before=before[:200],
                                       after=after[:200], created_at=clock.now())


def _check_team(*, actor: User, team: Team | None) -> None:
    if team is not None and not teams_visible_to(user=actor).filter(pk=team.pk).exists():
        raise PermissionDenied(NOT_YOUR_TEAM)


def person_credentials_issue(*, person: User, kind: str, actor: User | None = None, record: bool = True) -> NewHire:
    """A fresh one-time sign-in link, or a temporary password that must be changed at first sign-in.

    Either replaces whatever the person had: an earlier link stops working, so does the old password.
    """
    if kind not in CREDENTIAL_KINDS:
        raise ValueError(kind)
    person.must_change_password = True
    if kind == PASSWORD:
        password = secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
        person.set_password(password)
        person.save(update_fields=["password", "must_change_password"])
        hire = NewHire(user=person, kind=kind, password=password)
    else:
        person.set_unusable_password()
        person.save(update_fields=["password", "must_change_password"])
        hire = NewHire(user=person, kind=kind, sign_in_path=sign_in_path(person))
    if record:
        _record(person=person, actor=actor, action=PersonChange.Action.CREDENTIALS,
                after=str(PersonChange.Action.CREDENTIALS.label))
    return hire


@transaction.atomic
def person_create(*, actor: User | None, name: str, username: str, hire_date: date, team: Team,
                  path: OnboardingPath | None = None, credentials: str = LINK) -> NewHire:
    """Add a new hire to one of the actor's teams (actor None: the command line), with a path if given."""
    if actor is not None:
        _check_team(actor=actor, team=team)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("用户名“%(username)s”已被使用") % {"username": username}, code="taken")
    user = User(username=username, display_name=name, role=Role.TRAINEE, team=team, hire_date=hire_date)
    user.set_unusable_password()
    user.save()
    if path is not None:
        path_assign(path=path, trainees=[user], assigned_by=actor, record=False)
    _record(person=user, actor=actor, action=PersonChange.Action.CREATED,
            after=f"{team.name} · {hire_date:%Y-%m-%d}" + (f" · {path.name}" if path else ""))
    return person_credentials_issue(person=user, kind=credentials, actor=actor, record=False)


class ImportRefused(Exception):
    """Some rows have problems; `rows` are the checked rows, with their errors, and nothing was saved."""

    def __init__(self, rows):
        super().__init__(IMPORT_HAS_ERRORS)
        self.rows = rows


@transaction.atomic
def people_import(*, actor: User | None, rows: list[RawRow], credentials: str = LINK) -> list[NewHire]:
    """Create every row's trainee, or none: the rows are checked again inside the transaction.

    `actor` None is the command line, which may add people to any team."""
    checked = people_import_check(user=actor, rows=rows)
    if not all(row.ok for row in checked):
        raise ImportRefused(checked)
    return [person_create(actor=actor, name=row.raw.name, username=row.raw.username, hire_date=row.hire_date,
                          team=row.team, path=row.path, credentials=credentials) for row in checked]


def person_move(*, actor: User, person: User, team: Team) -> bool:
    """Move a trainee to another of the actor's teams; False if they are already there."""
    _check_team(actor=actor, team=team)
    if person.team_id == team.pk:
        return False
    before = person.team.name if person.team_id else ""
    person.team = team
    person.save(update_fields=["team"])
    _record(person=person, actor=actor, action=PersonChange.Action.TEAM_MOVED, before=before, after=team.name)
    return True


def person_hire_date_change(*, actor: User, person: User, hire_date: date) -> bool:
    """Change a hire date (due dates follow it); False if unchanged."""
    if person.hire_date == hire_date:
        return False
    before = f"{person.hire_date:%Y-%m-%d}" if person.hire_date else ""
    person.hire_date = hire_date
    person.save(update_fields=["hire_date"])
    _record(person=person, actor=actor, action=PersonChange.Action.HIRE_DATE, before=before, after=f"{hire_date:%Y-%m-%d}")
    return True


def person_deactivate(*, actor: User, person: User) -> bool:
    """A leaver: cannot sign in, drops out of grids and counts; every answer and result stays."""
    if not person.is_active:
        return False
    person.is_active = False
    person.save(update_fields=["is_active"])
    _record(person=person, actor=actor, action=PersonChange.Action.DEACTIVATED)
    return True


def person_reactivate(*, actor: User, person: User) -> bool:
    """Undo a deactivation (someone came back, or the wrong person was picked)."""
    if person.is_active:
        return False
    person.is_active = True
    person.save(update_fields=["is_active"])
    _record(person=person, actor=actor, action=PersonChange.Action.REACTIVATED)
    return True


def person_password_set(*, user: User, password: str) -> None:
    """The user's own first password (after a sign-in link or a temporary password)."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
