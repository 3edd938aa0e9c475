"""Who may see whom: the one rule (trainer.selectors.people.users_visible_to), asked by every app."""
from __future__ import annotations

import pytest

from quizzes.selectors import visible_users
from tests.factories import team_create, user_create
from trainer.models import Role
from trainer.selectors import trainees_visible_to, users_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    boss, other_boss, admin = user_create(role=Role.SUPERVISOR), user_create(role=Role.SUPERVISOR), user_create(role=Role.ADMIN)
    mine, theirs = team_create(supervisors=(boss,)), team_create(supervisors=(other_boss,))
    found = {"boss": boss, "other_boss": other_boss, "admin": admin,
             "active": user_create(team=mine), "left": user_create(team=mine), "elsewhere": user_create(team=theirs)}
    found["left"].is_active = False
    found["left"].save()
    return found


# (viewer, listed, the trainees they see)
RULES = [
    ("boss", True, {"active"}),
    ("boss", False, {"active", "left"}),                 # a leaver's history still opens by id
    ("other_boss", True, {"elsewhere"}),
    ("admin", True, {"active", "elsewhere"}),
    ("admin", False, {"active", "left", "elsewhere"}),
    ("active", True, {"active"}),                        # a trainee sees only themselves
    ("active", False, {"active"}),
]


@pytest.mark.parametrize(("viewer", "listed", "seen"), RULES)
def test_who_sees_which_trainee(people, viewer, listed, seen):
    names = {user.pk: name for name, user in people.items()}
    got = {names[u.pk] for u in trainees_visible_to(user=people[viewer], listed=listed)}
    assert got == seen


@pytest.mark.parametrize(("viewer", "listed", "seen"), RULES)
def test_quizzes_asks_the_same_rule(people, viewer, listed, seen):
    viewer = people[viewer]
    assert set(visible_users(user=viewer, listed=listed)) == set(users_visible_to(user=viewer, listed=listed))
