"""Root URLs. The people side (homes, supervisor workspace, certification) is namespaced `trainer`."""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .people import views as people_views
from .reminders import views as reminder_views

trainer_patterns = (
    [
        path("notifications/", views.notification_list, name="notifications"),
        path("notifications/<int:notification_id>/open/", views.notification_open, name="notification_open"),
        path("team/", views.team_grid, name="team_grid"),
        path("team/export.<str:fmt>", views.team_grid_export, name="team_grid_export"),
        path("team/results.<str:fmt>", views.results_export, name="results_export"),
        path("team/assign/", views.path_assign, name="path_assign"),
        path("team/trainees/<int:trainee_id>/", views.trainee_detail, name="trainee_detail"),
        path("reviews/", views.review_queue, name="review_queue"),
        path("reviews/<int:answer_id>/", views.review_answer, name="review_answer"),
        path("reviews/<int:answer_id>/lock/", views.review_lock, name="review_lock"),
        path("reviews/disputes/<int:dispute_id>/", views.dispute_resolve, name="dispute_resolve"),
        path("agreement/", views.agreement, name="agreement"),
        path("team/weak-spots/", views.weak_spots, name="weak_spots"),
        path("team/weak-spots/answers/", views.weak_spot_answers, name="weak_spot_answers"),
        path("certification/", views.certification, name="certification"),
        path("certification/rounds/<int:round_id>/start/", views.certification_start, name="certification_start"),
        path("certification/<int:cert_id>/", views.certification_result, name="certification_result"),
        path("certification/<int:cert_id>/certificate/", views.certificate, name="certificate"),
        path("certification/manage/", views.cert_overview, name="cert_overview"),
        path("verify/<str:code>/", views.verify_certificate, name="verify_certificate"),
        path("people/", people_views.people, name="people"),
        path("people/new/", people_views.person_create, name="person_create"),
        path("people/credentials/", people_views.people_credentials, name="people_credentials"),
        path("people/template.<str:fmt>", people_views.people_template, name="people_template"),
        path("people/import/", people_views.people_import, name="people_import"),
        path("people/import/confirm/", people_views.people_import_confirm, name="people_import_confirm"),
        path("people/<int:person_id>/", people_views.person_detail, name="person_detail"),
        path("accounts/welcome/<str:uidb64>/<str:token>/", people_views.sign_in_link, name="sign_in_link"),
        path("accounts/first-password/", people_views.first_password, name="first_password"),
        path("notifications/settings/", reminder_views.notification_settings, name="notification_settings"),
        path("team/settings/<int:team_id>/", reminder_views.team_settings, name="team_settings"),
    ],
    "trainer",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("courses/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("", include(trainer_patterns)),
]

if settings.BENCH_ENDPOINTS:  # the "floor" page speed is compared against (bench/pages.py)
    urlpatterns.append(path("_bench/floor/", views.bench_floor, name="bench_floor"))
