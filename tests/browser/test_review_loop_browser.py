"""A review that closes the loop, in a real browser: the supervisor overrides a criterion to 0 and
comments on a passage by keyboard alone, the trainee sees the supervisor's verdict beside the
scorer's and disputes, another supervisor of the team resolves, the trainee sees the resolution."""
from __future__ import annotations

from playwright.sync_api import expect

from quizzes import grading
from quizzes.models import Answer, ReviewResponse
from quizzes.scoring.credit import total_from_points
from tests.browser.conftest import login
from trainer.models import Role, Team, User


def _keyboard_fill(page, selector: str, text: str) -> None:
    page.focus(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_review_dispute_and_resolution(page, demo, browser, live_server):
    team = Team.objects.get(supervisors__username="zhuguan")
    second = User.objects.create_user(username="wuzhuguan", password="wu-demo-2026", role=Role.SUPERVISOR,
                                      display_name="吴主管")
    team.supervisors.add(second)
    answer = (Answer.objects.filter(user__username="xinren3", scenario__isnull=False, reviewed_at__isnull=True)
              .order_by("-auto_total").first())
    criterion = next(c for c in answer.auto_result["criteria"] if c.get("met") and c["earned"] > 0)
    criteria = answer.auto_result["criteria"]
    # The engine's credit rule over the points with this criterion at 0 (the page shows the server's rule).
    expected_total = total_from_points([(0 if c["key"] == criterion["key"] else c["earned"], c["max"]) for c in criteria],
                                       pass_mark=answer.rubric.snapshot["pass_mark"],
                                       capped=bool(grading.capping_reasons(answer.auto_result)))

    # The supervisor, keyboard only: start, override, see the running total, quote a passage, submit.
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.goto(f"/reviews/{answer.pk}/")
    page.focus('[data-testid="start-review"]')
    page.keyboard.press("Enter")
    expect(page.locator('[data-testid="lock-mine"]')).to_be_visible()
    _keyboard_fill(page, f"input[name=points_{criterion['key']}]", "0")
    expect(page.locator('[data-testid="running-total"]')).to_have_text(str(expected_total))
    page.focus(f"input[name=remark_{criterion['key']}]")
    page.keyboard.type("这一项没有真正说到")
    quote = answer.reply_text.strip()[:6]
    page.focus("input[name=quote_1]")  # the quote field takes typing
    page.keyboard.type(quote)
    page.keyboard.press("Tab")  # the "quote the selection" button
    page.keyboard.press("Tab")
    page.keyboard.type("开头可以更热情")
    # Or: select text of the reply (here by the Selection API, as Shift+arrows would) and press the button.
    selected = page.evaluate("""() => { const box = document.querySelector('#review-reply .reply-box');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode(); while (node && node.textContent.trim().length < 3) { node = walker.nextNode(); }
        const start = node.textContent.search(/\\S/);
        const range = document.createRange(); range.setStart(node, start); range.setEnd(node, start + 3);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(range); return s.toString(); }""")
    page.focus('[data-quote-button="2"]')
    page.keyboard.press("Enter")
    assert page.input_value("input[name=quote_2]") == selected.strip() and selected.strip() in answer.reply_text
    expect(page.locator("input[name=note_2]")).to_be_focused()
    page.keyboard.type("第二条批注")
    page.focus('[data-testid="submit-review"]')
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: f"/reviews/{answer.pk}/" not in url)
    answer.refresh_from_db()
    assert answer.final_total == expected_total
    review = answer.reviews.get()
    assert sorted(c.text for c in review.comments.all()) == sorted(["开头可以更热情", "第二条批注"])

    # The trainee: the supervisor's 0 beside the scorer's tick, the passage marked; a dispute needs a reason.
    trainee = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(trainee, "xinren3", "xinren3-demo-2026")
    trainee.goto(answer.get_absolute_url())
    row = trainee.locator(f'[data-testid="verdict-row"][data-key="{criterion["key"]}"]')
    expect(row.locator('[data-testid="final-points"]')).to_contain_text("未达到")
    expect(row.locator('[data-testid="auto-points"]')).to_contain_text("达到")
    expect(row).to_contain_text("这一项没有真正说到")
    expect(trainee.locator('[data-testid="passage-mark"]').first).to_have_attribute("aria-describedby", "passage-note-1")
    expect(trainee.locator('[data-testid="passage-notes"]')).to_contain_text("开头可以更热情")
    trainee.click('[data-testid="dispute-submit"]')
    expect(trainee.locator('[data-testid="dispute-error"]')).to_be_visible()
    trainee.fill("textarea[name=reason]", "我说到了这一项,请再看一下")
    trainee.click('[data-testid="dispute-submit"]')
    expect(trainee.locator('[data-testid="dispute-open"]')).to_contain_text("吴主管")
    dispute = ReviewResponse.objects.get(review=review)
    assert dispute.assigned_to == second

    # The other supervisor: the dispute on their home page; puts the points back with a reason.
    other = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(other, "wuzhuguan", "wu-demo-2026")
    other.goto("/")
    other.locator(f'[data-testid="dispute-item"][href="/reviews/disputes/{dispute.pk}/"]').click()
    expect(other.locator('[data-testid="dispute-reason"]')).to_contain_text("我说到了这一项")
    _keyboard_fill(other, f"input[name=points_{criterion['key']}]", str(criterion["earned"]))
    expect(other.locator('[data-testid="running-total"]')).to_have_text(str(answer.auto_total))
    other.fill("textarea[name=resolution]", "复核后确实说到了,按系统评分。")
    other.click('[data-testid="resolve-submit"]')
    other.wait_for_url("**/reviews/")
    dispute.refresh_from_db()
    assert dispute.outcome == ReviewResponse.Outcome.CHANGED

    trainee.reload()
    expect(trainee.locator('[data-testid="dispute-resolution"]')).to_contain_text("复核后确实说到了")
    expect(trainee.locator('[data-testid="total"]')).to_contain_text(str(answer.auto_total))
    expect(trainee.locator(f'[data-testid="verdict-row"][data-key="{criterion["key"]}"] [data-testid="final-points"]')
           ).not_to_contain_text("未达到")
    for context_page in (trainee, other):
        context_page.context.close()


