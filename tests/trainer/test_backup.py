"""backup_db and restore_db: one consistent snapshot while a writer commits, checked restores.

The databases here are SQLite files in tmp_path, written with sqlite3 directly or through
manage.py in a subprocess; none of these tests uses the test database, so they run the same in
the SQLite and the PostgreSQL leg of `make test`.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from trainer.backups import (
    IN_MEMORY_DATABASE,
    PROJECT_APPS,
    BackupError,
    database_backup,
    database_restore,
    sqlite_file,
    sqlite_problems,
)

ROOT = Path(__file__).resolve().parents[2]
BATCH = 50  # rows per writer transaction: a torn copy shows up as a batch with fewer rows


class ProbeWriter(threading.Thread):
    """Commits batches of BATCH rows into probe(batch, n), one transaction per batch, until stopped."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path = path
        self.committed = 0
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=20, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS probe (batch INTEGER NOT NULL, n INTEGER NOT NULL)")
            batch = connection.execute("SELECT COALESCE(MAX(batch) + 1, 0) FROM probe").fetchone()[0]
            while not self.stop.is_set():
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany("INSERT INTO probe VALUES (?, ?)", [(batch, n) for n in range(BATCH)])
                connection.execute("COMMIT")
                batch += 1
                with self.progress:
                    self.committed += 1
                    self.progress.notify_all()
                self.stop.wait(0.002)  # leave the CPU to the process taking the backup
        except BaseException as error:  # surfaced by finish()
            self.error = error
        finally:
            connection.close()

    def wait_for(self, committed: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.committed >= committed or self.error, timeout=30)
        assert self.error is None, self.error

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=30)
        assert self.error is None, self.error


def probe_batches(path: Path) -> int:
    """Number of batches in path's probe table, after checking every batch is whole and none is missing."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT batch, COUNT(*) FROM probe GROUP BY batch ORDER BY batch").fetchall()
    finally:
        connection.close()
    assert [count for _, count in rows] == [BATCH] * len(rows), "a batch was copied in part"
    assert [batch for batch, _ in rows] == list(range(len(rows))), "a batch is missing"
    return len(rows)


def project_database(path: Path, apps: tuple[str, ...] = PROJECT_APPS) -> Path:
    """An SQLite file in WAL mode with Django's migration table listing apps, like a migrated database."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)"
    )
    connection.executemany(
        "INSERT INTO django_migrations (app, name, applied) VALUES (?, '0001_initial', '2025-01-01')",
        [(app,) for app in apps],
    )
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(("database", "refusal"), [
    ({"ENGINE": "django.db.backends.postgresql", "NAME": "trainer"}, "pg_dump"),
    ({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}, IN_MEMORY_DATABASE),
    ({"ENGINE": "django.db.backends.sqlite3", "NAME": "file::memory:?cache=shared"}, IN_MEMORY_DATABASE),
    ({"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/trainer/var/trainer.sqlite3"}, None),
])
def test_only_an_sqlite_file_can_be_backed_up(database, refusal):
    if refusal is None:
        assert sqlite_file(database) == Path(database["NAME"])
    else:
        with pytest.raises(BackupError, match=re.escape(refusal)):
            sqlite_file(database)


def test_backups_taken_while_a_writer_commits_are_whole_snapshots_and_restore(tmp_path):
    live = project_database(tmp_path / "trainer.sqlite3")
    writer = ProbeWriter(live)
    writer.start()
    backups: list[tuple[Path, int, int]] = []  # (file, batches committed before it began, batches in it)
    try:
        writer.wait_for(5)
        for second in range(4):
            before = writer.committed
            path = database_backup(source=live, folder=tmp_path / "backups", at=datetime(2025, 3, 1, 9, 0, second))
            backups.append((path, before, probe_batches(path)))
            writer.wait_for(writer.committed + 3)  # the writer keeps going between and during backups
    finally:
        writer.finish()

    assert [path.name for path, _, _ in backups] == [f"trainer-20250301-09000{s}.sqlite3" for s in range(4)]
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [path.name for path, _, _ in backups]
    for path, before, batches in backups:
        assert sqlite_problems(path) == []
        assert not Path(f"{path}-wal").exists()
        assert batches >= before, "the backup lost transactions committed before it began"
    final = probe_batches(live)
    assert final > backups[0][2]

    reader = sqlite3.connect(live, timeout=20)  # a connection left open, as a running server's would be
    first, _, first_batches = backups[0]
    database_restore(backup=first, target=live)
    assert reader.execute("SELECT COUNT(*) FROM probe").fetchone()[0] == first_batches * BATCH
    reader.close()
    assert probe_batches(live) == first_batches < final
    assert sqlite_problems(live) == []


