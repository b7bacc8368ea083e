from django.urls import path

from . import views

app_name = "todo"

urlpatterns = [
    path("oppgaver/antall/", views.badge, name="badge"),
]