def test_the_running_total_keeps_a_cap_until_it_is_ticked_as_not_applying(page, demo):
    """A capped reply (the model reply with a rude tail): full points still show the cap; ticking the
    cap shows the uncapped total, which is what the review then records."""
    from quizzes.models import Scenario
    from quizzes.services import ReplyInput, practice_answer_submit

    trainee = User.objects.get(username="xinren3")
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    answer = practice_answer_submit(user=trainee, scenario=scenario,
                                    data=ReplyInput(reply_text=scenario.model_answer + "爱买不买。"))
    caps = grading.capping_reasons(answer.auto_result)
    assert caps and answer.auto_total < answer.pass_mark
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.goto(f"/reviews/{answer.pk}/")
    page.click('[data-testid="start-review"]')
    expect(page.locator('[data-testid="lock-mine"]')).to_be_visible()
    running = page.locator('[data-testid="running-total"]')
    expect(running).to_have_text(str(answer.auto_total))  # untouched: the automatic total
    for c in answer.auto_result["criteria"]:
        page.fill(f"input[name=points_{c['key']}]", str(c["max"]))
    capped = min(35, answer.rubric.snapshot["pass_mark"] - 1)
    expect(running).to_have_text(str(max(capped, answer.auto_total)))
    for cap in caps:
        page.check(f"input[name=clear_cap_{cap['code']}]")
    expect(running).to_have_text("100")
    page.click('[data-testid="submit-review"]')
    page.wait_for_url(lambda url: f"/reviews/{answer.pk}/" not in url)
    answer.refresh_from_db()
    assert answer.final_total == 100
