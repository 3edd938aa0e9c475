"""Widgets rendered in Python give exactly the markup of Django's own templates."""
from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from trainer.widgets import PythonFormRenderer, PythonSelect

HOSTILE = '"><script>alert(1)</script>&amp; 亲'


class EveryInput(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": HOSTILE, "data-quote-slot": 1}))
    number = forms.FloatField(min_value=0, max_value=5, widget=forms.NumberInput(attrs={"step": "0.5"}))
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    mail = forms.EmailField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "readonly": True, "disabled": False}))
    empty_note = forms.CharField(required=False, widget=forms.Textarea)


@pytest.mark.parametrize("data", [
    None,
    {"text": HOSTILE, "number": "2.5", "hidden": "7", "secret": HOSTILE, "mail": "a@b.c", "day": "2026-12-01",
     "flag": "on", "note": HOSTILE + "\n第二行", "empty_note": ""},
    {"text": "", "number": "x", "hidden": "", "flag": "", "note": mark_safe("<b>safe</b>")},
])
def test_inputs_and_textareas_match_djangos_templates(data):
    python = EveryInput(data, renderer=PythonFormRenderer())
    django = EveryInput(data, renderer=DjangoTemplates())
    for name in EveryInput.base_fields:
        assert str(python[name]) == str(django[name]), name


def test_the_project_uses_the_python_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "trainer.widgets.PythonFormRenderer"
    assert isinstance(get_default_renderer(), PythonFormRenderer)


def test_python_select_matches_djangos_select():
    choices = [("", "全部"), ("1", HOSTILE), ("2", "二组")]
    for value in (None, "", "1", "2", "9"):
        python = PythonSelect(choices=choices).render("team", value, attrs={"id": "id_team", "class": "form-select"})
        django = forms.Select(choices=choices).render("team", value, attrs={"id": "id_team", "class": "form-select"},
                                                      renderer=DjangoTemplates())
        assert python.replace("\n", "") == django.replace("\n", "").replace("  ", ""), value


@pytest.mark.parametrize("text", ["", "短", "亲" * 59, "亲" * 60, "亲" * 61, "a" * 200, "亲,您好~" * 20])
def test_truncate_chars_matches_the_truncatechars_filter(text):
    from django.template.defaultfilters import truncatechars

    from trainer.templatetags.review_tags import truncate_chars

    from django.utils import translation

    for language in ("zh-hans", "en"):
        with translation.override(language):
            for length in (14, 60):
                assert truncate_chars(text, length) == truncatechars(text, length)
