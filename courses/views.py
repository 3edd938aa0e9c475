"""Thin curriculum views."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/overview.html", {"courses": selectors.course_overview(user=request.user)})


@login_required
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = selectors.access_module_by_slug(slug=slug)
    lessons = selectors.module_lessons(module=module)
    done = selectors.completed_lesson_ids(user=request.user)
    rows = [(lesson, lesson.id in done) for lesson in lessons]
    percent = round(100 * sum(d for _, d in rows) / len(rows)) if rows else 0
    quiz_url_name = getattr(settings, "COURSES_MODULE_QUIZ_URL", "")
    quiz_url = f"{reverse(quiz_url_name)}#quiz-{module.slug}" if quiz_url_name else ""
    return render(request, "courses/module.html", {"module": module, "rows": rows, "percent": percent,
                                                   "quiz_url": quiz_url})


@login_required
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = selectors.access_lesson_by_slug(slug=slug)
    previous, following = selectors.lesson_neighbours(lesson=lesson)
    return render(request, "courses/lesson.html", {
        "lesson": lesson, "previous": previous, "next": following,
        "done": lesson.id in selectors.completed_lesson_ids(user=request.user),
    })


@login_required
@require_POST
def lesson_mark_done(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = selectors.access_lesson_by_slug(slug=slug)
    if request.POST.get("undo"):
        services.lesson_uncomplete(user=request.user, lesson=lesson)
        messages.info(request, _("已取消“%(title)s”的完成标记。") % {"title": lesson.title})
    else:
        services.lesson_complete(user=request.user, lesson=lesson)
        messages.success(request, _("“%(title)s”已标记为完成。") % {"title": lesson.title})
    return redirect(lesson.get_absolute_url())


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    results = [
        (lesson, selectors.search_snippet(lesson.body_text, query.strip()))
        for lesson in selectors.lessons_search(query=query)
    ]
    extra = getattr(settings, "COURSES_SEARCH_EXTRA", "")
    scenarios = import_string(extra)(query=query) if extra else []
    return render(request, "courses/search.html", {"query": query, "results": results, "scenarios": scenarios})
