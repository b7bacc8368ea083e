"""Addresses of planning: capacity, required positions, budgets and grants, kits and the handbook."""

from django.urls import path

from . import letter_views, views

app_name = "planning"

P = "prosjekter/<id:pk>/"
L = P + "brev/<id:letter_pk>/"

urlpatterns = [
    path(P + "kapasitet/", views.capacity_needs, name="capacity-needs"),
    path("fylker/<str:number>/kapasitet/", views.staff_capacity, name="staff-capacity"),
    path("kommuner/<str:number>/kapasitet/", views.municipality_capacity, name="municipality-capacity"),
    path(P + "roller/", views.required_positions, name="required-positions"),
    path(P + "budsjett/eksport.xlsx", views.budget_export_xlsx, name="budget-export-xlsx"),
    path(P + "deltakere/<id:participant_pk>/budsjett/", views.budget_edit, name="budget-edit"),
    path(P + "deltakere/<id:participant_pk>/utbetaling/", views.grant_release, name="grant-release"),
    path(P + "deltakere/<id:participant_pk>/sluttregnskap/", views.grant_close, name="grant-close"),
    path(P + "lagre-som-pakke/", views.project_save_as_kit, name="project-save-as-kit"),
    path(P + "brev/", letter_views.letter_list, name="letter-list"),
    path(L, letter_views.letter_detail, name="letter-detail"),
    path(L + "send/", letter_views.letter_send, name="letter-send"),
    path(L + "slett/", letter_views.letter_delete, name="letter-delete"),
    path(L + "brev.pdf", letter_views.letter_pdf, name="letter-pdf"),
    path(L + "brev.docx", letter_views.letter_docx, name="letter-docx"),
    path("fylker/<str:number>/pakker/", views.kit_list, name="kit-list"),
    path("pakker/<id:kit_pk>/", views.kit_detail, name="kit-detail"),
    path("pakker/<id:kit_pk>/nytt-prosjekt/", views.kit_new_project, name="kit-new-project"),
    path("pakker/<id:kit_pk>/tekster/ny/", views.kit_document_edit, name="kit-document-create"),
    path("pakker/<id:kit_pk>/tekster/<id:document_pk>/", views.kit_document_edit, name="kit-document-edit"),
    path("fylker/<str:number>/handbok/", views.handbook_list, name="handbook-list"),
    path("fylker/<str:number>/handbok/ny/", views.handbook_edit, name="handbook-create"),
    path("handbok/<str:number>/<slug:slug>/", views.handbook_page, name="handbook-page"),
    path("handbok/<str:number>/<slug:slug>/rediger/", views.handbook_edit, name="handbook-edit"),
]
