"""Thin views for the people side: validate, call one service or selector, respond."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import clock
from quizzes import selectors as quiz_selectors
from quizzes.models import Answer
from quizzes.services import ReviewConflict, review_lock_acquire, review_lock_release

from . import exports, selectors, services
from .certification import band_for
from .forms import AssignPathForm, GridFilterForm, ReviewForm, ReviewQueueFilterForm, RoundScheduleForm
from .models import CertificationAttempt, CertificationRound, certification_valid_until
from .permissions import supervisor_required, trainee_required

REVIEW_QUEUE_PAGE = 25
EXPORT_FORMATS = {"csv", "xlsx"}


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
    if fmt not in EXPORT_FORMATS:
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
    if fmt not in EXPORT_FORMATS:
        raise Http404
    answers = selectors.results_for_export(user=request.user)
    headers, table = exports.results_table(answers)
    name = f"results-{clock.today():%Y%m%d}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "全部成绩", headers, table, constant_memory=True)
    return exports.csv_response(name, headers, table)


@supervisor_required
def path_assign(request: HttpRequest) -> HttpResponse:
    """Give a path to a whole team or to one trainee. Its own page: the team grid is read all day,
    paths are assigned when someone joins. A refused choice is shown again with the reason."""
    form_kwargs = {"teams": selectors.teams_visible_to(user=request.user),
                   "trainees": selectors.trainee_choices_for(user=request.user)}
    if request.method == "POST":
        form = AssignPathForm(request.POST, **form_kwargs)
        if form.is_valid():
            path, team, trainee = form.cleaned_data["path"], form.cleaned_data["team"], form.cleaned_data["trainee"]
            chosen = selectors.trainees_visible_to(user=request.user).filter(team=team) if team else [trainee]
            count = services.path_assign(path=path, trainees=chosen, assigned_by=request.user)
            messages.success(request, _("已为 %(n)d 名学员分配“%(path)s”。") % {"n": count, "path": path.name})
            return redirect("trainer:team_grid")
    else:
        form = AssignPathForm(initial={"trainee": request.GET.get("trainee")}, **form_kwargs)
    return render(request, "trainer/path_assign.html", {
        "form": form, "unassigned": selectors.trainees_without_path(user=request.user),
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
    data = form.cleaned_data if form.is_valid() else {}
    queue = quiz_selectors.review_queue(
        user=request.user, team_id=data["team"].pk if data.get("team") else None,
        trainee_id=data["trainee"].pk if data.get("trainee") else None,
        scenario_slug=data.get("scenario", ""), status=data.get("status") or "pending")
    page = Paginator(queue, REVIEW_QUEUE_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "trainer/review_queue.html", {"form": form, "page": page, "query": params.urlencode()})


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
    reviews = list(answer.reviews.select_related("reviewer").prefetch_related("comments"))  # newest first
    latest = reviews[0] if reviews else None
    criteria = (answer.auto_result or {}).get("criteria", [])
    initial = {"seen_review_id": latest.pk if latest else None}
    if latest:  # start from the current final points, so a second review edits rather than restarts
        initial.update({f"points_{c['key']}": c["final_earned"] for c in latest.criteria})
    form = ReviewForm(request.POST if request.method == "POST" else None, criteria=criteria, initial=initial)
    conflict = None
    if request.method == "POST" and lock.acquired and form.is_valid():
        try:
            services.review_submit_and_notify(
                answer=answer, reviewer=request.user, points=form.points(), comment=form.cleaned_data["comment"],
                passages=form.passages(), seen_review_id=form.cleaned_data["seen_review_id"],
                force=form.cleaned_data["force"], submit_token=form.cleaned_data["submit_token"])
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
        "reviews": reviews,
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
    following = quiz_selectors.review_queue(user=request.user).exclude(pk=answer.pk).values_list("pk", flat=True).first()
    from django.urls import reverse

    return reverse("trainer:review_answer", args=[following]) if following else reverse("trainer:review_queue")


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
    round_ = get_object_or_404(CertificationRound, pk=round_id, team_id=request.user.team_id)
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
    return render(request, "trainer/certification_result.html", {
        "cert": cert, "attempt": cert.attempt, "items": items, "band": band_for(cert.attempt.total or 0),
        "valid_until": certification_valid_until(cert),
    })


@login_required
def certificate(request: HttpRequest, cert_id: int) -> HttpResponse:
    cert = selectors.access_certification_by_id(user=request.user, cert_id=cert_id)
    valid_until = certification_valid_until(cert)
    if valid_until is None:
        raise Http404
    return render(request, "trainer/certificate.html", {
        "cert": cert, "valid_until": valid_until, "band": band_for(cert.attempt.total or 0),
        "verify_url": request.build_absolute_uri(f"/verify/{cert.verification_code}/"),
    })


def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate by its code and shows only what the certificate itself says."""
    cert = CertificationAttempt.objects.select_related("attempt", "exam", "trainee").filter(
        verification_code=code.upper()[:24]).first()
    valid_until = certification_valid_until(cert) if cert else None
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
    trainee_ids = list(selectors.trainees_visible_to(user=request.user).values_list("pk", flat=True))
    return render(request, "trainer/cert_overview.html", {
        "form": form, "alerts": selectors.certification_alerts(user=request.user),
        "rounds": CertificationRound.objects.filter(team__in=teams).select_related("team", "exam")[:50],
        "records": selectors.certification_records(trainee_ids=trainee_ids)[:100],
    }, status=400 if form.errors else 200)


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The minimal page: the base layout with nothing in it (only routed under settings.bench)."""
    return render(request, "base.html", {})


# ------------------------------------------------------------------------------------------ people

import secrets  # noqa: E402

from django.contrib.auth import login as auth_login  # noqa: E402
from django.contrib.auth import update_session_auth_hash  # noqa: E402
from django.contrib.auth.forms import SetPasswordForm  # noqa: E402
from django.utils.encoding import force_str  # noqa: E402
from django.utils.http import urlsafe_base64_decode  # noqa: E402

from .people import rows as people_rows  # noqa: E402
from .people import selectors as people_selectors  # noqa: E402
from .people import services as people_services  # noqa: E402
from .people.forms import (  # noqa: E402
    PeopleImportConfirmForm, PeopleUploadForm, PersonCreateForm, PersonCredentialsForm, PersonHireDateForm,
    PersonMoveForm,
)
from .models import User  # noqa: E402
from .people.tokens import sign_in_tokens  # noqa: E402

IMPORT_SESSION_KEY = "people_import"


def _row_errors(checked) -> list:
    """Each checked row with its problems in the interface language."""
    return [{"row": c.raw, "errors": [_(msg) % params if params else _(msg) for msg, params in c.errors]}
            for c in checked]


@supervisor_required
def people(request: HttpRequest) -> HttpResponse:
    """Everyone in the supervisor's teams, leavers last."""
    return render(request, "trainer/people/people.html", {"people": people_selectors.people_list(user=request.user),
                                                          "teams": selectors.teams_visible_to(user=request.user)})


