from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import not_offered, set_language
from shell.views import healthz

# The Django admin is for installation superusers only, behind allauth's login
# (and so behind two-factor authentication); counties administer in the app.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "Fremdrift"

urlpatterns = [
    path("", include("shell.urls")),
    path("", include("accounts.urls")),
    path("", include("municipalities.urls")),
    path("", include("notifications.urls")),
    path("", include("projects.urls")),
    path("", include("planning.urls")),
    path("", include("followup.urls")),
    path("", include("reports.urls")),
    path("", include("evaluations.urls")),
    path("", include("agreements.urls")),
    path("", include("newsletters.urls")),
    path("", include("archive.urls")),
    path("", include("todo.urls")),
    path("", include("documents.urls")),
    # allauth's page for connecting and disconnecting third-party accounts: identities are linked only by a
    # single sign-on that accounts.sso admits, so it is not offered.
    path("konto/social/connections/", not_offered, name="socialaccount_connections"),
    path("konto/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
