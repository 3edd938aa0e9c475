"""People management: selectors, services, the pages and the import command."""
from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse

from tests.trainer.test_people_rows import xlsx_bytes
from trainer.models import OnboardingPath, PersonChange, User
from trainer.people import selectors, services
from trainer.people.rows import RawRow
from trainer.people.tokens import sign_in_tokens
from trainer.selectors import team_grid, trainees_visible_to

HEADERS = ["姓名", "用户名", "入职日期", "团队", "带教路径"]


def raw(line=2, name="新人", username="xin", hire_date="2026-12-01", team="一组", path=""):
    return RawRow(line=line, name=name, username=username, hire_date=hire_date, team=team, path=path)


def messages_of(checked):
    return [[msg for msg, _params in c.errors] for c in checked]


# --------------------------------------------------------------------------------------- selectors

def test_import_check_reports_every_problem_of_every_row(people):
    checked = selectors.people_import_check(user=people.supervisor, rows=[
        raw(line=2),
        raw(line=3, name="", username="t1"),                       # no name; t1 exists
        raw(line=4, username="XIN"),                               # repeats line 2 (case-insensitive)
        raw(line=5, username="bad name", hire_date="明天"),
        raw(line=6, username="ok6", team="二组"),                  # another supervisor's team
        raw(line=7, username="ok7", team="", hire_date="", path="不存在"),
    ])
    assert messages_of(checked) == [
        [],
        [selectors.NAME_MISSING, selectors.USERNAME_TAKEN],
        [selectors.USERNAME_REPEATED],
        [selectors.USERNAME_INVALID, selectors.DATE_INVALID],
        [selectors.TEAM_UNKNOWN],
        [selectors.DATE_MISSING, selectors.TEAM_MISSING, selectors.PATH_UNKNOWN],
    ]
    assert checked[2].errors[0][1] == {"username": "XIN", "line": 2}
    assert checked[0].team == people.team and checked[0].hire_date == date(2026, 12, 1)


def test_import_check_takes_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    rows = [raw(line=n, username=f"u{n}") for n in range(2, 60)]
    with django_assert_max_num_queries(3):
        selectors.people_import_check(user=people.supervisor, rows=rows)


def test_import_check_resolves_a_path_by_name_or_slug(content, people):
    path = OnboardingPath.objects.get(slug="newhire-30-days")
    checked = selectors.people_import_check(user=people.supervisor, rows=[
        raw(username="a", path=path.name), raw(line=3, username="b", path=path.slug)])
    assert [c.path for c in checked] == [path, path]


def test_people_visible_to_includes_leavers_of_own_teams_only(people):
    services.person_deactivate(actor=people.supervisor, person=people.teammate)
    assert set(selectors.people_visible_to(user=people.supervisor)) == {people.trainee, people.teammate}
    assert set(selectors.people_visible_to(user=people.admin)) == {people.trainee, people.teammate, people.outsider}
    assert list(selectors.people_visible_to(user=people.trainee)) == []
    assert [p.is_active for p in selectors.people_list(user=people.supervisor)] == [True, False]


def test_access_person_by_id_is_404_outside_own_teams(people):
    assert selectors.access_person_by_id(user=people.supervisor, person_id=people.trainee.pk) == people.trainee
    for person in (people.outsider, people.supervisor):
        with pytest.raises(Http404):
            selectors.access_person_by_id(user=people.supervisor, person_id=person.pk)


# ---------------------------------------------------------------------------------------- services

def test_person_create_with_a_link_records_and_assigns(content, people):
    path = OnboardingPath.objects.get(slug="newhire-30-days")
    hire = services.person_create(actor=people.supervisor, name="新人甲", username="jia", hire_date=date(2026, 12, 1),
                                  team=people.team, path=path)
    user = hire.user
    assert (user.display_name, user.team, user.hire_date, user.role) == ("新人甲", people.team, date(2026, 12, 1), "trainee")
    assert not user.has_usable_password() and user.must_change_password
    assert user.path_assignment.path == path
    token = hire.sign_in_path.rstrip("/").split("/")[-1]
    assert sign_in_tokens.check_token(user, token)
    change = PersonChange.objects.get(person=user)
    assert (change.action, change.actor) == (PersonChange.Action.CREATED, people.supervisor)


def test_person_create_with_a_temporary_password(people):
    hire = services.person_create(actor=people.supervisor, name="乙", username="yi", hire_date=date(2026, 12, 1),
                                  team=people.team, credentials=services.PASSWORD)
    assert hire.user.check_password(hire.password) and hire.user.must_change_password and hire.sign_in_path == ""


