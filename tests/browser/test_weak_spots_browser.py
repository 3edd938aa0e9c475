"""The supervisor opens the weak-spot heatmap and follows a cell to the answers behind it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_supervisor_follows_a_heatmap_cell_to_its_answers(page, demo):
    login(page, "zhuguan", "zhuguan-demo-2026")
    page.click("nav >> text=薄弱环节")
    heatmap = page.locator('[data-testid="heat-people"]')
    expect(heatmap).to_be_visible()
    cell = heatmap.locator('[data-testid="heat-cell"]').first
    text = cell.inner_text()
    missed = int(re.search(r"\((\d+)/\d+\)", text).group(1))  # the number is printed, not only shaded
    assert re.match(r"\d+%", text)
    criterion = heatmap.locator("thead th").nth(
        cell.evaluate("a => a.parentElement.cellIndex")).inner_text().strip()
    trainee = cell.evaluate("a => a.closest('tr').querySelector('th').innerText").strip()
    assert cell.evaluate("a => getComputedStyle(a.parentElement).backgroundColor") != "rgba(0, 0, 0, 0)"
    cell.click()
    page.wait_for_url(re.compile(r"/team/weak-spots/answers/\?"))
    expect(page.locator('[data-testid="weak-answers-title"]')).to_contain_text(criterion)
    rows = page.locator('[data-testid="weak-answer"]')
    assert rows.count() == min(missed, 20)
    assert all(name == trainee for name in rows.locator("td:first-child").all_inner_texts())
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r"/reviews/\d+/$"))
    expect(page.locator("h1")).to_be_visible()
    page.go_back()
    page.click("nav[aria-label=breadcrumb] >> text=薄弱环节")
    expect(page.locator('[data-testid="heat-tags"]')).to_be_visible()
