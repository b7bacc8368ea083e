from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("fylker/<str:number>/", views.county_detail, name="county-detail"),
    path("fylker/<str:number>/innstillinger/", views.county_settings, name="county-settings"),
    path("fylker/<str:number>/importer-kommuner/", views.municipality_import, name="municipality-import"),
    path("fylker/<str:number>/partnere/", views.organisation_list, name="organisation-list"),
    path("partnere/<id:pk>/", views.organisation_detail, name="organisation-detail"),
    path("partnere/<id:pk>/kontakter/ny/", views.organisation_contact, name="organisation-contact-create"),
    path("partnere/<id:pk>/kontakter/<id:contact_pk>/", views.organisation_contact, name="organisation-contact-edit"),
    path("kommuner/", views.municipality_list, name="municipality-list"),
    path("kommuner/<str:number>/", views.municipality_detail, name="municipality-detail"),
    path("kommuner/<str:number>/faktaark.pdf", views.municipality_factsheet, name="municipality-factsheet"),
    path("kommuner/<str:number>/rediger/", views.municipality_edit, name="municipality-edit"),
    path("kommuner/<str:number>/bibliotek/nytt/", views.library_edit, name="library-create"),
    path("kommuner/<str:number>/bibliotek/<id:pk>/", views.library_edit, name="library-edit"),
    path("kommuner/<str:number>/bibliotek/<id:pk>/slett/", views.library_delete, name="library-delete"),
    path("kommuner/<str:number>/kontakter/ny/", views.contact_edit, name="contact-create"),
    path("kommuner/<str:number>/kontakter/<id:pk>/", views.contact_edit, name="contact-edit"),
    path("kommuner/<str:number>/kontakter/<id:pk>/slett/", views.contact_delete, name="contact-delete"),
]
