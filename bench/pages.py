#!/usr/bin/env python
"""Page speed against the Django floor, and query counts at 10 and 1,000 trainees.

    .venv/bin/python bench/pages.py [--answers 100000] [--runs 50] [--workdir bench/results]

1. Builds two SQLite databases with generate_demo_data (10 trainees / 2 teams / 1,000 answers, and
   1,000 trainees / 50 teams / --answers answers), reused on later runs.
2. Counts the queries each page makes in both (Django test client, in a subprocess per database).
3. Serves the large one with gunicorn on 127.0.0.1 (settings.bench: production settings over HTTP)
   and times every page in --runs interleaved rounds after three warm-up rounds, logged in as a trainee or a supervisor.
   The floor is /_bench/floor/: the base template and nothing else, for the same logged-in user.
Prints a Markdown table (page, median ms, floor ms, ratio, budget, queries at 10 and at 1,000) and
writes it to <workdir>/pages.md; exits 1 if a page misses its budget (trainee pages 3x the floor,
supervisor pages 6x) or a query count differs. Loopback only; bounded number of requests.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from serving import gunicorn_on_loopback

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIZES = {"small": (10, 2, 1000), "large": (1000, 50, None)}
BUDGETS = {"trainee": 3.0, "supervisor": 6.0}  # the median against the floor, by who asks for the page
TRAINEE, SUPERVISOR, PASSWORD = "gen-1", "gen-sup-1", "load-test-2026"


def env_for(db: Path) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "trainer.settings.bench", "SQLITE_PATH": str(db)}


def manage(db: Path, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env_for(db), check=True, stdout=subprocess.DEVNULL)


def build(db: Path, trainees: int, teams: int, answers: int) -> None:
    if db.exists():
        manage(db, "migrate", "--noinput")  # a database from an earlier run gets this checkout's indexes
        return
    print(f"building {db.name}: {trainees} trainees, {teams} teams, {answers} answers …", file=sys.stderr)
    manage(db, "migrate", "--noinput")
    for command in ("load_curriculum", "load_bank", "load_onboarding"):
        manage(db, command)
    manage(db, "generate_demo_data", "--trainees", str(trainees), "--teams", str(teams), "--answers", str(answers))


COUNT_SCRIPT = r"""
import json, django
django.setup()
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
# As Django's test runner does: keep one connection across requests so its query log survives.
request_started.disconnect(close_old_connections)
request_finished.disconnect(close_old_connections)
from django.test import Client
from django.test.utils import CaptureQueriesContext
from courses.models import Lesson
from quizzes.models import Answer, Scenario
from trainer.models import User
trainee = User.objects.get(username="gen-1")
sup = User.objects.get(username="gen-sup-1")
team_answer = Answer.objects.filter(user__team__supervisors=sup, scenario__isnull=False).order_by("pk").first()
own_answer = Answer.objects.filter(user=trainee, scenario__isnull=False).order_by("pk").first() or team_answer
pages = {
    "login": (None, "/accounts/login/"),
    "floor": (sup, "/_bench/floor/"),
    "trainee home": (trainee, "/"),
    "supervisor home": (sup, "/"),
    "lesson": (trainee, Lesson.objects.order_by("pk").first().get_absolute_url()),
    "scenario": (trainee, Scenario.objects.filter(certification_only=False).order_by("slug").first().get_absolute_url()),
    "results": (trainee, own_answer.get_absolute_url()),
    "team grid": (sup, "/team/"),
    "review queue": (sup, "/reviews/"),
    "review screen": (sup, f"/reviews/{team_answer.pk}/"),
    "agreement": (sup, "/agreement/"),
    "trainee detail": (sup, f"/team/trainees/{trainee.pk}/"),
    "export (xlsx)": (sup, "/team/export.xlsx"),
}
out = {}
for name, (user, url) in pages.items():
    client = Client()
    if user:
        client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    assert status == 200, (name, url, status)
    out[name] = {"url": url, "queries": len(ctx), "status": status, "as": "trainee" if user == trainee else ("supervisor" if user else "anonymous")}
print(json.dumps(out))
"""


def count_queries(db: Path) -> dict:
    result = subprocess.run([PY, "-c", COUNT_SCRIPT], cwd=ROOT, env=env_for(db), check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


class Browser:
    """A cookie-keeping HTTP client that logs in through the real form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, bytes]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read()

    def login(self, username: str) -> None:
        _, body = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/accounts/login/"})
        with self.opener.open(request, timeout=30) as response:
            if "/accounts/login/" in response.url:
                raise RuntimeError(f"login failed for {username}")


def time_pages(db: Path, pages: dict, runs: int, pin: bool) -> dict:
    """Median ms per page. Pages are requested in rounds (every page once a round, floor included),
    so a slow patch of the machine lands on all of them alike instead of on whichever page was
    being timed then; that is what made single-page runs disagree by 30-50 %. With `pin` (and at
    least two CPUs) the client runs on the first CPU and the server on the others, so that the
    client's own work never queues behind a request it is timing."""
    server_cpus = None
    available = sorted(os.sched_getaffinity(0))
    if pin and len(available) >= 2:
        os.sched_setaffinity(0, {available[0]})
        server_cpus = set(available[1:])
    with gunicorn_on_loopback(env_for(db), workers=2, cpus=server_cpus) as base:
        clients = {"anonymous": Browser(base), "trainee": Browser(base), "supervisor": Browser(base)}
        clients["trainee"].login(TRAINEE)
        clients["supervisor"].login(SUPERVISOR)
        samples: dict[str, list[float]] = {name: [] for name in pages}
        for round_ in range(runs + 3):  # the first three rounds warm the workers up
            for name, page in pages.items():
                started = time.perf_counter()
                status, _ = clients[page["as"]].get(page["url"])
                elapsed = (time.perf_counter() - started) * 1000
                assert status == 200, (name, status)
                if round_ >= 3:
                    samples[name].append(elapsed)
        return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--no-pin", action="store_true", help="let client and server share every CPU")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    small = args.workdir / "pages-10.sqlite3"
    large = args.workdir / f"pages-1000-{args.answers}.sqlite3"
    build(small, 10, 2, 1000)
    build(large, 1000, 50, args.answers)
    counts_small, counts_large = count_queries(small), count_queries(large)
    timings = time_pages(large, counts_large, args.runs, pin=not args.no_pin)
    floor = timings["floor"]
    lines = [
        f"Pages with 1,000 trainees / 50 teams / {args.answers:,} answers (SQLite, gunicorn 2 workers, "
        f"median of {args.runs} interleaved rounds); queries counted at 10 and 1,000 trainees.",
        "",
        "| page | median ms | floor ms | ratio | budget | queries (10) | queries (1,000) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    missed = []
    for name, ms in timings.items():
        ratio = ms / floor
        budget = BUDGETS.get(counts_large[name]["as"]) if name != "floor" else None
        if budget is not None and ratio > budget:
            missed.append(name)
        lines.append(f"| {name} | {ms:.1f} | {floor:.1f} | {ratio:.2f} | {f'≤ {budget:g}' if budget else ''} | "
                     f"{counts_small[name]['queries']} | {counts_large[name]['queries']} |")
    same = all(counts_small[n]["queries"] == counts_large[n]["queries"] for n in counts_small)
    lines += ["", f"pages over budget: {', '.join(missed) or 'none'}; "
              f"query counts equal at 10 and 1,000 trainees: {same}"]
    report = "\n".join(lines)
    print(report)
    (args.workdir / "pages.md").write_text(report + "\n", encoding="utf-8")
    return 0 if same and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
