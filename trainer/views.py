"""Thin views for the people side: validate, call one service or selector, respond."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import clock
from quizzes import selectors as quiz_selectors
from quizzes.models import Answer
from quizzes import services as quiz_services
from quizzes.services import ReviewConflict, review_lock_acquire, review_lock_release

from . import exports, selectors, services
from .forms import (AssignPathForm, DisputeResolveForm, GridFilterForm, ReviewForm, ReviewQueueFilterForm,
                    RoundScheduleForm, WeakSpotAnswersForm, WeakSpotFilterForm)
from .permissions import supervisor_required, trainee_required

REVIEW_QUEUE_PAGE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Trainees see their onboarding; supervisors and admins their teams."""
    if request.user.can_supervise:
        return render(request, "trainer/supervisor_home.html", selectors.supervisor_dashboard(user=request.user))
    return render(request, "trainer/trainee_home.html", selectors.trainee_dashboard(trainee=request.user))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "trainer/notifications.html", {"notifications": selectors.notifications_for(user=request.user)})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read, then follow the notification's link (only ever to this site)."""
    notification = selectors.access_notification_by_id(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("trainer:notifications")


# -------------------------------------------------------------------------------------- team grid

def _grid_filters(request: HttpRequest) -> tuple[GridFilterForm, dict]:
    form = GridFilterForm(request.GET or None, teams=selectors.teams_visible_to(user=request.user))
    data = form.cleaned_data if form.is_valid() else {}
    team = data.get("team")
    return form, {"team_id": team.pk if team else None, "overdue_only": bool(data.get("overdue")),
                  "sort": data.get("sort") or "name"}


@supervisor_required
def team_grid(request: HttpRequest) -> HttpResponse:
    form, filters = _grid_filters(request)
    page, columns = selectors.team_grid_page(user=request.user, page_number=request.GET.get("page"), **filters)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "trainer/team_grid.html", {
        "form": form, "page": page, "rows": page.object_list, "columns": columns,
        "query": params.urlencode(),
    })


@supervisor_required
def team_grid_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    _form, filters = _grid_filters(request)
    rows, columns = selectors.team_grid(user=request.user, **filters)
    headers, table = exports.grid_table(rows, columns)
    name = f"team-progress-{clock.today():%Y%m%d}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "团队进度", headers, table)
    return exports.csv_response(name, headers, table)


@supervisor_required
def results_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    answers = selectors.results_for_export(user=request.user)
    headers, table = exports.results_table(answers)
    name = f"results-{clock.today():%Y%m%d}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "全部成绩", headers, table, constant_memory=True)
    return exports.csv_response(name, headers, table)


@supervisor_required
def path_assign(request: HttpRequest) -> HttpResponse:
    """Give a path to a team (its default) or to one trainee (their own). Its own page: the team grid is
    read all day, paths are assigned when someone joins. A refused choice is shown again with the reason;
    a path that replaces another is confirmed first, on a page that shows what is kept and what changes."""
    form_kwargs = {"teams": selectors.teams_visible_to(user=request.user),
                   "trainees": selectors.trainee_choices_for(user=request.user)}
    if request.method == "POST":
        form = AssignPathForm(request.POST, **form_kwargs)
        if form.is_valid():
            path, team, trainee = form.cleaned_data["path"], form.cleaned_data["team"], form.cleaned_data["trainee"]
            if team:
                affected = [t for t in selectors.trainees_with_paths(user=request.user, team_id=team.pk)
                            if not selectors.has_own_path(t)]
            else:
                affected = selectors.trainees_with_paths(user=request.user, trainee_id=trainee.pk)
            preview = selectors.path_change_preview(trainees=affected, path=path)
            if preview and not form.cleaned_data["confirm"]:
                return render(request, "trainer/path_assign_confirm.html", {
                    "form": form, "path": path, "team": team, "trainee": trainee, "preview": preview})
            if team:
                count = services.team_default_path_set(team=team, path=path, actor=request.user)
                messages.success(request, _("“%(team)s”的默认路径已设为“%(path)s”,%(n)d 名学员按它学习。")
                                 % {"team": team.name, "path": path.name, "n": count})
            else:
                count = services.path_assign(path=path, trainees=[trainee], assigned_by=request.user)
                messages.success(request, _("已为 %(n)d 名学员分配“%(path)s”。") % {"n": count, "path": path.name})
            return redirect("trainer:team_grid")
    else:
        form = AssignPathForm(initial={"trainee": request.GET.get("trainee")}, **form_kwargs)
    return render(request, "trainer/path_assign.html", {
        "form": form, "unassigned": selectors.trainees_without_path(user=request.user),
        "teams": selectors.teams_visible_to(user=request.user).select_related("default_path"),
    }, status=400 if form.errors else 200)


