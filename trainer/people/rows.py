"""The new-hire spreadsheet: its Chinese headers, and reading a CSV or XLSX file into plain rows.

Pure: no models, no database (the error texts are only marked for translation), so the file format is tested without either.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_noop

# Column key → header in the template. The first three are required.
COLUMNS = {"name": "姓名", "username": "用户名", "hire_date": "入职日期", "team": "团队", "path": "带教路径"}
REQUIRED_HEADERS = ("姓名", "用户名", "入职日期", "团队")
TEMPLATE_EXAMPLE = ("王小明", "wangxm", "2026-12-01", "一组", "")
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024

# Error texts the file reader gives; the views translate them (they are msgids), tests assert on them.
NOT_A_TABLE = gettext_noop("文件无法读取:请上传 CSV 或 XLSX 文件(可先下载模板)。")
MISSING_HEADERS = gettext_noop("缺少表头:%(headers)s。请使用模板的表头。")
TOO_MANY_ROWS = gettext_noop("一次最多导入 %(n)d 行。")
NO_ROWS = gettext_noop("文件里没有数据行。")


class SheetError(ValueError):
    """The file as a whole cannot be read; `message` is a msgid, `params` its placeholders."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


@dataclass
class RawRow:
    """One data row as written in the file: `line` is its row number in the sheet (header = 1)."""

    line: int
    name: str = ""
    username: str = ""
    hire_date: str | date = ""
    team: str = ""
    path: str = ""
    errors: list[str] = field(default_factory=list)


def _cell(value) -> str | date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_table(table: list[list]) -> list[RawRow]:
    table = [row for row in table if any(_cell(c) != "" for c in row)]
    if not table:
        raise SheetError(NO_ROWS)
    headers = [str(_cell(h)).replace("*", "").strip() for h in table[0]]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        raise SheetError(MISSING_HEADERS, headers="、".join(missing))
    index = {key: headers.index(header) for key, header in COLUMNS.items() if header in headers}
    body = table[1:]
    if not body:
        raise SheetError(NO_ROWS)
    if len(body) > MAX_ROWS:
        raise SheetError(TOO_MANY_ROWS, n=MAX_ROWS)
    rows = []
    for number, cells in enumerate(body, start=2):
        values = {key: _cell(cells[i]) if i < len(cells) else "" for key, i in index.items()}
        rows.append(RawRow(line=number, **values))
    return rows


def sheet_read(*, filename: str, data: bytes) -> list[RawRow]:
    """The data rows of an uploaded CSV (UTF-8, with or without BOM, or GB18030) or XLSX file."""
    if len(data) > MAX_BYTES:
        raise SheetError(NOT_A_TABLE)
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _rows_from_table(_xlsx_table(data))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(NOT_A_TABLE)
    if "\x00" in text:
        raise SheetError(NOT_A_TABLE)
    return _rows_from_table(list(csv.reader(io.StringIO(text))))


def _xlsx_table(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(NOT_A_TABLE) from exc
    try:
        sheet = workbook.worksheets[0]
        # One row past the limit is enough to refuse the file; the rest is never read.
        return [list(row) for _, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True))]
    finally:
        workbook.close()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def date_parse(value: str | date) -> date | None:
    """A hire date as people type it (2026-12-01, 2026/12/1, 2026年12月1日), or None."""
    if isinstance(value, date):
        return value
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None
