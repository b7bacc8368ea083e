from django import forms
from django.utils.translation import gettext_lazy as _

from shell.forms import form_helper

from .kinds import chosen_kinds
from .models import DEFAULT_DIGEST_HOUR, NotificationPreference, OutboxMessage

Delivery = NotificationPreference.Delivery


class PreferencesForm(forms.Form):
    """One choice per kind the user may choose for: at once, in the daily digest (if it may be gathered)
    or not at all (if it may be turned off); and the hour of the daily digest."""

    def __init__(self, *args, current: dict[str, str], digest_hour: int = DEFAULT_DIGEST_HOUR, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in chosen_kinds():
            choices = [(Delivery.IMMEDIATE, Delivery.IMMEDIATE.label)]
            if kind.digestible:
                choices.append((Delivery.DIGEST, Delivery.DIGEST.label))
            if kind.optional:
                choices.append((Delivery.OFF, Delivery.OFF.label))
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                initial=current.get(kind.key, Delivery.IMMEDIATE),
                widget=forms.RadioSelect,
            )
        self.fields["digest_hour"] = forms.TypedChoiceField(
            label=_("Send my daily digest at"),
            choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
            coerce=int,
            initial=digest_hour,
            help_text=_("Norwegian time. The digest comes only on days with something in it."),
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
