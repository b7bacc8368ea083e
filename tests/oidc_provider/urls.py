from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("allauth.idp.urls")),
    path("accounts/", include("allauth.urls")),
    path("_test/user", views.user),
    path("_test/client", views.client),
]
