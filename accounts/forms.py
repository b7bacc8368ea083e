from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality
from shell.forms import ModelChoiceField, ModelForm, form_helper

from .models import Membership, User


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
