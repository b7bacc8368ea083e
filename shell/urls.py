from django.urls import path

from . import views

app_name = "shell"

urlpatterns = [
    path("", views.home, name="home"),
    path("side/<slug:slug>/", views.page_detail, name="page"),
]
