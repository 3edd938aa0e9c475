"""Interface text for the page scripts (timer, autosave, counter, chart), translated like the rest.

The strings travel as a <script type="application/json"> block, which the Content-Security-Policy
allows because it never runs; the scripts read it and fill %(name)s placeholders themselves. They
live in the project catalogue, so English needs no separate JavaScript catalogue or extra request.
"""
from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

register = template.Library()

SCRIPT_STRINGS = {
    "chars": _("%(n)s 字"),
    "autosaved": _("已自动保存 %(time)s"),
    "time_up": _("时间已到,之后的输入不再保存"),
    "autosave_failed": _("自动保存失败,输入仍保留在本机浏览器中"),
    "offline": _("网络中断:输入已保留在本机浏览器中"),
    "time_left": _("剩余 %(time)s"),
    "score": _("得分"),
}


@register.simple_tag
def script_strings() -> SafeString:
    """The strings of SCRIPT_STRINGS in the active language, as JSON with id "script-strings"."""
    return json_script({key: str(text) for key, text in SCRIPT_STRINGS.items()}, "script-strings")
