"""A supervisor brings in new hires from a spreadsheet; one signs in with their link; reminders go out."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from courses import clock
from tests.browser.conftest import login
from tests.trainer.test_people_rows import xlsx_bytes
from tests.trainer.test_reminders import Robot
from trainer.demo import DEMO_TEAM_NAME
from trainer.models import Notification, OnboardingPath, Team, User


@pytest.fixture
def robot(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Robot()
    yield server
    server.close()


HEADERS = ["姓名", "用户名", "入职日期", "团队", "带教路径"]


def test_import_three_new_hires_sign_in_and_get_reminded(page, demo, browser, live_server, tmp_path, robot):
    path = OnboardingPath.objects.get(slug="newhire-30-days")
    day = clock.today() - timedelta(days=60)  # long enough ago that steps are overdue
    hired = datetime(day.year, day.month, day.day)  # a real date cell, as Excel saves one
    rows = [["赵一", "zhaoyi", hired, DEMO_TEAM_NAME, path.name],
            ["钱二", "qianer", hired, DEMO_TEAM_NAME, path.name],
            ["孙三", "sunsan", "下周一", DEMO_TEAM_NAME, path.name]]
    wrong, fixed = tmp_path / "新员工.xlsx", tmp_path / "新员工-改.xlsx"
    wrong.write_bytes(xlsx_bytes([HEADERS, *rows]))
    rows[2][2] = hired
    fixed.write_bytes(xlsx_bytes([HEADERS, *rows]))

    login(page, "zhuguan", "zhuguan-demo-2026")
    page.click("nav >> text=人员")
    page.click('[data-testid="people-import"]')
    with page.expect_download() as download:
        page.click('[data-testid="template-xlsx"]')
    assert download.value.suggested_filename.endswith(".xlsx")
    page.set_input_files("input[name=file]", str(wrong))
    page.click('[data-testid="upload"]')
    expect(page.locator('[data-testid="error-count"]')).to_contain_text("1")
    expect(page.locator('tr[data-line="4"] [data-testid="row-error"]')).to_contain_text("入职日期“下周一”无法识别")
    assert page.locator('[data-testid="confirm-import"]').count() == 0
    assert not User.objects.filter(username="zhaoyi").exists()  # nothing saved while one row is wrong

    page.set_input_files("input[name=file]", str(fixed))
    page.click('[data-testid="upload"]')
    expect(page.locator('[data-testid="confirm-import"]')).to_be_visible()  # the new preview has loaded
    assert page.locator('[data-testid="row-error"]').count() == 0
    page.click('[data-testid="confirm-import"]')
    links = page.locator('[data-testid="sign-in-link"]')
    expect(links).to_have_count(3)
    link = page.locator('tr[data-username="qianer"] [data-testid="sign-in-link"]').inner_text()
    assert User.objects.filter(username__in=["zhaoyi", "qianer", "sunsan"], team__name=DEMO_TEAM_NAME).count() == 3

    new_hire = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    new_hire.goto(link)
    new_hire.click('[data-testid="sign-in"]')
    new_hire.wait_for_url("**/accounts/first-password/")
    new_hire.fill("input[name=new_password1]", "Qianer-2026-first")
    new_hire.fill("input[name=new_password2]", "Qianer-2026-first")
    new_hire.click('[data-testid="first-password-form"] button[type=submit]')
    new_hire.wait_for_url(live_server.url + "/")
    expect(new_hire.locator("nav")).to_contain_text("钱二")
    new_hire.goto(link)
    expect(new_hire.locator('[data-testid="link-invalid"]')).to_be_visible()  # used once, gone

    # The supervisor gives the team a group robot; the daily run reaches the group, mailboxes and the app.
    team = Team.objects.get(name=DEMO_TEAM_NAME)
    page.goto(f"/team/settings/{team.pk}/")
    page.fill("input[name=webhook_url]", robot.url)
    page.click('[data-testid="team-webhook"] button[type=submit]')
    expect(page.locator(".alert-success")).to_be_visible()
    new_hire.goto("/notifications/settings/")
    new_hire.fill("input[name=email]", "qianer@example.cn")
    new_hire.check("input[name=email_reminders]")
    new_hire.click('[data-testid="reminder-settings"] button[type=submit]')
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert any(m.to == ["qianer@example.cn"] and "已逾期" in m.body for m in mail.outbox)
    [message] = robot.received
    assert "钱二" in message["body"]["text"]["content"]
    assert Notification.objects.filter(user__username="qianer").exists()
    new_hire.goto("/")
    expect(new_hire.locator('[data-testid="unread-count"]')).to_be_visible()
    new_hire.context.close()
