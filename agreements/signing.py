"""How a signatory proves who they are when signing: a registry of signing methods.

A signing method has a key (stored on each signature, with the method's description as it was), a
label, the legal level the agreement page states, the form fields it needs and `authenticate()`,
which raises ValidationError when the proof fails. Fremdrift ships two:

- `PasswordReentry` ("password"): a logged-in signatory re-enters their password;
- `EmailCode` ("email_code"): a contact without a login opens their personal link and proves the
  address with a one-time code e-mailed to it (notifications.links); the e-mail address, the time
  and the client's IP address go into the seal's snapshot.

Scanned signatures on paper ("wet_ink") are recorded by county staff and registered for their label.
Another method (re-authentication with an identity provider such as ID-porten) is one more class
here, put in the registry with `register` and, for logged-in users, named by the setting
AGREEMENT_SIGNING_METHOD (its key, or a dotted path to the class).
"""

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

    def form_fields(self) -> dict[str, forms.Field]:
        return {}

    def authenticate(self, *, user=None, link=None, data: dict) -> None:  # pragma: no cover - an interface
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
