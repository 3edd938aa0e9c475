"""Reminders: what is due, sent once per thing and day, in-app, by email (Django's outbox) and to a
team's group robot (a loopback HTTP server standing in for WeChat Work / DingTalk)."""
from __future__ import annotations

import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from courses import clock
from quizzes.models import Answer
from trainer.models import CertificationExam, CertificationRound, Notification, PathStep, ReminderSent
from trainer.reminders import selectors, services, webhooks
from trainer.reminders.forms import TeamWebhookForm

Kind = ReminderSent.Kind


class Robot:
    """A group robot on 127.0.0.1: records every POSTed JSON body, answers like WeChat Work."""

    def __init__(self, errcode: int = 0):
        robot = self
        self.received: list[dict] = []
        self.errcode = errcode

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.received.append({"path": self.path, "content_type": self.headers["Content-Type"],
                                       "body": json.loads(self.rfile.read(length))})
                answer = json.dumps({"errcode": robot.errcode, "errmsg": "ok" if not robot.errcode else "bad"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Robot()
    yield server
    server.close()


@pytest.fixture
def due_world(assigned, people):
    """t1's first step falls due tomorrow; t2 is long overdue; a round opens today for 一组."""
    first = PathStep.objects.filter(path=assigned).order_by("order").first()
    today = clock.today()
    people.trainee.hire_date = today + timedelta(days=1) - timedelta(days=first.due_days)
    people.trainee.email = "t1@example.cn"
    people.trainee.save()
    people.teammate.hire_date = today - timedelta(days=200)
    people.teammate.save()
    people.supervisor.email = "sup@example.cn"
    people.supervisor.save()
    CertificationRound.objects.create(exam=CertificationExam.objects.get(), team=people.team, title="十二月轮",
                                      opens_on=today, closes_on=today + timedelta(days=7))
    return first


def kinds_for(due, user):
    return sorted((d.kind, d.subject) for d in due if d.user == user)


def test_what_is_due_for_trainees_and_supervisors(due_world, people):
    due, team_days = selectors.reminders_due(today=clock.today())
    round_id = CertificationRound.objects.get().pk
    t1 = kinds_for(due, people.trainee)
    assert (Kind.STEP_DUE, f"step:{due_world.pk}") in t1 and (Kind.ROUND_OPEN, f"round:{round_id}") in t1
    assert (Kind.OVERDUE, "") not in t1
    assert (Kind.OVERDUE, "") in kinds_for(due, people.teammate)
    sup = [d for d in due if d.user == people.supervisor]
    assert [d.kind for d in sup] == [Kind.TEAM_OVERDUE] and people.teammate.name in sup[0].message
    assert kinds_for(due, people.other_supervisor) == [(Kind.TEAM_OVERDUE, "")]  # t3 is overdue too
    assert team_days == []  # no team has a robot yet


def test_flagged_answers_and_expiring_certificates_reach_the_supervisor(due_world, people, monkeypatch):
    from tests.trainer.conftest import submit_reply
    from quizzes.models import Scenario

    answer = submit_reply(people.trainee, Scenario.objects.first(), "不行")
    Answer.objects.filter(pk=answer.pk).update(needs_review=True)
    expiring = [type("R", (), {"cert": type("C", (), {"trainee": people.trainee, "trainee_id": people.trainee.pk})()})()]
    monkeypatch.setattr(selectors, "certification_alerts", lambda user: {"expiring": expiring if user == people.supervisor else []})
    due, _days = selectors.reminders_due(today=clock.today())
    sup = {d.kind: d for d in due if d.user == people.supervisor}
    assert sup[Kind.FLAGGED].message == "1 条标记的回复等待审阅。"
    assert people.trainee.name in sup[Kind.EXPIRING].message
    assert Kind.FLAGGED not in {d.kind for d in due if d.user == people.other_supervisor}


def test_a_leaver_gets_no_reminders(due_world, people):
    from trainer.people.services import person_deactivate

    person_deactivate(actor=people.supervisor, person=people.teammate)
    due, _days = selectors.reminders_due(today=clock.today())
    assert kinds_for(due, people.teammate) == []
    assert not any(d.kind == Kind.TEAM_OVERDUE for d in due if d.user == people.supervisor)


def test_sending_twice_on_a_day_sends_nothing_twice(due_world, people, robot):
    people.team.webhook_url = robot.url
    people.team.save()
    first = services.reminders_send()
    assert first.notifications == Notification.objects.count() > 0 and first.already_sent == 0
    assert first.emails == 2 and first.webhooks == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["sup@example.cn", "t1@example.cn"]
    t1_mail = next(m for m in mail.outbox if m.to == ["t1@example.cn"])
    assert "明天到期" in t1_mail.body and "http://127.0.0.1:8000/" in t1_mail.body and "通知设置" in t1_mail.body
    [message] = robot.received
    assert message["content_type"].startswith("application/json") and message["body"]["msgtype"] == "text"
    assert "一组" in message["body"]["text"]["content"] and people.teammate.name in message["body"]["text"]["content"]
    second = services.reminders_send()
    assert (second.notifications, second.emails, second.webhooks) == (0, 0, 0)
    assert second.already_sent == first.notifications
    assert len(mail.outbox) == 2 and len(robot.received) == 1
    tomorrow = services.reminders_send(today=clock.today() + timedelta(days=1))
    assert tomorrow.notifications > 0  # overdue steps are reminded again the next day


def test_email_switched_off_or_missing_sends_no_mail(due_world, people):
    people.trainee.email_reminders = False
    people.trainee.save()
    services.reminders_send()
    assert [m.to for m in mail.outbox] == [["sup@example.cn"]]
    assert Notification.objects.filter(user=people.trainee).exists()  # in-app still


def test_a_refusing_robot_does_not_stop_the_run(due_world, people, robot):
    robot.errcode = 93000
    people.team.webhook_url = robot.url
    people.team.save()
    run = services.reminders_send()
    assert run.webhooks == 1 and len(robot.received) == 1 and len(mail.outbox) == 2


def test_webhook_post_refuses_hosts_outside_the_allowed_list(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["qyapi.weixin.qq.com"]
    with pytest.raises(webhooks.WebhookError):
        webhooks.webhook_post(url="http://127.0.0.1:9/x", text="hi")
    assert not TeamWebhookForm({"webhook_url": "http://10.0.0.1/hook"}).is_valid()
    assert TeamWebhookForm({"webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}).is_valid()


def test_send_reminders_command(due_world, people):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)
    first, second = out.getvalue().splitlines()
    assert "0 already sent" in first and second.startswith("Reminders: 0 in-app, 0 email(s) and 0 group")


def test_settings_pages(client_for, people):
    client = client_for(people.trainee)
    response = client.post(reverse("trainer:notification_settings"), {"email": "", "email_reminders": "on"})
    assert response.status_code == 400
    client.post(reverse("trainer:notification_settings"), {"email": "t1@example.cn"})
    people.trainee.refresh_from_db()
    assert (people.trainee.email, people.trainee.email_reminders) == ("t1@example.cn", False)
    client = client_for(people.supervisor)
    url = reverse("trainer:team_settings", args=[people.team.pk])
    assert client.post(url, {"webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=x"}).status_code == 302
    people.team.refresh_from_db()
    assert people.team.webhook_url.startswith("https://oapi.dingtalk.com/")
    assert client.get(reverse("trainer:team_settings", args=[people.other_team.pk])).status_code == 404
