from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("fylker/<str:number>/utboks/", views.outbox, name="outbox"),
    path("fylker/<str:number>/utboks/eksport.xlsx", views.outbox_export_xlsx, name="outbox-export-xlsx"),
    path("fylker/<str:number>/utboks/<id:pk>/send-igjen/", views.outbox_retry, name="outbox-retry"),
    path("varsler/", views.preferences, name="preferences"),
]
