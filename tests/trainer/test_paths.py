"""Several onboarding paths: team defaults, a trainee's own path, due-date extensions, the confirmation."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import clock
from courses.models import Lesson
from courses.services import lesson_complete
from trainer import selectors, services
from trainer.models import OnboardingPath, PathAssignment, PersonChange, Team, User


def progress_of(trainee):
    return selectors.progress_for(trainees=selectors.trainees_with_paths(user=trainee))[0]


@pytest.fixture
def tracks(content):
    return (OnboardingPath.objects.get(slug="newhire-30-days"), OnboardingPath.objects.get(slug="presales-track"),
            OnboardingPath.objects.get(slug="aftersales-track"))


def test_the_shipped_file_holds_the_presales_and_aftersales_tracks(tracks):
    general, presales, aftersales = tracks
    assert presales.steps.count() and aftersales.steps.count()
    presales_modules = set(presales.steps.filter(kind="module_quiz").values_list("module__slug", flat=True))
    aftersales_modules = set(aftersales.steps.filter(kind="module_quiz").values_list("module__slug", flat=True))
    assert "closing-payment" in presales_modules - aftersales_modules
    assert "logistics-aftersales" in aftersales_modules - presales_modules


def test_team_default_covers_members_without_their_own_path(tracks, people):
    general, presales, aftersales = tracks
    services.path_assign(path=aftersales, trainees=[people.teammate], assigned_by=people.supervisor)
    followers = services.team_default_path_set(team=people.team, path=presales, actor=people.supervisor)
    assert followers == 1  # the teammate keeps their own path
    assert progress_of(people.trainee).path == presales
    assert progress_of(people.teammate).path == aftersales  # own path overrides the team's
    assert progress_of(people.outsider).path is None  # another team: untouched
    change = PersonChange.objects.get(person=people.trainee, action=PersonChange.Action.PATH)
    assert (change.actor, change.before, change.after) == (people.supervisor, "—", presales.name)
    assert "一组" in change.note
    assert not PersonChange.objects.filter(person=people.teammate, action=PersonChange.Action.PATH,
                                           after=presales.name).exists()


def test_own_path_replaces_the_team_default_and_is_recorded(tracks, people):
    general, presales, aftersales = tracks
    services.team_default_path_set(team=people.team, path=general, actor=people.supervisor)
    services.path_assign(path=aftersales, trainees=[people.trainee], assigned_by=people.supervisor)
    assert progress_of(people.trainee).path == aftersales
    change = PersonChange.objects.filter(person=people.trainee, action=PersonChange.Action.PATH).first()
    assert (change.before, change.after) == (general.name, aftersales.name)


def test_extension_moves_every_due_date_and_is_recorded_with_the_reason(tracks, people):
    general = tracks[0]
    people.trainee.hire_date = clock.today() - timedelta(days=5)
    people.trainee.save()
    services.path_assign(path=general, trainees=[people.trainee], assigned_by=people.supervisor)
    before = [s.due_on for s in progress_of(people.trainee).steps]
    assert services.due_extension_grant(trainee=people.trainee, days=3, reason="病假", actor=people.supervisor) == 3
    assert services.due_extension_grant(trainee=people.trainee, days=2, reason="系统故障", actor=people.supervisor) == 5
    after = [s.due_on for s in progress_of(people.trainee).steps]
    assert after == [d + timedelta(days=5) for d in before]
    rows = list(PersonChange.objects.filter(person=people.trainee, action=PersonChange.Action.EXTENSION)
                .order_by("created_at", "id").values_list("actor__username", "before", "after", "note"))
    assert rows == [("sup", "0 天", "3 天", "病假"), ("sup", "3 天", "5 天", "系统故障")]


@pytest.mark.parametrize("days, reason, message", [
    (0, "病假", services.EXTENSION_OUT_OF_RANGE), (61, "病假", services.EXTENSION_OUT_OF_RANGE),
    (3, "   ", services.EXTENSION_NEEDS_REASON),
])
def test_extension_refuses_bad_input_and_changes_nothing(people, days, reason, message):
    with pytest.raises(ValidationError) as caught:
        services.due_extension_grant(trainee=people.trainee, days=days, reason=reason, actor=people.supervisor)
    assert caught.value.messages == [message]
    assert User.objects.get(pk=people.trainee.pk).due_extension_days == 0 and not PersonChange.objects.exists()


def test_path_change_keeps_completed_steps(tracks, people):
    general, presales, aftersales = tracks
    services.path_assign(path=general, trainees=[people.trainee], assigned_by=people.supervisor)
    shared = Lesson.objects.filter(module__slug="role-and-routine").order_by("order").first()
    presales_only = Lesson.objects.filter(module__slug="presales-flow").order_by("order").first()
    for lesson in (shared, presales_only):
        lesson_complete(user=people.trainee, lesson=lesson)
    preview = selectors.path_change_preview(trainees=selectors.trainees_with_paths(user=people.trainee), path=aftersales)
    assert len(preview) == 1 and preview[0].current == general
    assert [s.lesson_id for s in preview[0].kept] == [shared.pk]
    assert [s.lesson_id for s in preview[0].dropped] == [presales_only.pk]
    services.path_assign(path=aftersales, trainees=[people.trainee], assigned_by=people.supervisor)
    done = [s.step.lesson_id for s in progress_of(people.trainee).steps if s.is_done]
    assert done == [shared.pk]
    # Already on the path: nothing to confirm.
    assert selectors.path_change_preview(trainees=selectors.trainees_with_paths(user=people.trainee), path=aftersales) == []


def test_replacing_a_path_asks_for_confirmation_first(tracks, people, client_for):
    general, presales, aftersales = tracks
    services.path_assign(path=general, trainees=[people.trainee], assigned_by=people.supervisor)
    client = client_for(people.supervisor)
    url = reverse("trainer:path_assign")
    page = client.post(url, {"path": aftersales.pk, "trainee": people.trainee.pk})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="path-change-preview"' in body and general.name in body
    assert PathAssignment.objects.get(trainee=people.trainee).path == general  # nothing changed yet
    done = client.post(url, {"path": aftersales.pk, "trainee": people.trainee.pk, "confirm": "on"})
    assert done.status_code == 302 and PathAssignment.objects.get(trainee=people.trainee).path == aftersales


def test_a_first_path_needs_no_confirmation(tracks, people, client_for):
    response = client_for(people.supervisor).post(reverse("trainer:path_assign"), {
        "path": tracks[2].pk, "team": people.team.pk})
    assert response.status_code == 302 and Team.objects.get(pk=people.team.pk).default_path == tracks[2]


def test_changing_a_team_default_asks_for_confirmation(tracks, people, client_for):
    general, presales, aftersales = tracks
    services.team_default_path_set(team=people.team, path=general, actor=people.supervisor)
    client = client_for(people.supervisor)
    page = client.post(reverse("trainer:path_assign"), {"path": presales.pk, "team": people.team.pk})
    assert page.status_code == 200 and 'data-testid="confirm-form"' in page.content.decode()
    assert Team.objects.get(pk=people.team.pk).default_path == general


@pytest.mark.parametrize("role, status, granted", [
    ("sup", 302, True), ("admin", 302, True), ("sup_other", 404, False), ("owner", 403, False), ("peer", 403, False),
])
def test_who_may_grant_an_extension(people, client_for, role, status, granted):
    user = {"sup": people.supervisor, "admin": people.admin, "sup_other": people.other_supervisor,
            "owner": people.trainee, "peer": people.teammate}[role]
    response = client_for(user).post(reverse("trainer:person_detail", args=[people.trainee.pk]),
                                     {"op": "extension", "days": 3, "reason": "病假"})
    assert response.status_code == status
    assert (User.objects.get(pk=people.trainee.pk).due_extension_days == 3) is granted


def test_extension_form_keeps_bad_input_with_the_reason(people, client_for):
    response = client_for(people.supervisor).post(reverse("trainer:person_detail", args=[people.trainee.pk]),
                                                  {"op": "extension", "days": 90, "reason": "病假"})
    body = response.content.decode()
    assert response.status_code == 400 and 'value="90"' in body and 'value="病假"' in body
    assert User.objects.get(pk=people.trainee.pk).due_extension_days == 0


@pytest.mark.parametrize("role, status", [("sup_other", 400), ("owner", 403), ("peer", 403)])
def test_nobody_assigns_outside_their_teams(tracks, people, client_for, role, status):
    user = {"sup_other": people.other_supervisor, "owner": people.trainee, "peer": people.teammate}[role]
    response = client_for(user).post(reverse("trainer:path_assign"), {"path": tracks[1].pk, "team": people.team.pk,
                                                                      "confirm": "on"})
    assert response.status_code == status and Team.objects.get(pk=people.team.pk).default_path is None
