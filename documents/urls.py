from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("eksporter/<id:pk>/", views.export_job, name="export-job"),
    path("eksporter/<id:pk>/last-ned/", views.export_job_download, name="export-job-download"),
]
