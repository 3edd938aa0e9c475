"""Forms of the reminder settings: a user's email switch, a team's group robot."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .webhooks import webhook_host_allowed


class ReminderSettingsForm(forms.Form):
    email = forms.EmailField(label=_("邮箱"), required=False)
    email_reminders = forms.BooleanField(label=_("提醒也发到我的邮箱"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("email_reminders") and not data.get("email"):
            self.add_error("email", _("要收提醒邮件,请填写邮箱。"))
        return data


class TeamWebhookForm(forms.Form):
    webhook_url = forms.URLField(label=_("群机器人 Webhook 地址"), required=False, max_length=500, assume_scheme="https",
                                 help_text=_("企业微信或钉钉群机器人的 Webhook 地址;留空则不发群消息。钉钉机器人若设了关键词,请用“客服训练营”。"))

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"]
        if url and not webhook_host_allowed(url):
            raise forms.ValidationError(_("只支持企业微信(qyapi.weixin.qq.com)或钉钉(oapi.dingtalk.com)的群机器人地址。"))
        return url
