from django.urls import path

from . import views

app_name = "evaluations"

P = "prosjekter/<id:pk>/"
R = "evalueringer/<id:pk>/"
K = "kursjusteringer/<id:pk>/"
Q = "sporreskjema/<id:pk>/"

urlpatterns = [
    # questionnaires (county staff)
    path("fylker/<str:number>/sporreskjema/", views.questionnaire_list, name="questionnaire-list"),
    path("fylker/<str:number>/sporreskjema/nytt/", views.questionnaire_create, name="questionnaire-create"),
    path(Q, views.questionnaire_detail, name="questionnaire-detail"),
    path(Q + "rediger/", views.questionnaire_edit, name="questionnaire-edit"),
    path(Q + "sporsmal/nytt/", views.question_edit, name="question-create"),
    path(Q + "sporsmal/<id:question_pk>/", views.question_edit, name="question-edit"),
    path(Q + "sporsmal/<id:question_pk>/slett/", views.question_delete, name="question-delete"),
    # rounds, answers, results and mapping conclusions
    path(P + "evalueringer/ny/", views.round_create, name="round-create"),
    path(R, views.round_detail, name="round-detail"),
    path(R + "lukk/", views.round_close, name="round-close"),
    path(R + "send-til-nye/", views.round_ask_new, name="round-ask-new"),
    path(R + "svar/<id:response_pk>/", views.response, name="response"),
    path(R + "konklusjoner/<str:number>/", views.conclusion_edit, name="conclusion-edit"),
    path(R + "konklusjoner/<str:number>/publiser/", views.conclusion_publish, name="conclusion-publish"),
    # course corrections and the mid-term gate
    path(P + "kursjusteringer/ny/", views.correction_create, name="correction-create"),
    path(K, views.correction_detail, name="correction-detail"),
    path(K + "milepael/", views.correction_milestone, name="correction-milestone"),
    path(K + "mal/", views.correction_goal, name="correction-goal"),
    path(K + "malverdi/", views.correction_target, name="correction-target"),
    path(P + "mellomevaluering/hopp-over/", views.midterm_skip, name="midterm-skip"),
    # before/after measurements ("TTT")
    path(P + "ttt/", views.ttt, name="ttt"),
    path(P + "ttt/ny/", views.ttt_indicator, name="ttt-indicator"),
    path(P + "ttt/perioder/", views.ttt_periods, name="ttt-periods"),
    path(P + "ttt/registrer/", views.ttt_record, name="ttt-record"),
    # lessons learned
    path(P + "erfaringer/", views.project_lessons, name="project-lessons"),
    path(P + "erfaringer/<id:lesson_pk>/", views.lesson_edit, name="lesson-edit"),
    path(P + "erfaringer/<id:lesson_pk>/slett/", views.lesson_delete, name="lesson-delete"),
    path("fylker/<str:number>/erfaringer/", views.lessons_log, name="lessons-log"),
    path("fylker/<str:number>/erfaringer/erfaringer.md", views.lessons_markdown, name="lessons-markdown"),
    path("fylker/<str:number>/erfaringer/erfaringer.pdf", views.lessons_pdf, name="lessons-pdf"),
    # public: published mapping conclusions per municipality
    path("kartlegging/<str:number>/", views.public_conclusions, name="public-conclusions"),
    path("kartlegging/<str:number>/<id:conclusion_pk>/", views.public_conclusion, name="public-conclusion"),
]
