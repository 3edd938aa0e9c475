"""Every URL × every role. A URL without an entry here fails the test, so new pages get a decision.

Roles: anon (not logged in), owner (the trainee whose data it is), peer (another trainee in the same
team), sup (the owner's supervisor), sup_other (a supervisor of another team), admin.
Views answer GET here; POST-only views must refuse GET with 405 once logged in.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from courses import clock
from courses.models import Lesson, Module
from quizzes import services as quiz_services
from quizzes.models import Question, Scenario
from tests.trainer.conftest import submit_reply
from trainer.models import CertificationExam, CertificationRound, Notification
from trainer.services import certification_start, review_dispute_and_notify, review_submit_and_notify

ROLES = ("anon", "owner", "peer", "sup", "sup_other", "admin")
LOGIN = "login-redirect"


def expect(anon=LOGIN, owner=200, peer=200, sup=200, sup_other=200, admin=200) -> dict:
    return dict(zip(ROLES, (anon, owner, peer, sup, sup_other, admin)))


SUPERVISOR_ONLY = expect(owner=403, peer=403)
OWN_TEAM_ONLY = expect(owner=403, peer=403, sup_other=404)
OWN_DATA = expect(peer=404, sup_other=404)
POST_ONLY = expect(owner=405, peer=405, sup=405, sup_other=405, admin=405)

# name → (kwargs builder, expected status per role)
MATRIX = {
    "home": (lambda w: {}, expect()),
    "favicon": (lambda w: {}, expect(anon=301, owner=301, peer=301, sup=301, sup_other=301, admin=301)),
    "login": (lambda w: {}, expect(anon=200, owner=302, peer=302, sup=302, sup_other=302, admin=302)),
    "logout": (lambda w: {}, expect(anon=405, owner=405, peer=405, sup=405, sup_other=405, admin=405)),
    "password_change": (lambda w: {}, expect()),
    "password_change_done": (lambda w: {}, expect()),
    "set_language": (lambda w: {}, expect(anon=302, owner=302, peer=302, sup=302, sup_other=302, admin=302)),
    "courses:overview": (lambda w: {}, expect()),
    "courses:search": (lambda w: {}, expect()),
    "courses:module": (lambda w: {"slug": w["module"].slug}, expect()),
    "courses:lesson": (lambda w: {"slug": w["lesson"].slug}, expect()),
    "courses:lesson_done": (lambda w: {"slug": w["lesson"].slug}, POST_ONLY),
    "quizzes:practice": (lambda w: {}, expect()),
    "quizzes:scenario": (lambda w: {"slug": w["scenario"].slug}, expect()),
    "quizzes:question": (lambda w: {"slug": w["question"].slug}, expect()),
    "quizzes:answer": (lambda w: {"answer_id": w["answer"].pk}, OWN_DATA),
    "quizzes:module_quizzes": (lambda w: {}, expect()),
    "quizzes:module_quiz_start": (lambda w: {"slug": w["module"].slug}, POST_ONLY),
    "quizzes:attempt_take": (lambda w: {"attempt_id": w["open_attempt"].pk},
                             expect(peer=404, sup=404, sup_other=404, admin=404)),
    "quizzes:attempt_draft": (lambda w: {"attempt_id": w["open_attempt"].pk}, POST_ONLY),
    "quizzes:attempt_result": (lambda w: {"attempt_id": w["answer"].attempt_id}, OWN_DATA),
    "quizzes:review_respond": (lambda w: {"review_id": w["review"].pk}, POST_ONLY),
    "trainer:notifications": (lambda w: {}, expect()),
    "trainer:notification_open": (lambda w: {"notification_id": w["notification"].pk},
                                  expect(owner=302, peer=404, sup=404, sup_other=404, admin=404)),
    "trainer:team_grid": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:team_grid_export": (lambda w: {"fmt": "xlsx"}, SUPERVISOR_ONLY),
    "trainer:results_export": (lambda w: {"fmt": "csv"}, SUPERVISOR_ONLY),
    "trainer:path_assign": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:trainee_detail": (lambda w: {"trainee_id": w["owner"].pk}, OWN_TEAM_ONLY),
    "trainer:review_queue": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:review_answer": (lambda w: {"answer_id": w["answer"].pk}, OWN_TEAM_ONLY),
    "trainer:review_lock": (lambda w: {"answer_id": w["answer"].pk},
                            expect(owner=403, peer=403, sup=405, sup_other=405, admin=405)),
    "trainer:dispute_resolve": (lambda w: {"dispute_id": w["dispute"].pk}, OWN_TEAM_ONLY),
    "trainer:agreement": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:weak_spots": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:weak_spot_answers": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:certification": (lambda w: {}, expect(sup=403, sup_other=403, admin=403)),
    "trainer:certification_start": (lambda w: {"round_id": w["round"].pk},
                                    expect(owner=405, peer=405, sup=403, sup_other=403, admin=403)),
    "trainer:certification_result": (lambda w: {"cert_id": w["cert"].pk}, OWN_DATA),
    "trainer:certificate": (lambda w: {"cert_id": w["cert"].pk}, OWN_DATA),
    "trainer:cert_overview": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:verify_certificate": (lambda w: {"code": w["cert"].verification_code},
                                   expect(anon=200)),
    "trainer:people": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:person_create": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:people_credentials": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:people_template": (lambda w: {"fmt": "xlsx"}, SUPERVISOR_ONLY),
    "trainer:people_import": (lambda w: {}, SUPERVISOR_ONLY),
    "trainer:people_import_confirm": (lambda w: {}, expect(owner=403, peer=403, sup=405, sup_other=405, admin=405)),
    "trainer:person_detail": (lambda w: {"person_id": w["owner"].pk}, OWN_TEAM_ONLY),
    # A new hire's link: anyone holding it sees the "sign in" button (GET never spends it).
    "trainer:sign_in_link": (lambda w: w["sign_in"], expect(anon=200)),
    # Only someone with a temporary password stays; everyone else goes on to the ordinary form.
    "trainer:first_password": (lambda w: {}, expect(owner=302, peer=302, sup=302, sup_other=302, admin=302)),
    "trainer:notification_settings": (lambda w: {}, expect()),
    "trainer:team_settings": (lambda w: {"team_id": w["owner"].team_id}, OWN_TEAM_ONLY),
}
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin checks staff status itself


def url_names(patterns=None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace in SKIPPED_NAMESPACES:
                continue
            names |= url_names(entry.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_url_has_an_entry():
    assert url_names() - set(MATRIX) == set(), "add the new URL to MATRIX with the intended answer per role"
    assert set(MATRIX) - url_names() == set(), "MATRIX names a URL that no longer exists"


@pytest.fixture
def world(content, people):
    scenario = Scenario.objects.order_by("slug").first()
    answer = submit_reply(people.trainee, scenario, scenario.model_answer)
    open_attempt = quiz_services.module_quiz_start(user=people.trainee, module=Module.objects.get(slug="customer-types"))
    today = clock.today()
    round_ = CertificationRound.objects.create(exam=CertificationExam.objects.get(), team=people.team, title="本轮",
                                               opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=3))
    cert = certification_start(trainee=people.trainee, round_=round_)
    answers = {a.pk: quiz_services.ReplyInput(reply_text=a.scenario.model_answer if a.scenario_id else "",
                                              selected=tuple(a.question.answer) if a.question_id else ())
               for a in cert.attempt.answers.select_related("scenario", "question")}
    quiz_services.attempt_submit(attempt_id=cert.attempt_id, user=people.trainee, inputs=answers)
    for reply in cert.attempt.answers.filter(scenario__isnull=False).select_related("scenario"):
        # Reviewed, so that the sitting is no longer pending review and its certificate is issued.
        review_submit_and_notify(answer=reply, reviewer=people.supervisor, points={}, comment="", passages=[],
                                 seen_review_id=None)
    review = review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment="好",
                                      passages=[], seen_review_id=None)
    disputed = submit_reply(people.trainee, scenario, scenario.model_answer[:20])
    disputed_review = review_submit_and_notify(answer=disputed, reviewer=people.supervisor, points={}, comment="",
                                               passages=[], seen_review_id=None)
    dispute = review_dispute_and_notify(review_id=disputed_review.pk, trainee=people.trainee, reason="第二项我说到了")
    return {
        "owner": people.trainee, "answer": answer, "review": review, "dispute": dispute, "open_attempt": open_attempt, "round": round_, "cert": cert,
        "scenario": scenario, "question": Question.objects.filter(certification_only=False).first(), "module": Module.objects.first(),
        "lesson": Lesson.objects.first(),
        "notification": Notification.objects.create(user=people.trainee, message="审阅完成", url=answer.get_absolute_url()),
        "sign_in": _sign_in_kwargs(people),
    }


def _sign_in_kwargs(people) -> dict:
    from datetime import date

    from django.urls import resolve

    from trainer.people.services import person_create

    hire = person_create(actor=people.supervisor, name="新人", username="matrix-new", hire_date=date(2026, 12, 1),
                         team=people.team)
    return resolve(hire.sign_in_path).kwargs


def role_user(people, role: str):
    return {"owner": people.trainee, "peer": people.teammate, "sup": people.supervisor,
            "sup_other": people.other_supervisor, "admin": people.admin}.get(role)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(world, people, client, name):
    kwargs_for, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(world))
    failures = []
    for role in ROLES:
        client.logout()
        user = role_user(people, role)
        if user:
            client.force_login(user)
        response = client.get(url)
        want = expected[role]
        if want == LOGIN:
            ok = response.status_code == 302 and "/accounts/login/" in response.url
        else:
            ok = response.status_code == want
        if not ok:
            failures.append(f"{role}: got {response.status_code}, want {want}")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            policy = response.headers.get("Content-Security-Policy", "")
            if "default-src 'self'" not in policy or "'unsafe-inline'" in policy:
                failures.append(f"{role}: missing or weak Content-Security-Policy")
    assert failures == []


POST_ENDPOINTS = ["login", "logout", "set_language", "password_change", "courses:lesson_done", "quizzes:scenario",
                  "quizzes:question", "quizzes:module_quiz_start", "quizzes:attempt_take", "quizzes:attempt_draft",
                  "trainer:path_assign", "trainer:review_answer", "trainer:dispute_resolve", "quizzes:review_respond", "trainer:review_lock", "trainer:certification_start", "trainer:cert_overview",
                  "trainer:people_import_confirm", "trainer:person_create", "trainer:people_import", "trainer:person_detail",
                  "trainer:notification_settings", "trainer:team_settings"]


@pytest.mark.parametrize("name", POST_ENDPOINTS)
def test_every_post_needs_a_csrf_token(world, people, name):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.trainee if "cert_overview" not in name and ("review" not in name or "respond" in name)
                       and "dispute" not in name
                       and "assign" not in name and "people" not in name and "person" not in name
                       and "team_settings" not in name
                       else people.supervisor)
    kwargs_for, _expected = MATRIX[name]
    response = client.post(reverse(name, kwargs=kwargs_for(world)), {"reply": "亲,您好"})
    assert response.status_code == 403


def test_login_rotates_the_session_key(db, client, people):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": people.trainee.username, "password": "test-pass-123"})
    assert response.status_code == 302
    assert client.session.session_key != before


def test_nul_in_query_strings_and_forms_never_reaches_the_database(content, people, client):
    client.force_login(people.supervisor)
    assert client.get(reverse("courses:search"), {"q": "催\x00付"}).status_code == 200
    assert client.get(reverse("trainer:review_queue"), {"scenario": "\x00"}).status_code == 200
    client.logout()
    response = client.post(reverse("login"), {"username": "亲" * 3000 + "\x00", "password": "x"})
    assert response.status_code == 200
