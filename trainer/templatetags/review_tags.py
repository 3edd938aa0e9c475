"""Review-queue rows built in Python: the queue is the page supervisors keep open, and the template
version of a row (link, date filter, truncation, choice label) cost about 0.3 ms a row. Every value
from the database passes through html.escape."""
from __future__ import annotations

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import add_truncation_text
from django.utils.translation import gettext

from trainer.selectors import reverse_cached

register = template.Library()

REPLY_PREVIEW_CHARS = 60


def truncate_chars(text: str, length: int) -> str:
    """What the truncatechars filter gives for plain text: at most `length` characters, the active
    language's ellipsis included, without Truncator's per-character scan (most of a queue row's cost)."""
    if len(text) <= length:
        return text
    marker = add_truncation_text("")
    return text[:max(length - len(marker), 0)] + marker


def empty_table_row(message: str, columns: int = 1) -> SafeString:
    """The one row a table shows when it has nothing to list."""
    span = f' colspan="{columns}"' if columns > 1 else ""
    return mark_safe(f'<tr><td{span} class="text-secondary">{escape(message)}</td></tr>')


@register.simple_tag
def queue_items(answers, empty_message: str) -> SafeString:
    """One list-group link per queue row (quizzes.selectors.QueueRow): who, which scenario, scores
    against the pass mark, a preview of the reply."""
    if not answers:
        return mark_safe(f'<div class="list-group-item text-secondary">{escape(empty_message)}</div>')
    flag = f'<i class="bi bi-flag-fill text-warning" title="{escape(gettext("系统标记"))}"></i> '
    pass_label = escape(gettext("及格"))
    out = []
    for answer in answers:
        flagged = flag if answer.needs_review and not answer.reviewed_at else ""
        final = f" → {answer.final_total}" if answer.reviewed_at else ""
        team = escape(answer.team_name)
        submitted = timezone.localtime(answer.submitted_at).strftime("%Y-%m-%d %H:%M") if answer.submitted_at else ""
        preview = escape(truncate_chars(answer.reply_text, REPLY_PREVIEW_CHARS))
        out.append(
            f'<a class="list-group-item list-group-item-action" href="{reverse_cached("trainer:review_answer", answer.pk)}" data-testid="queue-item">'
            f'<div class="d-flex justify-content-between"><span>{flagged}<strong>{escape(answer.trainee_name)}</strong> · '
            f'{escape(answer.scenario_title)}</span><span class="text-nowrap">{answer.auto_total}{final} / {pass_label} '
            f'{answer.pass_mark}</span></div>'
            f'<div class="small text-secondary">{team} · {escape(answer.mode_label)} · {submitted} · '
            f"{preview}</div></a>")
    return mark_safe("".join(out))


@register.simple_tag
def answer_history_rows(answers, empty_message: str) -> SafeString:
    """A trainee's answers on their detail page: when, mode, what (linked), score, flags."""
    if not answers:
        return empty_table_row(empty_message)
    out = []
    for answer in answers:  # AnswerRows
        mode = escape(answer.mode_label)
        if answer.scenario_id:
            what = f'<a href="{reverse_cached("trainer:review_answer", answer.pk)}">{escape(answer.title)}</a>'
        else:
            what = f'<a href="{answer.url}">{escape(truncate_chars(answer.title, 30))}</a>'
        score = f"{answer.auto_total}"
        if answer.reviewed_at and answer.final_total != answer.auto_total:
            score += f" → {answer.final_total}"
        flags = ('<i class="bi bi-flag-fill text-warning"></i>' if answer.needs_review and not answer.reviewed_at else "") + (
            '<i class="bi bi-person-check text-primary"></i>' if answer.reviewed_at else "")
        when = timezone.localtime(answer.submitted_at).strftime("%m-%d %H:%M") if answer.submitted_at else ""
        out.append(f'<tr><td class="text-nowrap">{when}</td><td>{mode}</td><td>{what}</td>'
                   f'<td class="text-end">{score}</td><td>{flags}</td></tr>')
    return mark_safe("".join(out))


@register.simple_tag
def overridden_rows(criteria, empty_message: str) -> SafeString:
    """The agreement page's most-overridden criteria (quizzes.selectors.CriterionAgreement): scenario,
    criterion, how often changed, links to examples. Built here: through the template, the two
    agreement tables were half the page's time."""
    if not criteria:
        return empty_table_row(empty_message, 4)
    out = []
    for c in criteria:
        examples = " ".join(f'<a href="{reverse_cached("trainer:review_answer", pk)}">#{pk}</a>' for pk in c.examples)
        out.append(f"<tr><td>{escape(c.scenario_title)}</td><td>{escape(c.label)}</td>"
                   f"<td>{c.changed}/{c.reviewed}({c.override_percent}%)</td><td>{examples}</td></tr>")
    return mark_safe("".join(out))


@register.simple_tag
def rubric_agreement_rows(rubrics, empty_message: str) -> SafeString:
    """The agreement page's table per scenario (quizzes.selectors.RubricAgreement)."""
    if not rubrics:
        return empty_table_row(empty_message, 5)
    return mark_safe("".join(
        f"<tr><td>{escape(r.scenario_title)}</td><td>{r.reviewed}</td><td>{r.exact}</td><td>{r.change_percent}%</td>"
        f"<td>{escape(r.kappa_text)}</td></tr>" for r in rubrics))


@register.simple_tag
def queue_head_items(rows) -> SafeString:
    """The supervisor home's first answers of the queue (quizzes.selectors.QueueHeadRow), one link each."""
    flag = '<i class="bi bi-flag-fill text-warning"></i> '
    points = escape(gettext("分"))
    return mark_safe("".join(
        f'<a class="list-group-item list-group-item-action small" href="{reverse_cached("trainer:review_answer", r.pk)}">'
        f'{flag if r.needs_review else ""}{escape(r.trainee_name)} · {escape(r.scenario_title)} · {r.auto_total} {points}</a>'
        for r in rows))
