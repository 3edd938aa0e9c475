"""Labels and badge colours of the progress statuses (trainer.progress) for the templates."""
from __future__ import annotations

from django import template
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
def badge_class(status: str) -> str:
    return BADGES[status][0]
