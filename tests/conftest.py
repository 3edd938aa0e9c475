"""Shared fixtures: a supervisor with a team of two trainees, an outsider team, an admin."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests.factories import team_create, user_create
from trainer.models import Role, Team, User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache_and_language():
    """Each test starts with an empty Django cache (keys name row ids, and ids repeat across tests once a
    test's rows are rolled back) and in the default language: a request with the English cookie leaves
    English active in the thread, and the next test in that worker would read English messages."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield


@dataclass
class People:
    supervisor: User
    team: Team
    trainee: User
    teammate: User
    other_supervisor: User
    other_team: Team
    outsider: User
    admin: User


@pytest.fixture
def people(db) -> People:
    supervisor = user_create(role=Role.SUPERVISOR, username="sup")
    team = team_create(name="一组", supervisors=(supervisor,))
    other_supervisor = user_create(role=Role.SUPERVISOR, username="sup2")
    other_team = team_create(name="二组", supervisors=(other_supervisor,))
    return People(
        supervisor=supervisor, team=team,
        trainee=user_create(team=team, username="t1"), teammate=user_create(team=team, username="t2"),
        other_supervisor=other_supervisor, other_team=other_team,
        outsider=user_create(team=other_team, username="t3"),
        admin=user_create(role=Role.ADMIN, username="boss"),
    )


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""
    def login(user: User):
        client.force_login(user)
        return client
    return login
