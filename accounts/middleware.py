from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .permissions import must_use_totp
from .sso import session_proves_mfa


class RequireTOTPMiddleware:
    """Sends a superuser or county administrator without TOTP to set it up before any other page.

    However they logged in (the login form, an accepted invitation, after a password reset), the
    session is theirs only once TOTP is set up; allauth then asks for the code at every later login.
    Until then they may reach only what setting it up needs: the two-factor pages, the password
    prompt allauth shows before them, logging out, switching language and the health check (static
    files are served before this middleware). Checked per view, so no URL prefix lets more through.

    A single sign-on whose provider vouched for a second factor (accounts.sso.claims_prove_mfa) counts
    for this session instead; it is never a superuser's (single sign-on does not log them in).
    """

    SETUP_URL_NAMES = frozenset(
        {
            "mfa_index",
            "mfa_activate_totp",
            "mfa_reauthenticate",
            "account_reauthenticate",
            "account_logout",
            "set_language",
            "healthz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and not match.namespace and match.url_name in self.SETUP_URL_NAMES:
            return None
        if (
            must_use_totp(request.user)
            and not is_mfa_enabled(request.user, ["totp"])
            and not (session_proves_mfa(request) and not request.user.is_superuser)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return None


class UserLanguageMiddleware:
    """Speaks a signed-in user's language: their own choice from the profile (or the language
    switch); without one, what `LocaleMiddleware` chose from this browser's switch cookie or, for a
    browser asking for English, English; otherwise (Norwegian, or nothing asked) their county's
    written standard, so that "Norwegian" means bokmål in Troms and nynorsk in Vestland. Visitors
    get what `LocaleMiddleware` chose. Sits after `AuthenticationMiddleware`; `LocaleMiddleware`'s
    response half then sets Content-Language from the active language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
            if not language:
                chosen = translation.get_language() or settings.LANGUAGE_CODE
                cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
                if cookie in dict(settings.LANGUAGES) or not chosen.startswith(("nb", "nn", "no")):
                    language = chosen
                else:
                    language = user.preferred_language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