@supervisor_required
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonCreateForm(request.POST or None, teams=selectors.teams_visible_to(user=request.user),
                            paths=people_selectors.paths_available())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hire = people_services.person_create(
                actor=request.user, name=data["name"], username=data["username"], hire_date=data["hire_date"],
                team=data["team"], path=data["path"], credentials=data["credentials"])
        except ValidationError as exc:
            form.add_error("username", exc)
        else:  # the link or password is shown once, on this response, never stored in clear
            return render(request, "trainer/people/created.html", {"hires": [hire]})
    return render(request, "trainer/people/person_form.html", {"form": form}, status=400 if form.errors else 200)


@supervisor_required
def people_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The new-hire spreadsheet with its Chinese headers and one example row."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    headers, example = list(people_rows.COLUMNS.values()), [list(people_rows.TEMPLATE_EXAMPLE)]
    if fmt == "xlsx":
        return exports.xlsx_response("new-hires-template", "新员工", headers, example)
    return exports.csv_response("new-hires-template", headers, example)


@supervisor_required
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload → a preview of every row and its problems; only a file without problems can be confirmed."""
    upload = PeopleUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"upload": upload}
    if request.method == "POST" and upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            raw_rows = people_rows.sheet_read(filename=file.name, data=file.read())
        except people_rows.SheetError as exc:
            upload.add_error("file", _(exc.message) % exc.params if exc.params else _(exc.message))
        else:
            checked = people_selectors.people_import_check(user=request.user, rows=raw_rows)
            context["preview"] = _row_errors(checked)
            context["error_count"] = sum(1 for c in checked if not c.ok)
            if not context["error_count"]:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {"token": token, "rows": [
                    {"line": r.line, "name": r.name, "username": r.username, "team": r.team, "path": r.path,
                     "hire_date": f"{c.hire_date:%Y-%m-%d}"} for c in checked for r in [c.raw]]}
                context["confirm"] = PeopleImportConfirmForm(initial={"token": token})
    return render(request, "trainer/people/import.html", context, status=400 if upload.errors else 200)


@supervisor_required
@require_POST
def people_import_confirm(request: HttpRequest) -> HttpResponse:
    """Save the previewed rows, all or none (they are checked again: someone may have taken a username since)."""
    form = PeopleImportConfirmForm(request.POST)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not form.is_valid() or form.cleaned_data["token"] != pending.get("token"):
        messages.error(request, _("导入预览已失效,请重新上传文件。"))
        return redirect("trainer:people_import")
    rows = [people_rows.RawRow(**row) for row in pending["rows"]]
    try:
        hires = people_services.people_import(actor=request.user, rows=rows, credentials=form.cleaned_data["credentials"])
    except people_services.ImportRefused as exc:
        messages.error(request, _("导入文件中有错误,未保存任何一行。"))
        return render(request, "trainer/people/import.html", {
            "upload": PeopleUploadForm(), "preview": _row_errors(exc.rows),
            "error_count": sum(1 for c in exc.rows if not c.ok)}, status=400)
    del request.session[IMPORT_SESSION_KEY]
    return render(request, "trainer/people/created.html", {"hires": hires})


PERSON_OPS = {"move", "hire_date", "deactivate", "reactivate", "credentials"}


@supervisor_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """One person: move team, change hire date, deactivate or bring back, new sign-in; and the history."""
    person = people_selectors.access_person_by_id(user=request.user, person_id=person_id)
    teams = selectors.teams_visible_to(user=request.user)
    op = request.POST.get("op") if request.method == "POST" else None
    if op is not None and op not in PERSON_OPS:
        return HttpResponse(status=400)
    forms_ = {
        "move": PersonMoveForm(request.POST if op == "move" else None, teams=teams, initial={"team": person.team_id}),
        "hire_date": PersonHireDateForm(request.POST if op == "hire_date" else None, initial={"hire_date": person.hire_date}),
        "credentials": PersonCredentialsForm(request.POST if op == "credentials" else None),
    }
    if op in ("deactivate", "reactivate"):
        service = people_services.person_deactivate if op == "deactivate" else people_services.person_reactivate
        service(actor=request.user, person=person)
        messages.success(request, _("已停用 %(name)s。") % {"name": person.name} if op == "deactivate"
                         else _("已恢复 %(name)s。") % {"name": person.name})
        return redirect("trainer:person_detail", person.pk)
    if op and forms_[op].is_valid():
        data = forms_[op].cleaned_data
        if op == "move":
            people_services.person_move(actor=request.user, person=person, team=data["team"])
            messages.success(request, _("已调到“%(team)s”。") % {"team": data["team"].name})
        elif op == "hire_date":
            people_services.person_hire_date_change(actor=request.user, person=person, hire_date=data["hire_date"])
            messages.success(request, _("入职日期已改为 %(date)s。") % {"date": f"{data['hire_date']:%Y-%m-%d}"})
        else:
            hire = people_services.person_credentials_issue(person=person, kind=data["credentials"], actor=request.user)
            return render(request, "trainer/people/created.html", {"hires": [hire]})
        return redirect("trainer:person_detail", person.pk)
    return render(request, "trainer/people/person_detail.html", {
        "person": person, "forms": forms_, "changes": people_selectors.person_changes(person=person),
    }, status=400 if op else 200)


def _sign_in_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if sign_in_tokens.check_token(user, token) else None


def sign_in_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A new hire's one-time link. Opening it (GET) only asks; the button (POST) signs in, which
    uses the link up: chat apps open links to preview them, and that must not spend it."""
    user = _sign_in_user(uidb64, token)
    if user is None:
        return render(request, "trainer/people/sign_in_link.html", {"invalid": True}, status=404)
    if request.method == "POST":
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("trainer:first_password")
    return render(request, "trainer/people/sign_in_link.html", {"person": user})


