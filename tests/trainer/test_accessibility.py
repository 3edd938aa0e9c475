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


def test_score_chart_has_a_role_a_name_and_the_numbers_in_a_table():
    series = {"labels": ["11-30", "12-01"], "rows": [["11-30", 55, None], ["12-01", 82, 70]],
              "series": [{"mode": "practice", "label": "练习", "data": [55, 82]},
                         {"mode": "module_quiz", "label": "模块测验", "data": [None, 70]}]}
    html = render_to_string("trainer/_score_chart.html", {"series": series}, request=RequestFactory().get("/"))
    canvas = re.search(r"<canvas[^>]*>", html).group(0)
    assert 'role="img"' in canvas and 'aria-label="' in canvas
    assert re.findall(r'<th scope="col">([^<]+)</th>', html) == ["日期", "练习", "模块测验"]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td></tr>', html)
    assert rows == [("11-30", "55", "—"), ("12-01", "82", "70")]


def test_round_schedule_date_is_iso_so_the_date_input_accepts_it(db):
    form = RoundScheduleForm(teams=Team.objects.all(), initial={"first_day": date(2026, 12, 2)})
    assert 'value="2026-12-02"' in str(form["first_day"])
