"""Fetch-and-check for places and people: counties, municipalities, their libraries and contacts,
and partner organisations. Reads go through the user's readable set (404 for missing and forbidden
alike); a change to something readable that the user may not make answers 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Contact, Library, Municipality, Organisation
from .permissions import can_edit_municipality, can_edit_municipality_people
from .selectors import get_county_for_staff, get_municipality


def require(allowed: bool) -> None:
    """403 unless `allowed` (for a change to something the user may read)."""
    if not allowed:
        raise PermissionDenied


def access_county(user, number: str, *, admin: bool = False):
    """A county page: its staff only (404 otherwise); with `admin`, its administrators (403)."""
    return get_county_for_staff(user, number, admin=admin)


def access_municipality(user, number: str, *, edit: bool = False, people: bool = False) -> Municipality:
    """A municipality the user may read (404 otherwise); `edit`: its facts (county staff), `people`:
    its libraries and contacts (county staff and its library head); 403 for the rest."""
    municipality = get_municipality(user, number)
    if edit:
        require(can_edit_municipality(user, municipality))
    if people:
        require(can_edit_municipality_people(user, municipality))
    return municipality


def access_library(user, municipality: Municipality, pk, *, edit: bool = False) -> Library:
    library = get_object_or_404(Library, pk=pk, municipality=municipality)
    if edit:
        require(can_edit_municipality_people(user, municipality))
    return library


def access_contact(user, municipality: Municipality, pk, *, edit: bool = False) -> Contact:
    contact = get_object_or_404(Contact, pk=pk, municipality=municipality)
    if edit:
        require(can_edit_municipality_people(user, municipality))
    return contact


def access_organisation(user, pk) -> Organisation:
    """Partner organisations are the county staff's (404 for everyone else)."""
    return get_object_or_404(Organisation.objects.visible_to(user).select_related("county"), pk=pk)
