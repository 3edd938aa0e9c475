"""A trainee answers a scenario in practice mode, sees highlighted evidence and the model answer."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses.services import curriculum_load
from quizzes.models import Answer, Attempt, Scenario
from quizzes.services import bank_apply, bank_parse
from tests.browser.conftest import REAL_CONTENT, fill_attempt_page, login
from tests.factories import user_create


@pytest.fixture
def bank(transactional_db):
    curriculum_load(root=REAL_CONTENT / "courses" / "content")
    bank_apply(bank=bank_parse(root=REAL_CONTENT / "quizzes" / "content"))


def test_practice_reply_shows_evidence_and_model_answer(page, bank):
    user_create(username="learner")
    # The first card of the (paged) practice list: by module, then slug.
    scenario = Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug").first()
    login(page, "learner")
    page.click("text=情景练习")
    page.click(f'[data-testid="scenario-{scenario.slug}"]')
    expect(page.locator('[data-testid="buyer-chat"] .chat-buyer').first).to_be_visible()
    # An empty reply is refused with a message; nothing is recorded.
    page.click('[data-testid="submit-reply"]')
    expect(page.locator("main")).to_contain_text("回复不能为空")
    page.locator("textarea[name=reply]").press_sequentially(scenario.model_answer[:6], delay=20)
    page.locator("textarea[name=reply]").fill(scenario.model_answer)
    page.click('[data-testid="submit-reply"]')
    page.wait_for_url("**/quizzes/answers/**")
    answer = Answer.objects.get()
    assert answer.first_keystroke_ms is not None and answer.submit_ms >= answer.first_keystroke_ms
    assert page.locator('[data-testid="highlighted-reply"] mark.evidence').count() >= 2
    assert page.locator('[data-testid="model-answer"]').inner_text() == scenario.model_answer
    assert page.locator('[data-testid="verdict"]').inner_text() == "通过"
    assert page.locator('[data-testid="criteria-table"] tbody tr').count() == len(answer.auto_result["criteria"])
    # A rude reply fails and is flagged; the offending words are marked red.
    page.click('[data-testid="retry"]')
    page.fill("textarea[name=reply]", "爱买不买,你自己不会看详情页吗?烦不烦")
    page.click('[data-testid="submit-reply"]')
    page.wait_for_url("**/quizzes/answers/**")
    assert page.locator('[data-testid="verdict"]').inner_text() == "未通过"
    assert page.locator('[data-testid="review-flags"]').is_visible()


def test_module_quiz_keeps_text_on_error_and_submits_once(page, bank):
    user_create(username="quizzer")
    login(page, "quizzer")
    page.goto("/quizzes/modules/")
    page.click('[data-testid="start-customer-types"]')
    attempt = Attempt.objects.get()
    first_reply = page.locator("textarea").first
    first_reply.fill("亲,您好,这个问题我马上帮您看一下哦")
    page.click('[data-testid="submit-attempt"]')
    expect(page.locator("main")).to_contain_text("已为你保留所有输入")
    assert page.locator("textarea").first.input_value() == "亲,您好,这个问题我马上帮您看一下哦"
    fill_attempt_page(page, attempt)
    page.click('[data-testid="submit-attempt"]')
    page.wait_for_url("**/result/")
    attempt.refresh_from_db()
    assert page.locator('[data-testid="attempt-total"]').inner_text().startswith(str(attempt.total))
    assert attempt.passed and Attempt.objects.count() == 1
    page.goto(f"/quizzes/attempts/{attempt.pk}/")
    assert page.url.endswith("/result/") and "已经提交过了" in page.content()


def test_english_interface_reaches_the_page_scripts(page, bank):
    """After switching to English, the live counter is English too (script text comes from the catalogue)."""
    user_create(username="learner")
    # The first card of the (paged) practice list: by module, then slug.
    scenario = Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug").first()
    login(page, "learner")
    page.click("text=English")
    page.goto(scenario.get_absolute_url())
    page.locator("textarea[name=reply]").fill("亲,您好")
    counter = page.locator("[data-counter-for]")
    assert counter.inner_text() == "4 characters"
    page.click("text=中文")
    page.goto(scenario.get_absolute_url())
    page.locator("textarea[name=reply]").fill("亲,您好")
    assert page.locator("[data-counter-for]").inner_text() == "4 字"


def test_a_pasted_reply_is_counted_by_the_page_and_routed_to_review(page, bank):
    user_create(username="paster")
    scenario = Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug").first()
    login(page, "paster")
    page.click("text=情景练习")
    page.click(f'[data-testid="scenario-{scenario.slug}"]')
    # The page's script counts pastes; on a slow leg the paste could fire before it has loaded.
    page.wait_for_url(f"**{scenario.get_absolute_url()}")
    page.wait_for_load_state("load")
    area = page.locator("textarea[name=reply]")
    area.focus()
    # A real paste event with the model answer on the clipboard, as the browser fires it.
    page.evaluate(
        """(text) => {
            const area = document.querySelector("textarea[name=reply]");
            const data = new DataTransfer();
            data.setData("text/plain", text);
            area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
            area.value = text;
            area.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        scenario.model_answer,
    )
    page.click('[data-testid="submit-reply"]')
    page.wait_for_url("**/quizzes/answers/**")
    answer = Answer.objects.get()
    assert answer.pasted_chars == len("".join(scenario.model_answer.split()))
    assert "pasted" in {reason["code"] for reason in answer.auto_result["review_reasons"]}
    assert answer.needs_review and answer.auto_passed  # routed to a supervisor, the score kept


def test_a_capped_result_explains_its_total_and_names_the_clause(page, bank):
    """All criteria green and a total of 35: the breakdown says why, quoting the clause that caused the cap."""
    user_create(username="capped")
    scenario = Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug").first()
    promise = "放心,明天准保送到您手上。"
    login(page, "capped")
    page.goto(scenario.get_absolute_url())
    page.fill("textarea[name=reply]", scenario.model_answer + promise)
    page.click('[data-testid="submit-reply"]')
    page.wait_for_url("**/quizzes/answers/**")
    expect(page.locator('[data-testid="verdict"]')).to_have_text("未通过")
    breakdown = page.locator('[data-testid="total-breakdown"]')
    expect(breakdown).to_be_visible()
    expect(breakdown.locator('[data-testid="curve-line"]')).to_contain_text("得分曲线")
    cap = breakdown.locator('[data-testid="cap-line"]')
    expect(cap).to_have_count(1)
    expect(cap).to_contain_text("明天准保送到您手上")
    expect(cap).to_contain_text("封顶")
    # A clause the scorer could not account for is dotted in the reply.
    page.click('[data-testid="retry"]')
    page.fill("textarea[name=reply]", scenario.model_answer + "对了,今天天气真不错,楼下新开了一家面馆。")
    page.click('[data-testid="submit-reply"]')
    page.wait_for_url("**/quizzes/answers/**")
    expect(page.locator('[data-testid="unexplained"]').first).to_be_visible()
