"""The Excel exports: what openpyxl reads back is what went in, typed, with the header bold and frozen,
built in memory (a grid) or in constant memory (every answer, from a generator)."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from trainer.exports import MAX_CELL_TEXT, xlsx_response

BOTH = pytest.mark.parametrize("constant_memory", [False, True])


def _decode_xstring(text):
    """ST_Xstring as Excel reads it: _xHHHH_ is the character HHHH. openpyxl leaves inline text (what
    constant_memory writes) as written, and of shared strings decodes only the escaped underscore."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text) if isinstance(text, str) else text


def _workbook(headers, rows, sheet="s", constant_memory=False):
    response = xlsx_response("export", sheet, headers, rows, constant_memory=constant_memory)
    assert response["Content-Disposition"] == 'attachment; filename="export.xlsx"'
    return load_workbook(io.BytesIO(response.content))


@BOTH
def test_header_is_bold_and_frozen_with_widths(constant_memory):
    sheet = _workbook(["学员", "a" * 30], [["张三", "t1"]], sheet="团队进度", constant_memory=constant_memory).active
    assert sheet.title == "团队进度"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "学员" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == pytest.approx(10, abs=1)
    assert sheet.column_dimensions["B"].width == pytest.approx(40, abs=1)


@BOTH
def test_values_keep_their_type_and_blank_cells_stay_blank(constant_memory):
    row = [3, 2.5, True, False, None, "", "007", "=1+1", "https://example.com", "1e5"]
    sheet = _workbook([f"h{i}" for i in range(len(row))], [row], constant_memory=constant_memory).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells[:4]] == [3, 2.5, True, False]
    assert cells[4].value is None and cells[5].value is None
    assert cells[6].value == "007" and cells[6].data_type == "s"
    assert cells[7].value == "'=1+1" and cells[7].data_type == "s"  # text, never a formula
    assert cells[8].value == "https://example.com" and cells[8].hyperlink is None
    assert cells[9].value == "1e5" and cells[9].data_type == "s"


@BOTH
@pytest.mark.parametrize("text", [
    "<b>&amp;</b> \"quoted\" 'single'", "  leading and trailing  ", "line one\nline two\tcolumn",
    "😀 emoji and \u200f right-to-left mark עברית", "\x01\x0b\x1f control characters", "_x0041_ looks like an escape",
    "SELECT * FROM users; -- ' OR 1=1", "全角，标点。和中文",
])
def test_text_comes_back_exactly(text, constant_memory):
    sheet = _workbook(["h"], [[text]], constant_memory=constant_memory).active
    value = sheet["A2"].value
    assert _decode_xstring(value) == text if constant_memory else text in (value, _decode_xstring(value))


@BOTH
def test_overlong_text_is_cut_at_excels_limit(constant_memory):
    sheet = _workbook(["a"], [["长" * (MAX_CELL_TEXT + 10)]], constant_memory=constant_memory).active
    assert len(sheet["A2"].value) == MAX_CELL_TEXT


@BOTH
def test_many_rows_from_a_generator_and_wide_rows(constant_memory):
    width = 60  # past column Z
    rows = ([n, f"trainee {n}", "已通过" if n % 2 else "未开始", *range(width - 3)] for n in range(1234))
    sheet = _workbook([f"c{i}" for i in range(width)], rows, sheet="全部成绩", constant_memory=constant_memory).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1234
    assert values[0][:3] == (0, "trainee 0", "未开始") and values[1233][:3] == (1233, "trainee 1233", "已通过")
    assert values[500][width - 1] == width - 4 and sheet.max_column == width
