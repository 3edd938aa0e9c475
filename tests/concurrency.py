"""Real concurrent requests against a real database, for the exactly-once tests.

`shared_database` gives the test a database that several threads can write at once, as a
deployment's is: on PostgreSQL the test database itself (every thread opens its own connection);
on SQLite a file copy of the test database with the production options (WAL, IMMEDIATE, busy
timeout). The in-memory SQLite test database will not do: it is a shared-cache database, whose
table locks fail at once instead of waiting, which no deployment uses.
"""
from __future__ import annotations

import copy
import sqlite3
import threading
from typing import Callable

import pytest
from django.db import connection, connections
from django.test import Client




class _SqliteSwitch:
    """Call .now() once the test's data is in place: the test database is copied to a file and
    every connection uses the file until the test ends (fixture teardown puts the old one back)."""

    def __init__(self, path, options):
        self.path, self.options, self.saved = path, options, None

    def now(self) -> None:
        memory = connections["default"]
        memory.ensure_connection()
        target = sqlite3.connect(self.path)
        memory.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        old_settings = connections.settings["default"]
        connections.settings["default"] = {**old_settings, "NAME": str(self.path), "OPTIONS": dict(self.options)}
        self.saved = (old_settings, memory)
        connections["default"] = connections.create_connection("default")

    def restore(self) -> None:
        if self.saved:
            connections["default"].close()
            connections.settings["default"], connections["default"] = self.saved


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """Call shared_database() once the test's data is in place; from then on every connection (this
    thread's and new threads') uses a database that threads can write at once."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    from trainer.settings.base import SQLITE_OPTIONS

    switch = _SqliteSwitch(tmp_path / "concurrent.sqlite3", SQLITE_OPTIONS)
    try:
        yield switch.now
    finally:
        switch.restore()


def race(n: int, work: Callable[[int], object]) -> tuple[list, list[BaseException]]:
    """Run work(0..n-1) in n threads released at the same moment; (results, errors)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()  # PostgreSQL drops the test database only when nobody is connected

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def logged_in_clients(user, n: int) -> list[Client]:
    """n test clients sharing one login session (one browser sending several requests at once)."""
    first = Client()
    first.force_login(user)
    clients = [first]
    for _ in range(n - 1):
        client = Client()
        client.cookies = copy.deepcopy(first.cookies)
        clients.append(client)
    return clients
