"""Forms for replies and choices. Validation errors re-render with everything the trainee typed."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from courses import clock
from courses import selectors as course_selectors
from courses.models import Tag
from courses.text import without_nul

from .models import Answer, Question
from .services import ERROR_DISPUTE_REASON_REQUIRED, MAX_REPLY_CHARS, ReplyInput

MAX_TIMING_MS = 24 * 60 * 60 * 1000
FORM_TOKEN_SALT = "quizzes.practice-form"

ERROR_EMPTY_REPLY = _("回复不能为空:写下你真正会发给买家的话。")
ERROR_REPLY_TOO_LONG = _("回复最多 %(max)d 个字,请精简后再提交。")
ERROR_NO_CHOICE = _("请选择答案。")
ERROR_FORM_TOKEN = _("这个页面已失效,请再提交一次(你写的内容都还在)。")
ERROR_EMPTY_DRAFT = _("草稿里没有任何题目的内容。")
ERROR_UNKNOWN_FILTER = _("没有这一项(链接可能已过时),列表没有按它筛选。")


def practice_form_token(*, item: str) -> str:
    """A new token for one practice form: a random key (the answer is recorded once per key) and the
    time the server served the form, signed so that neither can be made up by the page."""
    return signing.dumps({"k": secrets.token_urlsafe(16), "i": item, "t": clock.now().timestamp()}, salt=FORM_TOKEN_SALT)


def read_practice_form_token(token: str, *, item: str) -> tuple[str, datetime] | None:
    """(key, served at) of a token this server issued for this item; None for anything else."""
    try:
        data = signing.loads(token, salt=FORM_TOKEN_SALT)
        if data["i"] != item:
            return None
        return str(data["k"]), datetime.fromtimestamp(float(data["t"]), tz=timezone.utc)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


class PracticeTokenMixin:
    """The hidden form_token of a practice form (practice_form_token); `item` names the scenario or question."""

    item_key = ""

    def _add_token_field(self, item: str) -> None:
        self.item_key = item
        self.fields["form_token"] = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial["form_token"] = practice_form_token(item=item)

    def clean_form_token(self) -> tuple[str, datetime]:
        read = read_practice_form_token(self.cleaned_data.get("form_token") or "", item=self.item_key)
        if read is None:
            # Shown again with a fresh token, so that sending once more works and nothing typed is lost.
            self.data = self.data.copy()
            self.data["form_token"] = practice_form_token(item=self.item_key)
            raise forms.ValidationError(ERROR_FORM_TOKEN, code="form_token")
        return read

    @property
    def token_key(self) -> str:
        return self.cleaned_data["form_token"][0]

    @property
    def served_at(self) -> datetime:
        return self.cleaned_data["form_token"][1]


def timing_field() -> forms.IntegerField:
    return TimingField(required=False, min_value=0, max_value=MAX_TIMING_MS, widget=forms.HiddenInput)


class ReplyField(forms.CharField):
    """Reply text exactly as typed, except NUL characters, which are dropped before validation.

    PostgreSQL cannot store NUL and no one types it on purpose (it comes from pasted binary), so we
    drop it rather than refuse the whole reply.
    """

    def to_python(self, value):
        return super().to_python(without_nul(value))

    def bound_data(self, data, initial):
        """What a re-shown form puts back in the box: the text as kept, without NUL."""
        return without_nul(data) if isinstance(data, str) else super().bound_data(data, initial)


class TimingField(forms.IntegerField):
    """Milliseconds measured by the page. A missing or tampered value is dropped, never an error:
    the trainee cannot see or fix a hidden field, and their reply must not be refused for it."""

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            return None


def reply_field() -> forms.CharField:
    return ReplyField(
        label=_("你的回复"), strip=False, required=False,
        widget=forms.Textarea(attrs={"rows": 5, "data-reply": "1", "maxlength": MAX_REPLY_CHARS,
                                     "placeholder": _("像在千牛/微信里一样,直接输入你要发给买家的回复……")}),
    )


def clean_reply(value: str) -> str:
    """Keep the text exactly as typed (spaces included) but refuse an empty or oversized reply."""
    value = without_nul(value or "")
    if not value.strip():
        raise forms.ValidationError(ERROR_EMPTY_REPLY, code="empty")
    if len(value) > MAX_REPLY_CHARS:
        raise forms.ValidationError(ERROR_REPLY_TOO_LONG, code="too_long", params={"max": MAX_REPLY_CHARS})
    return value


def choice_field(question: Question) -> forms.Field:
    options = list(enumerate(question.display_choices))
    if question.kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=options, coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=question.prompt)
    return forms.TypedChoiceField(
        choices=options, coerce=int, required=False, widget=forms.RadioSelect, label=question.prompt, empty_value=None)


class ReplyForm(PracticeTokenMixin, forms.Form):
    reply = reply_field()
    first_keystroke_ms = timing_field()
    submit_ms = timing_field()
    pasted_chars = timing_field()  # counted by the page; advisory

    def __init__(self, *args, item: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_token_field(item)

    def clean_reply(self) -> str:
        return clean_reply(self.cleaned_data.get("reply", ""))

    def to_input(self) -> ReplyInput:
        data = self.cleaned_data
        return ReplyInput(reply_text=data["reply"], first_keystroke_ms=data.get("first_keystroke_ms"),
                          submit_ms=data.get("submit_ms"), pasted_chars=data.get("pasted_chars"))


class ChoiceForm(PracticeTokenMixin, forms.Form):
    first_keystroke_ms = timing_field()
    submit_ms = timing_field()

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["choice"] = choice_field(question)
        self._add_token_field(f"question:{question.slug}")

    def clean_choice(self):
        return _require_choice(self.cleaned_data.get("choice"))

    def to_input(self) -> ReplyInput:
        return ReplyInput(selected=_as_tuple(self.cleaned_data["choice"]),
                          first_keystroke_ms=self.cleaned_data.get("first_keystroke_ms"),
                          submit_ms=self.cleaned_data.get("submit_ms"))


def _require_choice(value):
    if value is None or value == [] or value == "":
        raise forms.ValidationError(ERROR_NO_CHOICE, code="no_choice")
    return value


def _as_tuple(value) -> tuple[int, ...]:
    if value is None or value == "":
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


class AttemptForm(forms.Form):
    """All items of a quiz or exam in one form; field names carry the answer id."""

    def __init__(self, *args, answers: list[Answer], require_all: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        self.require_all = require_all
        for answer in answers:
            if answer.scenario_id:
                self.fields[f"reply_{answer.pk}"] = reply_field()
                self.initial.setdefault(f"reply_{answer.pk}", answer.reply_text)
            else:
                self.fields[f"choice_{answer.pk}"] = choice_field(answer.question)
                initial = answer.selected if answer.question.kind == Question.Kind.MULTIPLE else (
                    answer.selected[0] if answer.selected else None)
                self.initial.setdefault(f"choice_{answer.pk}", initial)
            self.fields[f"first_{answer.pk}"] = timing_field()
            self.fields[f"submit_{answer.pk}"] = timing_field()
            if answer.scenario_id:
                self.fields[f"pasted_{answer.pk}"] = timing_field()
            self.initial.setdefault(f"first_{answer.pk}", answer.first_keystroke_ms)

    def clean(self):
        data = super().clean()
        if not self.require_all:  # drafts: anything goes except an oversized reply
            for answer in self.answers:
                if answer.scenario_id and len(data.get(f"reply_{answer.pk}") or "") > MAX_REPLY_CHARS:
                    self.add_error(f"reply_{answer.pk}", forms.ValidationError(
                        ERROR_REPLY_TOO_LONG, code="too_long", params={"max": MAX_REPLY_CHARS}))
            return data
        for answer in self.answers:
            if answer.scenario_id:
                try:
                    data[f"reply_{answer.pk}"] = clean_reply(data.get(f"reply_{answer.pk}", ""))
                except forms.ValidationError as error:
                    self.add_error(f"reply_{answer.pk}", error)
            else:
                try:
                    _require_choice(data.get(f"choice_{answer.pk}"))
                except forms.ValidationError as error:
                    self.add_error(f"choice_{answer.pk}", error)
        return data

    def item_fields(self):
        """(answer, main bound field, timing bound fields) per item, in order, for the template."""
        for answer in self.answers:
            main = self[f"reply_{answer.pk}"] if answer.scenario_id else self[f"choice_{answer.pk}"]
            timing = [self[f"first_{answer.pk}"], self[f"submit_{answer.pk}"]]
            if answer.scenario_id:
                timing.append(self[f"pasted_{answer.pk}"])
            yield answer, main, timing

    def to_inputs(self) -> dict[int, ReplyInput]:
        data = self.cleaned_data
        inputs = {}
        for answer in self.answers:
            inputs[answer.pk] = ReplyInput(
                reply_text=without_nul(data.get(f"reply_{answer.pk}") or ""),
                selected=_as_tuple(data.get(f"choice_{answer.pk}")),
                first_keystroke_ms=data.get(f"first_{answer.pk}"),
                submit_ms=data.get(f"submit_{answer.pk}"),
                pasted_chars=data.get(f"pasted_{answer.pk}"),
            )
        return inputs


class AttemptDraftForm(AttemptForm):
    """An autosave: the items the page sent (only those), numbered by the page's save counter.

    A body naming no item (empty, malformed, not form data at all) is refused rather than read as
    "every item is empty", which once blanked every saved reply of an exam.
    """

    seq = forms.IntegerField(min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, answers: list[Answer], **kwargs):
        super().__init__(*args, answers=answers, require_all=False, **kwargs)

    def _sent(self, answer: Answer) -> bool:
        return (f"reply_{answer.pk}" if answer.scenario_id else f"choice_{answer.pk}") in self.data

    def clean(self):
        data = super().clean()
        if not any(self._sent(answer) for answer in self.answers):
            raise forms.ValidationError(ERROR_EMPTY_DRAFT, code="empty")
        return data

    def to_inputs(self) -> dict[int, ReplyInput]:
        inputs = super().to_inputs()
        return {answer.pk: inputs[answer.pk] for answer in self.answers if self._sent(answer)}


class ReviewDisputeForm(forms.Form):
    """Why the trainee thinks the review is wrong (required)."""

    reason = forms.CharField(
        max_length=2000, label=_("异议理由"), help_text=_("说明哪一项评分你觉得不对,以及为什么。"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ERROR_DISPUTE_REASON_REQUIRED})

    def clean_reason(self) -> str:
        reason = without_nul(self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(ERROR_DISPUTE_REASON_REQUIRED, code="required")
        return reason


def filter_bar(*columns: tuple[str, str]) -> FormHelper:
    """A one-line GET form for crispy (every filter bar of every app): each field in its column, the
    filter button last."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "row g-2 align-items-end mb-3"
    helper.disable_csrf = True
    helper.layout = Layout(*(Div(name, css_class=css) for name, css in columns), Div(
        StrictButton(_("筛选"), type="submit", css_class="btn-outline-primary w-100"), css_class="col-md-2 mb-3"))
    return helper


