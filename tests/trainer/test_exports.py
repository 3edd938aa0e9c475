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
    assert submitted.value == datetime(2026, 3, 2, 7, 30) and submitted.is_date  # an Excel date, shop time
    assert name.value == "007" and name.data_type == "s"
    assert team.value == "https://example.com/team" and team.hyperlink is None


def test_results_export_carries_reply_criteria_review_and_real_dates(content, people, client_for):
    """Reply text, per-criterion automatic and final points, reviewer, comment, dates as Excel dates,
    filter buttons on the frozen header; the CSV has the same columns."""
    from datetime import datetime

    from quizzes.models import Answer
    from trainer.exports import RESULT_HEADERS
    from trainer.services import review_submit_and_notify

    scenario = Scenario.objects.order_by("slug").first()
    reviewed = submit_reply(people.trainee, scenario, scenario.model_answer)
    untouched = submit_reply(people.teammate, scenario, "亲,您好")
    first = reviewed.auto_result["criteria"][0]
    review_submit_and_notify(answer=Answer.objects.get(pk=reviewed.pk), reviewer=people.supervisor,
                             points={first["key"]: 0}, comment="先回答买家的问题", passages=[], seen_review_id=None)
    client = client_for(people.supervisor)
    book = load_workbook(io.BytesIO(client.get(reverse("trainer:results_export", args=["xlsx"])).content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == RESULT_HEADERS
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    assert sheet.freeze_panes == "A2"
    rows = {r[1].value: {h: c for h, c in zip(header, r)} for r in sheet.iter_rows(min_row=2)}
    mine, theirs = rows["t1"], rows["t2"]
    assert mine["回复内容"].value == scenario.model_answer
    assert theirs["回复内容"].value == "亲,您好"
    label = f"{first['label']} {first['earned']:g}/{first['max']:g}"
    assert label in mine["各评分项自动得分"].value
    assert f"{first['label']} 0/{first['max']:g}" in mine["各评分项最终得分"].value
    assert theirs["各评分项自动得分"].value == theirs["各评分项最终得分"].value  # nobody reviewed: the scorer's
    assert mine["审阅人"].value == people.supervisor.name and mine["审阅点评"].value == "先回答买家的问题"
    for cell in (mine["提交时间"], mine["审阅时间"], theirs["提交时间"]):
        assert cell.is_date and isinstance(cell.value, datetime) and cell.number_format == "yyyy-mm-dd hh:mm"
    assert theirs["审阅时间"].value is None and theirs["审阅人"].value is None
    body = client.get(reverse("trainer:results_export", args=["csv"])).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0] == RESULT_HEADERS
    csv_mine = dict(zip(table[0], next(r for r in table[1:] if r[1] == "t1")))
    assert csv_mine["审阅点评"] == "先回答买家的问题"
    assert csv_mine["提交时间"] == mine["提交时间"].value.strftime("%Y-%m-%d %H:%M")
    assert csv_mine["各评分项最终得分"] == mine["各评分项最终得分"].value


def test_results_export_queries_do_not_grow(content, people, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes.models import Answer
    from trainer.services import review_submit_and_notify

    scenarios = list(Scenario.objects.order_by("slug")[:6])
    client = client_for(people.supervisor)

    def add(n):
        for scenario in scenarios[:n]:
            answer = submit_reply(people.trainee, scenario, scenario.model_answer)
            review_submit_and_notify(answer=Answer.objects.get(pk=answer.pk), reviewer=people.supervisor, points={},
                                     comment="好", passages=[], seen_review_id=None)

    add(1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("trainer:results_export", args=["xlsx"]))
    add(6)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("trainer:results_export", args=["xlsx"]))
    assert len(large) == len(small)


def test_grid_hire_date_is_a_date_cell(assigned, people, client_for):
    from datetime import datetime

    response = client_for(people.supervisor).get(reverse("trainer:team_grid_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet["D2"]
    assert cell.is_date and cell.value == datetime.combine(people.trainee.hire_date, datetime.min.time())
    assert sheet.auto_filter.ref is not None
