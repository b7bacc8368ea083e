"""What the accessibility statement and the privacy notice say that is not the administrators' prose.

The deviations and the date of the last check come from `shell/accessibility.json`, committed with the
code and checked by the tests; the controller and the contact come from the counties' settings at
request time, so that a renamed county or a new address shows at once.
"""

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ACCESSIBILITY_FILE = Path(__file__).with_name("accessibility.json")

# WCAG 2.1 success criteria named in the deviations (number -> name, as in the W3C's Norwegian translation).
CRITERIA = {
    "1.3.1": _("Info and relationships"),
    "1.4.3": _("Contrast (minimum)"),
    "1.4.10": _("Reflow"),
    "2.1.1": _("Keyboard"),
    "2.4.3": _("Focus order"),
    "2.4.7": _("Focus visible"),
    "3.3.2": _("Labels or instructions"),
    "4.1.1": _("Parsing"),
    "4.1.2": _("Name, role, value"),
}

ENFORCEMENT_URL = "https://www.uutilsynet.no/"


@dataclass(frozen=True)
class Deviation:
    criterion: str
    criterion_name: str
    page: str
    description: str


@dataclass(frozen=True)
class Controller:
    name: str
    email: str


@cache
def _accessibility_data() -> dict:
    return json.loads(ACCESSIBILITY_FILE.read_text(encoding="utf-8"))


def _localized(texts: dict) -> str:
    return texts.get(get_language() or settings.LANGUAGE_CODE) or texts["nb"]


def accessibility_facts() -> dict:
    data = _accessibility_data()
    return {
        "standard": data["standard"],
        "last_checked": datetime.date.fromisoformat(data["last_checked"]),
        "method": _localized(data["method"]),
        "deviations": [
            Deviation(
                criterion=item["criterion"],
                criterion_name=str(CRITERIA.get(item["criterion"], "")),
                page=_localized(item["page"]),
                description=_localized(item["description"]),
            )
            for item in data["deviations"]
        ],
        "enforcement_url": ENFORCEMENT_URL,
    }


# Who the controllers are is the municipalities app's to know (the shell sits below every app): it registers
# a function giving (county name, sender e-mail) pairs in its AppConfig.ready().
CONTROLLER_SOURCES: list[Callable[[], Iterable[tuple[str, str]]]] = []


def register_controller_source(source: Callable[[], Iterable[tuple[str, str]]]) -> None:
    if source not in CONTROLLER_SOURCES:
        CONTROLLER_SOURCES.append(source)


def controllers() -> list[Controller]:
    """The county authorities that use this installation, with the address to write to."""
    return [
        Controller(name=_("%(county)s county authority") % {"county": name}, email=email)
        for source in CONTROLLER_SOURCES
        for name, email in source()
    ]


# Every kind of personal data Fremdrift stores, and how long it is kept.
PERSONAL_DATA = [
    (
        _("User accounts"),
        _("E-mail address, name, password (stored as a hash), roles and the time of the last login."),
        _("Until staff at the county library delete the account, which they do when the person no longer has a role."),
    ),
    (
        _("Contacts"),
        _("Name, e-mail address, phone and position of contacts in municipalities, the county and partners."),
        _("Until staff at the county library delete the contact."),
    ),
    (
        _("Progress, evaluations and meetings"),
        _("What users write: progress entries, attached files, evaluation answers, meeting notes and visits."),
        _("As long as the project is kept; what is archived follows the county's archive rules."),
    ),
    (
        _("Signatures on agreements"),
        _("Name, e-mail address, time, method and the IP address the agreement was signed from, or a scan."),
        _("As long as the signed agreement is kept: it is archived under the Archives Act and not deleted."),
    ),
    (
        _("Newsletter subscribers"),
        _("E-mail address, name if given, and when the address signed up, confirmed and unsubscribed."),
        _(
            "While subscribed. An address that unsubscribes is kept on a block list so that it gets "
            "nothing more, until it subscribes again."
        ),
    ),
    (
        _("Photos with people"),
        _("Photos for the showcase and who agreed to be shown in them, when and how (the consent)."),
        _("Until the photo is deleted. Withdraw your consent by telling the county library, and the photo is deleted."),
    ),
    (
        _("E-mails sent"),
        _("Recipient, subject and text of the e-mails Fremdrift sends, and bounce reports from mail servers."),
        _("Fremdrift does not delete them by itself; ask the county library to delete them."),
    ),
]


def privacy_facts() -> dict:
    return {"controllers": controllers(), "personal_data": PERSONAL_DATA}
