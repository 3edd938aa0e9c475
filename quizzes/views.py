"""Thin quiz views: practice, module quizzes, results, drafts."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from courses.selectors import access_module_by_slug

from . import selectors, services
from .forms import AttemptDraftForm, AttemptForm, ChoiceForm, PracticeFilterForm, ReplyForm, ReviewDisputeForm
from .models import Attempt

PRACTICE_PAGE = 24  # scenarios a page of the practice list


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    """The practice catalogue a page at a time, filtered by module, customer type and situation, with the
    trainee's tries and best score per scenario."""
    form = PracticeFilterForm(request.GET)
    scenarios, questions = selectors.practice_catalogue(**form.catalogue_filters())
    page = Paginator(scenarios, PRACTICE_PAGE).get_page(request.GET.get("page"))
    marks = selectors.practice_marks(user=request.user, scenario_ids=[s.pk for s in page.object_list])
    params = form.data.copy()  # a legacy ?tag= is in its select's field by now, so the page links carry that
    params.pop("page", None)
    return render(request, "quizzes/practice_list.html", {
        "form": form, "page": page, "scenarios": [(s, marks.get(s.pk)) for s in page.object_list],
        "questions": questions, "query": params.urlencode(),
    })


@login_required
def scenario_practice(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = selectors.access_scenario_by_slug(slug=slug)
    form = ReplyForm(request.POST if request.method == "POST" else None, item=f"scenario:{scenario.slug}")
    if request.method == "POST" and form.is_valid():
        answer = services.practice_answer_submit(user=request.user, scenario=scenario, data=form.to_input(),
                                                 form_token=form.token_key, served_at=form.served_at)
        return redirect(answer.get_absolute_url())
    return render(request, "quizzes/scenario_practice.html", {
        "scenario": scenario, "form": form,
        "history": selectors.practice_history(user=request.user, scenario=scenario),
    }, status=400 if form.errors else 200)


@login_required
def question_practice(request: HttpRequest, slug: str) -> HttpResponse:
    question = selectors.access_question_by_slug(slug=slug)
    form = ChoiceForm(request.POST if request.method == "POST" else None, question=question)
    if request.method == "POST" and form.is_valid():
        answer = services.practice_answer_submit(user=request.user, question=question, data=form.to_input(),
                                                 form_token=form.token_key, served_at=form.served_at)
        return redirect(answer.get_absolute_url())
    return render(request, "quizzes/question_practice.html", {"question": question, "form": form},
                  status=400 if form.errors else 200)


@login_required
def answer_detail(request: HttpRequest, answer_id: int, dispute_form: ReviewDisputeForm | None = None) -> HttpResponse:
    answer = selectors.access_answer_by_id(user=request.user, answer_id=answer_id)
    disclosure = selectors.answer_disclosure(answer=answer, user=request.user)
    state = selectors.answer_review_state(answer=answer, user=request.user)
    passages = list(state.latest.comments.all()) if state.latest else []
    return render(request, "quizzes/answer_detail.html", {
        "answer": answer, "disclosure": disclosure,
        "segments": selectors.reply_segments(reply=answer.reply_text, passages=passages,
                                             result=answer.auto_result if disclosure.evidence else None),
        "passages": passages,
        "verdicts": selectors.criterion_verdicts(result=answer.auto_result, review=state.latest),
        "total_view": selectors.total_explanation(answer=answer) if disclosure.criteria else None,
        "timing": selectors.timing_feedback(answer=answer),
        "is_own": answer.user_id == request.user.pk,
        "reviews": state.reviews, "latest_review": state.latest, "can_respond": state.can_respond,
        "dispute_form": dispute_form or ReviewDisputeForm(),
    }, status=400 if dispute_form is not None and dispute_form.errors else 200)


@login_required
@require_POST
def review_respond(request: HttpRequest, review_id: int) -> HttpResponse:
    """The trainee acknowledges the review of their answer (op=acknowledge) or disputes it with a reason.

    Who the dispute goes to is the people side's decision: settings.QUIZZES_REVIEW_DISPUTE routes it."""
    review = selectors.access_review_by_id(user=request.user, review_id=review_id)
    if review.answer.user_id != request.user.pk:
        raise PermissionDenied
    try:
        if request.POST.get("op") == "acknowledge":
            services.review_acknowledge(review_id=review.pk, trainee=request.user)
            messages.success(request, _("已确认这次审阅。"))
        else:
            form = ReviewDisputeForm(request.POST)
            if not form.is_valid():
                return answer_detail(request, review.answer_id, dispute_form=form)
            import_string(settings.QUIZZES_REVIEW_DISPUTE)(review_id=review.pk, trainee=request.user,
                                                           reason=form.cleaned_data["reason"])
            messages.success(request, _("异议已提交给主管,处理后你会收到通知。"))
    except services.ResponseRefused as refused:
        messages.error(request, refused.message)
    return redirect(review.answer.get_absolute_url())


@login_required
def module_quizzes(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/module_quizzes.html", {"rows": selectors.modules_with_quizzes(user=request.user)})


@login_required
@require_POST
def module_quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_trainee:
        raise PermissionDenied
    module = access_module_by_slug(slug=slug)
    attempt = services.module_quiz_start(user=request.user, module=module)
    return redirect("quizzes:attempt_take", attempt.pk)


@login_required
def attempt_take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.access_own_open_attempt(user=request.user, attempt_id=attempt_id)
    if not attempt.is_open:
        messages.info(request, _("这次作答已经提交过了,下面是结果。"))
        return redirect(attempt.get_absolute_url())
    answers = selectors.attempt_answers(attempt=attempt)
    if request.method != "POST":
        services.attempt_mark_served(attempt=attempt)
    form = AttemptForm(request.POST if request.method == "POST" else None, answers=answers)
    if request.method == "POST":
        if form.is_valid() or attempt.deadline and services.deadline_passed(attempt):
            # Past the deadline the form's content is ignored and what was saved in time is scored.
            inputs = form.to_inputs() if form.is_valid() else {}
            services.attempt_submit(attempt_id=attempt.pk, user=request.user, inputs=inputs)
            return redirect(attempt.get_absolute_url())
        messages.error(request, _("还有题目没有作答,已为你保留所有输入,请补全后再提交。"))
    return render(request, "quizzes/attempt_take.html", {
        "attempt": attempt, "form": form, "draft_seq": selectors.attempt_draft_seq(answers=answers),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def attempt_draft(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Autosave from the page every few seconds: 400 for a body that names no item or no sequence
    number (nothing changes), 409 once the attempt is closed or overdue, saved=false when every
    item already holds a newer save."""
    attempt = selectors.access_own_open_attempt(user=request.user, attempt_id=attempt_id)
    form = AttemptDraftForm(request.POST, answers=selectors.attempt_answers(attempt=attempt))
    if not form.is_valid():
        return JsonResponse({"saved": False, "errors": form.errors.get_json_data()}, status=400)
    outcome = services.attempt_save_draft(attempt_id=attempt.pk, user=request.user, inputs=form.to_inputs(),
                                          seq=form.cleaned_data["seq"])
    return JsonResponse({"saved": outcome is services.DraftOutcome.SAVED, "outcome": outcome.value},
                        status=409 if outcome is services.DraftOutcome.CLOSED else 200)


@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.access_attempt_by_id(user=request.user, attempt_id=attempt_id)
    if attempt.is_open and attempt.user_id == request.user.pk:
        return redirect("quizzes:attempt_take", attempt.pk)
    if attempt.mode == Attempt.Mode.CERTIFICATION and hasattr(attempt, "certification"):
        # Certification results (band, certificate) belong to the people side: its sitting knows its URL.
        return redirect(attempt.certification.get_absolute_url())
    items = selectors.attempt_result_items(attempt=attempt, user=request.user)
    return render(request, "quizzes/attempt_result.html", {"attempt": attempt, "items": items})
