"""The municipality fact sheet: a PDF with the municipality's facts, libraries and contacts."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.pdf import image_data_url, render_pdf

from . import selectors
from .models import Municipality


def factsheet_filename(municipality: Municipality) -> str:
    """`faktaark-5501.pdf`: municipality numbers are four digits, so the name is plain ASCII."""
    return f"faktaark-{municipality.number}.pdf"


def render_factsheet(municipality: Municipality, *, lang: str = "nb") -> bytes:
    """The fact sheet as PDF bytes, in `lang`. Raises documents.pdf.DocumentError."""
    with translation.override(lang):
        title = _("Fact sheet: %(municipality)s") % {"municipality": municipality.name}
    context = {
        "municipality": municipality,
        "county": municipality.county,
        "letterhead_url": image_data_url(municipality.county.letterhead),
        "libraries": selectors.list_libraries(municipality),
        "contact_groups": selectors.list_contacts_by_position(municipality),
        "made_on": timezone.localdate(),
    }
    return render_pdf("pdf/municipality_factsheet.html", context, title=title, lang=lang)
