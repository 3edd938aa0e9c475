"""The English catalogue: complete, placeholder-safe, and compiled from the current .po.

The interface is written with Simplified Chinese msgids; trainer/locale/en/LC_MESSAGES/django.po
holds the English. See docs/translations.md for how to update it.
"""
from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

EN_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = EN_DIR / "django.po"
MO_PATH = EN_DIR / "django.mo"

# %(name)s, %(n)d, %(m)02d ...: the name and the conversion type must survive translation.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{PO_PATH.name}:{self.line} msgid {self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    return ast.literal_eval(text)


def parse_po(text: str) -> list[Entry]:
    """A small PO reader (the project has no polib): msgctxt, plurals, flags, obsolete entries."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"line {number}: string continuation without a keyword")
            keyword, index = target
            if keyword == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, keyword, getattr(current, keyword) + _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
            current.msgstr[target[1]] = _unquote(rest)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
            current.msgstr[0] = _unquote(rest)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            target = (keyword, None)
            setattr(current, keyword, _unquote(rest))
            if keyword == "msgid":
                current.line = number
        else:
            raise ValueError(f"line {number}: unexpected {keyword!r}")
    return entries


def placeholders(text: str) -> set[tuple[str, str]]:
    return set(PLACEHOLDER.findall(text))


def catalogue_problems(entries: list[Entry]) -> list[str]:
    """Everything wrong with a catalogue's entries, one line each (empty when it is fine)."""
    problems = []
    for entry in entries:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label}: marked fuzzy")
        if not entry.msgid:  # the header
            continue
        expected = 2 if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(expected)):
            problems.append(f"{entry.label}: expected {expected} msgstr form(s), found {sorted(entry.msgstr)}")
        source = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for index, translation in sorted(entry.msgstr.items()):
            if not translation.strip():
                problems.append(f"{entry.label}: msgstr[{index}] is empty")
                continue
            if placeholders(translation) != source:
                problems.append(f"{entry.label}: placeholders {sorted(source)} became {sorted(placeholders(translation))}"
                                f" in {translation!r}")
            if "python-format" in entry.flags:
                leftover = PLACEHOLDER.sub("", translation).replace("%%", "")
                if "%" in leftover:
                    problems.append(f"{entry.label}: a lone % in {translation!r} (write %% for a literal percent)")
    return problems


def mo_problems(entries: list[Entry], mo_path: Path) -> list[str]:
    """Entries whose compiled translation differs from the .po, i.e. the .mo was not rebuilt."""
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    problems = []
    for entry in entries:
        if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is None:
            got = {0: compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt is not None
                   else compiled.gettext(entry.msgid)}
        else:
            def plural(n: int, entry: Entry = entry) -> str:
                if entry.msgctxt is not None:
                    return compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                return compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            got = {0: plural(1), 1: plural(2)}  # English: n == 1 → form 0, otherwise form 1
        for index, expected in entry.msgstr.items():
            if got.get(index) != expected:
                problems.append(f"{entry.label}: the .mo has {got.get(index)!r} for msgstr[{index}], the .po "
                                f"{expected!r}; run `make messages`")
    return problems


@pytest.fixture(scope="module")
def en_entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing; see docs/translations.md"
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


def test_english_catalogue_is_complete_and_keeps_placeholders(en_entries):
    assert len([e for e in en_entries if e.msgid and not e.obsolete]) > 300
    problems = catalogue_problems(en_entries)
    assert not problems, "\n".join(problems)


def test_english_mo_is_compiled_from_the_current_po(en_entries):
    assert MO_PATH.exists(), f"{MO_PATH} is missing; run `make messages`"
    problems = mo_problems(en_entries, MO_PATH)
    assert not problems, "\n".join(problems[:20])


# The checks above must be able to fail: feed them a broken catalogue.
BROKEN_PO = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "首页"
msgstr ""

#, fuzzy
msgid "审阅队列"
msgstr "Review queue"

#, python-format
msgid "你好,%(name)s"
msgstr "Hello, %(nmae)s"

#, python-format
msgid "已完成 %(n)d 步"
msgstr "%(n)s steps done"

#, python-format
msgid "平均完成度 %(p)s%%"
msgstr "Average %(p)s%"

#, python-format
msgid "找到 %(n)s 个课时"
msgid_plural "找到 %(n)s 个课时"
msgstr[0] "%(n)s lesson"
msgstr[1] ""

#, python-format
msgid "及格线 %(p)s"
msgstr "Pass mark %(p)s"
'''


def test_checks_catch_a_broken_catalogue():
    problems = "\n".join(catalogue_problems(parse_po(BROKEN_PO)))
    assert "'首页'" in problems and "is empty" in problems
    assert "'审阅队列'" in problems and "fuzzy" in problems
    assert "nmae" in problems
    assert "'已完成 %(n)d 步'" in problems  # %(n)d became %(n)s
    assert "lone %" in problems
    assert "msgstr[1] is empty" in problems
    assert "及格线" not in problems


def test_checks_catch_a_stale_mo(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(BROKEN_PO.split('\nmsgid "首页"')[0] + '\n\nmsgid "首页"\nmsgstr "Home"\n', encoding="utf-8")
    mo = tmp_path / "django.mo"
    _write_mo({"": "Content-Type: text/plain; charset=UTF-8\n", "首页": "Start"}, mo)
    problems = mo_problems(parse_po(po.read_text(encoding="utf-8")), mo)
    assert len(problems) == 1 and "'Start'" in problems[0] and "'Home'" in problems[0]
    _write_mo({"": "Content-Type: text/plain; charset=UTF-8\n", "首页": "Home"}, mo)
    assert mo_problems(parse_po(po.read_text(encoding="utf-8")), mo) == []


def _write_mo(messages: dict[str, str], path: Path) -> None:
    """A minimal GNU .mo writer (singular messages only), enough to test mo_problems."""
    import struct

    keys = sorted(messages)
    ids = [k.encode() for k in keys]
    strs = [messages[k].encode() for k in keys]
    header_size = 7 * 4
    table_size = len(keys) * 8
    ids_start = header_size + 2 * table_size
    offsets, data = [], b""
    for raw in ids:
        offsets.append((len(raw), ids_start + len(data)))
        data += raw + b"\0"
    strs_start = ids_start + len(data)
    str_offsets, str_data = [], b""
    for raw in strs:
        str_offsets.append((len(raw), strs_start + len(str_data)))
        str_data += raw + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), header_size, header_size + table_size, 0, 0)
    out += b"".join(struct.pack("<2I", *pair) for pair in offsets)
    out += b"".join(struct.pack("<2I", *pair) for pair in str_offsets)
    path.write_bytes(out + data + str_data)
