"""A new hire logs in and sees the Chinese home page, styled by local CSS."""
from __future__ import annotations

from django.core.management import call_command

from tests.browser.conftest import login


def test_demo_trainee_logs_in_and_sees_chinese_home(page, transactional_db):
    call_command("create_demo_team", stdout=open("/dev/null", "w"))
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录客服训练营"
    login(page, "xinren1", "xinren1-demo-2026")
    assert page.locator("h1").first.inner_text().startswith("你好")
    # Bootstrap really loaded from our own server: the navbar is laid out as flex.
    assert page.locator("nav.navbar").evaluate("el => getComputedStyle(el).display") == "flex"
    assert page.locator("text=课程").first.is_visible()


def test_wrong_password_shows_a_chinese_error(page, transactional_db):
    call_command("create_demo_team", stdout=open("/dev/null", "w"))
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "xinren1")
    page.fill("input[name=password]", "nope")
    page.click("button[type=submit]")
    assert "区分大小写" in page.locator(".alert-danger, .invalid-feedback, .alert").first.inner_text()
    assert page.input_value("input[name=username]") == "xinren1"
