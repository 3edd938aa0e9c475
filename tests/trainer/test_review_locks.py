"""Review locks are taken when a supervisor starts reviewing, not by looking (issue 12, row 7)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from courses import clock
from quizzes.models import ReviewLock, Scenario
from tests.factories import user_create
from tests.trainer.conftest import submit_reply
from tests.trainer.test_review import review_data


@pytest.fixture
def answer(content, people):
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    return submit_reply(people.trainee, scenario, scenario.model_answer)


@pytest.fixture
def colleague(people):
    other = user_create(role="supervisor", username="sup-lock")
    people.team.supervisors.add(other)
    return other


def screen(answer) -> str:
    return reverse("trainer:review_answer", args=[answer.pk])


def lock_url(answer) -> str:
    return reverse("trainer:review_lock", args=[answer.pk])


def test_looking_takes_no_lock(answer, people, client):
    for viewer in (people.supervisor, people.admin):
        client.force_login(viewer)
        assert client.get(screen(answer)).status_code == 200
        assert client.head(screen(answer)).status_code == 200
        assert client.get(screen(answer), HTTP_SEC_PURPOSE="prefetch").status_code == 200
    assert not ReviewLock.objects.exists()
    body = client.get(screen(answer)).content.decode()
    assert 'data-testid="start-review"' in body and 'data-testid="locked"' not in body


def test_starting_takes_the_lock_and_shows_holder_and_expiry_to_others(answer, people, colleague, client):
    client.force_login(people.supervisor)
    response = client.post(lock_url(answer), {"op": "take"})
    assert response.status_code == 302 and response.url == screen(answer)
    lock = ReviewLock.objects.get(answer=answer)
    assert lock.holder == people.supervisor
    mine = client.get(screen(answer)).content.decode()
    assert 'data-testid="lock-mine"' in mine and f'data-lock-renew="{lock_url(answer)}"' in mine
    client.force_login(colleague)
    other = client.get(screen(answer)).content.decode()
    from django.utils import timezone

    assert 'data-testid="locked"' in other and people.supervisor.name in other
    assert timezone.localtime(lock.expires_at).strftime("%H:%M") in other
    assert client.post(lock_url(answer), {"op": "take"}).status_code == 302
    assert ReviewLock.objects.get(answer=answer).holder == people.supervisor  # not taken over
    client.post(screen(answer), review_data(answer))
    assert not answer.reviews.exists()


def test_the_open_form_renews_the_lock(answer, people, client, monkeypatch):
    client.force_login(people.supervisor)
    client.post(lock_url(answer), {"op": "take"})
    first = ReviewLock.objects.get().expires_at
    later = clock.now() + timedelta(minutes=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post(lock_url(answer), {"op": "renew"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200 and response.json()["held"] is True
    assert ReviewLock.objects.get().expires_at > first


def test_cancel_and_submit_release_the_lock(answer, people, colleague, client):
    client.force_login(people.supervisor)
    client.post(lock_url(answer), {"op": "take"})
    assert client.post(lock_url(answer), {"op": "release"}).url == reverse("trainer:review_queue")
    assert not ReviewLock.objects.exists()
    client.force_login(colleague)
    client.post(lock_url(answer), {"op": "take"})
    assert ReviewLock.objects.get().holder == colleague
    assert client.post(screen(answer), review_data(answer)).status_code == 302
    assert not ReviewLock.objects.exists() and answer.reviews.count() == 1


def test_releasing_leaves_someone_elses_lock_alone(answer, people, colleague, client):
    client.force_login(people.supervisor)
    client.post(lock_url(answer), {"op": "take"})
    client.force_login(colleague)
    client.post(lock_url(answer), {"op": "release"})
    assert ReviewLock.objects.get().holder == people.supervisor