def corrupt(path: Path) -> Path:
    project_database(path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("CREATE TABLE filler (text TEXT)")
    connection.executemany("INSERT INTO filler VALUES (?)", [("客服" * 200,) for _ in range(200)])
    connection.commit()
    connection.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page:6 * page] = bytes(range(256)) * (3 * page // 256)
    path.write_bytes(bytes(data))
    return path


def missing(path: Path) -> Path:
    return path


def not_a_database(path: Path) -> Path:
    path.write_bytes(b"not a database " * 100)
    return path


def another_projects_database(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    connection.close()
    return path


def only_the_trainer_app(path: Path) -> Path:
    return project_database(path, apps=("trainer",))


@pytest.mark.parametrize(("make", "problem"), [
    (missing, "no such file"),
    (not_a_database, "is not an SQLite database file"),
    (another_projects_database, "has no django_migrations table"),
    (only_the_trainer_app, "has no migrations for courses, quizzes"),
    (corrupt, "failed PRAGMA integrity_check"),
])
def test_restore_refuses_a_file_that_is_not_a_sound_project_database(tmp_path, make, problem):
    live = project_database(tmp_path / "trainer.sqlite3")
    before = live.read_bytes()
    candidate = make(tmp_path / "candidate.sqlite3")
    assert problem in " ".join(sqlite_problems(candidate))
    with pytest.raises(BackupError, match=re.escape(problem)):
        database_restore(backup=candidate, target=live)
    assert live.read_bytes() == before


def manage(*args: str, var: Path) -> subprocess.CompletedProcess:
    """manage.py on an SQLite file under var/, with the settings `make serve` uses."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="trainer.settings.dev", TRAINER_VAR_DIR=str(var),
               SQLITE_PATH=str(var / "trainer.sqlite3"))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_backup_db_and_restore_db_commands(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    live = var / "trainer.sqlite3"
    result = manage("migrate", "--noinput", "-v", "0", var=var)
    assert result.returncode == 0, result.stderr

    writer = ProbeWriter(live)
    writer.start()
    try:
        writer.wait_for(3)
        before = writer.committed
        result = manage("backup_db", var=var)
        after = writer.committed
        writer.wait_for(after + 3)
    finally:
        writer.finish()
    assert result.returncode == 0, result.stderr
    [backup] = (var / "backups").iterdir()
    assert re.fullmatch(r"trainer-\d{8}-\d{6}\.sqlite3", backup.name)
    assert str(backup) in result.stdout
    assert sqlite_problems(backup) == []
    in_backup = probe_batches(backup)
    assert before <= in_backup <= after < writer.committed

    refused = manage("restore_db", str(backup), var=var)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert probe_batches(live) == writer.committed

    result = manage("restore_db", str(backup), "--yes", var=var)
    assert result.returncode == 0, result.stderr
    assert probe_batches(live) == in_backup
    assert sqlite_problems(live) == []
    [kept] = (var / "backups").glob("*-before-restore.sqlite3")
    assert probe_batches(kept) == writer.committed


def test_backup_db_points_postgresql_to_pg_dump(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://trainer@127.0.0.1:9/trainer",
           "DJANGO_SETTINGS_MODULE": "trainer.settings.dev", "TRAINER_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "backup_db"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode != 0
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "backups").exists()
