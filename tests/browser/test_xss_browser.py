"""Hostile text in names, replies and review comments never runs in a real browser.

The page fixture fails the test if any dialog opens or any script error happens.
"""
from __future__ import annotations

import pytest

from courses.services import curriculum_load
from quizzes.models import Scenario
from quizzes.services import PassageComment, ReplyInput, bank_apply, bank_parse, practice_answer_submit
from tests.browser.conftest import REAL_CONTENT, login
from tests.factories import team_create, user_create

PAYLOAD = '<img src=x onerror=alert(1)><script>alert(2)</script>"><svg onload=alert(3)>'
NAME = '"><img src=x onerror=alert(4)>'  # fits the 60-character display name


@pytest.fixture
def hostile(transactional_db):
    from trainer.services import onboarding_load, review_submit_and_notify

    curriculum_load(root=REAL_CONTENT / "courses" / "content")
    bank_apply(bank=bank_parse(root=REAL_CONTENT / "quizzes" / "content"))
    onboarding_load(path=REAL_CONTENT / "trainer" / "content" / "onboarding.toml")
    supervisor = user_create(role="supervisor", username="xss-sup", display_name=NAME)
    team = team_create(name=NAME, supervisors=(supervisor,))
    trainee = user_create(team=team, username="xss-trainee", display_name=NAME)
    scenario = Scenario.objects.order_by("slug").first()
    answer = practice_answer_submit(user=trainee, scenario=scenario, data=ReplyInput(reply_text=PAYLOAD + scenario.model_answer))
    review_submit_and_notify(answer=answer, reviewer=supervisor, points={}, comment=PAYLOAD, seen_review_id=None,
                             passages=[PassageComment(PAYLOAD[:20], PAYLOAD)])
    return answer


def test_payloads_stay_text_everywhere(page, hostile):
    answer = hostile
    login(page, "xss-trainee")
    for url in ("/", answer.get_absolute_url(), "/notifications/", "/quizzes/practice/"):
        page.goto(url)
        page.wait_for_timeout(150)
    page.goto(answer.get_absolute_url())
    assert "<img src=x onerror" in page.locator('[data-testid="highlighted-reply"]').inner_text()
    page.context.clear_cookies()
    login(page, "xss-sup")
    for url in ("/", "/team/", "/reviews/", f"/reviews/{answer.pk}/", "/agreement/", f"/team/trainees/{answer.user_id}/",
                "/certification/manage/"):
        page.goto(url)
        page.wait_for_timeout(150)
    assert page.dialogs == []
