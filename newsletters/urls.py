from django.urls import path

from .views import bounces, lists, newsletters, public, showcases, subscriptions

app_name = "newsletters"

N = "infobrev/<id:pk>/"
S = "eksempler/<id:pk>/"
PUBLIC = "offentlig/<str:number>/"

urlpatterns = [
    # county staff: newsletters
    path("fylker/<str:number>/infobrev/", newsletters.newsletter_list, name="newsletter-list"),
    path("fylker/<str:number>/infobrev/nytt/", newsletters.newsletter_create, name="newsletter-create"),
    path("fylker/<str:number>/infobrev/forhandsvisning/", newsletters.newsletter_preview, name="newsletter-preview"),
    path("fylker/<str:number>/infobrev/lister/", lists.mailing_lists, name="mailing-lists"),
    path("infobrev/lister/<id:pk>/", lists.mailing_list_detail, name="mailing-list-detail"),
    path("prosjekter/<id:pk>/infobrev/", newsletters.project_newsletters, name="project-newsletters"),
    path("prosjekter/<id:pk>/infobrev/okonomi/", newsletters.newsletter_money_draft, name="newsletter-money-draft"),
    path(N, newsletters.newsletter_detail, name="newsletter-detail"),
    path(N + "rediger/", newsletters.newsletter_edit, name="newsletter-edit"),
    path(N + "mottakere/", newsletters.newsletter_audience, name="newsletter-audience"),
    path(N + "fremdrift/", newsletters.newsletter_progress, name="newsletter-progress"),
    path(N + "send/", newsletters.newsletter_send, name="newsletter-send"),
    path(N + "avbryt-planlegging/", newsletters.newsletter_unschedule, name="newsletter-unschedule"),
    path(N + "slett/", newsletters.newsletter_delete, name="newsletter-delete"),
    path(N + "bilder/", newsletters.newsletter_image_add, name="newsletter-image-add"),
    path(N + "bilder/<id:image_pk>/slett/", newsletters.newsletter_image_delete, name="newsletter-image-delete"),
    path("infobrev/bilde/<uuid:key>/", newsletters.newsletter_image, name="newsletter-image"),
    path("infobrev/avvisninger/", bounces.bounce, name="bounce"),
    # county staff: showcases
    path("fylker/<str:number>/eksempler/", showcases.showcase_list, name="showcase-list"),
    path("prosjekter/<id:pk>/eksempel/nytt/", showcases.showcase_create, name="showcase-create"),
    path(S, showcases.showcase_edit, name="showcase-edit"),
    path(S + "publiser/", showcases.showcase_publish, name="showcase-publish"),
    path(S + "bilder/", showcases.showcase_photo_add, name="showcase-photo-add"),
    path(S + "bilder/<id:photo_pk>/slett/", showcases.showcase_photo_delete, name="showcase-photo-delete"),
    path("eksempler/bilde/<uuid:key>/", showcases.showcase_photo, name="showcase-photo"),
    # public pages
    path(PUBLIC, public.public_county, name="public-county"),
    path(PUBLIC + "infobrev/", public.archive, name="archive"),
    path(PUBLIC + "infobrev/atom.xml", public.archive_feed, name="archive-feed"),
    path(PUBLIC + "prosjekter/<id:pk>/infobrev/", public.project_archive, name="project-archive"),
    path(PUBLIC + "prosjekter/<id:pk>/infobrev/atom.xml", public.project_archive_feed, name="project-archive-feed"),
    path(PUBLIC + "eksempler/<slug:slug>/", public.showcase_detail, name="showcase-detail"),
    path(PUBLIC + "abonner/", subscriptions.subscribe, name="subscribe"),
    path("offentlig/infobrev/<id:pk>/", public.archive_detail, name="archive-detail"),
    path("offentlig/abonnement/bekreft/<str:token>/", subscriptions.subscribe_confirm, name="subscribe-confirm"),
    path("offentlig/abonnement/avmeld/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
    path("offentlig/abonnement/innstillinger/<str:token>/", subscriptions.preferences, name="preferences"),
]
