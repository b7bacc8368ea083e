"""How a signatory proves who they are when signing: the one pluggable piece of signing.

A signing method has a code (stored on each signature), a label, the legal level
the agreement page states, the form fields it needs and `authenticate()`, which
raises ValidationError when the proof fails. Fremdrift ships one method: the
signatory is logged in and re-enters their password. BankID or ID-porten
(an advanced or qualified electronic signature) would be another class here,
named by the setting AGREEMENT_SIGNING_METHOD (a dotted path).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_METHOD = "agreements.signing.PasswordReentry"


class SigningMethod:
    code: str = ""
    label = ""
    legal_level = ""

    def form_fields(self) -> dict[str, forms.Field]:
        return {}

    def authenticate(self, *, user, data: dict) -> None:  # pragma: no cover - an interface
        raise NotImplementedError


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

    def authenticate(self, *, user, data):
        if not user.is_active or not user.check_password(data.get("password") or ""):
            raise ValidationError({"password": _("The password is not correct.")})


def get_signing_method() -> SigningMethod:
    return import_string(getattr(settings, "AGREEMENT_SIGNING_METHOD", DEFAULT_METHOD))()
