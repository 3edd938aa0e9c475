"""Loading the curriculum into the database, completion, pages and permissions."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db.models import Q
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import Lesson, LessonCompletion, Module
from courses.services import curriculum_load, lesson_complete

REAL_ROOT = Path(__file__).resolve().parents[2] / "courses" / "content"


@pytest.fixture
def curriculum(db):
    return curriculum_load(root=REAL_ROOT)


def test_loading_twice_changes_nothing_and_keeps_completions(curriculum, people):
    lesson = Lesson.objects.first()
    lesson_complete(user=people.trainee, lesson=lesson)
    report = curriculum_load(root=REAL_ROOT)
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == Lesson.objects.count()
    assert LessonCompletion.objects.filter(user=people.trainee, lesson=lesson).exists()


def test_edited_file_updates_in_place(curriculum, people, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(REAL_ROOT, root)
    path = sorted(root.rglob("*.md"))[0]
    lesson = Lesson.objects.get(source_path__endswith=path.name)
    lesson_complete(user=people.trainee, lesson=lesson)
    path.write_text(path.read_text(encoding="utf-8").replace("## 小结", "## 小结\n新增的一句总结。", 1), encoding="utf-8")
    report = curriculum_load(root=root)
    assert report.updated == 1
    lesson.refresh_from_db()
    assert "新增的一句总结" in lesson.body_html
    assert lesson.completions.filter(user=people.trainee).exists()


def test_invalid_file_loads_nothing(db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(REAL_ROOT, root)
    victim = sorted(root.rglob("*.md"))[-1]
    victim.write_text("+++\nslug = 1\n+++\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_curriculum", root=root, stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert Lesson.objects.count() == 0 and Module.objects.count() == 0


def test_failure_midway_rolls_back(db, monkeypatch):
    from courses import services

    calls = {"n": 0}
    real = services.lesson_render

    def flaky(*, lesson):
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("disk full")
        real(lesson=lesson)

    monkeypatch.setattr(services, "lesson_render", flaky)
    with pytest.raises(RuntimeError):
        curriculum_load(root=REAL_ROOT)
    assert Lesson.objects.count() == 0


def test_course_overview_shows_module_percentages(curriculum, people, client_for):
    module = Module.objects.get(slug="customer-types")
    lessons = list(module.lessons.all())
    lesson_complete(user=people.trainee, lesson=lessons[0])
    body = client_for(people.trainee).get(reverse("courses:overview")).content.decode()
    expected = round(100 / len(lessons))
    assert f'data-testid="module-percent-customer-types">{expected}%' in body


def test_mark_done_is_per_trainee_and_idempotent(curriculum, people, client_for):
    lesson = Lesson.objects.first()
    client = client_for(people.trainee)
    url = reverse("courses:lesson_done", args=[lesson.slug])
    assert client.post(url).status_code == 302
    client.post(url)
    assert LessonCompletion.objects.filter(lesson=lesson).count() == 1
    assert not LessonCompletion.objects.filter(user=people.teammate).exists()
    client.post(url, {"undo": "1"})
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_mark_done_requires_post(curriculum, people, client_for):
    lesson = Lesson.objects.first()
    assert client_for(people.trainee).get(reverse("courses:lesson_done", args=[lesson.slug])).status_code == 405


def test_lesson_page_has_prev_next_and_minutes(curriculum, people, client_for):
    lessons = list(Lesson.objects.order_by("module__order", "order"))
    body = client_for(people.trainee).get(lessons[1].get_absolute_url()).content.decode()
    assert lessons[0].get_absolute_url() in body and lessons[2].get_absolute_url() in body
    assert f"约 {lessons[1].minutes} 分钟" in body
    assert 'class="chat-turn chat-buyer"' in body


def test_search_finds_chinese_substrings(curriculum, people, client_for):
    body = client_for(people.trainee).get(reverse("courses:search"), {"q": "催付"}).content.decode()
    assert "<mark>催付</mark>" in body
    hits = Lesson.objects.filter(body_text__contains="催付").count()
    assert hits > 0 and f"找到 {hits} 个课时" in body


def test_search_in_traditional_characters_finds_the_simplified_lessons(curriculum, people, client_for):
    simplified = client_for(people.trainee).get(reverse("courses:search"), {"q": "退货"}).content.decode()
    traditional = client_for(people.trainee).get(reverse("courses:search"), {"q": "退貨"}).content.decode()
    hits = Lesson.objects.filter(Q(body_text__icontains="退货") | Q(title__icontains="退货")).count()
    assert hits > 0 and f"找到 {hits} 个课时" in simplified and f"找到 {hits} 个课时" in traditional
    assert "<mark>退货</mark>" in traditional


def test_search_escapes_the_query(curriculum, people, client_for):
    body = client_for(people.trainee).get(reverse("courses:search"), {"q": "<script>x"}).content.decode()
    assert "<script>x" not in body


@pytest.mark.parametrize("name", ["courses:overview", "courses:search"])
def test_anonymous_is_sent_to_login(db, client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_unknown_lesson_is_404(curriculum, people, client_for):
    assert client_for(people.trainee).get(reverse("courses:lesson", args=["no-such"])).status_code == 404


def test_every_role_can_read_lessons(curriculum, people, client_for):
    lesson = Lesson.objects.first()
    for user in (people.trainee, people.supervisor, people.admin):
        assert client_for(user).get(lesson.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("typed", "simplified"), [("退貨", "退货"), ("物流延遲", "物流延迟"), ("ＡＢＣ退款", "abc退款"), (" 差評 ", "差评")])
def test_search_folds_a_query_as_the_scorer_folds_a_reply(typed, simplified):
    """#20.4: traditional characters, full-width letters and case find the simplified content."""
    from courses.selectors import search_form
    from quizzes.scoring.text import normalise

    assert search_form(typed) == simplified == normalise(typed.strip()).text
