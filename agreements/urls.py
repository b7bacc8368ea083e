from django.urls import path

from . import link_views, views

app_name = "agreements"

A = "avtaler/<id:pk>/"

urlpatterns = [
    path("avtaler/", views.agreement_list, name="agreement-list"),
    path("avtaler/kontroll/", views.verify, name="verify"),
    path("avtaler/offentlig/<id:pk>/avtale.pdf", views.published_pdf, name="published-pdf"),
    path(
        "prosjekter/<id:pk>/deltakere/<id:participant_pk>/avtale/ny/", views.agreement_create, name="agreement-create"
    ),
    path(A, views.agreement_detail, name="agreement-detail"),
    path(A + "rediger/", views.agreement_edit, name="agreement-edit"),
    path(A + "rollematrise/", views.agreement_matrix, name="agreement-matrix"),
    path(A + "send/", views.agreement_send, name="agreement-send"),
    path(A + "trekk-tilbake/", views.agreement_withdraw, name="agreement-withdraw"),
    path(A + "signer/<str:slot>/", views.agreement_sign, name="agreement-sign"),
    path(A + "papirsignatur/<str:slot>/", views.agreement_scan, name="agreement-scan"),
    path(A + "signaturer/<id:signature_pk>/skann.pdf", views.signature_scan, name="signature-scan"),
    path(A + "endring/", views.agreement_amend, name="agreement-amend"),
    path(A + "slett/", views.agreement_delete, name="agreement-delete"),
    path(A + "publisering/", views.agreement_publish, name="agreement-publish"),
    path(A + "avtale.pdf", views.agreement_pdf, name="agreement-pdf"),
    path(A + "avtale.docx", views.agreement_docx, name="agreement-docx"),
    path(A + "signatarer/<str:slot>/inviter/", views.agreement_signatory_invite, name="signatory-invite"),
    path(A + "lenker/<id:link_pk>/trekk-tilbake/", views.agreement_link_revoke, name="link-revoke"),
    # A contact's personal link (no account): the one-time code, then the agreement to sign.
    path("avtaler/lenke/<str:token>/", link_views.agreement_link, name="link"),
    path("avtaler/lenke/<str:token>/avtale.pdf", link_views.agreement_link_pdf, name="link-pdf"),
]
