"""Accessibility in the server-rendered HTML: skip link, favicon, chart text, ISO date inputs.

The browser side (axe-core on every page, keyboard only) is in tests/browser/test_accessibility_browser.py.
"""
from __future__ import annotations

import re
from datetime import date

from django.template.loader import render_to_string
from django.test import RequestFactory

from trainer.forms import RoundScheduleForm
from trainer.models import Team


def test_skip_link_is_the_first_focusable_element_and_targets_main(db, client, people):
    client.force_login(people.trainee)
    body = client.get("/").content.decode()
    after_body = body[body.index("<body"):]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", after_body).group(0)
    assert 'href="#main"' in first_link and "skip-link" in first_link
    assert '<main class="container pb-5" id="main" tabindex="-1">' in body
    client.cookies["django_language"] = "en"
    assert ">Skip to content</a>" in client.get("/").content.decode()


def test_favicon_ico_points_at_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("/trainer/favicon.svg")


def test_score_chart_has_a_role_a_summary_and_the_numbers_in_a_table():
    series = [{"t": "11-30 10:00", "score": 55, "title": "退款慢"}, {"t": "12-01 09:30", "score": 82, "title": "改地址"}]
    html = render_to_string("_score_chart.html", {"series": series}, request=RequestFactory().get("/"))
    canvas = re.search(r"<canvas[^>]*>", html).group(0)
    assert 'role="img"' in canvas and "2 次情景题作答,最近一次 82 分" in canvas
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td><td>([^<]+)</td><td[^>]*>(\d+)</td></tr>", html)
    assert rows == [("11-30 10:00", "退款慢", "55"), ("12-01 09:30", "改地址", "82")]


def test_round_schedule_date_is_iso_so_the_date_input_accepts_it(db):
    form = RoundScheduleForm(teams=Team.objects.all(), initial={"first_day": date(2026, 12, 2)})
    assert 'value="2026-12-02"' in str(form["first_day"])