@login_required
def first_password(request: HttpRequest) -> HttpResponse:
    """Set one's own password after a sign-in link or a temporary password (no old password asked)."""
    if not request.user.must_change_password:
        return redirect("password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        people_services.person_password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已设置。欢迎加入!"))
        return redirect("home")
    return render(request, "trainer/people/first_password.html", {"form": form}, status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------- reminders

from .reminders import services as reminder_services  # noqa: E402
from .reminders.forms import ReminderSettingsForm, TeamWebhookForm  # noqa: E402


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Each user's own: the email address reminders go to, and whether they go by email at all."""
    form = ReminderSettingsForm(request.POST or None, initial={
        "email": request.user.email, "email_reminders": request.user.email_reminders})
    if request.method == "POST" and form.is_valid():
        reminder_services.user_reminder_settings_update(user=request.user, email=form.cleaned_data["email"],
                                                        email_reminders=form.cleaned_data["email_reminders"])
        messages.success(request, _("通知设置已保存。"))
        return redirect("trainer:notification_settings")
    return render(request, "trainer/reminders/settings.html", {"form": form}, status=400 if form.errors else 200)


@supervisor_required
def team_settings(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's group robot (WeChat Work or DingTalk), for the team's own supervisors."""
    team = get_object_or_404(selectors.teams_visible_to(user=request.user), pk=team_id)
    form = TeamWebhookForm(request.POST or None, initial={"webhook_url": team.webhook_url})
    if request.method == "POST" and form.is_valid():
        reminder_services.team_webhook_update(team=team, webhook_url=form.cleaned_data["webhook_url"])
        messages.success(request, _("“%(team)s”的群机器人已保存。") % {"team": team.name})
        return redirect("trainer:team_settings", team.pk)
    return render(request, "trainer/reminders/team_settings.html", {"team": team, "form": form,
                                                                     "teams": selectors.teams_visible_to(user=request.user)},
                  status=400 if form.errors else 200)
