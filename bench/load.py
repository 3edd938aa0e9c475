#!/usr/bin/env python
"""Load test: 50 simulated trainees and 5 supervisors for 2 minutes against gunicorn on loopback.

    .venv/bin/python bench/load.py [--seconds 120] [--trainees 50] [--supervisors 5]
    tools/with_postgres.sh .venv/bin/python bench/load.py      # the same on PostgreSQL

Builds a fresh database (SQLite file in a temp folder, or DATABASE_URL when set) with the content
and generated teams, serves it with gunicorn (settings.bench, 4 workers) on 127.0.0.1, and runs:
  trainees:    open a scenario → submit a reply carrying a unique marker → open the result
  supervisors: open the review queue → open the first answer → submit a review
Every loop is bounded by time and by a request cap. Afterwards it counts, in the database, the
answers carrying each marker: every accepted submit must be stored exactly once (0 lost, 0
duplicated). Prints p50/p95 per endpoint and the error count; exit 1 on any error or loss.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from serving import gunicorn_on_loopback

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "load-test-2026"
MAX_LOOPS_PER_USER = 2000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self, base: str, stats: "Stats"):
        self.base, self.stats = base, stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, label: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body, headers=headers), timeout=60) as r:
                status, text, location = r.status, r.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text, location = error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
        except OSError as error:
            self.stats.record(label, (time.perf_counter() - started) * 1000, error=f"{type(error).__name__}")
            return 0, "", ""
        self.stats.record(label, (time.perf_counter() - started) * 1000, error=f"HTTP {status}" if status >= 500 else None)
        return status, text, location

    def login(self, username: str) -> None:
        self.request("login (GET)", "/accounts/login/")
        status, _, location = self.request("login (POST)", "/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login failed for {username}: {status}")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.unexpected: list[str] = []
        self.submitted: list[str] = []   # markers of replies the server accepted (302)
        self.reviews = 0

    def record(self, label: str, ms: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies[label].append(ms)
            if error:
                self.errors[f"{label}: {error}"] += 1


def trainee_loop(base, username, scenarios, deadline, stats: Stats, rng: random.Random):
    session = Session(base, stats)
    session.login(username)
    for n in range(MAX_LOOPS_PER_USER):
        if time.monotonic() > deadline:
            return
        slug, model_answer = rng.choice(scenarios)
        status, page, _ = session.request("scenario page", f"/quizzes/practice/scenarios/{slug}/")
        token = re.search(r'name="form_token" value="([^"]+)"', page or "")
        if status != 200 or token is None:
            continue
        marker = f"{username}-{n}"
        reply = (model_answer if rng.random() < 0.6 else model_answer[: len(model_answer) // 2]) + f"(压测{marker})"
        status, _, location = session.request("submit reply", f"/quizzes/practice/scenarios/{slug}/", {
            "reply": reply, "form_token": token.group(1), "first_keystroke_ms": rng.randint(1000, 9000),
            "submit_ms": rng.randint(15000, 90000)})
        if status == 302 and "/quizzes/answers/" in location:
            with stats.lock:
                stats.submitted.append(marker)
            session.request("result page", urllib.parse.urlparse(location).path)
        elif status < 500:
            with stats.lock:
                stats.unexpected.append(f"submit {status}")


def supervisor_loop(base, username, deadline, stats: Stats, rng: random.Random):
    session = Session(base, stats)
    session.login(username)
    for _ in range(MAX_LOOPS_PER_USER):
        if time.monotonic() > deadline:
            return
        status, page, _ = session.request("review queue", "/reviews/")
        links = re.findall(r'href="/reviews/(\d+)/"', page)
        if not links:
            time.sleep(0.5)
            continue
        answer_id = links[0]
        status, page, _ = session.request("review screen", f"/reviews/{answer_id}/")
        fields = dict(re.findall(r'name="(points_[^"]+)"[^>]*?value="([^"]*)"', page))
        seen = re.search(r'name="seen_review_id"[^>]*?value="(\d*)"', page)
        data = {name: value for name, value in fields.items()}
        if fields and rng.random() < 0.5:
            first = next(iter(fields))
            data[first] = "0"
        data.update({"comment": "压测点评", "seen_review_id": seen.group(1) if seen else ""})
        status, _, _ = session.request("submit review", f"/reviews/{answer_id}/", data)
        if status == 302:
            with stats.lock:
                stats.reviews += 1


COUNT_SCRIPT = r"""
import json, re, sys, django
django.setup()
from quizzes.models import Answer, Review
counts = {}
for text in Answer.objects.filter(reply_text__contains="(压测").values_list("reply_text", flat=True).iterator():
    marker = re.search(r"\(压测([^)]+)\)$", text).group(1)
    counts[marker] = counts.get(marker, 0) + 1
