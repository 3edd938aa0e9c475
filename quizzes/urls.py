from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("practice/", views.practice_list, name="practice"),
    path("practice/scenarios/<slug:slug>/", views.scenario_practice, name="scenario"),
    path("practice/questions/<slug:slug>/", views.question_practice, name="question"),
    path("answers/<int:answer_id>/", views.answer_detail, name="answer"),
    path("reviews/<int:review_id>/respond/", views.review_respond, name="review_respond"),
    path("modules/", views.module_quizzes, name="module_quizzes"),
    path("modules/<slug:slug>/start/", views.module_quiz_start, name="module_quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt_take"),
    path("attempts/<int:attempt_id>/draft/", views.attempt_draft, name="attempt_draft"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt_result"),
]
