"""Plain factory functions for tests: explicit, no magic."""
from __future__ import annotations

import itertools
from datetime import date

from trainer.models import Role, Team, User

_counter = itertools.count(1)
PASSWORD = "test-pass-123"


def team_create(*, name: str | None = None, supervisors: tuple[User, ...] = ()) -> Team:
    team = Team.objects.create(name=name or f"团队{next(_counter)}")
    team.supervisors.add(*supervisors)
    return team


def user_create(*, role: str = Role.TRAINEE, team: Team | None = None, username: str | None = None,
                display_name: str = "", hire_date: date | None = None) -> User:
    username = username or f"{role}{next(_counter)}"
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, team=team, display_name=display_name or username,
        hire_date=hire_date, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
    )
    return user


def attempt_inputs(attempt, *, good: bool = True) -> dict:
    """ReplyInput per answer of an attempt: model answers and right choices, or a blunt "不行" and a
    wrong choice."""
    from quizzes.services import ReplyInput

    inputs = {}
    for answer in attempt.answers.select_related("scenario", "question"):
        if answer.scenario_id:
            inputs[answer.pk] = ReplyInput(reply_text=answer.scenario.model_answer if good else "不行")
        else:
            right = tuple(answer.question.answer)
            wrong = tuple(i for i in range(len(answer.question.display_choices)) if i not in right)[:1]
            inputs[answer.pk] = ReplyInput(selected=right if good else wrong)
    return inputs


def form_token_from(client, url: str) -> str:
    """The form_token of the practice form a GET of `url` serves, as a browser would send it back."""
    import re

    body = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', body).group(1)


def practice_post(client, url: str, data: dict):
    """POST a practice form the way the page does: first served (which issues its token), then sent."""
    return client.post(url, {**data, "form_token": form_token_from(client, url)})
