"""The new-hire spreadsheet reader: pure, no database."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import xlsxwriter

from trainer.people import rows

HEADER = "姓名,用户名,入职日期,团队,带教路径\n"


def xlsx_bytes(table: list[list]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, workbook.add_format({"num_format": "yyyy-mm-dd"}))
            else:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(encoding):
    data = (HEADER + "王小明,wangxm,2026-12-01,一组,\n").encode(encoding)
    [row] = rows.sheet_read(filename="x.csv", data=data)
    assert (row.line, row.name, row.username, row.hire_date, row.team, row.path) == (2, "王小明", "wangxm", "2026-12-01", "一组", "")


def test_xlsx_with_a_real_date_cell_and_blank_rows():
    data = xlsx_bytes([["姓名", "用户名", "入职日期", "团队"], ["李四", "lisi", datetime(2026, 12, 3), "二组"], [], ["王五", 1234, "2026/12/4", "二组"]])
    first, second = rows.sheet_read(filename="new.xlsx", data=data)
    assert first.hire_date == date(2026, 12, 3) and first.path == ""
    assert second.username == "1234"  # a number typed as a username stays text, without ".0"


@pytest.mark.parametrize("data, message", [
    (b"\x00\x01garbage", rows.NOT_A_TABLE),
    (b"PK\x03\x04 not really a zip", rows.NOT_A_TABLE),
    ("姓名,用户名\n张三,zs\n".encode(), rows.MISSING_HEADERS),
    (HEADER.encode(), rows.NO_ROWS),
    (b"", rows.NO_ROWS),
    ((HEADER + "a,b,2026-01-01,c,\n" * (rows.MAX_ROWS + 1)).encode(), rows.TOO_MANY_ROWS),
])
def test_files_that_cannot_be_read(data, message):
    with pytest.raises(rows.SheetError) as caught:
        rows.sheet_read(filename="x.csv", data=data)
    assert caught.value.message == message


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01", date(2026, 12, 1)), ("2026/12/1", date(2026, 12, 1)), ("2026.12.01", date(2026, 12, 1)),
    ("2026年12月1日", date(2026, 12, 1)), (date(2026, 1, 2), date(2026, 1, 2)),
    ("12/01/2026", None), ("明天", None), ("2026-02-30", None),
])
def test_hire_dates_as_people_type_them(text, expected):
    assert rows.date_parse(text) == expected
