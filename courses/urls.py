from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("search/", views.search, name="search"),
    path("modules/<slug:slug>/", views.module_detail, name="module"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/done/", views.lesson_mark_done, name="lesson_done"),
]
