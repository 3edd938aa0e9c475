"""Form widgets rendered in Python where Django's template-per-widget rendering is the cost.

The supervisor filter bars and the assignment form list every trainee and team a supervisor can
see; Django's Select renders one template include per option (about 0.1 ms each), which made the
form the slowest part of the team grid and the review queue.
"""
from __future__ import annotations

from html import escape

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


class PythonSelect(forms.Select):
    """A single-choice <select> with the same markup as forms.Select, built without templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected_values = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{_attrs_html(final_attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                raise TypeError("PythonSelect does not render option groups")  # none of our forms use them
            text_value = "" if option_value is None else str(option_value)
            selected = not has_selected and text_value in selected_values
            has_selected |= selected
            parts.append(f'<option value="{escape(text_value)}"{" selected" if selected else ""}>'
                         f"{escape(str(option_label))}</option>")
        parts.append("</select>")
        return mark_safe("".join(parts))


# ------------------------------------------------------------------------------------ form renderer

_INPUT_TEMPLATES = {f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "password", "hidden", "url", "search", "tel", "date", "time",
    "datetime", "color", "checkbox")}
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False drops an attribute, True writes it bare."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False)


class PythonFormRenderer(DjangoTemplates):
    """Django's form renderer, with <input> and <textarea> written in Python instead of through two
    template includes each (about 0.1 ms a widget; the review screen has fifteen). The markup is
    the same as Django's templates give (tests compare them); every other widget, form and field
    template is rendered by Django as before."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUT_TEMPLATES:
            widget = context["widget"]
            value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
            return (f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
                    f'{value}{_attrs_html(widget["attrs"])}>')
        if template_name == _TEXTAREA_TEMPLATE:
            widget = context["widget"]
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>\n{text}</textarea>'
        return super().render(template_name, context, request)
