"""Fetch-and-check for user administration: the county must be the user's (404), the person or
role must be of that county (404), and only then the county administrator may act on it (403)."""

from django.shortcuts import get_object_or_404

from municipalities.access import access_county, require
from municipalities.permissions import is_admin_of

from .models import Membership, User


def access_county_user(user, number: str, user_id):
    """(county, person): a person with a role in a county the user is staff of, for its administrator."""
    county = access_county(user, number)
    person = get_object_or_404(User.objects.filter(memberships__county=county).distinct(), pk=user_id)
    require(is_admin_of(user, county))
    return county, person


def access_membership(user, number: str, user_id, membership_id):
    """(county, membership): one of the county's roles, for its administrator."""
    county = access_county(user, number)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "county", "municipality"),
        pk=membership_id,
        user_id=user_id,
        county=county,
    )
    require(is_admin_of(user, county))
    return county, membership
