from django.urls import path

from . import views

app_name = "newsletters"

N = "infobrev/<id:pk>/"
S = "eksempler/<id:pk>/"
PUBLIC = "offentlig/<str:number>/"

urlpatterns = [
    # county staff: newsletters
    path("fylker/<str:number>/infobrev/", views.newsletter_list, name="newsletter-list"),
    path("fylker/<str:number>/infobrev/nytt/", views.newsletter_create, name="newsletter-create"),
    path("fylker/<str:number>/infobrev/forhandsvisning/", views.newsletter_preview, name="newsletter-preview"),
    path("fylker/<str:number>/infobrev/lister/", views.mailing_lists, name="mailing-lists"),
    path("infobrev/lister/<id:pk>/", views.mailing_list_detail, name="mailing-list-detail"),
    path("prosjekter/<id:pk>/infobrev/", views.project_newsletters, name="project-newsletters"),
    path("prosjekter/<id:pk>/infobrev/okonomi/", views.newsletter_money_draft, name="newsletter-money-draft"),
    path(N, views.newsletter_detail, name="newsletter-detail"),
    path(N + "rediger/", views.newsletter_edit, name="newsletter-edit"),
    path(N + "mottakere/", views.newsletter_audience, name="newsletter-audience"),
    path(N + "fremdrift/", views.newsletter_progress, name="newsletter-progress"),
    path(N + "send/", views.newsletter_send, name="newsletter-send"),
    path(N + "avbryt-planlegging/", views.newsletter_unschedule, name="newsletter-unschedule"),
    path(N + "slett/", views.newsletter_delete, name="newsletter-delete"),
    path(N + "bilder/", views.newsletter_image_add, name="newsletter-image-add"),
    path(N + "bilder/<id:image_pk>/slett/", views.newsletter_image_delete, name="newsletter-image-delete"),
    path("infobrev/bilde/<uuid:key>/", views.newsletter_image, name="newsletter-image"),
    path("infobrev/avvisninger/", views.bounce, name="bounce"),
    # county staff: showcases
    path("fylker/<str:number>/eksempler/", views.showcase_list, name="showcase-list"),
    path("prosjekter/<id:pk>/eksempel/nytt/", views.showcase_create, name="showcase-create"),
    path(S, views.showcase_edit, name="showcase-edit"),
    path(S + "publiser/", views.showcase_publish, name="showcase-publish"),
    path(S + "bilder/", views.showcase_photo_add, name="showcase-photo-add"),
    path(S + "bilder/<id:photo_pk>/slett/", views.showcase_photo_delete, name="showcase-photo-delete"),
    path("eksempler/bilde/<uuid:key>/", views.showcase_photo, name="showcase-photo"),
    # public pages
    path(PUBLIC, views.public_county, name="public-county"),
    path(PUBLIC + "infobrev/", views.archive, name="archive"),
    path(PUBLIC + "infobrev/atom.xml", views.archive_feed, name="archive-feed"),
    path(PUBLIC + "prosjekter/<id:pk>/infobrev/", views.project_archive, name="project-archive"),
    path(PUBLIC + "prosjekter/<id:pk>/infobrev/atom.xml", views.project_archive_feed, name="project-archive-feed"),
    path(PUBLIC + "eksempler/<slug:slug>/", views.showcase_detail, name="showcase-detail"),
    path(PUBLIC + "abonner/", views.subscribe, name="subscribe"),
    path("offentlig/infobrev/<id:pk>/", views.archive_detail, name="archive-detail"),
    path("offentlig/abonnement/bekreft/<str:token>/", views.subscribe_confirm, name="subscribe-confirm"),
    path("offentlig/abonnement/avmeld/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("offentlig/abonnement/innstillinger/<str:token>/", views.preferences, name="preferences"),
]
