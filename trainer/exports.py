"""CSV and Excel exports with Chinese headers. The rows are the ones the pages show."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Iterable, Iterator, Sequence

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from .selectors import TraineeProgress

EXPORT_FORMATS = {"csv", "xlsx"}  # the suffixes export URLs accept

STATUS_LABELS = {
    "not_started": "未开始", "in_progress": "进行中", "passed": "已通过", "failed": "未通过", "overdue": "已逾期",
}
GRID_HEADERS = ["学员", "账号", "团队", "入职日期", "带教路径", "完成度(%)", "已完成步骤", "逾期步骤"]
RESULT_HEADERS = ["学员", "账号", "团队", "提交时间", "类型", "模块", "题目", "自动评分", "最终得分", "是否通过",
                  "需复核", "主管已审阅", "开始输入(秒)", "发出回复(秒)", "打字速度(字/分)", "回复内容",
                  "各评分项自动得分", "各评分项最终得分", "审阅人", "审阅点评", "审阅时间"]
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"  # Excel's number format for the date cells
DATE_FORMAT = "yyyy-mm-dd"


def grid_table(rows: list[TraineeProgress], columns) -> tuple[list[str], list[list]]:
    headers = GRID_HEADERS + [f"{c.order}. {c.title}" for c in columns]
    table = []
    for row in rows:
        by_step = {s.step.pk: s for s in row.steps}
        table.append([
            row.trainee.name, row.trainee.username, row.trainee.team.name if row.trainee.team else "",
            row.trainee.hire_date, row.path.name if row.path else "",
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
    review = a.latest_reviews[0] if a.latest_reviews else None  # prefetched, newest first
    auto, final = _criterion_points(a, review)
    return [
        a.user.name, a.user.username, a.user.team.name if a.user.team else "",
        _local(a.submitted_at), attempt.get_mode_display(), module, subject, a.auto_total, a.final_total,
        "是" if a.final_passed else "否", "是" if a.needs_review else "否", "是" if a.reviewed_at else "否",
        round(timing.first_keystroke_ms / 1000, 1) if timing.first_keystroke_ms is not None else "",
        round(timing.reply_ms / 1000, 1) if timing.reply_ms is not None else "",
        timing.chars_per_minute if timing.chars_per_minute is not None else "",
        a.reply_text if a.scenario_id else "", auto, final,
        review.reviewer.name if review else "", review.comment if review else "", _local(review.created_at) if review else None,
    ]


def _criterion_points(answer, review) -> tuple[str, str]:
    """Per criterion "label 得分/满分", joined with ";": as the scorer gave them and as they stand (the
    latest review's, or the scorer's when nobody reviewed). Criteria differ per scenario, so one text
    column each rather than a column per criterion."""
    criteria = (answer.auto_result or {}).get("criteria", []) if answer.scenario_id else []
    final_by_key = {c["key"]: c["final_earned"] for c in review.criteria} if review else {}
    auto = ";".join(f"{c['label']} {_points(c['earned'])}/{_points(c['max'])}" for c in criteria)
    final = ";".join(f"{c['label']} {_points(final_by_key.get(c['key'], c['earned']))}/{_points(c['max'])}"
                     for c in criteria)
    return auto, final


def _points(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _local(moment: datetime | None) -> datetime | None:
    """The shop's local time without a zone (Excel date cells have none), to the minute."""
    return timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else _safe_cell(value)


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """UTF-8 with a byte-order mark so Excel on Windows opens Chinese text correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *,
                  constant_memory: bool = False) -> HttpResponse:
    """An Excel workbook with a bold, frozen header row that carries Excel's filter buttons. Text is never
    turned into a number, formula or link; dates and times are Excel date cells (shop time).

    With `constant_memory` (the export of every answer, whose rows are a generator) XlsxWriter writes
    each row out as it comes, so memory stays flat however many there are. A grid's rows are in
    memory already; it is built in memory too, which spares the temporary files constant_memory
    writes (four times faster on the benchmark machine's disk).
    """
    buffer = io.BytesIO()
    options = {"constant_memory": True} if constant_memory else {"in_memory": True}
    workbook = xlsxwriter.Workbook(buffer, {**options, "strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet)
    worksheet.freeze_panes(1, 0)
    for column, header in enumerate(headers):
        worksheet.set_column(column, column, max(10, min(40, len(str(header)) * 2 + 2)))
    worksheet.write_row(0, 0, [str(h) for h in headers], workbook.add_format({"bold": True}))
    moment, day = workbook.add_format({"num_format": DATETIME_FORMAT}), workbook.add_format({"num_format": DATE_FORMAT})
    number = 0
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                worksheet.write_datetime(number, column, value, moment)
            elif isinstance(value, date):
                worksheet.write_datetime(number, column, value, day)
            else:
                worksheet.write(number, column, _xlsx_cell(value))
    if headers:
        worksheet.autofilter(0, 0, number, len(headers) - 1)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


MAX_CELL_TEXT = 32_767  # Excel's limit per cell


def _xlsx_cell(value):
    """_safe_cell, and text cut at Excel's limit (XlsxWriter would leave a longer text out)."""
    value = _safe_cell(value)
    return value[:MAX_CELL_TEXT] if isinstance(value, str) else value


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
