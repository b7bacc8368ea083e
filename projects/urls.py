from django.urls import path

from . import planning_views, views

app_name = "projects"

P = "prosjekter/<int:pk>/"

urlpatterns = [
    path("prosjekter/", views.project_list, name="project-list"),
    path("prosjekter/eksport.csv", views.project_export, name="project-export"),
    path("prosjekter/nytt/", views.project_create, name="project-create"),
    path(P, views.project_detail, name="project-detail"),
    path(P + "rediger/", views.project_edit, name="project-edit"),
    path(P + "historikk/", views.project_history_view, name="project-history"),
    path(P + "status/", views.project_status, name="project-status"),
    path(P + "bli-ny/", views.project_followup, name="project-followup"),
    path(P + "mal/nytt/", views.goal_edit, name="goal-create"),
    path(P + "mal/<int:goal_pk>/", views.goal_edit, name="goal-edit"),
    path(P + "mal/<int:goal_pk>/slett/", views.goal_delete, name="goal-delete"),
    path(P + "mal/<int:goal_pk>/indikatorer/ny/", views.indicator_edit, name="indicator-create"),
    path(P + "mal/<int:goal_pk>/indikatorer/<int:indicator_pk>/", views.indicator_edit, name="indicator-edit"),
    path(P + "indikatorer/<int:indicator_pk>/maling/", views.measurement_create, name="measurement-create"),
    path(P + "deltakere/inviter/", views.participant_invite, name="participant-invite"),
    path(P + "deltakere/<int:participant_pk>/", views.participant_detail, name="participant-detail"),
    path(P + "deltakere/<int:participant_pk>/rediger/", views.participant_edit, name="participant-edit"),
    path(P + "deltakere/<int:participant_pk>/status/", views.participant_status, name="participant-status"),
    path(P + "deltakere/<int:participant_pk>/forplikt/", views.participant_commit, name="participant-commit"),
    path(
        P + "deltakere/<int:participant_pk>/krav/<int:requirement_pk>/",
        views.compliance_edit,
        name="compliance-edit",
    ),
    path(P + "krav/nytt/", views.requirement_edit, name="requirement-create"),
    path(P + "krav/<int:requirement_pk>/", views.requirement_edit, name="requirement-edit"),
    path(P + "krav/<int:requirement_pk>/slett/", views.requirement_delete, name="requirement-delete"),
    path(P + "partnere/ny/", views.partner_add, name="partner-add"),
    path(P + "partnere/<int:partner_pk>/fjern/", views.partner_remove, name="partner-remove"),
    path(P + "eksperter/ny/", views.expert_add, name="expert-add"),
    path(P + "eksperter/<int:expert_pk>/", views.expert_detail, name="expert-detail"),
    path(P + "eksperter/<int:expert_pk>/orientering/<int:item_pk>/", views.expert_briefing, name="expert-briefing"),
    path(P + "eksperter/<int:expert_pk>/fjern/", views.expert_remove, name="expert-remove"),
    # planning and money
    path(P + "kapasitet/", planning_views.capacity_needs, name="capacity-needs"),
    path("fylker/<str:number>/kapasitet/", planning_views.staff_capacity, name="staff-capacity"),
    path("kommuner/<str:number>/kapasitet/", planning_views.municipality_capacity, name="municipality-capacity"),
    path(P + "roller/", planning_views.required_positions, name="required-positions"),
    path(P + "deltakere/<int:participant_pk>/budsjett/", planning_views.budget_edit, name="budget-edit"),
    path(P + "deltakere/<int:participant_pk>/utbetaling/", planning_views.grant_release, name="grant-release"),
    path(P + "deltakere/<int:participant_pk>/sluttregnskap/", planning_views.grant_close, name="grant-close"),
    path(P + "lagre-som-pakke/", planning_views.project_save_as_kit, name="project-save-as-kit"),
    path("fylker/<str:number>/pakker/", planning_views.kit_list, name="kit-list"),
    path("pakker/<int:kit_pk>/", planning_views.kit_detail, name="kit-detail"),
    path("pakker/<int:kit_pk>/nytt-prosjekt/", planning_views.kit_new_project, name="kit-new-project"),
    path("fylker/<str:number>/handbok/", planning_views.handbook_list, name="handbook-list"),
    path("fylker/<str:number>/handbok/ny/", planning_views.handbook_edit, name="handbook-create"),
    path("handbok/<str:number>/<slug:slug>/", planning_views.handbook_page, name="handbook-page"),
    path("handbok/<str:number>/<slug:slug>/rediger/", planning_views.handbook_edit, name="handbook-edit"),
]
