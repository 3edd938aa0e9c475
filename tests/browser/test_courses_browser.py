"""A trainee opens a module, reads a lesson with a chat block, marks it done, sees the percentage move."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses.models import Lesson
from courses.services import curriculum_load
from tests.browser.conftest import REAL_CONTENT, login
from tests.factories import user_create


@pytest.fixture
def curriculum(transactional_db):
    curriculum_load(root=REAL_CONTENT / "courses" / "content")


def test_trainee_reads_lesson_and_marks_it_done(page, curriculum):
    user_create(username="reader")
    login(page, "reader")
    page.click("text=课程")
    card = page.locator('[data-testid="module-card-customer-types"]')
    assert "0%" in card.inner_text()
    card.click()
    page.locator(".list-group a").first.click()
    expect(page.locator(".chat-turn.chat-buyer .bubble").first).to_be_visible()  # waits for the lesson page
    expect(page.locator(".chat-turn.chat-agent .bubble").first).to_be_visible()
    page.click('[data-testid="mark-done"]')
    expect(page.locator('[data-testid="lesson-done-badge"]')).to_be_visible()
    page.click(".breadcrumb >> text=买家类型")
    total = Lesson.objects.filter(module__slug="customer-types").count()
    assert page.locator('[data-testid="module-percent"]').inner_text() == f"{round(100 / total)}%"
    page.goto("/courses/")
    assert f"{round(100 / total)}%" in page.locator('[data-testid="module-card-customer-types"]').inner_text()


def test_hostile_lesson_renders_inert(page, curriculum):
    from courses.services import lesson_render

    lesson = Lesson.objects.first()
    lesson.body_markdown += (
        '\n<script>alert("x")</script>\n<img src="nope" onerror="alert(1)">\n\n[点我](javascript:alert(2))\n'
        '<a href="javascript:alert(3)" id="evil">恶意链接</a>\n'
    )
    lesson_render(lesson=lesson)
    lesson.save()
    user_create(username="reader2")
    login(page, "reader2")
    page.goto(lesson.get_absolute_url())
    page.click("text=点我")
    if page.locator("#evil").count():
        page.click("#evil")
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.locator(".lesson-body script").count() == 0
    assert page.locator(".lesson-body [onerror]").count() == 0
