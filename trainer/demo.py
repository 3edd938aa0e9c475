"""The demo team `make serve` creates: one supervisor, three trainees, one admin."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    display_name: str
    hired_days_ago: int | None = None


DEMO_TEAM_NAME = "演示一组"
DEMO_LOGINS = (
    DemoLogin("zhuguan", "zhuguan-demo-2026", "supervisor", "周主管"),
    DemoLogin("xinren1", "xinren1-demo-2026", "trainee", "林小满", 3),
    DemoLogin("xinren2", "xinren2-demo-2026", "trainee", "陈一鸣", 12),
    DemoLogin("xinren3", "xinren3-demo-2026", "trainee", "王可欣", 26),
    DemoLogin("admin", "admin-demo-2026", "admin", "平台管理员"),
)
