"""Fields of the one-line form bars (grid and queue filters, path assignment) rendered in Python.

crispy's bootstrap5 field template costs about a millisecond a field; the bars sit on the two
busiest supervisor pages and need only a label, the widget and any error. Full forms (login,
review, scheduling) keep crispy.
"""
from __future__ import annotations

from html import escape

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def bar_field(bound_field) -> SafeString:
    """Label, widget (with Bootstrap classes) and errors of one field."""
    widget = bound_field.field.widget
    invalid = " is-invalid" if bound_field.errors else ""
    errors = "".join(f'<div class="invalid-feedback d-block">{escape(str(e))}</div>' for e in bound_field.errors)
    label = escape(str(bound_field.label))
    if bound_field.field.required:
        label += '<span class="asteriskField">*</span>'
    if isinstance(widget, forms.CheckboxInput):
        html = bound_field.as_widget(attrs={"class": "form-check-input" + invalid})
        return mark_safe(f'<div class="form-check mb-3">{html}<label class="form-check-label" '
                         f'for="{bound_field.id_for_label}">{label}</label>{errors}</div>')
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    html = bound_field.as_widget(attrs={"class": css + invalid})
    return mark_safe(f'<div class="mb-3"><label class="form-label" for="{bound_field.id_for_label}">{label}</label>'
                     f"{html}{errors}</div>")
