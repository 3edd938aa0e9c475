"""A trainee in a running exam cannot reach its answers; the countdown stays in view; afterwards the
result shows what a certification exam allows (issue 12)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import fill_attempt_page, login
from trainer.models import CertificationAttempt


def test_running_exam_is_sealed_and_the_result_shows_only_what_it_allows(page, demo):
    login(page, "xinren1", "xinren1-demo-2026")
    page.goto("/certification/")
    page.click('[data-testid="start-exam"]')
    page.wait_for_url("**/quizzes/attempts/**")
    exam_url = page.url
    cert = CertificationAttempt.objects.get()
    answers = list(cert.attempt.answers.select_related("scenario", "question").order_by("position"))

    # Every answer id the exam form carries leads nowhere while the exam runs.
    names = page.locator("#attempt-form [name^=reply_], #attempt-form [name^=choice_]").evaluate_all(
        "els => els.map(e => e.name)")
    ids = sorted({int(re.sub(r"\D", "", name)) for name in names})
    assert ids == sorted(a.pk for a in answers)
    for pk in ids:
        response = page.goto(f"/quizzes/answers/{pk}/")
        assert response.status == 404, pk
    page.goto(f"/quizzes/attempts/{cert.attempt_id}/result/")
    assert page.url == exam_url  # the result of a running exam sends the trainee back to it

    # The countdown stays visible however far the trainee scrolls.
    timer = page.locator('[data-testid="timer"]')
    expect(timer).to_contain_text(":")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 500")
    box, height = timer.bounding_box(), page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height
    assert timer.evaluate("e => getComputedStyle(e.closest('[data-testid=attempt-bar]')).position") == "sticky"

    fill_attempt_page(page, cert.attempt)
    page.click('[data-testid="submit-attempt"]')
    page.wait_for_url("**/certification/**")
    cert.attempt.refresh_from_db()
    expect(page.locator('[data-testid="attempt-total"]')).to_contain_text(str(cert.attempt.total))
    expect(page.locator('[data-testid="attempt-verdict"]')).to_be_visible()
    assert page.locator('[data-testid="criteria-table"]').count() == sum(1 for a in answers if a.scenario_id)
    assert page.locator('[data-testid="model-answer"], [data-testid="correct-choice"], [data-testid="explanation"]').count() == 0
    assert page.locator("mark.evidence, mark.evidence-bad").count() == 0
    text = page.locator("main, body").first.inner_text()
    for answer in answers:
        if answer.question_id:
            assert answer.question.explanation not in text
    # Each answer's own page now opens, and shows no more than the result did.
    for answer in answers[:3]:
        response = page.goto(f"/quizzes/answers/{answer.pk}/")
        assert response.status == 200
        assert page.locator('[data-testid="model-answer"], [data-testid="correct-choice"]').count() == 0
