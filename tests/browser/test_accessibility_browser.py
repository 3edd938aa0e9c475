"""WCAG 2.1 A/AA in a real browser: axe-core on every main page, for every role, in Chinese and English.

axe-core comes from the npm registry (package-lock.json, a dev dependency) and is injected here from
node_modules (Playwright's add_init_script); it is never copied into the static files pages are served from.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import REAL_CONTENT, login

AXE = REAL_CONTENT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
LANGUAGES = ("zh-hans", "en")


def _ids() -> dict:
    from courses.models import Lesson, Module
    from quizzes.models import Answer, Question
    from trainer.models import Team, User

    answer = Answer.objects.filter(scenario__isnull=False, user__username="xinren2").order_by("pk").first()
    return {
        "module": Module.objects.order_by("pk").first().slug,
        "lesson": Lesson.objects.order_by("pk").first().slug,
        "scenario": answer.scenario.slug,  # a practice scenario (certification ones are not on /practice/)
        "question": Question.objects.order_by("pk").first().slug,
        "answer": answer.pk,
        "review": Answer.objects.filter(scenario__isnull=False).order_by("pk").first().pk,
        "trainee": User.objects.get(username="xinren2").pk,
        "team": Team.objects.order_by("pk").first().pk,
    }


def _pages(role: str, ids: dict) -> list[tuple[str, str]]:
    """(name, path) of every page a person in this role uses."""
    shared = [
        ("home", "/"),
        ("courses", "/courses/"),
        ("module", f"/courses/modules/{ids['module']}/"),
        ("lesson", f"/courses/lessons/{ids['lesson']}/"),
        ("search", "/courses/search/?q=%E9%80%80%E6%AC%BE"),
        ("practice", "/quizzes/practice/"),
        ("scenario", f"/quizzes/practice/scenarios/{ids['scenario']}/"),
        ("notifications", "/notifications/"),
        ("notification_settings", "/notifications/settings/"),
        ("password_change", "/accounts/password_change/"),
    ]
    if role == "trainee":
        return shared + [
            ("question", f"/quizzes/practice/questions/{ids['question']}/"),
            ("answer", f"/quizzes/answers/{ids['answer']}/"),
            ("module_quizzes", "/quizzes/modules/"),
            ("certification", "/certification/"),
        ]
    return shared + [
        ("team_grid", "/team/"),
        ("path_assign", "/team/assign/"),
        ("trainee_detail", f"/team/trainees/{ids['trainee']}/"),
        ("people", "/people/"),
        ("person_create", "/people/new/"),
        ("people_import", "/people/import/"),
        ("person_detail", f"/people/{ids['trainee']}/"),
        ("team_settings", f"/team/settings/{ids['team']}/"),
        ("review_queue", "/reviews/"),
        ("review_answer", f"/reviews/{ids['review']}/"),
        ("agreement", "/agreement/"),
        ("cert_overview", "/certification/manage/"),
    ]


def _axe(page) -> list[dict]:
    """Run axe on the open page; the serious and critical WCAG 2.1 A/AA violations."""
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def _report(found: list[tuple[str, str, dict]]) -> str:
    lines = []
    for where, lang, violation in found:
        for node in violation["nodes"][:5]:
            lines.append(f"{where} [{lang}] {violation['id']} ({violation['impact']}): {node['target']} "
                         f"— {node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}")
        if len(violation["nodes"]) > 5:
            lines.append(f"{where} [{lang}] {violation['id']}: … {len(violation['nodes']) - 5} more nodes")
    return "\n".join(lines)


def _walk(browser, live_server, username: str, password: str, pages, lang: str):
    context = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", base_url=live_server.url,
                                  bypass_csp=True)  # axe runs as an injected script
    context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    # Into every page of this context, before the page's own scripts (sent to the browser once).
    context.add_init_script(script=AXE.read_text(encoding="utf-8"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if username:
        login(page, username, password)
    found = []
    for name, path in pages:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == lang
        found.extend((name, lang, v) for v in _axe(page))
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    return found


@pytest.mark.parametrize("username,role", [("xinren2", "trainee"), ("zhuguan", "supervisor"), ("admin", "admin")])
def test_no_serious_axe_violations(browser, live_server, demo, username, role):
    assert AXE.exists(), f"{AXE} is missing: npm ci (make assets) installs axe-core"
    pages = _pages("trainee" if role == "trainee" else "supervisor", _ids())
    if role == "admin":
        pages = [p for p in pages if p[0] not in ("team_settings",)]
    found = []
    for lang in LANGUAGES:
        found += _walk(browser, live_server, username, f"{username}-demo-2026", pages, lang)
    assert found == [], "axe found serious/critical WCAG 2.1 A/AA violations:\n" + _report(found)


def test_login_page_has_no_serious_axe_violations(browser, live_server, demo):
    found = []
    for lang in LANGUAGES:
        found += _walk(browser, live_server, "", "", [("login", "/accounts/login/")], lang)
    assert found == [], "axe found serious/critical violations:\n" + _report(found)


# Elements with their own text smaller than 12 px, and links/buttons/fields under 24 px high, on a phone.
SMALL_ON_PHONE = """() => {
  const small = [], tiny = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || e.closest('.visually-hidden, .visually-hidden-focusable, svg, script')) continue;
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && parseFloat(getComputedStyle(e).fontSize) < 12) small.push(e.outerHTML.slice(0, 80));
    if (e.matches('a, button, input, select, textarea') && r.height < 24) tiny.push(e.outerHTML.slice(0, 80));
  }
  return {small, tiny, sideways: document.documentElement.scrollWidth > window.innerWidth};
}"""


def test_phone_text_is_at_least_12px_and_targets_24px(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, "zhuguan", "zhuguan-demo-2026")
    problems = []
    for path in ("/", "/team/", "/reviews/", "/people/", "/certification/manage/"):
        page.goto(path)
        found = page.evaluate(SMALL_ON_PHONE)
        problems += [f"{path} text under 12 px: {html}" for html in found["small"]]
        problems += [f"{path} target under 24 px: {html}" for html in found["tiny"]]
        if found["sideways"]:
            problems.append(f"{path} scrolls sideways at 390 px")
    context.close()
    assert problems == [], "\n".join(problems)
