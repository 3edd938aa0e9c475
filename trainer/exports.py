"""CSV and Excel exports with Chinese headers. The rows are the ones the pages show."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator, Sequence

from django.http import HttpResponse
from django.utils import timezone

from .selectors import TraineeProgress
from .xlsx import write_workbook

STATUS_LABELS = {
    "not_started": "未开始", "in_progress": "进行中", "passed": "已通过", "failed": "未通过", "overdue": "已逾期",
}
GRID_HEADERS = ["学员", "账号", "团队", "入职日期", "带教路径", "完成度(%)", "已完成步骤", "逾期步骤"]
RESULT_HEADERS = ["学员", "账号", "团队", "提交时间", "类型", "模块", "题目", "自动评分", "最终得分", "是否通过",
                  "需复核", "主管已审阅", "开始输入(秒)", "发出回复(秒)", "打字速度(字/分)"]


def grid_table(rows: list[TraineeProgress], columns) -> tuple[list[str], list[list]]:
    headers = GRID_HEADERS + [f"{c.order}. {c.title}" for c in columns]
    table = []
    for row in rows:
        by_step = {s.step.pk: s for s in row.steps}
        table.append([
            row.trainee.name, row.trainee.username, row.trainee.team.name if row.trainee.team else "",
            row.trainee.hire_date.isoformat() if row.trainee.hire_date else "", row.path.name if row.path else "",
            row.percent, row.done, len(row.overdue),
            *[_cell(by_step.get(c.pk)) for c in columns],
        ])
    return headers, table


def _cell(status) -> str:
    if status is None:
        return ""
    text = STATUS_LABELS[status.status]
    return f"{text} {status.score}" if status.score is not None else text


def results_table(answers: Iterable) -> tuple[list[str], Iterator[list]]:
    """Headers and rows of the results export; rows are produced as the answers stream from the database."""
    return RESULT_HEADERS, (_result_row(a) for a in answers)


def _result_row(a) -> list:
    attempt = a.attempt
    timing = a.timing  # the server's response time; the page's own figures never make a reply look faster
    subject = a.scenario.title if a.scenario_id else a.question.prompt[:60]
    module = (a.scenario or a.question).module.title
    return [
        a.user.name, a.user.username, a.user.team.name if a.user.team else "",
        timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
        attempt.get_mode_display(), module, subject, a.auto_total, a.final_total,
        "是" if a.final_passed else "否", "是" if a.needs_review else "否", "是" if a.reviewed_at else "否",
        round(timing.first_keystroke_ms / 1000, 1) if timing.first_keystroke_ms is not None else "",
        round(timing.reply_ms / 1000, 1) if timing.reply_ms is not None else "",
        timing.chars_per_minute if timing.chars_per_minute is not None else "",
    ]


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """UTF-8 with a byte-order mark so Excel on Windows opens Chinese text correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([_safe_cell(v) for v in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """An Excel workbook with a bold, frozen header row. Text is never turned into formulas or links.

    Rows may be a generator (the export of every answer): the sheet is compressed as they come, so
    memory stays flat however many there are.
    """
    buffer = io.BytesIO()
    write_workbook(buffer, sheet=sheet, headers=list(headers), rows=([_safe_cell(v) for v in row] for row in rows),
                   widths=[max(10, min(40, len(str(header)) * 2 + 2)) for header in headers])
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
