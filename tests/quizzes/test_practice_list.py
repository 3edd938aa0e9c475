"""The practice catalogue's filter bar: a crispy GET form over modules, customer types and situations."""
from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import Module, Tag
from quizzes.forms import ERROR_UNKNOWN_FILTER, PracticeFilterForm
from quizzes.models import Scenario

URL = "/quizzes/practice/"


def message() -> str:
    with translation.override("zh-hans"):
        return str(ERROR_UNKNOWN_FILTER)


def shown(body: str) -> set[str]:
    return set(re.findall(r'data-testid="scenario-([\w-]+)"', body))


def practice_slugs(**filters) -> set[str]:
    scenarios = Scenario.objects.filter(is_active=True, certification_only=False, **filters)
    return set(scenarios.values_list("slug", flat=True))


def selected(body: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return chosen.group(1) or None if chosen else None


@pytest.fixture
def trainee_client(bank, people, client_for):
    return client_for(people.trainee)


def small_tag(kind: str, **scenario_filters) -> Tag:
    """A tag of that kind on fewer than a page of practice scenarios (so the whole result is on page one)."""
    for tag in Tag.objects.filter(kind=kind).order_by("key"):
        if 0 < len(practice_slugs(tags=tag, **scenario_filters)) <= 24:
            return tag
    pytest.skip(f"no {kind} tag on fewer than 24 practice scenarios")


def test_url_is_the_practice_list():
    assert reverse("quizzes:practice") == URL


def test_filter_bar_is_a_crispy_get_form_with_labels(trainee_client):
    body = trainee_client.get(URL).content.decode()
    start = body.rindex("<form", 0, body.index('data-testid="practice-filter"'))
    form = body[start:body.index("</form>", start)]
    assert 'method="get"' in form and 'data-testid="practice-filter"' in form and "csrfmiddlewaretoken" not in form
    for name, label in (("module", "模块"), ("customer", "顾客类型"), ("situation", "情境")):
        assert re.search(rf'<label[^>]*for="f-{name}"[^>]*>\s*{label}', form), name
    assert "全部模块" in form and "全部顾客类型" in form and "全部情境" in form and "筛选" in form
    module = Module.objects.order_by("order").first()
    assert f'<option value="{module.slug}">{module.order}. {module.title}</option>' in unescape(form)
    tag = Tag.objects.filter(kind="situation").first()
    assert f'<option value="{tag.key}">{tag.label}</option>' in form


def test_filter_by_module(trainee_client):
    module = Module.objects.filter(scenarios__is_active=True).order_by("order").first()
    body = trainee_client.get(URL, {"module": module.slug}).content.decode()
    expected = practice_slugs(module=module)
    assert len(expected) <= 24 and shown(body) == expected
    assert selected(body, "module") == module.slug
    questions = body[body.index('data-testid="questions"'):]
    assert questions.count("list-group-item-action") == module.questions.filter(
        is_active=True, certification_only=False).count()


@pytest.mark.parametrize("kind", ["customer", "situation"])
def test_filter_by_customer_or_situation(trainee_client, kind):
    tag = small_tag(kind)
    body = trainee_client.get(URL, {kind: tag.key}).content.decode()
    assert shown(body) == practice_slugs(tags=tag)
    assert selected(body, kind) == tag.key


def test_customer_and_situation_both_narrow(trainee_client):
    scenario = Scenario.objects.filter(is_active=True, certification_only=False, tags__kind="situation").filter(
        tags__kind="customer").order_by("slug").first()
    customer, situation = scenario.tags.filter(kind="customer").first(), scenario.tags.filter(kind="situation").first()
    body = trainee_client.get(URL, {"customer": customer.key, "situation": situation.key}).content.decode()
    expected = practice_slugs(tags=customer) & practice_slugs(tags=situation)
    assert scenario.slug in expected and shown(body) == expected


@pytest.mark.parametrize("kind", ["customer", "situation"])
def test_legacy_tag_link_filters_and_selects_its_kind(trainee_client, kind):
    tag = small_tag(kind)
    other = "situation" if kind == "customer" else "customer"
    body = trainee_client.get(URL, {"tag": tag.code}).content.decode()
    assert shown(body) == practice_slugs(tags=tag)
    assert selected(body, kind) == tag.key and selected(body, other) is None


def test_legacy_tag_maps_into_the_form_data():
    form = PracticeFilterForm({"tag": "situation:x", "module": "m"})
    assert form.data == {"situation": "x", "module": "m"}
    assert PracticeFilterForm({"tag": "customer:x", "customer": "y"}).data == {"customer": "y"}


@pytest.mark.parametrize("params, field", [
    ({"module": "no-such-module"}, "module"), ({"customer": "nobody"}, "customer"),
    ({"situation": "nonsense"}, "situation"), ({"tag": "customer:nobody"}, "customer"),
    ({"tag": "situation:nothing"}, "situation"), ({"tag": "nonsense"}, "customer"),
    ({"customer": "x" * 500}, "customer"),
])
def test_unknown_codes_give_a_message_and_show_everything(trainee_client, params, field):
    response = trainee_client.get(URL, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert message() in body
    assert re.search(rf'<select[^>]*name="{field}"[^>]*is-invalid|<select[^>]*is-invalid[^>]*name="{field}"', body)
    assert shown(body) <= practice_slugs() and len(shown(body)) == 24  # the first page of everything


def test_an_unknown_code_leaves_the_valid_filters_working(trainee_client):
    module = Module.objects.filter(scenarios__is_active=True).order_by("order").first()
    body = trainee_client.get(URL, {"module": module.slug, "situation": "nothing"}).content.decode()
    assert shown(body) == practice_slugs(module=module) and message() in body
    assert selected(body, "module") == module.slug


def test_page_links_keep_the_filters(trainee_client, monkeypatch):
    monkeypatch.setattr("quizzes.views.PRACTICE_PAGE", 2)
    tag = next(tag for tag in Tag.objects.filter(kind="customer") if len(practice_slugs(tags=tag)) > 2)
    body = trainee_client.get(URL, {"tag": tag.code}).content.decode()
    links = re.findall(r'href="\?([^"]*page=2[^"]*)"', body)
    assert links and all(f"customer={tag.key}" in unescape(link) for link in links)
    page_two = trainee_client.get(URL, {"customer": tag.key, "page": 2}).content.decode()
    first_page = shown(body)
    assert shown(page_two) and not shown(page_two) & first_page
    assert shown(page_two) | first_page <= practice_slugs(tags=tag)
    assert selected(page_two, "customer") == tag.key


def test_filtered_page_reads_no_more_than_the_whole_catalogue(trainee_client):
    scenario = Scenario.objects.filter(is_active=True, certification_only=False, tags__kind="customer").first()
    params = {"module": scenario.module.slug, "customer": scenario.tags.filter(kind="customer").first().key,
              "situation": "nothing"}
    trainee_client.get(URL)
    with CaptureQueriesContext(connection) as everything:
        trainee_client.get(URL)
    with CaptureQueriesContext(connection) as filtered:
        body = trainee_client.get(URL, params).content.decode()
    assert scenario.slug in shown(body)
    assert len(filtered) <= len(everything) + len(params)  # ModelChoiceField looks each chosen value up once


def test_the_message_is_translated(trainee_client):
    trainee_client.cookies["django_language"] = "en"
    body = trainee_client.get(URL, {"module": "gone"}).content.decode()
    with translation.override("en"):
        english = str(ERROR_UNKNOWN_FILTER)
    assert english.startswith("There is no such option") and english in body and "Filter" in body