@supervisor_required
def trainee_detail(request: HttpRequest, trainee_id: int) -> HttpResponse:
    trainee = selectors.access_trainee_by_id(user=request.user, trainee_id=trainee_id)
    return render(request, "trainer/trainee_detail.html",
                  {**selectors.trainee_detail(trainee=trainee, page_number=request.GET.get("page")), "fragment": "#answers"})


# ------------------------------------------------------------------------------------------ review

@supervisor_required
def review_queue(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_visible_to(user=request.user)
    form = ReviewQueueFilterForm(request.GET or None, teams=teams, trainees=selectors.trainee_choices_for(user=request.user))
    sampled_teams = selectors.sampled_teams_for(user=request.user)  # shown above the list, and the queue's rule
    queue = selectors.review_queue_for(user=request.user, sampled_teams=sampled_teams, **form.queue_filters())
    page = Paginator(queue, REVIEW_QUEUE_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "trainer/review_queue.html", {
        "form": form, "page": page, "query": params.urlencode(),
        "disputes": list(selectors.open_disputes_for(user=request.user)[:REVIEW_QUEUE_PAGE]),
        "sampled_teams": sampled_teams,
    })


def _reviewable_answer(request: HttpRequest, answer_id: int) -> Answer:
    answer = quiz_selectors.access_answer_by_id(user=request.user, answer_id=answer_id)
    if not answer.scenario_id or not answer.submitted_at:
        raise Http404
    return answer


@supervisor_required
def review_answer(request: HttpRequest, answer_id: int) -> HttpResponse:
    """The review screen. Looking (GET, HEAD) takes no lock; 开始审阅 does (review_lock), and so
    does submitting when the answer is free."""
    answer = _reviewable_answer(request, answer_id)
    if request.method == "POST":
        lock = review_lock_acquire(answer=answer, user=request.user)
    else:
        lock = quiz_selectors.review_lock_state(answer=answer, user=request.user)
    reviews = quiz_selectors.answer_reviews(answer=answer)  # newest first
    latest = reviews[0] if reviews else None
    criteria = (answer.auto_result or {}).get("criteria", [])
    credit = quiz_selectors.review_credit(answer=answer)
    initial = {"seen_review_id": latest.pk if latest else None}
    if latest:  # start from the current final points, so a second review edits rather than restarts
        initial.update(_review_initial(latest))
    form = ReviewForm(request.POST if request.method == "POST" else None, criteria=criteria, caps=credit.caps,
                      initial=initial, reply=answer.reply_text)
    conflict = None
    if request.method == "POST" and lock.acquired and form.is_valid():
        try:
            services.review_submit_and_notify(
                answer=answer, reviewer=request.user, points=form.points(), comment=form.cleaned_data["comment"],
                passages=form.passages(), seen_review_id=form.cleaned_data["seen_review_id"],
                force=form.cleaned_data["force"], submit_token=form.cleaned_data["submit_token"],
                criterion_comments=form.criterion_comments(), cleared_caps=form.cleared_caps())
        except ReviewConflict as exc:
            conflict = exc.latest
            form.data = form.data.copy()
            form.data["force"] = "1"
            messages.warning(request, _("%(name)s 刚刚提交了这份回复的审阅。你的输入都还在;确认无误后再次提交即以你的为准。")
                             % {"name": conflict.reviewer.name})
        else:
            messages.success(request, _("审阅已提交,学员会收到通知。"))
            return redirect(_next_in_queue(request, answer))
    return render(request, "trainer/review_answer.html", {
        "answer": answer, "form": form, "lock": lock, "latest": latest, "conflict": conflict,
        "segments": quiz_selectors.reply_segments(reply=answer.reply_text, result=answer.auto_result),
        "reviews": reviews, "open_dispute": next((r.trainee_response for r in reviews
                              if r.trainee_response is not None and r.trainee_response.is_open), None),
        "total_max": sum(c["max"] for c in criteria), "credit": credit,
    }, status=400 if form.errors else 200)


def _review_initial(review) -> dict:
    """A review's points, criterion comments and cleared caps as form values, to edit rather than restart."""
    initial = {f"points_{c['key']}": c["final_earned"] for c in review.criteria}
    initial.update({f"remark_{c['key']}": c.get("comment", "") for c in review.criteria})
    initial.update({f"clear_cap_{c['code']}": True for c in review.cleared_caps})
    return initial


@supervisor_required
def dispute_resolve(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """A disputed review looked at again: uphold it (points unchanged) or change points, with a reason."""
    dispute = selectors.access_dispute_by_id(user=request.user, dispute_id=dispute_id)
    answer = quiz_selectors.access_answer_by_id(user=request.user, answer_id=dispute.review.answer_id)
    review = dispute.review
    may_resolve = dispute.is_open and (review.reviewer_id != request.user.pk or selectors.reviewer_may_resolve(
        trainee=dispute.trainee, reviewer_id=review.reviewer_id))
    criteria = (answer.auto_result or {}).get("criteria", [])
    credit = quiz_selectors.review_credit(answer=answer)
    form = DisputeResolveForm(request.POST if request.method == "POST" else None, criteria=criteria, caps=credit.caps,
                              initial=_review_initial(review))
    if request.method == "POST":
        if not may_resolve:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.review_dispute_resolve_and_notify(
                    dispute=dispute, resolver=request.user, resolution=form.cleaned_data["resolution"],
                    points=form.points(), criterion_comments=form.criterion_comments(),
                    cleared_caps=form.cleared_caps())
            except quiz_services.ResponseRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("异议已处理,学员会收到通知。"))
                return redirect("trainer:review_queue")
    reviews = quiz_selectors.answer_reviews(answer=answer)
    return render(request, "trainer/dispute_resolve.html", {
        "dispute": dispute, "answer": answer, "review": review, "form": form, "may_resolve": may_resolve,
        "segments": quiz_selectors.reply_segments(reply=answer.reply_text, result=answer.auto_result,
                                                  passages=list(review.comments.all())),
        "reviews": reviews, "total_max": sum(c["max"] for c in criteria), "credit": credit,
    }, status=400 if form.errors else 200)


@supervisor_required
@require_POST
def review_lock(request: HttpRequest, answer_id: int) -> HttpResponse:
    """Start reviewing (op=take), keep the lock while the form is open (op=renew, from the page
    every few minutes) or give it up (op=release: cancel). The page's own calls get JSON."""
    answer = _reviewable_answer(request, answer_id)
    if request.POST.get("op") == "release":
        review_lock_release(answer=answer, user=request.user)
        lock = quiz_selectors.review_lock_state(answer=answer, user=request.user)
    else:
        lock = review_lock_acquire(answer=answer, user=request.user)
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"held": lock.acquired, "holder": lock.holder_name,
                             "expires_at": lock.expires_at.isoformat() if lock.expires_at else None},
                            status=200 if lock.acquired or request.POST.get("op") == "release" else 409)
    if request.POST.get("op") == "release":
        return redirect("trainer:review_queue")
    if not lock.acquired:
        messages.warning(request, _("%(name)s 正在审阅这份回复,锁定到 %(until)s。") % {
            "name": lock.holder_name, "until": timezone.localtime(lock.expires_at).strftime("%H:%M")})
    return redirect("trainer:review_answer", answer.pk)


