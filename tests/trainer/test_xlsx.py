"""The workbook writer: what openpyxl reads back is what went in, typed, with the header bold and frozen."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from trainer.xlsx import MAX_CELL_TEXT, TEXT_CACHE_LIMIT, column_letters, write_workbook


def _decode_xstring(text):
    """ST_Xstring as Excel reads it: _xHHHH_ is the character HHHH (openpyxl leaves inline text as written)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text) if isinstance(text, str) else text


def _workbook(headers, rows, **kwargs):
    stream = io.BytesIO()
    write_workbook(stream, headers=headers, rows=rows, **kwargs)
    assert zipfile.ZipFile(io.BytesIO(stream.getvalue())).testzip() is None
    return load_workbook(io.BytesIO(stream.getvalue()))


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_header_is_bold_and_frozen_with_widths():
    sheet = _workbook(["学员", "账号"], [["张三", "t1"]], sheet="团队进度", widths=[12, 30]).active
    assert sheet.title == "团队进度"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "学员" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 12 and sheet.column_dimensions["B"].width == 30


def test_values_keep_their_type_and_blank_cells_stay_blank():
    row = [3, 2.5, True, False, None, "", "007", "=1+1", "https://example.com", float("nan")]
    sheet = _workbook([f"h{i}" for i in range(len(row))], [row], sheet="s").active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells[:4]] == [3, 2.5, True, False]
    assert cells[4].value is None and cells[5].value is None
    assert cells[6].value == "007" and cells[6].data_type == "s"
    assert cells[7].value == "=1+1" and cells[7].data_type == "s"  # text, never a formula
    assert cells[8].hyperlink is None
    assert cells[9].value == "nan" and cells[9].data_type == "s"


@pytest.mark.parametrize("text", [
    "<b>&amp;</b> \"quoted\" 'single'", "  leading and trailing  ", "line one\nline two\tcolumn",
    "😀 emoji and \u200f right-to-left mark עברית", "\x01\x0b\x1f control characters", "_x0041_ looks like an escape",
    "SELECT * FROM users; -- ' OR 1=1", "全角，标点。和中文",
])
def test_text_comes_back_exactly(text):
    sheet = _workbook(["h"], [[text]], sheet="s").active
    assert _decode_xstring(sheet["A2"].value) == text


def test_lone_surrogates_and_overlong_text():
    sheet = _workbook(["a", "b"], [["x\ud800y", "长" * (MAX_CELL_TEXT + 10)]], sheet="s").active
    assert sheet["A2"].value == "x\ufffdy"
    assert len(sheet["B2"].value) == MAX_CELL_TEXT


def test_many_rows_from_a_generator_and_wide_rows():
    width = 60  # past column Z
    rows = ([n, f"trainee {n}", "已通过" if n % 2 else "未开始", *range(width - 3)] for n in range(1234))
    sheet = _workbook([f"c{i}" for i in range(width)], rows, sheet="全部成绩").active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1234
    assert values[0][:3] == (0, "trainee 0", "未开始") and values[1233][:3] == (1233, "trainee 1233", "已通过")
    assert values[500][width - 1] == width - 4 and sheet.max_column == width


def test_text_cache_limit_does_not_change_output():
    rows = [[f"unique {n}", "repeated"] for n in range(TEXT_CACHE_LIMIT + 5)]
    sheet = _workbook(["a", "b"], iter(rows), sheet="s").active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[-1] == (f"unique {TEXT_CACHE_LIMIT + 4}", "repeated") and values[0] == ("unique 0", "repeated")


def test_sheet_name_is_made_valid():
    assert _workbook(["h"], [], sheet="a/b:c*d?[e]" + "x" * 40).active.title == "a_b_c_d__e_" + "x" * 20