def test_person_create_refuses_another_supervisors_team(people):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=people.supervisor, name="丙", username="bing", hire_date=date(2026, 12, 1),
                               team=people.other_team)
    assert not User.objects.filter(username="bing").exists()


def test_new_credentials_spend_the_old_link(people):
    hire = services.person_create(actor=people.supervisor, name="丁", username="ding", hire_date=date(2026, 12, 1), team=people.team)
    old = hire.sign_in_path.rstrip("/").split("/")[-1]
    services.person_credentials_issue(person=hire.user, kind=services.LINK, actor=people.supervisor)
    assert not sign_in_tokens.check_token(User.objects.get(pk=hire.user.pk), old)
    assert PersonChange.objects.filter(person=hire.user, action=PersonChange.Action.CREDENTIALS).count() == 1


def test_people_import_is_all_or_none(people):
    with pytest.raises(services.ImportRefused) as refused:
        services.people_import(actor=people.supervisor, rows=[raw(username="ok"), raw(line=3, username="t1")])
    assert messages_of(refused.value.rows) == [[], [selectors.USERNAME_TAKEN]]
    assert not User.objects.filter(username="ok").exists()
    hires = services.people_import(actor=people.supervisor, rows=[raw(username="ok"), raw(line=3, username="ok2")])
    assert [h.user.username for h in hires] == ["ok", "ok2"]


def test_move_hire_date_deactivate_reactivate_are_recorded(people):
    person = people.trainee
    assert services.person_move(actor=people.admin, person=person, team=people.other_team)
    assert not services.person_move(actor=people.admin, person=person, team=people.other_team)
    with pytest.raises(PermissionDenied):
        services.person_move(actor=people.supervisor, person=people.teammate, team=people.other_team)
    assert services.person_hire_date_change(actor=people.admin, person=person, hire_date=date(2026, 11, 2))
    assert services.person_deactivate(actor=people.admin, person=person)
    assert not services.person_deactivate(actor=people.admin, person=person)
    assert services.person_reactivate(actor=people.admin, person=person)
    changes = [(c.action, c.before, c.after, c.actor) for c in selectors.person_changes(person=person)]
    assert changes == [
        (PersonChange.Action.REACTIVATED, "", "", people.admin),
        (PersonChange.Action.DEACTIVATED, "", "", people.admin),
        (PersonChange.Action.HIRE_DATE, "", "2026-11-02", people.admin),
        (PersonChange.Action.TEAM_MOVED, "一组", "二组", people.admin),
    ]


def test_a_leaver_drops_out_of_grids_and_counts_but_keeps_history(assigned, people):
    from tests.trainer.conftest import submit_reply
    from quizzes.models import Answer, Scenario

    submit_reply(people.teammate, Scenario.objects.first(), "亲,您好")
    services.person_deactivate(actor=people.supervisor, person=people.teammate)
    rows, _columns = team_grid(user=people.supervisor)
    assert [r.trainee for r in rows] == [people.trainee]
    assert people.teammate not in trainees_visible_to(user=people.supervisor)
    assert Answer.objects.filter(user=people.teammate).count() == 1


def test_person_password_set_clears_the_flag(people):
    hire = services.person_create(actor=people.supervisor, name="戊", username="wu", hire_date=date(2026, 12, 1), team=people.team)
    services.person_password_set(user=hire.user, password="a-new-long-password")
    hire.user.refresh_from_db()
    assert hire.user.check_password("a-new-long-password") and not hire.user.must_change_password


# ------------------------------------------------------------------------------------------- pages

def test_the_import_pages_preview_then_save(client_for, people):
    client = client_for(people.supervisor)
    template = client.get(reverse("trainer:people_template", args=["xlsx"]))
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    bad = xlsx_bytes([HEADERS, ["甲", "jia", "2026-12-01", "一组", ""], ["乙", "t1", "2026-12-01", "一组", ""]])
    response = client.post(reverse("trainer:people_import"), {"file": _upload("new.xlsx", bad)})
    assert response.status_code == 200 and "用户名“t1”已被使用" in response.text
    assert response.context["error_count"] == 1 and "confirm" not in response.context
    good = xlsx_bytes([HEADERS, ["甲", "jia", "2026-12-01", "一组", ""], ["乙", "yi", "2026-12-01", "一组", ""]])
    response = client.post(reverse("trainer:people_import"), {"file": _upload("new.xlsx", good)})
    token = response.context["confirm"].initial["token"]
    assert not User.objects.filter(username="jia").exists()  # the preview saves nothing
    response = client.post(reverse("trainer:people_import_confirm"), {"token": token, "credentials": "password"})
    assert response.status_code == 302 and response.url == reverse("trainer:people_credentials")  # PRG
    shown = client.get(response.url)
    assert [h["username"] for h in shown.context["hires"]] == ["jia", "yi"]
    assert 'data-testid="temporary-password"' in shown.text
    # #20.7: a refresh posts nothing again and shows the passwords no more; they are reissued per person.
    refreshed = client.get(response.url)
    assert 'data-testid="credentials-gone"' in refreshed.text and 'data-testid="temporary-password"' not in refreshed.text
    again = client.post(reverse("trainer:people_import_confirm"), {"token": token, "credentials": "password"})
    assert again.status_code == 302  # the preview is spent: a second click saves nothing twice


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data)


