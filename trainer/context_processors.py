"""Navigation for the base layout, by role."""
from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    icon: str


TRAINEE_NAV = (
    NavItem("home", _("首页"), "house"),
    NavItem("courses:overview", _("课程"), "book"),
    NavItem("quizzes:practice", _("情景练习"), "chat-dots"),
    NavItem("quizzes:module_quizzes", _("模块测验"), "ui-checks"),
    NavItem("trainer:certification", _("认证考试"), "award"),
)
SUPERVISOR_NAV = (
    NavItem("home", _("首页"), "house"),
    NavItem("trainer:team_grid", _("团队进度"), "grid-3x3"),
    NavItem("trainer:people", _("人员"), "people"),
    NavItem("trainer:review_queue", _("审阅队列"), "clipboard-check"),
    NavItem("trainer:weak_spots", _("薄弱环节"), "thermometer-half"),
    NavItem("trainer:agreement", _("评分一致性"), "bar-chart"),
    NavItem("trainer:cert_overview", _("认证管理"), "award"),
    NavItem("courses:overview", _("课程"), "book"),
    NavItem("quizzes:practice", _("情景题库"), "chat-dots"),
)


def navigation(request: HttpRequest) -> dict:
    """The nav items the current user may open (those whose URL exists)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = SUPERVISOR_NAV if user.can_supervise else TRAINEE_NAV
    resolved = []
    for item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        resolved.append({"url": url, "label": item.label, "icon": item.icon, "active": active})
    unread = 0
    if hasattr(user, "notifications"):
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": resolved, "unread_notifications": unread}
