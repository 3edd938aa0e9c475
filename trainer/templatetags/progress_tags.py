"""Progress cells and badges built in Python: the team grid has (trainees × steps) of them, and a
template include (or format_html) per cell made it the slowest page. Values are escaped with
html.escape; the status codes, scores and dates come from our own data."""
from __future__ import annotations

from datetime import date
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from trainer.selectors import reverse_cached

from .review_tags import empty_table_row, truncate_chars

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


def _cells(row, labels: dict[str, str], day_labels: dict[date, str]) -> str:
    """One short cell per step (styles: .gc in site.css): a grid page has trainees × steps of them,
    and Bootstrap's badge markup made the page 180 KB for twenty trainees."""
    cells = []
    for status in row.steps:
        code = status.status
        label = labels[code] if status.score is None else f"{labels[code]} {status.score}"
        if status.evidence_url and code in LINKED:
            # reverse_cached links are our own paths with numeric ids: nothing in them to escape
            badge = f'<a href="{status.evidence_url}">{label}</a>'
        else:
            badge = f"<b>{label}</b>"
        day = day_labels.get(status.due_on)
        if day is None:
            day = day_labels[status.due_on] = f"{status.due_on:%m-%d}"
        cells.append(f'<td class="gc s-{code}">{badge}<i>{day}</i></td>')
    return "".join(cells)


@register.simple_tag
def grid_head(columns) -> SafeString:
    """One header cell per step: "order. title", the title cut to 14 characters with the whole of it on hover."""
    return mark_safe("".join(
        f'<th class="gc fw-normal" title="{escape(c.title)}">{c.order}. {escape(truncate_chars(c.title, 14))}</th>'
        for c in columns))


@register.simple_tag
def grid_body(rows, empty_message: str) -> SafeString:
    """The whole body of the team grid: one row per trainee, one cell per step of their path."""
    if not rows:
        return empty_table_row(empty_message, 3)
    labels, day_labels = _labels(), {}
    out = []
    for row in rows:
        trainee = row.trainee
        username = escape(trainee.username)
        team = escape(trainee.team.name) if trainee.team_id else ""
        out.append(
            f'<tr data-testid="grid-row-{username}">'
            f'<td class="text-nowrap"><a href="{reverse_cached("trainer:trainee_detail", trainee.pk)}">{escape(trainee.name)}</a>'
            f'<div class="small text-secondary">{team}</div></td>'
            f'<td class="text-nowrap" data-testid="percent-{username}">{row.percent}%</td>'
            f"<td>{len(row.overdue)}</td>{_cells(row, labels, day_labels)}</tr>")
    return mark_safe("".join(out))


@register.simple_tag
def step_table_rows(progress) -> SafeString:
    """The rows of a trainee's step table (order, title with its evidence link, due date, status)."""
    labels = _labels()
    out = []
    for status in progress.steps:
        title = escape(status.step.title)
        if status.evidence_url:
            title = f'<a href="{escape(status.evidence_url)}">{title}</a>'
        out.append(f"<tr><td>{status.step.order}</td><td>{title}</td>"
                   f'<td class="text-nowrap">{status.due_on:%m-%d}</td><td>{_badge(status, labels)}</td></tr>')
    return mark_safe("".join(out))
