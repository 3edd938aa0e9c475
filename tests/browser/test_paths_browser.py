"""Onboarding paths in a real browser: a supervisor gives a trainee the after-sales track (confirming what
it replaces), grants a 3-day extension, and the trainee's home shows the moved due date; the practice
list's filter and tried / best marks."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login
from trainer import selectors
from trainer.models import OnboardingPath, PathAssignment, PersonChange, User


def test_supervisor_assigns_the_aftersales_track_and_an_extension(page, demo, browser, live_server):
    trainee = User.objects.get(username="xinren1")
    aftersales = OnboardingPath.objects.get(slug="aftersales-track")
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.click("text=团队进度")
    page.click('[data-testid="assign-link"]')
    page.locator("#id_path").select_option(label=aftersales.name)
    page.locator("#id_trainee").select_option(str(trainee.pk))
    page.click('[data-testid="assign-form"] button[type="submit"]')
    preview = page.locator('[data-testid="path-change-preview"]')
    expect(preview).to_contain_text("林小满")
    expect(preview).to_contain_text("新人 30 天带教路径")
    assert PathAssignment.objects.get(trainee=trainee).path.slug == "newhire-30-days"  # not yet
    page.click('[data-testid="confirm-form"] button[type="submit"]')
    expect(page.locator("body")).to_contain_text("已为 1 名学员分配")
    assert PathAssignment.objects.get(trainee=trainee).path == aftersales

    page.goto(f"/people/{trainee.pk}/")
    expect(page.locator('[data-testid="followed-path"]')).to_contain_text(aftersales.name)
    form = page.locator('[data-testid="extension-form"]')
    form.get_by_label("延长天数").fill("3")
    form.get_by_label("原因").fill("家里有事请假三天")
    form.locator('button[type="submit"]').click()
    expect(page.locator("body")).to_contain_text("已延期 3 天")
    expect(page.locator('[data-testid="changes"]')).to_contain_text("家里有事请假三天")
    assert PersonChange.objects.filter(person=trainee, action="extension", actor__username="zhuguan").exists()

    progress = selectors.progress_for(trainees=selectors.trainees_with_paths(user=trainee))[0]
    due = progress.next_step.due_on
    trainee_page = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(trainee_page, "xinren1", "xinren1-demo-2026")
    expect(trainee_page.locator('[data-testid="next-due"]')).to_contain_text(f"{due.month:02d}月{due.day:02d}日")
    expect(trainee_page.locator('[data-testid="next-due"]')).to_contain_text("已延期 3 天")
    expect(trainee_page.locator("body")).to_contain_text(aftersales.name)
    trainee_page.context.close()


def test_practice_list_filter_and_marks(page, demo):
    from quizzes.models import Answer

    login(page, "xinren2", "xinren2-demo-2026")
    answer = Answer.objects.filter(user__username="xinren2", scenario__isnull=False).select_related(
        "scenario__module").order_by("-final_total").first()
    scenario = answer.scenario
    page.goto("/quizzes/practice/")
    page.locator("#f-module").select_option(scenario.module.slug)
    page.click('[data-testid="practice-filter"] button[type="submit"]')
    cards = page.locator('[data-testid^="scenario-"]')
    expect(cards.first).to_be_visible()
    assert all(scenario.module.title in text for text in cards.all_inner_texts())
    mark = page.locator(f'[data-testid="mark-{scenario.slug}"]')
    expect(mark).to_contain_text("练过")
    expect(mark).to_contain_text(f"最好 {answer.final_total} 分")


def test_phone_navbar_menu_button_sits_at_the_right(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 800})
    phone = context.new_page()
    login(phone, "xinren1", "xinren1-demo-2026")
    toggler = phone.locator(".navbar-toggler").bounding_box()
    container = phone.locator("nav.navbar .container").bounding_box()
    language = phone.locator("nav.navbar form[action$='/i18n/setlang/']").bounding_box()
    # The button ends at the bar's right edge (less the container's padding), after the language button.
    assert container["x"] + container["width"] - (toggler["x"] + toggler["width"]) <= 16
    assert toggler["x"] > language["x"] + language["width"]
    assert toggler["width"] >= 24 and toggler["height"] >= 24
    phone.click(".navbar-toggler")
    expect(phone.locator('[data-testid="nav-search"]')).to_be_visible()
    context.close()
