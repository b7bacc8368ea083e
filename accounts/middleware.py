from django.shortcuts import redirect
from django.urls import reverse

from allauth.mfa.utils import is_mfa_enabled


class RequireAdministratorMFAMiddleware:
    """Sends a county administrator without TOTP to set it up before anything else.

    Administrators can change who sees what in a county, so a password alone is
    not enough. They may still reach the account and MFA pages, log out, switch
    language and load static files.
    """

    ALLOWED_PREFIXES = ("/konto/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.access.admin_county_ids
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not is_mfa_enabled(user, ["totp"])
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
