"""Forms of the people pages."""
from __future__ import annotations

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from ..models import OnboardingPath, Team, User
from .rows import MAX_BYTES
from ..forms import IsoDateInput
from .services import LINK, PASSWORD

CREDENTIAL_CHOICES = [(LINK, _("一次性登录链接")), (PASSWORD, _("临时密码(首次登录须修改)"))]


_DateInput = IsoDateInput


class PersonCreateForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    username = forms.CharField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text=_("登录用,字母、数字和 @ . + - _"))
    hire_date = forms.DateField(label=_("入职日期"), widget=_DateInput())
    team = forms.ModelChoiceField(label=_("团队"), queryset=Team.objects.none(), empty_label=None)
    path = forms.ModelChoiceField(label=_("带教路径"), queryset=OnboardingPath.objects.none(), required=False,
                                  empty_label=_("暂不分配"))
    credentials = forms.ChoiceField(label=_("首次登录方式"), choices=CREDENTIAL_CHOICES, initial=LINK,
                                    widget=forms.RadioSelect)

    def __init__(self, *args, teams, paths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["path"].queryset = paths

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("用户名“%(username)s”已被使用") % {"username": username})
        return username


class PeopleUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV 或 XLSX 文件"), help_text=_("第一行是表头;请用模板。最多 500 行。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件太大(最多 2 MB)。"))
        return upload


class PeopleImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    credentials = forms.ChoiceField(label=_("首次登录方式"), choices=CREDENTIAL_CHOICES, initial=LINK,
                                    widget=forms.RadioSelect)


class PersonMoveForm(forms.Form):
    team = forms.ModelChoiceField(label=_("调到团队"), queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class PersonHireDateForm(forms.Form):
    hire_date = forms.DateField(label=_("入职日期"), widget=_DateInput())


class DueExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=60,
                              help_text=_("路径上每一步的到期日都顺延这么多天。"))
    reason = forms.CharField(label=_("原因"), max_length=200, help_text=_("例如:病假三天。会记入变更记录。"))


class PersonCredentialsForm(forms.Form):
    credentials = forms.ChoiceField(label=_("首次登录方式"), choices=CREDENTIAL_CHOICES, initial=LINK,
                                    widget=forms.RadioSelect)
