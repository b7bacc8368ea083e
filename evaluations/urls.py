from django.urls import path

from .views import conclusions, corrections, exports, lessons, links, measurements, questionnaires, rounds

app_name = "evaluations"

P = "prosjekter/<id:pk>/"
R = "evalueringer/<id:pk>/"
K = "kursjusteringer/<id:pk>/"
Q = "sporreskjema/<id:pk>/"

urlpatterns = [
    # questionnaires (county staff)
    path("fylker/<str:number>/sporreskjema/", questionnaires.questionnaire_list, name="questionnaire-list"),
    path("fylker/<str:number>/sporreskjema/nytt/", questionnaires.questionnaire_create, name="questionnaire-create"),
    path(Q, questionnaires.questionnaire_detail, name="questionnaire-detail"),
    path(Q + "rediger/", questionnaires.questionnaire_edit, name="questionnaire-edit"),
    path(Q + "sporsmal/nytt/", questionnaires.question_edit, name="question-create"),
    path(Q + "sporsmal/<id:question_pk>/", questionnaires.question_edit, name="question-edit"),
    path(Q + "sporsmal/<id:question_pk>/slett/", questionnaires.question_delete, name="question-delete"),
    # rounds, answers, results and mapping conclusions
    path(P + "evalueringer/ny/", rounds.round_create, name="round-create"),
    path(R, rounds.round_detail, name="round-detail"),
    path(R + "eksport.xlsx", exports.round_export_xlsx, name="round-export-xlsx"),
    path(R + "lukk/", rounds.round_close, name="round-close"),
    path(R + "send-til-nye/", rounds.round_ask_new, name="round-ask-new"),
    path(R + "svar/<id:response_pk>/", rounds.response, name="response"),
    path(R + "lenker/<id:link_pk>/trekk-tilbake/", links.response_link_revoke, name="link-revoke"),
    path(R + "kontakter/<id:contact_pk>/inviter/", links.respondent_invite, name="respondent-invite"),
    # A library-head contact's personal link (no account): the one-time code, then the questionnaire.
    path("evalueringer/lenke/<str:token>/", links.response_link, name="link"),
    path(R + "konklusjoner/<str:number>/", conclusions.conclusion_edit, name="conclusion-edit"),
    path(R + "konklusjoner/<str:number>/publiser/", conclusions.conclusion_publish, name="conclusion-publish"),
    # course corrections and the mid-term gate
    path(P + "kursjusteringer/ny/", corrections.correction_create, name="correction-create"),
    path(K, corrections.correction_detail, name="correction-detail"),
    path(K + "milepael/", corrections.correction_milestone, name="correction-milestone"),
    path(K + "mal/", corrections.correction_goal, name="correction-goal"),
    path(K + "malverdi/", corrections.correction_target, name="correction-target"),
    path(P + "mellomevaluering/hopp-over/", corrections.midterm_skip, name="midterm-skip"),
    # before/after measurements ("TTT")
    path(P + "ttt/", measurements.ttt, name="ttt"),
    path(P + "ttt/eksport.xlsx", exports.ttt_export_xlsx, name="ttt-export-xlsx"),
    path(P + "ttt/ny/", measurements.ttt_indicator, name="ttt-indicator"),
    path(P + "ttt/perioder/", measurements.ttt_periods, name="ttt-periods"),
    path(P + "ttt/registrer/", measurements.ttt_record, name="ttt-record"),
    # lessons learned
    path(P + "erfaringer/", lessons.project_lessons, name="project-lessons"),
    path(P + "erfaringer/<id:lesson_pk>/", lessons.lesson_edit, name="lesson-edit"),
    path(P + "erfaringer/<id:lesson_pk>/slett/", lessons.lesson_delete, name="lesson-delete"),
    path("fylker/<str:number>/erfaringer/", lessons.lessons_log, name="lessons-log"),
    path("fylker/<str:number>/erfaringer/erfaringer.xlsx", exports.lessons_export_xlsx, name="lessons-export-xlsx"),
    path("fylker/<str:number>/erfaringer/erfaringer.md", lessons.lessons_markdown, name="lessons-markdown"),
    path("fylker/<str:number>/erfaringer/erfaringer.pdf", lessons.lessons_pdf, name="lessons-pdf"),
    path("fylker/<str:number>/erfaringer/erfaringer.docx", lessons.lessons_docx, name="lessons-docx"),
    # public: published mapping conclusions per municipality
    path("kartlegging/<str:number>/", conclusions.public_conclusions, name="public-conclusions"),
    path("kartlegging/<str:number>/<id:conclusion_pk>/", conclusions.public_conclusion, name="public-conclusion"),
]
