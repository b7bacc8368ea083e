from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("fylker/<str:number>/brukere/", views.user_list, name="user-list"),
    path("fylker/<str:number>/brukere/inviter/", views.user_invite, name="user-invite"),
    path("fylker/<str:number>/brukere/<id:user_id>/", views.user_detail, name="user-detail"),
    path("fylker/<str:number>/brukere/<id:user_id>/roller/ny/", views.membership_add, name="membership-add"),
    path(
        "fylker/<str:number>/brukere/<id:user_id>/roller/<id:membership_id>/endre/",
        views.membership_change,
        name="membership-change",
    ),
    path(
        "fylker/<str:number>/brukere/<id:user_id>/roller/<id:membership_id>/fjern/",
        views.membership_revoke,
        name="membership-revoke",
    ),
    path(
        "fylker/<str:number>/brukere/<id:user_id>/roller/<id:membership_id>/overlever/",
        views.membership_handover,
        name="membership-handover",
    ),
    path("fylker/<str:number>/brukere/<id:user_id>/deaktiver/", views.user_deactivate, name="user-deactivate"),
    path(
        "fylker/<str:number>/brukere/<id:user_id>/invitasjon/send/",
        views.invitation_resend,
        name="invitation-resend",
    ),
    path("fylker/<str:number>/innlogging/", views.identity_provider_list, name="identity-provider-list"),
    path("fylker/<str:number>/innlogging/ny/", views.identity_provider_edit, name="identity-provider-create"),
    path("fylker/<str:number>/innlogging/<id:pk>/", views.identity_provider_edit, name="identity-provider-edit"),
    path(
        "fylker/<str:number>/innlogging/<id:pk>/slett/",
        views.identity_provider_delete,
        name="identity-provider-delete",
    ),
    path("innlogging/sso/", views.sso_hint, name="sso-hint"),
    path("innlogging/sso/bekreft/", views.sso_reauthenticate, name="sso-reauthenticate"),
    path("innlogging/sso/<str:provider_id>/", views.sso_login, name="sso-login"),
    path("invitasjon/<str:key>/", views.invitation_accept, name="invitation-accept"),
    path("profil/", views.profile, name="profile"),
]
