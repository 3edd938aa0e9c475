"""Consistent copies of the SQLite database, taken and put back with SQLite's online backup API.

The API copies the database inside one read transaction, so a copy taken while the server writes
holds every committed transaction up to one moment and none after it; a plain file copy of a
database in WAL mode can tear. PostgreSQL deployments use pg_dump and pg_restore instead.
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
# A backup must come from this project: Django's migration table with rows for each of our apps.
PROJECT_APPS = ("trainer", "courses", "quizzes")
BUSY_TIMEOUT_SECONDS = 20

NOT_SQLITE_DATABASE = (
    "The database is {vendor}, not SQLite: backup_db and restore_db handle the SQLite file only. "
    "Use pg_dump/pg_restore, e.g. pg_dump --format=custom --file=trainer.dump \"$DATABASE_URL\"."
)
IN_MEMORY_DATABASE = "The database is an in-memory SQLite database; there is no file to back up or restore."
NO_SUCH_FILE = "{path}: no such file."
NOT_AN_SQLITE_FILE = "{path} is not an SQLite database file."
INTEGRITY_FAILED = "{path} failed PRAGMA integrity_check: {detail}"
NO_MIGRATION_TABLE = "{path} has no django_migrations table, so it is not a database of this project."
MISSING_APPS = "{path} has no migrations for {apps}, so it is not a database of this project."


class BackupError(Exception):
    """A backup or restore that must not go ahead; the message says why."""


def sqlite_file(database: dict[str, Any]) -> Path:
    """The file of an SQLite DATABASES entry; BackupError for any other engine or an in-memory one."""
    engine = database.get("ENGINE", "")
    if not engine.endswith("sqlite3"):
        raise BackupError(NOT_SQLITE_DATABASE.format(vendor=engine.rsplit(".", 1)[-1] or "not configured"))
    name = str(database.get("NAME") or "")
    if name in ("", ":memory:") or name.startswith("file::memory:") or "mode=memory" in name:
        raise BackupError(IN_MEMORY_DATABASE)
    return Path(name)


def backup_name(*, at: datetime) -> str:
    """trainer-YYYYmmdd-HHMMSS.sqlite3 for the given time."""
    return f"trainer-{at:%Y%m%d-%H%M%S}.sqlite3"


def _connect(path: Path, *, mode: str) -> sqlite3.Connection:
    # mode=rw and mode=ro never create a missing file; mode=rwc does.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def sqlite_copy(*, source: Path, target: Path) -> None:
    """Copy source into target with the backup API, in one step so the copy is one snapshot."""
    # A live database in WAL mode is read through its -shm file, which a read-only open may not
    # create; a backup file may be read-only on disk.
    src = _connect(source, mode="rw" if os.access(source, os.W_OK) else "ro")
    try:
        dest = _connect(target, mode="rwc")
        try:
            # pages=-1: all at once. Copying in slices would restart whenever the server writes.
            src.backup(dest, pages=-1)
        finally:
            dest.close()
    finally:
        src.close()


def sqlite_problems(path: Path) -> list[str]:
    """Why path is not a sound database of this project (integrity, migration table); [] when it is."""
    if not path.is_file():
        return [NO_SUCH_FILE.format(path=path)]
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return [NOT_AN_SQLITE_FILE.format(path=path)]
    try:
        connection = _connect(path, mode="ro")
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                return [INTEGRITY_FAILED.format(path=path, detail="; ".join(map(str, rows[:5])))]
            has_table = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
            if not has_table:
                return [NO_MIGRATION_TABLE.format(path=path)]
            apps = {row[0] for row in connection.execute("SELECT DISTINCT app FROM django_migrations")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [INTEGRITY_FAILED.format(path=path, detail=error)]
    missing = [app for app in PROJECT_APPS if app not in apps]
    return [MISSING_APPS.format(path=path, apps=", ".join(missing))] if missing else []


def database_backup(*, source: Path, folder: Path, at: datetime, suffix: str = "") -> Path:
    """Write a checked, self-contained copy of source into folder and return its path.

    The copy is written under a temporary name and renamed when complete and sound, so a file
    named trainer-*.sqlite3 is always a whole backup.
    """
    if not source.is_file():
        raise BackupError(NO_SUCH_FILE.format(path=source))
    folder.mkdir(parents=True, exist_ok=True)
    stem = backup_name(at=at).removesuffix(".sqlite3") + suffix
    final = folder / f"{stem}.sqlite3"
    counter = 1
    while final.exists():  # two backups in one second
        final = folder / f"{stem}-{counter}.sqlite3"
        counter += 1
    partial = folder / f".{final.name}.partial"
    try:
        sqlite_copy(source=source, target=partial)
        connection = sqlite3.connect(partial)
        try:
            # One file, no -wal beside it: the copy can be moved, mailed or restored on its own.
            connection.execute("PRAGMA journal_mode=DELETE")
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
        if result != "ok":
            raise BackupError(INTEGRITY_FAILED.format(path=partial, detail=result))
        partial.chmod(0o600)  # password hashes and trainees' answers: for the operator's eyes only
        os.replace(partial, final)
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return final


def database_restore(*, backup: Path, target: Path) -> None:
    """Check backup and copy it over target with the backup API; BackupError when it is unsound."""
    problems = sqlite_problems(backup)
    if problems:
        raise BackupError(" ".join(problems))
    target.parent.mkdir(parents=True, exist_ok=True)
    sqlite_copy(source=backup, target=target)
    connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(INTEGRITY_FAILED.format(path=target, detail=result))