def test_an_unreadable_upload_says_why(client_for, people):
    response = client_for(people.supervisor).post(reverse("trainer:people_import"), {"file": _upload("x.csv", b"a,b\n1,2\n")})
    assert response.status_code == 400 and "缺少表头" in response.text


def test_person_page_moves_and_deactivates(client_for, people):
    client = client_for(people.supervisor)
    url = reverse("trainer:person_detail", args=[people.teammate.pk])
    assert client.post(url, {"op": "hire_date", "hire_date": "2026-10-01"}).status_code == 302
    assert client.post(url, {"op": "move", "team": people.other_team.pk}).status_code == 400  # not their team
    assert client.post(url, {"op": "deactivate"}).status_code == 302
    people.teammate.refresh_from_db()
    assert people.teammate.hire_date == date(2026, 10, 1) and not people.teammate.is_active
    assert client.get(url).status_code == 200  # a leaver's page stays reachable, to bring them back
    assert client.post(url, {"op": "nonsense"}).status_code == 400


def test_one_time_link_signs_in_once_then_asks_for_a_password(client, people):
    hire = services.person_create(actor=people.supervisor, name="新人", username="xin", hire_date=date(2026, 12, 1), team=people.team)
    assert client.get(hire.sign_in_path).status_code == 200  # a chat app's preview does not spend it
    response = client.post(hire.sign_in_path)
    assert response.status_code == 302 and response.url == reverse("trainer:first_password")
    assert client.get(reverse("home")).url == reverse("trainer:first_password")  # nothing else first
    response = client.post(reverse("trainer:first_password"), {"new_password1": "Xin-2026-long", "new_password2": "Xin-2026-long"})
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200
    client.logout()
    assert client.get(hire.sign_in_path).status_code == 404  # used up


def test_temporary_password_must_be_changed_at_first_login(client, people):
    hire = services.person_create(actor=people.supervisor, name="新人", username="xin", hire_date=date(2026, 12, 1),
                                  team=people.team, credentials=services.PASSWORD)
    client.post(reverse("login"), {"username": "xin", "password": hire.password})
    assert client.get(reverse("courses:overview")).url == reverse("trainer:first_password")


# ----------------------------------------------------------------------------------------- command

def test_import_trainees_command(people, tmp_path):
    good = tmp_path / "new.csv"
    good.write_text("姓名,用户名,入职日期,团队\n甲,jia,2026-12-01,一组\n乙,yi,2026/12/2,二组\n", encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_trainees", str(good), "--base-url", "https://train.example.cn", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("jia\t甲\t一组\thttps://train.example.cn/accounts/welcome/")
    assert User.objects.get(username="yi").team == people.other_team
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,用户名,入职日期,团队\n丙,bing,2026-12-01,一组\n丁,jia,2026-12-01,三组\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_trainees", str(bad), stderr=err)
    assert "bad.csv:3: 用户名“jia”已被使用" in err.getvalue() and "bad.csv:3: 团队“三组”不存在或不归你管理" in err.getvalue()
    assert not User.objects.filter(username="bing").exists()


# ---------------------------------------------------------------------------- rough edges on the way

def test_error_pages_are_styled_chinese_with_navigation(client_for, people):
    client = client_for(people.trainee)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "找不到这个页面" in missing.text and 'href="/"' in missing.text
    assert 'data-testid="error-page"' in missing.text and "navbar" in missing.text
    refused = client.get(reverse("trainer:people"))
    assert refused.status_code == 403 and "没有权限打开这个页面" in refused.text


def test_server_error_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "服务器出错了" in html and 'href="/"' in html


def test_blank_choice_is_chinese_and_every_page_has_a_favicon(client_for, people):
    from django.db.models import fields

    assert str(fields.BLANK_CHOICE_LABEL) == "- 请选择 -"
    page = client_for(people.supervisor).get(reverse("trainer:people"))
    assert 'rel="icon"' in page.text and "favicon.svg" in page.text
