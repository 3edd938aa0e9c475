"""Scoring many replies in worker processes (pure: the workers never touch a database).

`rescore` sends each worker the scenarios once (snapshot, buyer text, topic text, reference answer),
compiles them there, and then only (scenario, reply, timing) tasks travel. Workers are spawned, not
forked: the parent may run threads (a database driver, a test runner), and a forked child could
inherit a lock one of them held.
"""
from __future__ import annotations

import os
from typing import Any

from .engine import compile_snapshot
from .types import TypingSignals

_SCENARIOS: dict[int, tuple[Any, str, str, str]] = {}


def init_worker(scenarios: dict[int, tuple[dict, str, str, str]], niceness: int = 0) -> None:
    """Compile every scenario's rubric snapshot once per worker; `niceness` lowers the worker's CPU
    priority (os.nice), so the process feeding it is never the one kept waiting for a core."""
    if niceness:
        os.nice(niceness)
    _SCENARIOS.clear()
    for key, (snapshot, buyer_text, topic_text, reference) in scenarios.items():
        _SCENARIOS[key] = (compile_snapshot(snapshot), buyer_text, topic_text, reference)


def score_task(task: tuple[int, str, int | None, int | None]) -> dict:
    """One reply's result as JSON-able data: (scenario key, reply, server elapsed ms, pasted chars)."""
    key, reply, elapsed_ms, pasted_chars = task
    compiled, buyer_text, topic_text, reference = _SCENARIOS[key]
    return compiled.score(reply, buyer_text=buyer_text, topic_text=topic_text, reference=reference,
                          typing=TypingSignals(elapsed_ms, pasted_chars or 0)).to_dict()
