"""Forms of the supervisor workspace and certification."""
from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from courses import clock

from .models import CertificationExam, OnboardingPath, Team, User


class IsoDateInput(forms.DateInput):
    """<input type="date">, whose value must be ISO yyyy-mm-dd whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _filter_bar(*columns: tuple[str, str]) -> FormHelper:
    """A one-line GET form: each field in its column, the filter button last."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "row g-2 align-items-end mb-3"
    helper.disable_csrf = True
    helper.layout = Layout(*(Div(name, css_class=css) for name, css in columns), Div(
        StrictButton(_("筛选"), type="submit", css_class="btn-outline-primary w-100"), css_class="col-md-2 mb-3"))
    return helper


def _team_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=Team.objects.none(), **kwargs)


def _trainee_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=User.objects.none(), required=False, **kwargs)


SORT_CHOICES = [
    ("name", _("按团队和姓名")), ("progress", _("完成度从高到低")), ("progress_asc", _("完成度从低到高")),
    ("overdue", _("逾期最多在前")), ("hire_date", _("入职日期")),
]


class GridFilterForm(forms.Form):
    team = _team_field(required=False, empty_label=_("全部团队"), label=_("团队"))
    overdue = forms.BooleanField(required=False, label=_("只看有逾期的学员"))
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label=_("排序"))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.only("pk", "name")
        self.helper = _filter_bar(("team", "col-md-3"), ("sort", "col-md-3"), ("overdue", "col-md-3"))


class AssignPathForm(forms.Form):
    path = forms.ModelChoiceField(queryset=OnboardingPath.objects.only("pk", "name").order_by("name"), label=_("带教路径"))
    team = _team_field(required=False, label=_("整个团队(团队默认路径)"),
                       help_text=_("团队里没有自己路径的学员按默认路径学习。"))
    trainee = _trainee_field(label=_("或单个学员"), help_text=_("学员自己的路径优先于团队默认路径。"))
    # Set by the confirmation page: the supervisor has seen what the new path keeps and changes.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, teams, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.only("pk", "name")
        self.fields["trainee"].queryset = trainees

    def clean(self):
        data = super().clean()
        if not data.get("team") and not data.get("trainee"):
            raise forms.ValidationError(_("请选择一个团队或一名学员。"))
        return data


class ReviewQueueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("pending", _("待审阅")), ("flagged", _("系统标记")), ("reviewed", _("已审阅")),
                                        ("all", _("全部"))], required=False, label=_("状态"))
    team = _team_field(required=False, empty_label=_("全部团队"), label=_("团队"))
    trainee = _trainee_field(empty_label=_("全部学员"), label=_("学员"))
    scenario = forms.CharField(required=False, max_length=80, label=_("情景题标识"))

    def __init__(self, *args, teams, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.only("pk", "name")
        self.fields["trainee"].queryset = trainees
        self.helper = _filter_bar(("status", "col-md-2"), ("team", "col-md-3"), ("trainee", "col-md-3"),
                                  ("scenario", "col-md-2"))


PASSAGE_SLOTS = 3


class ReviewForm(forms.Form):
    """One number per criterion (pre-filled with the automatic points), comments, passage notes."""

    comment = forms.CharField(required=False, max_length=4000, label=_("总体点评(学员可见)"),
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    seen_review_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # One per rendered form: the same form sent twice makes one review (quizzes.services.review_submit).
    submit_token = forms.CharField(max_length=64, widget=forms.HiddenInput,
                                   error_messages={"required": _("这个审阅表单已失效,请重新打开后再提交。")})

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        if not self.is_bound:
            self.initial.setdefault("submit_token", secrets.token_urlsafe(16))
        for c in criteria:
            self.fields[f"points_{c['key']}"] = forms.FloatField(
                min_value=0, max_value=c["max"], label=c["label"], initial=c["earned"],
                widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": c["max"], "class": "form-control form-control-sm"}))
        for slot in range(1, PASSAGE_SLOTS + 1):
            self.fields[f"quote_{slot}"] = forms.CharField(required=False, max_length=500, label=_("选中的原文"),
                                                           widget=forms.TextInput(attrs={"readonly": "readonly", "data-quote-slot": slot, "class": "form-control form-control-sm", "placeholder": _("在左侧选中一段原文")}))
            self.fields[f"note_{slot}"] = forms.CharField(required=False, max_length=1000, label=_("批注"), widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": _("对这段话的批注")}))

    def clean(self):
        data = super().clean()
        for slot in range(1, PASSAGE_SLOTS + 1):
            if data.get(f"quote_{slot}") and not data.get(f"note_{slot}"):
                self.add_error(f"note_{slot}", _("选了原文,也请写下批注。"))
        return data

    def points(self) -> dict[str, float]:
        return {c["key"]: self.cleaned_data[f"points_{c['key']}"] for c in self.criteria
                if self.cleaned_data.get(f"points_{c['key']}") is not None}

    def passages(self):
        from quizzes.services import PassageComment

        return [PassageComment(self.cleaned_data[f"quote_{s}"], self.cleaned_data[f"note_{s}"])
                for s in range(1, PASSAGE_SLOTS + 1) if self.cleaned_data.get(f"quote_{s}")]

    def criterion_rows(self):
        for c in self.criteria:
            yield c, self[f"points_{c['key']}"]

    def passage_rows(self):
        for slot in range(1, PASSAGE_SLOTS + 1):
            yield self[f"quote_{slot}"], self[f"note_{slot}"]


class RoundScheduleForm(forms.Form):
    team = _team_field(label=_("团队"))
    exam = forms.ModelChoiceField(queryset=CertificationExam.objects.only("pk", "name"), label=_("考试"))
    first_day = forms.DateField(label=_("第一轮开始日期"), widget=IsoDateInput())
    months = forms.IntegerField(min_value=1, max_value=12, initial=3, label=_("连续安排几个月"))
    window_days = forms.IntegerField(min_value=1, max_value=28, initial=7, label=_("每轮开放天数"))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.only("pk", "name")
        self.fields["first_day"].initial = clock.today()
