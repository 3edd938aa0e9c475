"""Form widgets rendered in Python where Django's template-per-option rendering is the cost.

The supervisor filter bars and the assignment form list every trainee and team a supervisor can
see; Django's Select renders one template include per option (about 0.1 ms each), which made the
form the slowest part of the team grid and the review queue.
"""
from __future__ import annotations

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe


class PythonSelect(forms.Select):
    """A single-choice <select> with the same markup as forms.Select, built without templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected_values = set(self.format_value(value))
        parts = [f"<select{flatatt(final_attrs)}>"]
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
