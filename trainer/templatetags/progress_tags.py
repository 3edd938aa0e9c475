"""Labels and badge colours of the progress statuses (trainer.progress) for the templates, and the grid's cells."""
from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

register = template.Library()

BADGES = {
    "passed": ("text-bg-success", gettext_noop("已通过")),
    "failed": ("text-bg-danger", gettext_noop("未通过")),
    "overdue": ("text-bg-warning", gettext_noop("已逾期")),
    "in_progress": ("text-bg-primary", gettext_noop("进行中")),
    "not_started": ("text-bg-light", gettext_noop("未开始")),
}


@register.filter
def status_label(status: str) -> str:
    """"已通过", "已逾期"… in the active language."""
    return gettext(BADGES[status][1])


@register.filter
def step_href(status) -> str:
    """Where a trainee goes to do a step: the lesson, the module quizzes, or the certification page."""
    step = status.step
    if step.kind == "lesson":
        return step.lesson_url
    return reverse("quizzes:module_quizzes" if step.kind == "module_quiz" else "trainer:certification")


@register.filter
def badge_class(status: str) -> str:
    return BADGES[status][0]


# The team grid's cells are the one place this project builds markup in Python. A page has trainees ×
# steps of them (50 × 55): rendered through the template (the loop in tests/trainer/test_progress.py,
# GRID_CELLS_TEMPLATE, which this must match) the grid measured 11.4× the floor in bench/pages.py,
# against a budget of 6×. Labels are translated and escaped once a row, dates formatted once a day.
LINKED = {"passed", "failed"}


@register.simple_tag
def grid_cells(row) -> SafeString:
    """One cell per step of a TraineeProgress: status (and score), linked to its evidence, and the due day."""
    labels = {code: escape(gettext(label)) for code, (_css, label) in BADGES.items()}
    days: dict = {}
    cells = []
    for status in row.steps:
        code = status.status
        label = labels[code] if status.score is None else f"{labels[code]} {status.score}"
        url = status.evidence_url if code in LINKED else ""
        badge = f'<a href="{escape(url)}">{label}</a>' if url else f"<b>{label}</b>"
        day = days.get(status.due_on) or days.setdefault(status.due_on, f"{status.due_on:%m-%d}")
        cells.append(f'<td class="gc s-{code}">{badge}<i>{day}</i></td>')
    return mark_safe("".join(cells))
