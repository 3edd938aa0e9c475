"""`{% icon "name" %}`: a Bootstrap icon from the SVG sprite (trainer/icons.py lists the names).

Decorative by default (aria-hidden, never focusable). Give `label` when the icon carries meaning
(✓ met, ✗ not met, flagged…): the label follows as visually hidden text, so state is never shown by
an icon or a colour alone. `class` adds classes (colour, margin) to the <svg>. A builtin tag (see
TEMPLATES in settings), so templates need no {% load %}.
"""
from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from trainer.icons import ICONS, SPRITE

register = template.Library()


@register.simple_tag(name="icon")
def icon(name: str, label: str = "", **attrs: str) -> SafeString:
    """The <svg><use></svg> of one sprite icon, plus visually hidden text when it has a label."""
    if name not in ICONS:
        raise template.TemplateSyntaxError(f"icon {name!r} is not in trainer/icons.py ICONS")
    extra = attrs.pop("class", "")
    if attrs:
        raise template.TemplateSyntaxError(f"icon takes label and class, not {', '.join(attrs)}")
    svg = format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        f"icon bi-{name} {extra}".strip(), static(SPRITE), name,
    )
    if label:
        return format_html('{}<span class="visually-hidden">{}</span>', svg, label)
    return svg
