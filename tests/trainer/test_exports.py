"""Exports: Chinese headers, the same numbers as the page, only the supervisor's own trainees."""
from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from courses.models import Lesson
from courses.services import lesson_complete
from quizzes.models import Scenario
from tests.trainer.conftest import submit_reply
from trainer import selectors


def test_grid_csv_matches_the_page(assigned, people, client_for):
    lesson_complete(user=people.trainee, lesson=Lesson.objects.order_by("module__order", "order").first())
    client = client_for(people.supervisor)
    response = client.get(reverse("trainer:team_grid_export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["学员", "账号", "团队", "入职日期", "带教路径", "完成度(%)"]
    by_user = {r[1]: r for r in rows[1:]}
    assert set(by_user) == {"t1", "t2"}
    page = client.get(reverse("trainer:team_grid")).content.decode()
    progress = {p.trainee.username: p for p in selectors.progress_for(trainees=selectors.trainees_with_paths(user=people.supervisor))}
    for username, row in by_user.items():
        assert int(row[5]) == progress[username].percent
        assert f'data-testid="percent-{username}">{row[5]}%' in page
        assert int(row[7]) == len(progress[username].overdue)


def test_grid_xlsx_opens_with_chinese_headers(assigned, people, client_for):
    response = client_for(people.supervisor).get(reverse("trainer:team_grid_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "团队进度" and sheet["A1"].value == "学员" and sheet.max_row == 3


def test_results_export_lists_every_answer_of_own_trainees(content, people, client_for):
    scenario = Scenario.objects.first()
    submit_reply(people.trainee, scenario, scenario.model_answer)
    submit_reply(people.outsider, scenario, "=HYPERLINK(\"x\")")
    response = client_for(people.supervisor).get(reverse("trainer:results_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["学员", "账号", "团队"] and len(values) == 2 and values[1][1] == "t1"


def test_formula_text_is_neutralised(content, people, client_for):
    scenario = Scenario.objects.first()
    people.trainee.display_name = "=cmd|' /C calc'!A0"
    people.trainee.save()
    submit_reply(people.trainee, scenario, scenario.model_answer)
    body = client_for(people.supervisor).get(reverse("trainer:results_export", args=["csv"])).content.decode("utf-8-sig")
    assert "'=cmd" in body


def test_unknown_export_format_is_404(assigned, people, client_for):
    assert client_for(people.supervisor).get(reverse("trainer:team_grid_export", args=["pdf"])).status_code == 404


def test_results_export_times_are_shop_local_and_text_stays_text(content, people, client_for):
    """Times are the shop's clock (Asia/Shanghai); text that looks like a number or a link stays text."""
    from datetime import datetime, timezone as dt_timezone

    from quizzes.models import Answer

    scenario = Scenario.objects.first()
    people.trainee.display_name = "007"
    people.trainee.save()
    people.trainee.team.name = "https://example.com/team"
    people.trainee.team.save()
    submit_reply(people.trainee, scenario, scenario.model_answer)
    Answer.objects.filter(user=people.trainee).update(submitted_at=datetime(2026, 3, 1, 23, 30, tzinfo=dt_timezone.utc))
    response = client_for(people.supervisor).get(reverse("trainer:results_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    name, _username, team, submitted = next(sheet.iter_rows(min_row=2, max_col=4))
    assert submitted.value == "2026-03-02 07:30"
    assert name.value == "007" and name.data_type == "s"
    assert team.value == "https://example.com/team" and team.hyperlink is None
