"""Progress cells and badges built in Python: the team grid has (trainees × steps) of them, and a
template include (or format_html) per cell made it the slowest page. Values are escaped with
html.escape; the status codes, scores and dates come from our own data."""
from __future__ import annotations

from html import escape

from django import template
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
LINKED = {"passed", "failed", "in_progress"}


def _badge(status, labels: dict[str, str]) -> str:
    css, _label = BADGES[status.status]
    score = f" {status.score}" if status.score is not None else ""
    return f'<span class="badge {css}">{labels[status.status]}{score}</span>'


def _labels() -> dict[str, str]:
    return {code: escape(gettext(label)) for code, (_css, label) in BADGES.items()}


@register.simple_tag
def status_badge(status) -> SafeString:
    return mark_safe(_badge(status, _labels()))


@register.simple_tag
def grid_cells(row) -> SafeString:
    """Every step cell of one grid row."""
    labels = _labels()
    cells = []
    for status in row.steps:
        badge = _badge(status, labels)
        if status.evidence_url and status.status in LINKED:
            badge = f'<a href="{escape(status.evidence_url)}" class="text-decoration-none text-body">{badge}</a>'
        cells.append(f'<td class="grid-cell status-{status.status}">{badge}'
                     f'<div class="text-secondary">{status.due_on:%m-%d}</div></td>')
    return mark_safe("".join(cells))