print(json.dumps({"counts": counts, "reviews": Review.objects.filter(comment="压测点评").count()}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="trainer-load-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "trainer.settings.bench"}
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(workdir / "load.sqlite3")
    backend = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite (WAL)"
    run = lambda *a: subprocess.run([PY, "manage.py", *a], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    print(f"preparing {backend} database …", file=sys.stderr)
    run("migrate", "--noinput")
    for command in ("load_curriculum", "load_bank", "load_onboarding"):
        run(command)
    run("generate_demo_data", "--trainees", str(max(args.trainees, args.supervisors)), "--teams", str(args.supervisors),
        "--answers", "2000")
    scenarios = json.loads(subprocess.run([PY, "manage.py", "export_scenarios"], cwd=ROOT, env=env, check=True,
                                          capture_output=True, text=True).stdout)
    scenario_list = [(s["slug"], s["model_answer"]) for s in scenarios if not s["certification_only"]]
    stats = Stats()
    with gunicorn_on_loopback(env, workers=args.workers) as base:
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=trainee_loop, args=(base, f"gen-{i + 1}", scenario_list, deadline, stats,
                                                               random.Random(i))) for i in range(args.trainees)]
        threads += [threading.Thread(target=supervisor_loop, args=(base, f"gen-sup-{i + 1}", deadline, stats,
                                                                   random.Random(1000 + i))) for i in range(args.supervisors)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 180)
        elapsed = time.monotonic() - started
    result = json.loads(subprocess.run([PY, "-c", COUNT_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True,
                                       text=True).stdout.strip().splitlines()[-1])
    counts = result["counts"]
    lost = [m for m in stats.submitted if counts.get(m, 0) == 0]
    duplicated = [m for m, n in counts.items() if n > 1]
    phantom = [m for m in counts if m not in set(stats.submitted)]
    total_requests = sum(len(v) for v in stats.latencies.values())
    print(f"{backend}: {args.trainees} trainees + {args.supervisors} supervisors for {elapsed:.0f} s, "
          f"{total_requests} requests ({total_requests / elapsed:.1f}/s), gunicorn {args.workers} workers")
    print("| endpoint | requests | p50 ms | p95 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, samples in sorted(stats.latencies.items()):
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
        errors = sum(n for key, n in stats.errors.items() if key.startswith(label + ":"))
        print(f"| {label} | {len(samples)} | {statistics.median(samples):.0f} | {p95:.0f} | {errors} |")
    print(f"replies accepted {len(stats.submitted)}, stored {sum(counts.values())}: lost {len(lost)}, "
          f"duplicated {len(duplicated)}, unexpected {len(phantom)}; reviews submitted {stats.reviews}, "
          f"stored {result['reviews']}; errors {sum(stats.errors.values())}, other statuses {len(stats.unexpected)}")
    for key, n in stats.errors.items():
        print(f"  error {key} × {n}")
    ok = not stats.errors and not lost and not duplicated and not phantom and result["reviews"] == stats.reviews
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
