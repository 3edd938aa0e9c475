"""Supervisor review and certification, walked in a real browser."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from quizzes.models import Answer, Review
from tests.browser.conftest import fill_attempt_page, login
from trainer.models import CertificationAttempt


def test_supervisor_overrides_a_criterion_and_trainee_sees_it(page, demo, browser, live_server):
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.click("text=团队进度")
    # Locator.count() does not wait; expect() does, so the grid is read only once its page has loaded.
    expect(page.locator('[data-testid="team-grid"] tbody tr')).to_have_count(3)
    # The compact grid cells still look like Bootstrap badges on the status colour (site.css .gc).
    badge = page.locator('[data-testid="team-grid"] td.gc > b').first
    assert badge.evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    assert badge.evaluate("e => getComputedStyle(e).display") == "inline-block"
    assert badge.evaluate("e => getComputedStyle(e.parentElement).backgroundColor") != "rgba(0, 0, 0, 0)"
    with page.expect_download() as download:
        page.click('[data-testid="export-xlsx"]')
    assert download.value.suggested_filename.endswith(".xlsx")
    page.click("nav >> text=审阅队列")
    first = page.locator('[data-testid="queue-item"]').first
    expect(first.locator("svg.bi-flag-fill")).to_have_count(1)  # flagged answers come first
    first.click()
    page.wait_for_url(re.compile(r"/reviews/\d+/$"))  # page.url does not wait for the navigation
    answer = Answer.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    # Looking takes no lock; 开始审阅 does, and the screen says until when.
    assert page.locator('[data-testid="submit-review"]').is_disabled()
    page.click('[data-testid="start-review"]')
    expect(page.locator('[data-testid="lock-mine"]')).to_be_visible()
    criterion = answer.auto_result["criteria"][0]
    page.fill(f"input[name=points_{criterion['key']}]", str(criterion["max"]))
    page.fill("textarea[name=comment]", "先说抱歉,再给替代方案。")
    # Select a passage of the reply to comment on it.
    page.locator("#review-reply .reply-box").select_text()
    page.locator("#review-reply .reply-box").dispatch_event("mouseup")
    assert page.input_value("input[name=quote_1]") == answer.reply_text.strip()
    page.fill("input[name=note_1]", "这一句太生硬")
    page.click('[data-testid="submit-review"]')
    page.wait_for_url(lambda url: f"/reviews/{answer.pk}/" not in url)
    review = answer.reviews.get()
    assert review.criteria[0]["final_earned"] == criterion["max"]
    page.click("nav >> text=评分一致性")
    # The demo team comes with two reviewed answers (one of them disputed).
    assert page.locator('[data-testid="reviewed-count"]').inner_text() == str(Review.objects.count())

    trainee_page = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(trainee_page, answer.user.username, f"{answer.user.username}-demo-2026")
    assert trainee_page.locator('[data-testid="unread-count"]').inner_text() == "1"
    trainee_page.click('[data-testid="notifications-link"]')
    trainee_page.locator('[data-testid="notification-list"] a').first.click()
    assert "先说抱歉,再给替代方案。" in trainee_page.locator('[data-testid="review"]').inner_text()
    assert "这一句太生硬" in trainee_page.locator('[data-testid="review"]').inner_text()
    assert trainee_page.locator('[data-testid="total"]').inner_text().startswith(str(review.final_total))
    trainee_page.context.close()


def test_trainee_takes_a_timed_certification_exam(page, demo):
    login(page, "xinren1", "xinren1-demo-2026")
    page.click("nav >> text=认证考试")
    page.click('[data-testid="start-exam"]')
    expect(page.locator('[data-testid="timer"]')).to_contain_text("剩余")
    cert = CertificationAttempt.objects.get()
    answers = list(cert.attempt.answers.select_related("scenario", "question").order_by("position"))
    first_scenario = next(a for a in answers if a.scenario_id)
    page.fill(f"textarea[name=reply_{first_scenario.pk}]", first_scenario.scenario.model_answer)
    expect(page.locator('[data-testid="autosave-status"]')).to_contain_text("已自动保存", timeout=12_000)
    first_scenario.refresh_from_db()
    assert first_scenario.reply_text == first_scenario.scenario.model_answer  # autosaved on the server
    fill_attempt_page(page, cert.attempt)
    page.click('[data-testid="submit-attempt"]')
    page.wait_for_url("**/certification/**")
    cert.attempt.refresh_from_db()
    assert cert.attempt.passed
    # Its replies wait for a supervisor: a provisional total, no band or certificate yet.
    expect(page.locator('[data-testid="cert-pending"]')).to_contain_text("待主管审阅")
    expect(page.locator('[data-testid="certificate-link"]')).to_have_count(0)
    from trainer.models import User
    from trainer.services import review_submit_and_notify

    supervisor = User.objects.get(username="zhuguan")
    for answer in cert.attempt.answers.filter(scenario__isnull=False).select_related("scenario"):
        review_submit_and_notify(answer=answer, reviewer=supervisor, points={}, comment="", passages=[],
                                 seen_review_id=None)
    page.reload()
    assert "绩效档位" in page.locator('[data-testid="cert-band"]').inner_text()
    page.click('[data-testid="certificate-link"]')
    code = page.locator('[data-testid="verification-code"]').inner_text()
    page.context.clear_cookies()
    page.goto(f"/verify/{code}/")
    assert "证书有效" in page.locator('[data-testid="verify-result"]').inner_text()


def test_supervisor_pages_through_a_trainees_answers_and_the_queue(page, demo):
    """More answers than a page holds: the detail and the queue show a page each, and paging loses none."""
    from quizzes.models import Scenario
    from tests.trainer.conftest import submit_reply
    from trainer.models import User
    from trainer.selectors import TRAINEE_DETAIL_ANSWERS

    trainee = User.objects.get(username="xinren2")
    scenarios = list(Scenario.objects.order_by("slug")[:30])
    for scenario in scenarios:
        submit_reply(trainee, scenario, scenario.model_answer)
    total = Answer.objects.filter(user=trainee, submitted_at__isnull=False).count()
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.click("text=团队进度")
    page.click('[data-testid="grid-row-xinren2"] a')
    links = page.locator('[data-testid="trainee-answers"] tr a')
    expect(links).to_have_count(TRAINEE_DETAIL_ANSWERS)  # waits for the detail page
    seen, number = [], 1
    while True:
        # Wait until the page shown is the one asked for, so no links of the previous page are read.
        expect(page.locator('[data-testid="pagination"]')).to_contain_text(f"{number} /")
        seen += [links.nth(i).get_attribute("href") for i in range(links.count())]
        following = page.locator('[data-testid="pagination"] >> text=下一页')
        if not following.count():
            break
        following.click()
        number += 1
    assert number > 1 and len(seen) == len(set(seen)) == total  # every answer on exactly one page

    page.click("nav >> text=审阅队列")
    items = page.locator('[data-testid="queue-item"]')
    expect(items).to_have_count(25)  # waits for the queue page
    first_page = {items.nth(i).get_attribute("href") for i in range(items.count())}
    assert len(first_page) == 25
    page.locator('[data-testid="pagination"] >> text=下一页').click()
    expect(page.locator('[data-testid="pagination"]')).to_contain_text("2 /")
    second_page = {items.nth(i).get_attribute("href") for i in range(items.count())}
    assert second_page and not first_page & second_page


def test_supervisor_assigns_a_path_to_a_new_hire(page, demo):
    """From the grid to the assignment page: a refused form keeps the choice, a new hire gets the path
    and leaves the list of trainees without one."""
    from trainer.models import PathAssignment, Team, User

    team = Team.objects.filter(supervisors__username="zhuguan").first()
    newcomer = User.objects.create_user(username="xinlai", display_name="新来的小林", role="trainee", team=team,
                                        password="xinlai-demo-2026")
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.click("text=团队进度")
    page.click('[data-testid="assign-link"]')
    unassigned = page.locator('[data-testid="unassigned"]')
    expect(unassigned).to_contain_text("新来的小林")
    page.locator("#id_path").select_option(index=1)  # 0 is the empty choice
    page.click('[data-testid="assign-form"] button[type="submit"]')
    expect(page.locator('[data-testid="assign-form"]')).to_contain_text("请选择一个团队或一名学员。")
    expect(page.locator("#id_path")).not_to_have_value("")  # the refused form keeps the chosen path
    unassigned.locator("tr", has_text="新来的小林").locator("a").click()
    expect(page.locator("#id_trainee")).to_have_value(str(newcomer.pk))
    page.locator("#id_path").select_option(index=1)  # 0 is the empty choice
    page.click('[data-testid="assign-form"] button[type="submit"]')
    expect(page.locator("body")).to_contain_text("已为 1 名学员分配")
    expect(page.locator('[data-testid="grid-row-xinlai"]')).to_be_visible()
    assert PathAssignment.objects.filter(trainee=newcomer).exists()
    page.click('[data-testid="assign-link"]')
    expect(page.locator('[data-testid="unassigned"]')).not_to_contain_text("新来的小林")
