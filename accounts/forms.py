import re

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality
from shell.forms import ModelChoiceField, ModelForm, form_helper

from .models import IdentityProvider, IdentityProviderDomain, Membership, User


class _RoleFieldsMixin:
    """Role and municipality, checked against each other."""

    def _setup_role_fields(self, county):
        self.fields["municipality"].queryset = Municipality.objects.filter(county=county).order_by("number")
        self.fields["municipality"].required = False
        self.fields["municipality"].help_text = _("Only for library heads and municipal leadership.")

    def clean(self):
        cleaned = super().clean()
        role, municipality = cleaned.get("role"), cleaned.get("municipality")
        if role in Membership.MUNICIPAL_ROLES and municipality is None:
            self.add_error("municipality", _("Choose the municipality for this role."))
        if role in Membership.COUNTY_ROLES and municipality is not None:
            self.add_error("municipality", _("This role belongs to the county: leave the municipality empty."))
        return cleaned


class InviteForm(_RoleFieldsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    municipality = ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_role_fields(county)
        self.helper = form_helper(_("Send invitation"))


class RoleForm(_RoleFieldsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    municipality = ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())

    def __init__(self, *args, county, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_role_fields(county)
        self.helper = form_helper(submit_label or _("Save"))


class HandoverForm(forms.Form):
    name = forms.CharField(label=_("Name of the new person"), max_length=150)
    email = forms.EmailField(label=_("E-mail address of the new person"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Hand over the role"))


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=100)


class AcceptInvitationForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Set password and log in"))


class ProfileForm(ModelForm):
    """A user's own name and language."""

    class Meta:
        model = User
        fields = ["name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The written standard of my county"))] + [
            choice for choice in self.fields["language"].choices if choice[0]
        ]
        self.helper = form_helper(_("Save"))


class LoginForm(AllauthLoginForm):
    """allauth's login form; typing an address of a domain with single sign-on offers its provider
    (accounts:sso-hint), and a domain that requires single sign-on refuses the password.

    The hint follows the typed address only: fetched again on blur, it was swapped in under the finger of
    someone pressing its button (the press takes the focus), and the click went nowhere."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update(
            {
                "data-hx-get": reverse_lazy("accounts:sso-hint"),
                "data-hx-trigger": "input changed delay:400ms",
                "data-hx-target": "#sso-hint",
                "data-hx-swap": "innerHTML",
                "aria-describedby": "sso-hint",
            }
        )

    def clean(self):
        from .sso import may_use_password, provider_for_email

        cleaned = super().clean()
        user = getattr(self, "user", None)
        # Checked after the password, so the answer tells nobody without it which addresses are exempt.
        if user is not None and not self._errors and not may_use_password(user):
            provider = provider_for_email(user.email)
            self.user = None
            raise ValidationError(
                _("Users of %(domain)s log in with %(provider)s, not with a password: use the button below.")
                % {"domain": user.email.rpartition("@")[2], "provider": provider.name}
            )
        return cleaned


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ENV_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")


class IdentityProviderForm(ModelForm):
    """A county's OpenID Connect provider. Each e-mail domain belongs to one provider in the installation."""

    domains = forms.CharField(
        label=_("E-mail domains"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. tromso.kommune.no. Users with these addresses are offered this provider."),
    )

    issuer = forms.URLField(
        label=IdentityProvider._meta.get_field("issuer").verbose_name,
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
        max_length=300,
        assume_scheme="https",
    )

    class Meta:
        model = IdentityProvider
        fields = ["name", "issuer", "client_id", "secret_env", "require_sso"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["domains"] = "\n".join(self.instance.domain_list)
        self.fields["secret_env"].widget.attrs["autocomplete"] = "off"
        self.helper = form_helper(_("Save identity provider"))

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].strip()
        if not issuer.startswith("https://") and not (settings.SSO_ALLOW_HTTP_ISSUERS and issuer.startswith("http://")):
            raise ValidationError(_("The issuer URL must start with https://."))
        if "?" in issuer or "#" in issuer:
            raise ValidationError(_("The issuer URL has no query or fragment."))
        return issuer

    def clean_secret_env(self):
        name = self.cleaned_data["secret_env"].strip()
        if not ENV_NAME_RE.match(name):
            raise ValidationError(
                _("Give the name of an environment variable (capital letters, digits and _), not the secret itself.")
            )
        return name

    def clean_domains(self):
        domains = []
        for raw in re.split(r"[\s,;]+", self.cleaned_data["domains"]):
            domain = raw.strip().lower().lstrip("@")
            if not domain:
                continue
            try:
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError:
                raise ValidationError(_("“%(domain)s” is not an e-mail domain.") % {"domain": raw}) from None
            if not DOMAIN_RE.match(domain):
                raise ValidationError(_("“%(domain)s” is not an e-mail domain.") % {"domain": raw})
            if domain not in domains:
                domains.append(domain)
        if not domains:
            raise ValidationError(_("Give at least one e-mail domain."))
        claimed = IdentityProviderDomain.objects.filter(domain__in=domains)
        if self.instance.pk:
            claimed = claimed.exclude(provider=self.instance)
        taken = sorted(claimed.values_list("domain", flat=True))
        if taken:
            raise ValidationError(
                _(
                    "Already served by another identity provider in Fremdrift: %(domains)s. A domain can belong to one provider only."
                )
                % {"domains": ", ".join(taken)}
            )
        return domains
