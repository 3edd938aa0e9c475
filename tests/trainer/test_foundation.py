"""Settings, deploy checks, import direction, role-based access, login lockout."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
APPS = ("trainer", "quizzes", "courses")
# Allowed imports between our apps: trainer → quizzes → courses, never upward.
ALLOWED = {"trainer": {"trainer", "quizzes", "courses"}, "quizzes": {"quizzes", "courses"}, "courses": {"courses"}}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(app: str):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", APPS)
def test_apps_import_only_downward(app):
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(app)
        for name in imported_modules(path)
        if name.split(".")[0] in APPS and name.split(".")[0] not in ALLOWED[app]
    ]
    assert offenders == []


def test_quizzes_names_no_url_of_the_people_side():
    """Imports are not the only upward arrow: quizzes gets trainer's URLs passed in (get_absolute_url), never by name."""
    files = [p for p in (ROOT / "quizzes").rglob("*") if p.suffix in {".py", ".html"} and "migrations" not in p.parts]
    assert [str(p.relative_to(ROOT)) for p in files if "trainer:" in p.read_text(encoding="utf-8")] == []


# What the pure scoring engine may import besides the standard library and itself: text libraries only.
SCORING_TEXT_LIBRARIES = {"opencc", "rjieba"}


def test_scoring_engine_imports_only_the_standard_library_and_text_libraries():
    files = list((ROOT / "quizzes" / "scoring").rglob("*.py"))
    assert files, "the scoring engine package is missing"
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names | SCORING_TEXT_LIBRARIES
        and not name.startswith("quizzes.scoring") and name != "__future__"
    ]
    assert offenders == []


def test_every_scoring_text_library_is_pinned():
    pinned = {line.split("==")[0].strip().lower() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    assert SCORING_TEXT_LIBRARIES <= pinned


def test_import_walker_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from trainer.models import User\nimport django.db\n", encoding="utf-8")
    assert {"trainer.models", "django.db"} <= imported_modules(bad)


def test_defaults_are_chinese_and_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in settings.LANGUAGES


def test_sqlite_default_uses_wal_and_immediate_transactions(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from trainer.settings.base import database_from_env

    db = database_from_env()
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_database_url_switches_to_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5433/trainer")
    from trainer.settings.base import database_from_env

    db = database_from_env()
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["PORT"]) == ("trainer", 5433)


def run_manage(*args: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for browser tests; check --deploy rightly rejects it
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_prod_overlay_passes_check_deploy_with_no_warnings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={"DJANGO_SETTINGS_MODULE": "trainer.settings.prod", "SECRET_KEY": "k" * 20 + "x9Q#" * 10,
                   "ALLOWED_HOSTS": "trainer.example.com", "SQLITE_PATH": str(tmp_path / "db.sqlite3")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_prod_overlay_refuses_a_missing_secret_key(tmp_path):
    result = run_manage("check", env_extra={"DJANGO_SETTINGS_MODULE": "trainer.settings.prod", "SECRET_KEY": "",
                                            "SQLITE_PATH": str(tmp_path / "db.sqlite3")})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_trainee_home_is_chinese(people, client_for):
    response = client_for(people.trainee).get(reverse("home"))
    assert response.status_code == 200
    assert "你好" in response.content.decode()


def test_supervisor_home_lists_own_team_only(people, client_for):
    body = client_for(people.supervisor).get(reverse("home")).content.decode()
    assert "主管工作台" in body and people.team.name in body and people.other_team.name not in body


def test_english_is_available(people, client_for):
    client = client_for(people.trainee)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert "Hello" in body


@pytest.mark.django_db
def test_login_page_is_chinese_and_uses_local_css(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "cdn" not in body.lower() and "https://" not in body


def test_login_locks_after_five_failures(people, client):
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": people.trainee.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post(url, {"username": people.trainee.username, "password": "test-pass-123"}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # Another account from the same address is not locked.
    ok = client.post(url, {"username": people.teammate.username, "password": "test-pass-123"}, REMOTE_ADDR="10.0.0.9")
    assert ok.status_code == 302


def test_login_succeeds_with_right_password(people, client):
    response = client.post(reverse("login"), {"username": "t1", "password": "test-pass-123"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_demo_team_command_is_idempotent(db):
    from django.core.management import call_command

    from trainer.demo import DEMO_LOGINS
    from trainer.models import Team, User

    call_command("create_demo_team", stdout=open(os.devnull, "w"))
    call_command("create_demo_team", stdout=open(os.devnull, "w"))
    assert Team.objects.count() == 1
    assert User.objects.count() == len(DEMO_LOGINS)
    supervisor = User.objects.get(username="zhuguan")
    assert supervisor.check_password("zhuguan-demo-2026")
    assert Team.objects.get().members.count() == 3
