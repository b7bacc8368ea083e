"""How a signatory proves who they are when signing: a registry of signing methods.

A signing method has a key (stored on each signature, with the method's description as it was), a
label, the legal level the agreement page states, the form fields it needs and `authenticate()`,
which raises ValidationError when the proof fails. Fremdrift ships two:

- `PasswordReentry` ("password"): a logged-in signatory re-enters their password;
- `EmailCode` ("email_code"): a contact without a login opens their personal link and proves the
  address with a one-time code e-mailed to it (notifications.links); the e-mail address, the time
  and the client's IP address go into the seal's snapshot.

- `ProviderReauthentication` ("sso_reauth"): a logged-in signatory logs in again with their identity
  provider (single sign-on, accounts.sso: prompt=login, max_age=0) right before signing; the provider,
  its `sub` for the person, the `acr` and the time of that login go into the seal's snapshot.

Scanned signatures on paper ("wet_ink") are recorded by county staff and registered for their label.
Another method is one more class here, put in the registry with `register`. The method of logged-in
users is named by the setting AGREEMENT_SIGNING_METHOD (its key, or a dotted path to the class).

A method may read what the request holds (`collect`, called once the form is valid: its answer joins the
form's data for `authenticate`), add to the signing page (`template`, `page_context`), and return from
`authenticate` the evidence kept with the signature and in the seal's snapshot.
"""

import time
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.models import PersonalLink

DEFAULT_METHOD = "password"

REGISTRY: dict[str, type["SigningMethod"]] = {}


def register(method: type["SigningMethod"]) -> type["SigningMethod"]:
    REGISTRY[method.code] = method
    return method


class SigningMethod:
    code: str = ""
    label = ""
    legal_level = ""

    template = ""  # a partial the signing page includes, if any

    def form_fields(self) -> dict[str, forms.Field]:
        return {}

    def collect(self, request) -> dict:
        return {}

    def page_context(self, request) -> dict:
        return {}

    def authenticate(self, *, user=None, link=None, data: dict) -> dict | None:  # pragma: no cover - an interface
        raise NotImplementedError


@register
class PasswordReentry(SigningMethod):
    """An electronic signature by an authenticated user who confirms with their password."""

    code = "password"
    label = gettext_lazy("Electronic signature in Fremdrift (password re-entered)")
    legal_level = gettext_lazy(
        "Signatures are simple electronic signatures (eIDAS): the signatory is logged in to Fremdrift and "
        "confirms by entering their password again. Fremdrift records who signed, when, from which IP address "
        "and the SHA-256 fingerprint of exactly the text they signed. A signature with BankID or ID-porten can "
        "replace this method."
    )

    def form_fields(self):
        return {
            "password": forms.CharField(
                label=gettext_lazy("Your password"),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                help_text=gettext_lazy("Enter your password again to sign."),
            )
        }

    def authenticate(self, *, user=None, link=None, data):
        if user is None or not user.is_active or not user.check_password(data.get("password") or ""):
            raise ValidationError({"password": _("The password is not correct.")})


@register
class EmailCode(SigningMethod):
    """A contact without a login, who proved their e-mail address with a one-time code sent to it."""

    code = "email_code"
    label = gettext_lazy("Simple electronic signature, e-mail confirmed with a one-time code")
    legal_level = gettext_lazy(
        "This is a simple electronic signature (eIDAS): you opened the personal link sent to your e-mail address "
        "and confirmed it with a one-time code sent to the same address. Fremdrift records your e-mail address, "
        "the time, your IP address and the SHA-256 fingerprint of exactly the text you sign."
    )

    def authenticate(self, *, user=None, link=None, data):
        if link is None or link.state != PersonalLink.State.SENT or link.verified_at is None or link.is_expired:
            raise ValidationError(_("Confirm your e-mail address with the code first."))


@register
class WetInk(SigningMethod):
    """Recorded by county staff from a scan of the signed paper; no proof is checked in the app."""

    code = "wet_ink"
    label = gettext_lazy("Scanned signature on paper")
    legal_level = ""


@register
class ProviderReauthentication(SigningMethod):
    """A logged-in signatory who logged in again with their identity provider just before signing."""

    code = "sso_reauth"
    label = gettext_lazy("Electronic signature confirmed by logging in again with the identity provider")
    legal_level = gettext_lazy(
        "Signatures are simple electronic signatures (eIDAS): right before signing, the signatory logs in again "
        "with their organisation's identity provider (such as ID-porten or Entra ID). Fremdrift records the "
        "provider, its identifier for the person, the level of assurance it states and the time of that login, "
        "with who signed, when, from which IP address and the SHA-256 fingerprint of exactly the text they signed."
    )
    template = "agreements/partials/_sign_with_provider.html"

    def collect(self, request) -> dict:
        from accounts.sso import REAUTH_SESSION_KEY

        # One re-authentication, one signature.
        return {"sso_reauthentication": request.session.pop(REAUTH_SESSION_KEY, None)}

    def page_context(self, request) -> dict:
        from accounts.sso import REAUTH_SESSION_KEY, provider_of_user

        record = request.session.get(REAUTH_SESSION_KEY)
        return {
            "sso_provider": provider_of_user(request.user),
            "sso_confirmed": record if self._fresh(record, request.user) else None,
            "sso_next": request.get_full_path(),
        }

    @staticmethod
    def _fresh(record, user) -> bool:
        from accounts.sso import REAUTH_VALID_SECONDS

        return bool(
            record
            and user is not None
            and record.get("user_id") == user.pk
            and time.time() - float(record.get("at", 0)) <= REAUTH_VALID_SECONDS
        )

    def authenticate(self, *, user=None, link=None, data):
        record = data.get("sso_reauthentication")
        if user is None or not user.is_active or not self._fresh(record, user):
            raise ValidationError(
                _("Confirm who you are with your identity provider first, then sign within five minutes.")
            )
        return {
            "provider": record["provider_name"],
            "issuer": record["issuer"],
            "sub": record["sub"],
            "acr": record["acr"],
            "amr": record["amr"],
            "authenticated_at": datetime.fromtimestamp(record["auth_time"], UTC).isoformat(),
        }


def get_method(code: str) -> SigningMethod:
    return REGISTRY[code]()


def method_label(code: str) -> str:
    method = REGISTRY.get(code)
    return str(method.label) if method else code


def get_signing_method() -> SigningMethod:
    """The method logged-in users sign with (AGREEMENT_SIGNING_METHOD: a key of the registry or a dotted path)."""
    name = getattr(settings, "AGREEMENT_SIGNING_METHOD", DEFAULT_METHOD)
    if name in REGISTRY:
        return REGISTRY[name]()
    return import_string(name)()


def contact_signing_method() -> SigningMethod:
    """The method contacts without a login sign with through their personal link."""
    return EmailCode()
