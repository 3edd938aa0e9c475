"""A one-sheet Excel workbook written straight to a stream: a bold, frozen header row, then rows of
text and numbers.

Both exports are exactly that shape. XlsxWriter spent about 10 µs a cell dispatching on types,
building shared-string tables and styles we never use: 14 ms for a team of twenty on a 55-column
grid, half of the export page. Here a cell is a string format, text goes inline (no shared-string
table to hold in memory), and the sheet is deflated into the zip as rows arrive, so the export of
every answer runs in constant memory too.

Text stays text: nothing is written as a formula, a link or a number unless it is a Python number.
"""
from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import BinaryIO
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
# Style 0 is the default cell, style 1 the bold header.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/>')

# XML 1.0 cannot carry most control characters; Excel reads _xHHHH_ as the character it names, so
# they are written that way, and a literal "_x" that could be mistaken for one is escaped as _x005F_.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_CELL_TEXT = 32_767  # Excel's limit per cell
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _inline_text(value: str) -> str:
    """The part of a text cell after its reference and style."""
    if _NOT_IN_XML.search(value):
        value = _NOT_IN_XML.sub(lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", value)
    if _LONE_SURROGATE.search(value):  # cannot be encoded as UTF-8 at all
        value = _LONE_SURROGATE.sub("\ufffd", value)
    text = escape(value[:MAX_CELL_TEXT])
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


TEXT_CACHE_LIMIT = 20_000


def _cells(row_number: int, values: Sequence, refs: list[str], style: str, text_cells: dict[str, str]) -> str:
    """One <row>. `text_cells` remembers the markup of texts already written: a grid repeats a handful
    of status labels hundreds of times."""
    if len(values) > len(refs):
        refs.extend(column_letters(i) for i in range(len(refs), len(values)))
    parts = [f'<row r="{row_number}">']
    append = parts.append
    for ref, value in zip(refs, values):
        if type(value) is str:
            if not value:
                continue
            tail = text_cells.get(value)
            if tail is None:
                if len(text_cells) >= TEXT_CACHE_LIMIT:
                    text_cells.clear()
                tail = text_cells[value] = _inline_text(value)
            append(f'<c r="{ref}{row_number}"{style}{tail}')
        elif value is None:
            continue
        elif isinstance(value, bool):
            append(f'<c r="{ref}{row_number}"{style} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            append(f'<c r="{ref}{row_number}"{style}><v>{value!r}</v></c>')
        else:  # anything else (a date, a lazy translation, NaN) is written as its text
            text = str(value)
            if text:
                append(f'<c r="{ref}{row_number}"{style}{_inline_text(text)}')
    append("</row>")
    return "".join(parts)


def write_workbook(stream: BinaryIO, *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence],
                   widths: Sequence[float] = ()) -> None:
    """Write the workbook to `stream`; `rows` may be a generator, consumed once, never held whole."""
    sheet = SHEET_NAME_FORBIDDEN.sub("_", sheet)[:31] or "Sheet1"
    refs = [column_letters(i) for i in range(max(len(headers), 26))]
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet, {'"': "&quot;"})))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            head = [_SHEET_HEAD]
            if widths:
                head.append("<cols>")
                head += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)]
                head.append("</cols>")
            head.append("<sheetData>")
            text_cells: dict[str, str] = {}
            head.append(_cells(1, [str(h) for h in headers], refs, ' s="1"', {}))
            out.write("".join(head).encode())
            batch: list[str] = []
            for number, row in enumerate(rows, start=2):
                batch.append(_cells(number, row, refs, "", text_cells))
                if len(batch) == 500:  # write in batches: one encode per 500 rows, memory stays flat
                    out.write("".join(batch).encode())
                    batch.clear()
            batch.append("</sheetData></worksheet>")
            out.write("".join(batch).encode())
