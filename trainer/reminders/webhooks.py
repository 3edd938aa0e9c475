"""Group-robot webhooks: WeChat Work (企业微信) and DingTalk (钉钉) both take a plain HTTP POST of
{"msgtype": "text", "text": {"content": ...}} and answer {"errcode": 0, ...} when it went through."""
from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 10
MAX_TEXT = 2000  # WeChat Work takes at most 2,048 bytes of text per message; DingTalk more

HOST_NOT_ALLOWED = "webhook host not allowed: %s"


class WebhookError(RuntimeError):
    """The robot refused the message (errcode ≠ 0), or the host is not one of WEBHOOK_ALLOWED_HOSTS."""


def webhook_host_allowed(url: str) -> bool:
    """Only the robots' own hosts (settings.WEBHOOK_ALLOWED_HOSTS): a supervisor's URL must not reach
    into the server's own network."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in settings.WEBHOOK_ALLOWED_HOSTS


def text_message(text: str) -> dict:
    return {"msgtype": "text", "text": {"content": text[:MAX_TEXT]}}


def webhook_post(*, url: str, text: str) -> dict:
    """POST one text message; the robot's JSON answer, or WebhookError."""
    if not webhook_host_allowed(url):
        raise WebhookError(HOST_NOT_ALLOWED % urlsplit(url).hostname)
    request = urllib.request.Request(url, data=json.dumps(text_message(text), ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (host checked above)
        body = response.read(65536)
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        answer = {}
    if answer.get("errcode", 0) != 0:
        raise WebhookError(f"robot answered {answer.get('errcode')}: {answer.get('errmsg', '')}")
    return answer
