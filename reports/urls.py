from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("rapporter/", views.archive, name="archive"),
    path("rapporter/ny/", views.report_request, name="report-request"),
    path("rapporter/<id:pk>/", views.report_detail, name="report-detail"),
    path("rapporter/<id:pk>/last-ned/", views.report_download, name="report-download"),
]
