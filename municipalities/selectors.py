from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Contact, County, Library, Municipality, Position
from .permissions import can_view_county


def get_county_for_staff(user, number: str, *, admin: bool = False) -> County:
    """The county for a county-level page: 404 unless the user is its staff;
    403 when the page needs an administrator and the user is only staff."""
    county = get_object_or_404(County, number=number)
    if not can_view_county(user, county):
        raise Http404
    if admin and county.pk not in user.access.admin_county_ids:
        raise PermissionDenied
    return county


def list_staff_counties(user) -> list[County]:
    """The counties the user is staff of (administrators included), by number."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(County.objects.filter(pk__in=user.access.staff_county_ids).order_by("number"))


def get_municipality(user, number: str) -> Municipality:
    """A municipality the user may read, with what its page shows; 404 otherwise."""
    queryset = Municipality.objects.visible_to(user).select_related("county", "host_municipality")
    return get_object_or_404(queryset, number=number)


def list_municipalities(user, *, search: str = "", region: str = "", county: County | None = None):
    queryset = (
        Municipality.objects.visible_to(user)
        .select_related("county")
        .annotate(library_count=Count("libraries", distinct=True))
        .order_by("county__number", "number")
    )
    if county is not None:
        queryset = queryset.filter(county=county)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(number__startswith=search))
    if region:
        queryset = queryset.filter(region=region)
    return queryset


def list_regions(user) -> list[str]:
    return list(
        Municipality.objects.visible_to(user)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def list_contacts(municipality: Municipality):
    return Contact.objects.filter(municipality=municipality).select_related("position", "user")


def list_contacts_by_position(municipality: Municipality) -> list[tuple[Position, list[Contact]]]:
    """The municipality's contacts grouped by position, in the county's position order."""
    contacts = (
        Contact.objects.filter(municipality=municipality)
        .select_related("position")
        .order_by("position__order", "position__name", "position_id", "name")
    )
    return [(position, list(group)) for position, group in groupby(contacts, key=lambda c: c.position)]


def list_libraries(municipality: Municipality):
    return Library.objects.filter(municipality=municipality)


def prefetch_people(queryset):
    return queryset.prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.select_related("position")),
        "libraries",
    )
