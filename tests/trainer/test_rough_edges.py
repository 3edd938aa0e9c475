"""Small fixes found on the way: ISO dates in date inputs, links on the homes, the practice list, the grid."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses import clock
from courses.models import Module
from quizzes.models import Scenario
from tests.trainer.conftest import submit_reply
from trainer import services
from trainer.models import OnboardingPath


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_round_form_prefills_an_iso_date_the_date_input_accepts(people, client_for, language):
    client = client_for(people.supervisor)
    with translation.override(language):
        body = client.get(reverse("trainer:cert_overview"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    field = re.search(r'<input[^>]*name="first_day"[^>]*>', body).group(0)
    assert 'type="date"' in field and f'value="{clock.today():%Y-%m-%d}"' in field


def test_person_hire_date_input_is_iso(people, client_for):
    people.trainee.hire_date = clock.today() - timedelta(days=3)
    people.trainee.save()
    body = client_for(people.supervisor).get(reverse("trainer:person_detail", args=[people.trainee.pk])).content.decode()
    assert f'value="{people.trainee.hire_date:%Y-%m-%d}"' in body


def test_home_items_are_links_and_show_the_extended_due_date(assigned, people, client_for):
    services.due_extension_grant(trainee=people.trainee, days=3, reason="病假", actor=people.supervisor)
    body = client_for(people.trainee).get(reverse("home")).content.decode()
    next_card = body[body.index('data-testid="next-step"'):]
    assert '<a class="fw-semibold" href="/courses/' in next_card[:600]
    overdue = body[body.index('data-testid="overdue-list"'):]
    overdue = overdue[:overdue.index("</ul>")]
    assert overdue.count("<li><a href=") >= 1
    hired = people.trainee.hire_date
    first = assigned.steps.order_by("order").first()
    due = hired + timedelta(days=first.due_days + 3)
    assert f"{due:%m-%d}" in overdue or f"{due:%m月%d日}" in body
    assert "已延期 3 天" in body


def test_supervisor_home_shows_zero_below_65_without_red(people, client_for):
    body = client_for(people.supervisor).get(reverse("home")).content.decode()
    cell = re.search(r'<div class="small ([^"]*)" data-testid="below-65">', body).group(1)
    assert "text-danger" not in cell


def test_module_page_links_to_its_quiz(content, people, client_for):
    module = Module.objects.order_by("order").first()
    body = client_for(people.trainee).get(reverse("courses:module", args=[module.slug])).content.decode()
    assert f'href="{reverse("quizzes:module_quizzes")}#quiz-{module.slug}"' in body
    quizzes = client_for(people.trainee).get(reverse("quizzes:module_quizzes")).content.decode()
    assert f'id="quiz-{module.slug}"' in quizzes


def test_navbar_has_search(people, client_for):
    body = client_for(people.trainee).get(reverse("home")).content.decode()
    assert 'data-testid="nav-search"' in body and f'action="{reverse("courses:search")}"' in body


def test_grid_name_column_is_sticky(assigned, people, client_for):
    body = client_for(people.supervisor).get(reverse("trainer:team_grid")).content.decode()
    assert 'class="text-nowrap grid-name fw-normal" scope="row"' in body
    from pathlib import Path
    css = (Path(__file__).resolve().parents[2] / "trainer" / "static" / "trainer" / "site.css").read_text()
    assert re.search(r"\.grid-name \{[^}]*position: sticky", css)


def test_practice_list_pages_filters_and_marks(content, people, client_for):
    client = client_for(people.trainee)
    url = reverse("quizzes:practice")
    first = client.get(url).content.decode()
    total = Scenario.objects.filter(is_active=True, certification_only=False).count()
    assert total > 24 and 'data-testid="pagination"' in first
    assert first.count('data-testid="scenario-') == 24
    scenario = Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug").first()
    submit_reply(people.trainee, scenario, scenario.model_answer)
    submit_reply(people.trainee, scenario, "好的")
    submit_reply(people.teammate, scenario, scenario.model_answer)  # someone else's answers do not count
    body = client.get(url).content.decode()
    mark = body[body.index(f'data-testid="mark-{scenario.slug}"'):]
    best = max(a.final_total for a in people.trainee.answers.filter(scenario=scenario))
    assert f"练过 2 次 · 最好 {best} 分" in mark[:300]
    customer = scenario.tags.filter(kind="customer").first() or scenario.tags.first()
    filtered = client.get(url, {"module": scenario.module.slug, "tag": customer.code}).content.decode()
    shown = set(re.findall(r'data-testid="scenario-([\w-]+)"', filtered))
    expected = set(Scenario.objects.filter(is_active=True, certification_only=False, module=scenario.module,
                                           tags=customer).values_list("slug", flat=True))
    assert scenario.slug in shown and shown == expected or len(expected) > 24


def test_practice_list_queries_stay_flat(content, people, client_for):
    client = client_for(people.trainee)
    url = reverse("quizzes:practice")
    client.get(url)
    with CaptureQueriesContext(connection) as none_tried:
        client.get(url)
    for scenario in Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug")[:6]:
        submit_reply(people.trainee, scenario, scenario.model_answer)
    with CaptureQueriesContext(connection) as six_tried:
        client.get(url)
    assert len(six_tried) == len(none_tried)


def test_trainee_home_queries_stay_flat_with_an_extension(assigned, people, client_for):
    client = client_for(people.trainee)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    services.due_extension_grant(trainee=people.trainee, days=3, reason="病假", actor=people.supervisor)
    services.team_default_path_set(team=people.team, path=OnboardingPath.objects.get(slug="aftersales-track"),
                                   actor=people.supervisor)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)


def test_score_chart_has_a_series_per_mode_and_a_label_per_day(assigned, people, client_for):
    from quizzes import services as quiz_services
    from tests.factories import attempt_inputs
    from trainer.selectors import score_series

    scenarios = list(Scenario.objects.filter(is_active=True, certification_only=False).order_by("slug")[:2])
    for scenario in scenarios:
        submit_reply(people.trainee, scenario, scenario.model_answer)
    attempt = quiz_services.module_quiz_start(user=people.trainee, module=Module.objects.get(slug="customer-types"))
    quiz_services.attempt_submit(attempt_id=attempt.pk, user=people.trainee, inputs=attempt_inputs(attempt, good=True))
    chart = score_series(trainee=people.trainee)
    assert chart["labels"] == [f"{clock.today():%m-%d}"]  # one label per day, not one per answer
    modes = [s["mode"] for s in chart["series"]]
    assert modes == ["practice", "module_quiz"]
    practice = [a.final_total for a in people.trainee.answers.filter(attempt__mode="practice")]
    assert chart["series"][0]["data"] == [round(sum(practice) / len(practice))]
    body = client_for(people.trainee).get(reverse("home")).content.decode()
    table = body[body.index('data-testid="score-table"'):]
    assert "练习" in table[:600] and 'role="img"' in body


def test_search_finds_scenarios_as_well_as_lessons(content, people, client_for):
    scenario = Scenario.objects.filter(is_active=True, certification_only=False).order_by("slug").first()
    word = scenario.title[:3]
    body = client_for(people.trainee).get(reverse("courses:search"), {"q": word}).content.decode()
    results = body[body.index('data-testid="scenario-results"'):]
    assert f'href="{scenario.get_absolute_url()}"' in results
    hidden = Scenario.objects.filter(certification_only=True).first()
    if hidden is not None:
        exam_only = client_for(people.trainee).get(reverse("courses:search"), {"q": hidden.title}).content.decode()
        assert hidden.get_absolute_url() not in exam_only  # exam scenarios stay out of practice search


def test_every_model_and_field_has_a_chinese_name_in_admin():
    from django.apps import apps

    english = []
    # A request with the English cookie elsewhere in this worker leaves English active in the thread.
    with translation.override("zh-hans"):
        for app in ("trainer", "courses", "quizzes"):
            for model in apps.get_app_config(app).get_models():
                if str(model._meta.verbose_name).isascii():
                    english.append(model.__name__)
                for f in model._meta.get_fields():
                    if f.concrete and not f.primary_key and not (model.__name__ == "User" and f.model is not model) \
                            and str(f.verbose_name).isascii() and f.name not in _AUTH_FIELDS:
                        english.append(f"{model.__name__}.{f.name}")
    assert english == []


# AbstractUser's own fields: Django translates their names in its catalogue.
_AUTH_FIELDS = {"password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
                "is_staff", "is_active", "date_joined", "groups", "user_permissions"}
