from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("fylker/<str:number>/arkivuttrekk/", views.export_list, name="export-list"),
    path("arkivuttrekk/<id:pk>/", views.export_detail, name="export-detail"),
    path("arkivuttrekk/<id:pk>/last-ned/", views.export_download, name="export-download"),
]
