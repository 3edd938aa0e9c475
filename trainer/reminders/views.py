"""Each user's reminder settings, and each team's group robot."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors as trainer_selectors
from .. import services as trainer_services
from ..forms import TeamSamplingForm
from ..permissions import supervisor_required
from . import services
from .forms import ReminderSettingsForm, TeamWebhookForm


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Each user's own: the email address reminders go to, and whether they go by email at all."""
    form = ReminderSettingsForm(request.POST or None, initial={
        "email": request.user.email, "email_reminders": request.user.email_reminders})
    if request.method == "POST" and form.is_valid():
        services.user_reminder_settings_update(user=request.user, email=form.cleaned_data["email"],
                                                        email_reminders=form.cleaned_data["email_reminders"])
        messages.success(request, _("通知设置已保存。"))
        return redirect("trainer:notification_settings")
    return render(request, "trainer/reminders/settings.html", {"form": form}, status=400 if form.errors else 200)


@supervisor_required
def team_settings(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's group robot (WeChat Work or DingTalk) and its review sampling rule, for the team's own
    supervisors. Each form posts on its own (`which`); the other is shown as saved."""
    team = trainer_selectors.access_team_by_id(user=request.user, team_id=team_id)
    which = request.POST.get("which", "webhook") if request.method == "POST" else ""
    form = TeamWebhookForm(request.POST if which == "webhook" else None, initial={"webhook_url": team.webhook_url})
    sampling = TeamSamplingForm(request.POST if which == "sampling" else None,
                                initial={"review_sample_percent": team.review_sample_percent,
                                         "certify_before_review": team.certify_before_review})
    if which == "webhook" and form.is_valid():
        services.team_webhook_update(team=team, webhook_url=form.cleaned_data["webhook_url"])
        messages.success(request, _("“%(team)s”的群机器人已保存。") % {"team": team.name})
        return redirect("trainer:team_settings", team.pk)
    if which == "sampling" and sampling.is_valid():
        trainer_services.team_review_sampling_update(
            team=team, percent=sampling.cleaned_data["review_sample_percent"],
            certify_before_review=sampling.cleaned_data["certify_before_review"])
        messages.success(request, _("“%(team)s”的抽审规则已保存。") % {"team": team.name})
        return redirect("trainer:team_settings", team.pk)
    return render(request, "trainer/reminders/team_settings.html", {
        "team": team, "form": form, "sampling_form": sampling,
        "teams": trainer_selectors.teams_visible_to(user=request.user),
    }, status=400 if form.errors or sampling.errors else 200)
