"""Keyboard only: the skip link, a focus ring of at least 3:1 on everything Tab reaches, and the
navigation, the user menu and everyday tasks without a mouse. (The review screen's keyboard test
belongs to its own branch.)"""
from __future__ import annotations

import re

from tests.browser.conftest import login

# The focused element's outline and the colour behind it (the first ancestor with a background).
FOCUS_STYLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  let bg = 'rgba(0, 0, 0, 0)', p = e.parentElement;
  while (p && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(p).backgroundColor; p = p.parentElement; }
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.innerText || e.name || e.id || '').trim().slice(0, 30), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor, behind: bg, visible: r.width > 0 && r.height > 0,
          height: r.height};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""
    def luminance(rgb):
        def channel(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((luminance(_rgb(a)), luminance(_rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_computed_like_wcag():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert 4.44 < contrast("rgb(108, 117, 125)", "rgb(248, 249, 250)") < 4.45  # Bootstrap's grey on #f8f9fa (axe: 4.44)


def tab_until(page, predicate: str, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies the JS predicate (e => bool); its focus style."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return page.evaluate(FOCUS_STYLE)
    raise AssertionError(f"Tab never reached {predicate} in {limit} presses")


def assert_focus_visible(focus: dict) -> None:
    assert focus["visible"], focus
    assert focus["style"] != "none" and focus["width"] >= 2, f"no visible focus ring on {focus}"
    ratio = contrast(focus["color"], focus["behind"])
    assert ratio >= 3, f"focus ring {focus['color']} on {focus['behind']} is {ratio:.2f}:1 on {focus}"


def test_skip_link_comes_first_and_moves_focus_to_the_content(page, demo):
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.goto("/team/")
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["text"] == "跳到正文"
    assert_focus_visible(focus)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab is inside the content, not back in the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.evaluate("document.activeElement.closest('nav') === null")


def test_focus_ring_is_visible_on_links_buttons_fields_and_nav(page, demo):
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.goto("/team/")
    seen = set()
    # Everything Tab reaches on the team grid (nav, export links, filter fields, grid links).
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus["tag"] == "BODY":
            break
        assert_focus_visible(focus)
        assert focus["height"] >= 24, f"target under 24 px: {focus}"
        seen.add(focus["tag"])
    assert {"A", "BUTTON", "SELECT"} <= seen, seen


def test_navigation_and_user_menu_by_keyboard(page, demo):
    login(page, "zhuguan", "zhuguan-demo-2026")
    tab_until(page, "e => e.matches('nav a.nav-link') && e.textContent.includes('审阅队列')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reviews/")
    # The user menu opens with the keyboard and its items are reachable with the arrow keys.
    tab_until(page, "e => e.matches('.dropdown-toggle')")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "修改密码"
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/password_change/")


def test_collapsed_navigation_on_a_phone_opens_by_keyboard(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "xinren1", "xinren1-demo-2026")
    toggler = tab_until(page, "e => e.matches('.navbar-toggler')")
    assert_focus_visible(toggler)
    page.keyboard.press("Enter")
    page.wait_for_selector("#mainnav.show")
    tab_until(page, "e => e.matches('nav a.nav-link') && e.textContent.includes('课程')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_trainee_practises_a_scenario_without_the_mouse(page, demo):
    from quizzes.models import Answer

    slug = Answer.objects.filter(scenario__isnull=False).order_by("pk").first().scenario.slug
    login(page, "xinren1", "xinren1-demo-2026")
    page.goto(f"/quizzes/practice/scenarios/{slug}/")
    assert_focus_visible(tab_until(page, "e => e.tagName === 'TEXTAREA'"))
    page.keyboard.type("亲,非常抱歉让您久等了,我马上为您查询处理进度。")
    assert_focus_visible(tab_until(page, "e => e.matches('[data-testid=submit-reply]')"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/quizzes/answers/**")
    assert page.locator('[data-testid="criteria-table"]').count() == 1
    assert Answer.objects.filter(user__username="xinren1").count() == 1
