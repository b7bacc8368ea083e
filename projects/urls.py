"""Addresses of projects, their goals, participants, requirements, partners and experts."""

from django.urls import path

from .views import experts, participants, projects

app_name = "projects"

P = "prosjekter/<id:pk>/"

urlpatterns = [
    path("prosjekter/", projects.project_list, name="project-list"),
    path("prosjekter/eksport.csv", projects.project_export, name="project-export"),
    path("prosjekter/eksport.xlsx", projects.project_export_xlsx, name="project-export-xlsx"),
    path("prosjekter/nytt/", projects.project_create, name="project-create"),
    path(P, projects.project_detail, name="project-detail"),
    path(P + "rediger/", projects.project_edit, name="project-edit"),
    path(P + "historikk/", projects.project_history_view, name="project-history"),
    path(P + "del/<slug:section>/", projects.project_section, name="project-section"),
    path(P + "status/", projects.project_status, name="project-status"),
    path(P + "bli-ny/", projects.project_bli_ny, name="project-bli-ny"),
    path(P + "mal/nytt/", projects.goal_edit, name="goal-create"),
    path(P + "mal/<id:goal_pk>/", projects.goal_edit, name="goal-edit"),
    path(P + "mal/<id:goal_pk>/slett/", projects.goal_delete, name="goal-delete"),
    path(P + "mal/<id:goal_pk>/indikatorer/ny/", projects.indicator_edit, name="indicator-create"),
    path(P + "mal/<id:goal_pk>/indikatorer/<id:indicator_pk>/", projects.indicator_edit, name="indicator-edit"),
    path(P + "indikatorer/<id:indicator_pk>/maling/", projects.measurement_create, name="measurement-create"),
    path(P + "deltakere/inviter/", participants.participant_invite, name="participant-invite"),
    path(P + "deltakere/<id:participant_pk>/", participants.participant_detail, name="participant-detail"),
    path(P + "deltakere/<id:participant_pk>/rediger/", participants.participant_edit, name="participant-edit"),
    path(P + "deltakere/<id:participant_pk>/status/", participants.participant_status, name="participant-status"),
    path(P + "deltakere/<id:participant_pk>/forplikt/", participants.participant_commit, name="participant-commit"),
    path(
        P + "deltakere/<id:participant_pk>/krav/<id:requirement_pk>/",
        participants.compliance_edit,
        name="compliance-edit",
    ),
    path(P + "krav/nytt/", participants.requirement_edit, name="requirement-create"),
    path(P + "krav/<id:requirement_pk>/", participants.requirement_edit, name="requirement-edit"),
    path(P + "krav/<id:requirement_pk>/slett/", participants.requirement_delete, name="requirement-delete"),
    path(P + "partnere/ny/", experts.partner_add, name="partner-add"),
    path(P + "partnere/<id:partner_pk>/fjern/", experts.partner_remove, name="partner-remove"),
    path(P + "eksperter/ny/", experts.expert_add, name="expert-add"),
    path(P + "eksperter/<id:expert_pk>/", experts.expert_detail, name="expert-detail"),
    path(P + "eksperter/<id:expert_pk>/orientering/<id:item_pk>/", experts.expert_briefing, name="expert-briefing"),
    path(P + "eksperter/<id:expert_pk>/fjern/", experts.expert_remove, name="expert-remove"),
]
