"""Errors for content files: every problem names its file, field and line.

Pure Python (no Django) so the file parsers of both apps can be used by scripts and tests that
need no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file."""

    path: str
    field: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.field}] {self.message}"


class ContentErrors(Exception):
    """Raised when any content file is invalid; carries every problem found, not just the first."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.field))
        super().__init__("\n".join(str(e) for e in self.errors))


def field_line(text: str, field: str, *, occurrence: int = 0, start_line: int = 1) -> int:
    """Line (1-based) where `field = ...` is written for the n-th time in a TOML text.

    TOML parsers give no positions for keys, so we locate the key textually; when it is not
    written at all (a missing field) we point at the first line of the table or file.
    """
    pattern = re.compile(rf"^\s*\"?{re.escape(field)}\"?\s*=", re.MULTILINE)
    matches = list(pattern.finditer(text))
    if occurrence < len(matches):
        return text.count("\n", 0, matches[occurrence].start()) + start_line
    return start_line


def table_line(text: str, table: str, index: int) -> int:
    """Line (1-based) of the index-th `[[table]]` header in a TOML text, or 1."""
    matches = list(re.finditer(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]", text, re.MULTILINE))
    if index < len(matches):
        return text.count("\n", 0, matches[index].start()) + 1
    return 1


def relative(path: Path, root: Path) -> str:
    """Path shown in messages: relative to the content root's parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
