#!/usr/bin/env python
"""Time `manage.py rescore --all` over a database of --answers stored scenario answers (SQLite).

    .venv/bin/python bench/rescore.py [--answers 100000] [--workdir bench/results]

Uses the 1,000-trainee database that bench/pages.py builds (building it the same way if it is
missing) and re-scores a throw-away copy of it, so the cached database is never changed. Prints
the wall time and answers per second; the goal (issue #11) is 100,000 answers in at most 60 s on SQLite,
with scoring in one worker process per core (quizzes.services.answers_rescore).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pages import ROOT, build, env_for

GOAL_SECONDS_PER_100K = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"pages-1000-{args.answers}.sqlite3"
    build(source, 1000, 50, args.answers)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "rescore.sqlite3"
        shutil.copyfile(source, copy)
        started = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "rescore", "--all"], cwd=ROOT, env=env_for(copy), check=True,
                       stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
    goal = GOAL_SECONDS_PER_100K * args.answers / 100_000
    print(f"rescore --all of {args.answers:,} answers: {elapsed:.1f} s ({args.answers / elapsed:,.0f}/s); "
          f"goal ≤ {goal:.0f} s")
    return 0 if elapsed <= goal else 1


if __name__ == "__main__":
    sys.exit(main())
