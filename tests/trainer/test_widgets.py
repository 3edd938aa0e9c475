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


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, "first", "second", "absent"])
def test_options_read_as_values_match_model_choice_field(data):
    """Same options, labels (the model's __str__), order and selection as ModelChoiceField; the same
    validation; the cleaned value is the instance."""
    from trainer.forms import OptionsFromValuesField
    from trainer.models import Role, Team, User

    team = Team.objects.create(name=HOSTILE)
    Team.objects.create(name="二组")
    first = User.objects.create_user(username="zhang", display_name="张三", role=Role.TRAINEE, team=team)
    second = User.objects.create_user(username="li-no-display-name", role=Role.TRAINEE, team=team)
    trainees = User.objects.filter(role=Role.TRAINEE).order_by("display_name", "username")

    class Plain(forms.Form):
        team = forms.ModelChoiceField(widget=PythonSelect, queryset=Team.objects.order_by("name"), empty_label="全部")
        trainee = forms.ModelChoiceField(widget=PythonSelect, queryset=trainees, required=False)

    class FromValues(forms.Form):
        team = OptionsFromValuesField(widget=PythonSelect, queryset=Team.objects.order_by("name"), empty_label="全部")
        trainee = OptionsFromValuesField(widget=PythonSelect, queryset=trainees, required=False,
                                         label_fields=("display_name", "username"),
                                         label_from_values=lambda display_name, username: display_name or username)

    chosen = {"first": first.pk, "second": second.pk, "absent": 999_999}.get(data)
    bound = None if data is None else {"team": str(team.pk), "trainee": str(chosen)}
    plain, from_values = Plain(bound), FromValues(bound)
    for name in ("team", "trainee"):
        assert str(from_values[name]) == str(plain[name]), name
    if bound is not None:
        assert from_values.is_valid() == plain.is_valid() == (data != "absent")
        if data != "absent":
            assert from_values.cleaned_data == plain.cleaned_data
            assert from_values.cleaned_data["trainee"] == (first if data == "first" else second)
        else:
            assert from_values.errors == plain.errors
