"""gunicorn on a free loopback port for the benchmark scripts (bench/pages.py, bench/load.py)."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_on_loopback(env: dict, *, workers: int, cpus: set[int] | None = None) -> Iterator[str]:
    """Serve trainer.wsgi with `env` on 127.0.0.1; yields the base URL once the login page answers.
    With `cpus`, the server runs on those CPUs only (taskset)."""
    port = free_port()
    pin = ["taskset", "-c", ",".join(map(str, sorted(cpus)))] if cpus else []
    server = subprocess.Popen(
        [*pin, str(ROOT / ".venv" / "bin" / "gunicorn"), "trainer.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--timeout", "120"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
