"""Fuzzing every form and JSON endpoint with hypothesis: never a 5xx; accepted text is stored exactly
and shown back escaped.

Profiles: the default keeps `make test` quick; `make fuzz` runs HYPOTHESIS_PROFILE=nightly
(≥ 10,000 generated inputs over these tests).
"""
from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import Answer, Question, Review, Scenario
from tests.trainer.conftest import submit_reply

settings.register_profile("default", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=1500, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

NASTY = [
    "", " ", "\n\t ", "\x00", "亲\x00您好", "😀🙏🏻👍" * 10, "\u202e右到左\u202c", "\u200f\u200e",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "'; DROP TABLE quizzes_answer; --", "1 OR 1=1", "{{ 7*7 }}", "{% debug %}", "%(name)s", "\\x00\\u0000",
    "亲" * 2000, "亲" * 2001, "x" * 100_000, "\ud7ff", "Ａ！？", "\r\n\r\n",
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=300),
                 st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60))


def visible(text: str) -> str:
    return escape(text.replace("\x00", ""))


@pytest.fixture
def scenario(content):
    return Scenario.objects.order_by("slug").first()


@given(text=TEXT, first=st.one_of(st.none(), st.integers(-10, 10**9), st.text(max_size=5)))
def test_practice_reply(scenario, people, client, text, first):
    client.force_login(people.trainee)
    before = Answer.objects.count()
    data = {"reply": text}
    if first is not None:
        data["first_keystroke_ms"] = first
    response = client.post(scenario.get_absolute_url(), data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        answer = Answer.objects.order_by("-pk").first()
        assert answer.reply_text == text.replace("\x00", "")
        body = client.get(answer.get_absolute_url()).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        box = re.search(r'data-testid="highlighted-reply">(.*?)</div>', body, re.S).group(1)
        assert re.sub(r"</?mark[^>]*>", "", box) == escape(answer.reply_text)  # shown back exactly, escaped
    else:
        assert Answer.objects.count() == before
        if text.replace("\x00", "").strip() and len(text) <= 5000:
            assert visible(text) in response.content.decode()  # the typed text is kept in the form


@given(choice=st.one_of(st.text(max_size=10), st.integers(-5, 50), st.lists(st.integers(-3, 9), max_size=6)))
def test_question_choice(content, people, client, choice):
    client.force_login(people.trainee)
    question = Question.objects.filter(kind="multiple", certification_only=False).first()
    response = client.post(reverse("quizzes:question", args=[question.slug]), {"choice": choice})
    assert response.status_code in (302, 400)


@given(text=TEXT, selected=st.lists(st.one_of(st.integers(-3, 9), st.text(max_size=3)), max_size=4))
def test_attempt_draft_json_endpoint(content, people, client, text, selected):
    from courses.models import Module
    from quizzes.services import module_quiz_start

    client.force_login(people.trainee)
    attempt = module_quiz_start(user=people.trainee, module=Module.objects.get(slug="customer-types"))
    reply = attempt.answers.filter(scenario__isnull=False).first()
    question = attempt.answers.filter(question__isnull=False).first()
    response = client.post(reverse("quizzes:attempt_draft", args=[attempt.pk]),
                           {f"reply_{reply.pk}": text, f"choice_{question.pk}": selected})
    assert response.status_code in (200, 400, 409)
    assert response["Content-Type"] == "application/json"
    if response.status_code == 200:
        reply.refresh_from_db()
        assert reply.reply_text == text.replace("\x00", "")


@given(comment=TEXT, quote=TEXT, note=TEXT, points=st.one_of(st.floats(allow_nan=True), st.text(max_size=6)))
def test_review_form(content, people, client, comment, quote, note, points):
    scenario = Scenario.objects.order_by("slug").first()
    answer = Answer.objects.filter(user=people.trainee).first() or submit_reply(people.trainee, scenario, "亲,稍等")
    client.force_login(people.supervisor)
    key = answer.auto_result["criteria"][0]["key"]
    before = Review.objects.count()
    response = client.post(reverse("trainer:review_answer", args=[answer.pk]), {
        f"points_{key}": points, "comment": comment, "quote_1": quote, "note_1": note, "force": "1"})
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        review = Review.objects.order_by("-pk").first()
        assert Review.objects.count() == before + 1
        assert review.comment == comment.replace("\x00", "")[:4000]
        trainee_view = client.get(answer.get_absolute_url()).content.decode()
        assert "<script>alert" not in trainee_view and "<img src=x" not in trainee_view


@given(query=TEXT)
def test_search_and_filters(content, people, client, query):
    client.force_login(people.supervisor)
    for url, params in ((reverse("courses:search"), {"q": query}),
                        (reverse("quizzes:practice"), {"module": query, "tag": query}),
                        (reverse("trainer:team_grid"), {"team": query, "sort": query, "overdue": query}),
                        (reverse("trainer:review_queue"), {"status": query, "trainee": query, "scenario": query,
                                                           "page": query})):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        assert "<script>alert" not in response.content.decode()


@given(username=TEXT, password=TEXT)
def test_login_form(db, client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 400, 429)


@given(first_day=TEXT, months=st.one_of(st.integers(-5, 50), st.text(max_size=4)), window=TEXT)
def test_round_schedule_form(content, people, client, first_day, months, window):
    from trainer.models import CertificationExam

    client.force_login(people.supervisor)
    response = client.post(reverse("trainer:cert_overview"), {
        "team": people.team.pk, "exam": CertificationExam.objects.get().pk, "first_day": first_day,
        "months": months, "window_days": window})
    assert response.status_code in (302, 400)


CHOICE = st.one_of(TEXT, st.integers(-10, 10**12).map(str))


@given(path=CHOICE, team=CHOICE, trainee=CHOICE, pick=CHOICE)
def test_path_assign_form(content, people, client, path, team, trainee, pick):
    """Any value in any select: refused with the page shown again (400) or assigned (302), never
    anyone outside the supervisor's teams, and the page opened with any ?trainee= answers 200."""
    from trainer.models import PathAssignment

    client.force_login(people.supervisor)
    page = client.get(reverse("trainer:path_assign"), {"trainee": pick})
    assert page.status_code == 200 and "<script>alert" not in page.content.decode()
    response = client.post(reverse("trainer:path_assign"), {"path": path, "team": team, "trainee": trainee})
    assert response.status_code in (302, 400), response.status_code
    assert not PathAssignment.objects.filter(trainee=people.outsider).exists()