def _next_in_queue(request: HttpRequest, answer: Answer) -> str:
    # Only the id: sorting whole answer rows to pick one is what the queue page stopped doing.
    following = selectors.review_queue_for(user=request.user).exclude(pk=answer.pk).values_list("pk", flat=True).first()
    from django.urls import reverse

    return reverse("trainer:review_answer", args=[following]) if following else reverse("trainer:review_queue")


WEAK_SPOT_ANSWERS_PAGE = 20


def _weak_spot_form(request: HttpRequest, form_class=WeakSpotFilterForm):
    return form_class(request.GET or None, teams=selectors.teams_visible_to(user=request.user),
                      trainees=selectors.trainee_choices_for(user=request.user))


def _period_query(filters: dict) -> str:
    """The page's period and team as a query string, for the links of the heatmap cells."""
    params = QueryDict(mutable=True)
    params.update({"start": filters["start"].isoformat(), "end": filters["end"].isoformat()})
    if filters["team_id"]:
        params["team"] = filters["team_id"]
    return params.urlencode()


@supervisor_required
def weak_spots(request: HttpRequest) -> HttpResponse:
    """Which criteria, customer types and situations the team (or one trainee) misses most, over a period."""
    form = _weak_spot_form(request)
    filters = form.filters()
    spots = selectors.weak_spots(user=request.user, **filters)
    return render(request, "trainer/weak_spots.html", {
        "form": form, "filters": filters, "base_query": _period_query(filters),
        "spots": spots, "trend_data": selectors.weak_trend_chart(spots=spots),
        "rounds": selectors.certification_participation(user=request.user, start=filters["start"], end=filters["end"],
                                                        team_id=filters["team_id"]),
    }, status=400 if form.errors else 200)


