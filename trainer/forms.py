"""Forms of the supervisor workspace and certification."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from courses import clock
from quizzes.forms import filter_bar
from quizzes.models import Attempt

from .models import CertificationExam, OnboardingPath, Team, User


class IsoDateInput(forms.DateInput):
    """<input type="date">, whose value must be ISO yyyy-mm-dd whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")



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
        self.helper = filter_bar(("team", "col-md-3"), ("sort", "col-md-3"), ("overdue", "col-md-3"))


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


class CachedFilterBarMixin:
    """For a filter bar rendered inside {% cache %}: `rendering_key` names everything its HTML depends
    on (the submitted values, and every choice's value and label), so a cached bar is never stale.
    Why: crispy and the widget templates spent about 9 ms drawing the queue's bar with a few dozen
    trainees, on every visit; reading the choices for the key costs two small queries (under 1 ms)."""

    def rendering_key(self) -> str:
        digest = hashlib.sha256(repr(sorted(getattr(self.data, "lists", self.data.items)())).encode())
        for name, field in self.fields.items():
            if hasattr(field, "queryset"):
                digest.update(repr((name, [(str(value), str(label)) for value, label in field.choices])).encode())
        return digest.hexdigest()


class ReviewQueueFilterForm(CachedFilterBarMixin, forms.Form):
    status = forms.ChoiceField(choices=[("pending", _("待审阅")), ("flagged", _("系统标记")), ("reviewed", _("已审阅")),
                                        ("all", _("全部"))], required=False, label=_("状态"))
    mode = forms.ChoiceField(choices=[("", _("全部类型")), *Attempt.Mode.choices], required=False, label=_("类型"))
    team = _team_field(required=False, empty_label=_("全部团队"), label=_("团队"))
    trainee = _trainee_field(empty_label=_("全部学员"), label=_("学员"))
    scenario = forms.CharField(required=False, max_length=80, label=_("情景题标题包含"))

    def __init__(self, *args, teams, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.only("pk", "name")
        self.fields["trainee"].queryset = trainees
        self.helper = filter_bar(("status", "col-md-2"), ("mode", "col-md-2"), ("team", "col-md-2"),
                                  ("trainee", "col-md-2"), ("scenario", "col-md-2"))

    def queue_filters(self) -> dict:
        """The keyword arguments of quizzes.selectors.review_queue; an invalid form filters nothing but status."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"team_id": data["team"].pk if data.get("team") else None,
                "trainee_id": data["trainee"].pk if data.get("trainee") else None,
                "scenario_title": (data.get("scenario") or "").strip(), "mode": data.get("mode") or "",
                "status": data.get("status") or "pending"}


class TeamSamplingForm(forms.Form):
    review_sample_percent = forms.IntegerField(
        min_value=0, max_value=100, label=_("其余回复抽审比例(%)"),
        help_text=_("认证考试的回复和系统标记的回复全部进入审阅队列;其余回复按这个比例抽取(按回复编号固定抽取,队列不会重新洗牌)。100 表示全部审阅。"))
    certify_before_review = forms.BooleanField(
        required=False, label=_("认证交卷即发证(不等主管审阅)"),
        help_text=_("不勾选(默认):认证考试里有系统标记或抽审的回复时,成绩先作暂定,主管审阅完最后一条后才发放证书、绩效档位和路径进度。勾选后按自动评分立即发放。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


PASSAGE_SLOTS = 3
ERROR_QUOTE_NOT_IN_REPLY = _("批注的原文必须是学员回复中的一段原话(可以复制或用“引用选中文字”按钮),请核对后再提交。")
ERROR_NOTE_WITHOUT_QUOTE = _("选了原文,也请写下批注。")


class CriterionPointsMixin:
    """One number and one comment per criterion, pre-filled with the automatic points, and one
    checkbox per capping reason of the automatic result (quizzes.grading.capping_reasons)."""

    def _add_criterion_fields(self, criteria: list[dict], caps: list[dict] = ()) -> None:
        self.criteria, self.caps = criteria, list(caps)
        for cap in self.caps:
            # Unticked by default: the cap stands unless the supervisor says it does not.
            self.fields[f"clear_cap_{cap['code']}"] = forms.BooleanField(
                required=False, label=_("这条扣分上限不成立"),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "data-cap-clear": cap["code"]}))
        for c in criteria:
            self.fields[f"points_{c['key']}"] = forms.FloatField(
                min_value=0, max_value=c["max"], label=_("“%(label)s”的主管评分(满分 %(max)s)") % {
                    "label": c["label"], "max": c["max"]},
                initial=c["earned"],
                widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": c["max"], "data-points-max": c["max"],
                                                "class": "form-control form-control-sm"}))
            self.fields[f"remark_{c['key']}"] = forms.CharField(
                required=False, max_length=1000, label=_("对“%(label)s”的点评") % {"label": c["label"]},
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def points(self) -> dict[str, float]:
        return {c["key"]: self.cleaned_data[f"points_{c['key']}"] for c in self.criteria
                if self.cleaned_data.get(f"points_{c['key']}") is not None}

    def criterion_comments(self) -> dict[str, str]:
        return {c["key"]: self.cleaned_data[f"remark_{c['key']}"] for c in self.criteria
                if self.cleaned_data.get(f"remark_{c['key']}")}

    def criterion_rows(self):
        for c in self.criteria:
            yield c, self[f"points_{c['key']}"], self[f"remark_{c['key']}"]

    def cleared_caps(self) -> list[str]:
        """The codes of the capping reasons ticked as not applying."""
        return [cap["code"] for cap in self.caps if self.cleaned_data.get(f"clear_cap_{cap['code']}")]

    def cap_rows(self):
        for cap in self.caps:
            yield cap, self[f"clear_cap_{cap['code']}"]


class ReviewForm(CriterionPointsMixin, forms.Form):
    """One number and a comment per criterion, an overall comment, passage notes.

    A passage's quote is typed, pasted or put in by the page's "引用选中文字" button; it must be a
    passage of the reply, word for word.
    """

    comment = forms.CharField(required=False, max_length=4000, label=_("总体点评(学员可见)"),
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    seen_review_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # One per rendered form: the same form sent twice makes one review (quizzes.services.review_submit).
    submit_token = forms.CharField(max_length=64, widget=forms.HiddenInput,
                                   error_messages={"required": _("这个审阅表单已失效,请重新打开后再提交。")})

    def __init__(self, *args, criteria: list[dict], caps: list[dict] = (), reply: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.reply = reply
        if not self.is_bound:
            self.initial.setdefault("submit_token", secrets.token_urlsafe(16))
        self._add_criterion_fields(criteria, caps)
        for slot in range(1, PASSAGE_SLOTS + 1):
            self.fields[f"quote_{slot}"] = forms.CharField(
                required=False, max_length=500, strip=False, label=_("第 %(n)d 段原文") % {"n": slot},
                help_text=_("回复中的原话:选中文字后按“引用选中文字”,或直接输入。"),
                widget=forms.TextInput(attrs={"data-quote-slot": slot, "class": "form-control form-control-sm"}))
            self.fields[f"note_{slot}"] = forms.CharField(
                required=False, max_length=1000, label=_("第 %(n)d 段批注") % {"n": slot},
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "data-passage-note": slot}))

    def clean(self):
        data = super().clean()
        for slot in range(1, PASSAGE_SLOTS + 1):
            quote = data.get(f"quote_{slot}") or ""
            if quote.strip() and quote not in self.reply and quote.strip() not in self.reply:
                self.add_error(f"quote_{slot}", ERROR_QUOTE_NOT_IN_REPLY)
            elif quote.strip():
                data[f"quote_{slot}"] = quote if quote in self.reply else quote.strip()
            if quote.strip() and not data.get(f"note_{slot}"):
                self.add_error(f"note_{slot}", ERROR_NOTE_WITHOUT_QUOTE)
        return data

    def passages(self):
        from quizzes.services import PassageComment

        return [PassageComment(self.cleaned_data[f"quote_{s}"], self.cleaned_data[f"note_{s}"])
                for s in range(1, PASSAGE_SLOTS + 1) if (self.cleaned_data.get(f"quote_{s}") or "").strip()]

    def passage_rows(self):
        for slot in range(1, PASSAGE_SLOTS + 1):
            yield slot, self[f"quote_{slot}"], self[f"note_{slot}"]


class DisputeResolveForm(CriterionPointsMixin, forms.Form):
    """The points after looking at the dispute again (unchanged: upheld) and why, for the trainee."""

    resolution = forms.CharField(max_length=2000, label=_("裁定说明(学员可见)"),
                                 widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                                 error_messages={"required": _("请写下裁定说明:学员会看到你为什么维持或调整评分。")})

    def __init__(self, *args, criteria: list[dict], caps: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self._add_criterion_fields(criteria, caps)


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


WEAK_SPOT_DEFAULT_DAYS = 30
PERIOD_TOO_LONG = _("时间段最长一年,请缩短。")
PERIOD_REVERSED = _("开始日期不能晚于结束日期。")


class WeakSpotFilterForm(forms.Form):
    """Team or trainee and a period (ISO dates; the last 30 days unless chosen)."""

    team = _team_field(required=False, empty_label=_("全部团队"), label=_("团队"))
    trainee = _trainee_field(empty_label=_("全部学员"), label=_("学员"))
    start = forms.DateField(required=False, label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(required=False, label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, teams, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.only("pk", "name")
        self.fields["trainee"].queryset = trainees
        today = clock.today()
        self.default_start, self.default_end = today - timedelta(days=WEAK_SPOT_DEFAULT_DAYS - 1), today
        self.fields["start"].initial, self.fields["end"].initial = self.default_start, self.default_end
        self.helper = filter_bar(("team", "col-md-3"), ("trainee", "col-md-3"), ("start", "col-md-2"), ("end", "col-md-2"))

    def clean(self):
        from .selectors import WEAK_SPOT_MAX_DAYS

        data = super().clean()
        start, end = data.get("start") or self.default_start, data.get("end") or self.default_end
        if start > end:
            raise forms.ValidationError(PERIOD_REVERSED)
        if (end - start).days >= WEAK_SPOT_MAX_DAYS:
            raise forms.ValidationError(PERIOD_TOO_LONG)
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> dict:
        """team_id, trainee_id, start, end for the selectors; the defaults when the form is not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"team_id": data["team"].pk if data.get("team") else None,
                "trainee_id": data["trainee"].pk if data.get("trainee") else None,
                "start": data.get("start") or self.default_start, "end": data.get("end") or self.default_end}


class WeakSpotAnswersForm(WeakSpotFilterForm):
    """A heatmap cell: the period and people of the page, and the criterion and tag of the cell."""

    criterion = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    tag = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {**super().filters(), "criterion": data.get("criterion") or "", "tag_id": data.get("tag")}