def _filter_choice_field(*, to_field_name: str, empty_label, label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=None, to_field_name=to_field_name, required=False, empty_label=empty_label,
                                  label=label, error_messages={"invalid_choice": ERROR_UNKNOWN_FILTER})


class PracticeFilterForm(forms.Form):
    """The practice catalogue's filter bar (GET): a module by slug, a customer type and a situation by
    the tag's key. An older link's ?tag=<kind>:<key> lands in the select of its kind (unless that
    select is given too)."""

    module = _filter_choice_field(to_field_name="slug", empty_label=_("全部模块"), label=_("模块"))
    customer = _filter_choice_field(to_field_name="key", empty_label=_("全部顾客类型"), label=_("顾客类型"))
    situation = _filter_choice_field(to_field_name="key", empty_label=_("全部情境"), label=_("情境"))

    def __init__(self, data=None, **kwargs):
        if data is not None and data.get("tag"):
            data, (kind, _colon, key) = data.copy(), data.get("tag").partition(":")
            del data["tag"]
            field = Tag.Kind.SITUATION if kind == Tag.Kind.SITUATION else Tag.Kind.CUSTOMER
            if not data.get(field):
                data[field] = key or kind
        super().__init__(data, auto_id="f-%s", **kwargs)
        self.fields["module"].queryset = course_selectors.modules_in_order().only("pk", "slug", "order", "title")
        self.fields["module"].label_from_instance = lambda module: f"{module.order}. {module.title}"
        for kind in (Tag.Kind.CUSTOMER, Tag.Kind.SITUATION):
            self.fields[kind].queryset = course_selectors.tags_of_kind(kind=kind).only("pk", "kind", "key", "label")
        self.helper = filter_bar(*((name, "col-md-3") for name in self.fields))
        self.helper.attrs = {"data-testid": "practice-filter"}

    def catalogue_filters(self) -> dict:
        """The keyword arguments of quizzes.selectors.practice_catalogue; a field with an unknown value filters nothing."""
        self.is_valid()  # the fields that are valid still filter when another is not
        data = self.cleaned_data
        return {"module": data.get("module"), "tags": [tag for tag in (data.get("customer"), data.get("situation")) if tag]}
