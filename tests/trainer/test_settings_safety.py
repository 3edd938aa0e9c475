"""SQLite gets the same options however it is named; production refuses a weak SECRET_KEY (issue 12, rows 11, 12)."""
from __future__ import annotations

import threading

import pytest
from django.db import connections

from tests.trainer.test_foundation import run_manage
from trainer.settings import base


def test_database_url_sqlite_gets_the_same_options_as_sqlite_path(monkeypatch, tmp_path):
    path = str(tmp_path / "db.sqlite3")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SQLITE_PATH", path)
    by_path = base.database_from_env()
    monkeypatch.delenv("SQLITE_PATH")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    by_url = base.database_from_env()
    assert by_url == by_path
    assert by_url["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and by_url["OPTIONS"]["timeout"] >= 20
    assert "journal_mode=WAL" in by_url["OPTIONS"]["init_command"]
    monkeypatch.setenv("DATABASE_URL", "postgres://trainer:secret@db.internal:5432/trainer")
    assert base.database_from_env()["ENGINE"] == "django.db.backends.postgresql"


def test_twenty_concurrent_writers_on_a_database_url_sqlite_file_all_succeed(monkeypatch, tmp_path, django_db_blocker):
    """Each writer reads, then writes, in one transaction (what starting an exam does). With DEFERRED
    transactions SQLite refuses the upgrade from reader to writer at once ("database is locked");
    with IMMEDIATE ones and a busy timeout the writers queue for the lock."""
    from django.db import transaction

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'race.sqlite3'}")
    connections.settings["race"] = connections.configure_settings({"default": {}, "race": {**base.database_from_env(), "CONN_MAX_AGE": 0}})["race"]
    barrier, errors = threading.Barrier(20), []

    def writer(n: int) -> None:
        try:
            with django_db_blocker.unblock():
                with connections["race"].cursor() as cursor:
                    cursor.execute("CREATE TABLE IF NOT EXISTS starts (n INTEGER)")
                barrier.wait(timeout=30)
                with transaction.atomic(using="race"), connections["race"].cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM starts")
                    cursor.fetchone()
                    cursor.execute("INSERT INTO starts VALUES (%s)", [n])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections["race"].close()

    try:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        del connections.settings["race"]
    assert errors == []


@pytest.mark.parametrize("key", ["x" * 60, "abcd" * 15, "django-insecure-" + "k3Qz9!vR" * 6, "short-but-random-9fQ"])
def test_production_refuses_a_weak_secret_key_and_says_how_to_make_one(tmp_path, key):
    result = run_manage("check", env_extra={"DJANGO_SETTINGS_MODULE": "trainer.settings.prod", "SECRET_KEY": key,
                                            "SQLITE_PATH": str(tmp_path / "db.sqlite3")})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "get_random_secret_key" in result.stderr
