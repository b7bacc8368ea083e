"""Forms check the shape of input only; agreements.services decides what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from municipalities.models import Contact
from shell.forms import ModelChoiceField, form_helper

from .matrix import CHOICES, MAX_COLUMNS, MAX_ROWS
from .models import Agreement
from .services.signatures import SCAN_MAX_BYTES

WITHDRAW_REASON_HELP = _(
    "The agreement is out for signature. Saving a change withdraws it and discards the signatures "
    "collected so far; say why."
)


class ContactChoiceField(ModelChoiceField):
    def label_from_instance(self, contact):
        return f"{contact.name} ({contact.position.name})"


class UserChoiceField(ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name()


class AgreementForm(forms.Form):
    """Title, case numbers, signatories and the text of every section."""

    title = forms.CharField(label=_("Title"), max_length=200)
    county_case_number = forms.CharField(
        label=_("Case number at the county"),
        max_length=50,
        required=False,
        help_text=_("Saksnummer in the county's archive system."),
    )
    municipality_case_number = forms.CharField(
        label=_("Case number at the municipality"),
        max_length=50,
        required=False,
        help_text=_("Saksnummer in the municipality's archive system."),
    )
    county_representative = UserChoiceField(
        label=_("Signs for the county library"), queryset=User.objects.none(), required=False
    )
    library_head_contact = ContactChoiceField(
        label=_("Signs as library head"), queryset=Contact.objects.none(), required=False
    )
    chief_executive_contact = ContactChoiceField(
        label=_("Signs as chief executive"), queryset=Contact.objects.none(), required=False
    )
    requires_mayor = forms.BooleanField(label=_("The mayor signs too"), required=False)
    mayor_contact = ContactChoiceField(label=_("Signs as mayor"), queryset=Contact.objects.none(), required=False)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        contacts = (
            Contact.objects.filter(municipality_id=agreement.municipality_id)
            .select_related("position")
            .order_by("position__order", "name")
        )
        for name in ("library_head_contact", "chief_executive_contact", "mayor_contact"):
            self.fields[name].queryset = contacts
        self.fields["county_representative"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__county_id=agreement.county_id,
                memberships__role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN],
            )
            .distinct()
            .order_by("name", "email")
        )
        for name, label in Agreement.SECTIONS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Markdown: ## for a heading, - for a list, **bold**."),
            )
        if agreement.status == Agreement.Status.SENT:
            self.fields["withdraw_reason"] = forms.CharField(
                label=_("Why does the agreement change?"),
                required=False,
                help_text=WITHDRAW_REASON_HELP,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.helper = form_helper(_("Save the agreement"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the agreement withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The signatures collected so far are discarded; the reason is kept with them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Withdraw for changes"))


class SignForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have read the agreement and sign it on behalf of the party I represent."))

    def __init__(self, *args, method, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in method.form_fields().items():
            self.fields[name] = field
        self.fields["confirm"].error_messages["required"] = _("Confirm that you have read the agreement.")
        self.helper = form_helper(_("Sign the agreement"))


class ScanForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    scan = forms.FileField(
        label=_("Scanned agreement with the signature (PDF)"),
        help_text=_("PDF only, at most %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Record the signature"))


class RoleMatrixForm(forms.Form):
    """The role matrix as a table of fields: a name per party, a text per task, a choice per cell,
    a box to remove a party or a task, and one empty party and one empty task to add."""

    def __init__(self, *args, matrix: dict, sent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = list(matrix.get("columns", []))
        self.rows = list(matrix.get("rows", []))
        for i, column in enumerate(self.columns):
            self.fields[f"col_{i}_label"] = forms.CharField(
                label=_("Party"), initial=column["label"], required=False, max_length=100
            )
            self.fields[f"col_{i}_remove"] = forms.BooleanField(label=_("Remove"), required=False)
        self.fields["new_column"] = forms.CharField(label=_("Add a party"), required=False, max_length=100)
        for j, row in enumerate(self.rows + [{"task": "", "cells": {}}]):
            self.fields[f"row_{j}_task"] = forms.CharField(
                label=_("Decision or task"), initial=row["task"], required=False, max_length=200
            )
            if j < len(self.rows):
                self.fields[f"row_{j}_remove"] = forms.BooleanField(label=_("Remove"), required=False)
            for i, column in enumerate(self.columns):
                self.fields[f"cell_{j}_{i}"] = forms.ChoiceField(
                    label=column["label"], choices=CHOICES, initial=row["cells"].get(column["key"], ""), required=False
                )
        if sent:
            self.fields["withdraw_reason"] = forms.CharField(
                label=_("Why does the agreement change?"),
                required=False,
                help_text=WITHDRAW_REASON_HELP,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def table(self):
        """For the template: header cells and rows of bound fields."""
        header = [(self[f"col_{i}_label"], self[f"col_{i}_remove"]) for i in range(len(self.columns))]
        body = []
        for j in range(len(self.rows) + 1):
            body.append(
                {
                    "number": j + 1,
                    "is_new": j == len(self.rows),
                    "task": self[f"row_{j}_task"],
                    "remove": self[f"row_{j}_remove"] if j < len(self.rows) else None,
                    "cells": [self[f"cell_{j}_{i}"] for i in range(len(self.columns))],
                }
            )
        return header, body

    def matrix(self) -> dict:
        """The matrix the user asked for (checked by the service, not here)."""
        data = self.cleaned_data
        kept = [i for i in range(len(self.columns)) if not data.get(f"col_{i}_remove")]
        columns = [{"key": self.columns[i]["key"], "label": data.get(f"col_{i}_label", "")} for i in kept]
        new_label = data.get("new_column", "").strip()
        if new_label and len(columns) < MAX_COLUMNS:
            used = {column["key"] for column in self.columns}
            number = 1
            while f"custom-{number}" in used:
                number += 1
            columns.append({"key": f"custom-{number}", "label": new_label})
        rows = []
        for j in range(len(self.rows) + 1):
            task = data.get(f"row_{j}_task", "").strip()
            is_new = j == len(self.rows)
            if is_new and not task and not any(data.get(f"cell_{j}_{i}") for i in kept):
                continue
            if not is_new and data.get(f"row_{j}_remove"):
                continue
            rows.append({"task": task, "cells": {self.columns[i]["key"]: data.get(f"cell_{j}_{i}", "") for i in kept}})
        return {"columns": columns, "rows": rows[: MAX_ROWS + 1]}


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=100,
        help_text=_("As printed at the foot of every page of the signed agreement, e.g. 3F2A-9C1B-07DE-44A0-B1C2."),
    )


class ListFilterForm(forms.Form):
    STATUSES = [
        ("", _("All")),
        ("draft", _("Draft")),
        ("sent", _("Out for signature")),
        ("sealed", _("Signed and sealed")),
        ("superseded", _("Superseded")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
