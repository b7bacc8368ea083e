from django import forms
from django.utils.translation import gettext_lazy as _

from shell.forms import form_helper

from .kinds import digestible_kinds
from .models import NotificationPreference, OutboxMessage


class PreferencesForm(forms.Form):
    """One choice per digestible kind: each e-mail at once, or one digest a day."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in digestible_kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=NotificationPreference.Delivery.choices,
                initial=current.get(kind.key, NotificationPreference.Delivery.IMMEDIATE),
                widget=forms.RadioSelect,
            )
        self.helper = form_helper(_("Save"))


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(OutboxMessage.Status.choices)
    )


class LinkCodeForm(forms.Form):
    """The one-time code e-mailed to a personal link's address."""

    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
        help_text=_("Six digits."),
    )
