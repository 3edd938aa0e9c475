"""People in the supervisor workspace: add and import new hires, one person's changes, first sign-in."""
from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import exports
from .. import selectors as trainer_selectors
from .. import services as trainer_services
from ..permissions import supervisor_required
from . import rows, selectors, services
from .forms import (
    DueExtensionForm, PeopleImportConfirmForm, PeopleUploadForm, PersonCreateForm, PersonCredentialsForm, PersonHireDateForm,
    PersonMoveForm,
)

IMPORT_SESSION_KEY = "people_import"


def _row_errors(checked) -> list:
    """Each checked row with its problems in the interface language."""
    return [{"row": c.raw, "errors": [_(msg) % params if params else _(msg) for msg, params in c.errors]}
            for c in checked]


@supervisor_required
def people(request: HttpRequest) -> HttpResponse:
    """Everyone in the supervisor's teams, leavers last."""
    return render(request, "trainer/people/people.html", {"people": selectors.people_list(user=request.user),
                                                          "teams": trainer_selectors.teams_visible_to(user=request.user)})


@supervisor_required
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonCreateForm(request.POST or None, teams=trainer_selectors.teams_visible_to(user=request.user),
                            paths=selectors.paths_available())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hire = services.person_create(
                actor=request.user, name=data["name"], username=data["username"], hire_date=data["hire_date"],
                team=data["team"], path=data["path"], credentials=data["credentials"])
        except ValidationError as exc:
            form.add_error("username", exc)
        else:
            return _show_credentials(request, [hire])
    return render(request, "trainer/people/person_form.html", {"form": form}, status=400 if form.errors else 200)


@supervisor_required
def people_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The new-hire spreadsheet with its Chinese headers and one example row."""
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    headers, example = list(rows.COLUMNS.values()), [list(rows.TEMPLATE_EXAMPLE)]
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
            raw_rows = rows.sheet_read(filename=file.name, data=file.read())
        except rows.SheetError as exc:
            upload.add_error("file", _(exc.message) % exc.params if exc.params else _(exc.message))
        else:
            checked = selectors.people_import_check(user=request.user, rows=raw_rows)
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
    pending_rows = [rows.RawRow(**row) for row in pending["rows"]]
    try:
        hires = services.people_import(actor=request.user, rows=pending_rows, credentials=form.cleaned_data["credentials"])
    except services.ImportRefused as exc:
        messages.error(request, _("导入文件中有错误,未保存任何一行。"))
        return render(request, "trainer/people/import.html", {
            "upload": PeopleUploadForm(), "preview": _row_errors(exc.rows),
            "error_count": sum(1 for c in exc.rows if not c.ok)}, status=400)
    del request.session[IMPORT_SESSION_KEY]
    return _show_credentials(request, hires)


CREDENTIALS_SESSION_KEY = "people_credentials_once"


def _show_credentials(request: HttpRequest, hires: list) -> HttpResponse:
    """Redirect after the POST (a refresh must not create or reissue again). The links and passwords wait
    in the supervisor's session for that one page view and are gone after it; never in the database."""
    request.session[CREDENTIALS_SESSION_KEY] = [
        {"id": h.user.pk, "name": h.user.name, "username": h.user.username,
         "team": h.user.team.name if h.user.team_id else "", "sign_in_path": h.sign_in_path, "password": h.password or ""}
        for h in hires
    ]
    return redirect("trainer:people_credentials")


@supervisor_required
def people_credentials(request: HttpRequest) -> HttpResponse:
    """The sign-in links or temporary passwords just made, shown once; afterwards a way to issue new ones."""
    shown = request.session.pop(CREDENTIALS_SESSION_KEY, None)
    return render(request, "trainer/people/created.html", {"hires": shown or [], "already_shown": shown is None})


PERSON_OPS = {"move", "hire_date", "deactivate", "reactivate", "credentials", "extension"}


@supervisor_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """One person: move team, change hire date, deactivate or bring back, new sign-in; and the history."""
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    teams = trainer_selectors.teams_visible_to(user=request.user)
    op = request.POST.get("op") if request.method == "POST" else None
    if op is not None and op not in PERSON_OPS:
        return HttpResponse(status=400)
    forms_ = {
        "move": PersonMoveForm(request.POST if op == "move" else None, teams=teams, initial={"team": person.team_id}),
        "hire_date": PersonHireDateForm(request.POST if op == "hire_date" else None, initial={"hire_date": person.hire_date}),
        "credentials": PersonCredentialsForm(request.POST if op == "credentials" else None),
        "extension": DueExtensionForm(request.POST if op == "extension" else None),
    }
    if op in ("deactivate", "reactivate"):
        service = services.person_deactivate if op == "deactivate" else services.person_reactivate
        service(actor=request.user, person=person)
        messages.success(request, _("已停用 %(name)s。") % {"name": person.name} if op == "deactivate"
                         else _("已恢复 %(name)s。") % {"name": person.name})
        return redirect("trainer:person_detail", person.pk)
    if op and forms_[op].is_valid():
        data = forms_[op].cleaned_data
        if op == "move":
            services.person_move(actor=request.user, person=person, team=data["team"])
            messages.success(request, _("已调到“%(team)s”。") % {"team": data["team"].name})
        elif op == "extension":
            total = trainer_services.due_extension_grant(trainee=person, days=data["days"], reason=data["reason"],
                                                         actor=request.user)
            messages.success(request, _("已延期 %(days)d 天(累计 %(total)d 天)。") % {"days": data["days"], "total": total})
        elif op == "hire_date":
            services.person_hire_date_change(actor=request.user, person=person, hire_date=data["hire_date"])
            messages.success(request, _("入职日期已改为 %(date)s。") % {"date": f"{data['hire_date']:%Y-%m-%d}"})
        else:
            hire = services.person_credentials_issue(person=person, kind=data["credentials"], actor=request.user)
            return _show_credentials(request, [hire])
        return redirect("trainer:person_detail", person.pk)
    return render(request, "trainer/people/person_detail.html", {
        "person": person, "forms": forms_, "changes": selectors.person_changes(person=person),
        "followed": trainer_selectors.followed_path(person),
    }, status=400 if op else 200)


def sign_in_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A new hire's one-time link. Opening it (GET) only asks; the button (POST) signs in, which
    uses the link up: chat apps open links to preview them, and that must not spend it."""
    user = selectors.sign_in_link_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "trainer/people/sign_in_link.html", {"invalid": True}, status=404)
    if request.method == "POST":
        auth_login(request, user, backend="trainer.auth_backends.RoleBackend")
        return redirect("trainer:first_password")
    return render(request, "trainer/people/sign_in_link.html", {"person": user})


@login_required
def first_password(request: HttpRequest) -> HttpResponse:
    """Set one's own password after a sign-in link or a temporary password (no old password asked)."""
    if not request.user.must_change_password:
        return redirect("password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.person_password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已设置。欢迎加入!"))
        return redirect("home")
    return render(request, "trainer/people/first_password.html", {"form": form}, status=400 if form.errors else 200)


