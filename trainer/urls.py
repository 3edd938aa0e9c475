"""Root URLs. The people side (homes, supervisor workspace, certification) is namespaced `trainer`."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

trainer_patterns = (
    [
        path("notifications/", views.notification_list, name="notifications"),
        path("notifications/<int:notification_id>/open/", views.notification_open, name="notification_open"),
    ],
    "trainer",
)

urlpatterns = [
    path("", views.home, name="home"),
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
