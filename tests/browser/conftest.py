"""Playwright for Python driving Debian's chromium (its own browser download is not available here)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
REAL_CONTENT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context; fails the test on any dialog (an XSS would open one) or page error."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.dialogs = []
    page.errors = []
    page.external_requests = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request):
        if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
            page.external_requests.append(request.url)

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("request", on_request)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert page.dialogs == [], f"a dialog opened: {page.dialogs}"
    assert page.errors == [], f"JavaScript errors: {page.errors}"
    assert page.external_requests == [], f"requests left the machine: {page.external_requests}"


@pytest.fixture
def demo(transactional_db):
    """The shipped course, bank and onboarding path, and the demo team (the supervisor zhuguan)."""
    from django.core.management import call_command

    from courses.services import curriculum_load
    from quizzes.services import bank_apply, bank_parse
    from trainer.services import onboarding_load

    curriculum_load(root=REAL_CONTENT / "courses" / "content")
    bank_apply(bank=bank_parse(root=REAL_CONTENT / "quizzes" / "content"))
    onboarding_load(path=REAL_CONTENT / "trainer" / "content" / "onboarding.toml")
    call_command("create_demo_team", stdout=open("/dev/null", "w"))


def login(page, username: str, password: str = "test-pass-123") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def fill_attempt_page(page, attempt) -> None:
    """Type every model answer and tick every right choice of an attempt on its page."""
    for answer in attempt.answers.select_related("scenario", "question").order_by("position"):
        if answer.scenario_id:
            page.fill(f"textarea[name=reply_{answer.pk}]", answer.scenario.model_answer)
        else:
            for index in answer.question.answer:
                _check(page.locator(f"input[name=choice_{answer.pk}][value='{index}']"))


def _check(choice, attempts: int = 3) -> None:
    """Tick a choice like a person clicking it. Under load a click sometimes left the radio unticked
    ("Clicking the checkbox did not change its state"), most likely because the page moved between
    Playwright's stability check and the click (the autosave line updates every few seconds); try again."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            choice.check()
            return
        except Error:
            if attempt == attempts - 1:
                raise