@supervisor_required
def weak_spot_answers(request: HttpRequest) -> HttpResponse:
    """The answers behind one heatmap cell, newest first, each opening on the review screen."""
    form = _weak_spot_form(request, WeakSpotAnswersForm)
    filters = form.filters()
    ids = selectors.weak_spot_answer_ids(user=request.user, **filters)
    page = Paginator(ids, WEAK_SPOT_ANSWERS_PAGE).get_page(request.GET.get("page"))
    answers = selectors.weak_spot_answer_rows(answer_ids=list(page.object_list), criterion=filters["criterion"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "trainer/weak_spot_answers.html", {
        "form": form, "filters": filters, "page": page, "answers": answers, "query": params.urlencode(),
        "back_query": _period_query(filters) + (f"&trainee={filters['trainee_id']}" if filters["trainee_id"] else ""),
        "tag": selectors.tag_by_id(tag_id=filters["tag_id"]) if filters["tag_id"] else None,
        "criterion_label": next((a.criterion_label for a in answers if a.criterion_label), filters["criterion"]),
    }, status=400 if form.errors else 200)


@supervisor_required
def agreement(request: HttpRequest) -> HttpResponse:
    return render(request, "trainer/agreement.html", {"report": quiz_selectors.agreement_report(user=request.user)})


# ----------------------------------------------------------------------------------- certification

@trainee_required
def certification(request: HttpRequest) -> HttpResponse:
    records = selectors.certification_records(trainee_ids=[request.user.pk])
    return render(request, "trainer/certification.html", {
        "rounds": selectors.open_rounds_for(trainee=request.user), "records": records,
        "current": next((r for r in records if r.is_valid), None),
    })


@trainee_required
@require_POST
def certification_start(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.access_round_by_id(trainee=request.user, round_id=round_id)
    try:
        cert = services.certification_start(trainee=request.user, round_=round_)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("trainer:certification")
    return redirect("quizzes:attempt_take", cert.attempt_id)


@login_required
def certification_result(request: HttpRequest, cert_id: int) -> HttpResponse:
    cert = selectors.access_certification_by_id(user=request.user, cert_id=cert_id)
    if cert.attempt.is_open:
        if cert.trainee_id == request.user.pk:
            return redirect("quizzes:attempt_take", cert.attempt_id)
        raise Http404
    items = quiz_selectors.attempt_result_items(attempt=cert.attempt, user=request.user)
    record = selectors.certification_record(cert=cert)
    return render(request, "trainer/certification_result.html", {
        "cert": cert, "attempt": cert.attempt, "items": items, "band": record.band,
        "valid_until": record.valid_until, "pending": record.pending,
    })


@login_required
def certificate(request: HttpRequest, cert_id: int) -> HttpResponse:
    cert = selectors.access_certification_by_id(user=request.user, cert_id=cert_id)
    record = selectors.certification_record(cert=cert)
    if record.valid_until is None:  # not passed, not finished, or pending review
        raise Http404
    return render(request, "trainer/certificate.html", {
        "cert": cert, "valid_until": record.valid_until, "band": record.band,
        "verify_url": request.build_absolute_uri(f"/verify/{cert.verification_code}/"),
    })


def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate by its code and shows only what the certificate itself says."""
    cert = selectors.certification_by_code(code=code)
    valid_until = selectors.certification_record(cert=cert).valid_until if cert else None
    return render(request, "trainer/verify.html", {
        "cert": cert if valid_until else None, "valid_until": valid_until,
        "is_current": bool(valid_until and valid_until >= clock.today()), "code": code[:24],
    }, status=200 if valid_until else 404)


@supervisor_required
def cert_overview(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_visible_to(user=request.user)
    form = RoundScheduleForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rounds = services.rounds_create_monthly(team=data["team"], exam=data["exam"], first_month_start=data["first_day"],
                                                months=data["months"], window_days=data["window_days"])
        messages.success(request, _("已为“%(team)s”安排 %(n)d 轮认证。") % {"team": data["team"].name, "n": len(rounds)})
        return redirect("trainer:cert_overview")
    return render(request, "trainer/cert_overview.html", {
        "form": form, **selectors.certification_overview(user=request.user, teams=teams),
    }, status=400 if form.errors else 200)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for where a page names no icon: the SVG icon every page links."""
    return redirect(static("trainer/favicon.svg"), permanent=True)


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The minimal page: the base layout with nothing in it (only routed under settings.bench)."""
    return render(request, "base.html", {})
