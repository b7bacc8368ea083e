"""Who someone is in a county or a municipality, and who may read and change places and people.

The role functions (`is_staff_of`, `is_admin_of`, `is_member_of`, `is_library_head_of`, …) are the
one way every app asks "is this user county staff of this county" and the like; they read the user's
memberships (`User.access`, once per request) and accept the county or municipality or its id.

County staff read and change everything in their county; a library head reads their own
municipality and edits its contacts and libraries; municipal leadership reads their own
municipality. Reads the user may not make answer 404 (through `visible_to`), changes to something
readable answer 403.
"""

import rules


def _id(obj) -> int | None:
    return getattr(obj, "pk", obj)


def is_staff_of(user, county) -> bool:
    """County staff or administrator of `county` (a County or its id)."""
    return (
        county is not None and user.is_authenticated and user.is_active and _id(county) in user.access.staff_county_ids
    )


def is_admin_of(user, county) -> bool:
    """County administrator of `county` (a County or its id)."""
    return (
        county is not None and user.is_authenticated and user.is_active and _id(county) in user.access.admin_county_ids
    )


def is_member_of(user, municipality) -> bool:
    """Library head or municipal leadership of `municipality` (a Municipality or its id)."""
    return (
        municipality is not None
        and user.is_authenticated
        and user.is_active
        and _id(municipality) in user.access.municipality_ids
    )


def is_library_head_of(user, municipality) -> bool:
    """Library head of `municipality` (a Municipality or its id)."""
    return (
        municipality is not None
        and user.is_authenticated
        and user.is_active
        and _id(municipality) in user.access.head_municipality_ids
    )


def is_staff_anywhere(user) -> bool:
    return user.is_authenticated and user.is_active and bool(user.access.staff_county_ids)


def is_library_head_anywhere(user) -> bool:
    return user.is_authenticated and user.is_active and bool(user.access.head_municipality_ids)


def is_county_reader(user, county) -> bool:
    """Signed-in people of the county: its staff and experts, and its municipalities' users."""
    if county is None or not user.is_authenticated or not user.is_active:
        return False
    access = user.access
    return _id(county) in access.county_ids or bool(
        access.municipality_ids and county.municipalities.filter(pk__in=access.municipality_ids).exists()
    )


@rules.predicate
def is_county_admin(user, county) -> bool:
    return is_admin_of(user, county)


@rules.predicate
def is_county_staff(user, county) -> bool:
    """County staff or administrator of this county."""
    return is_staff_of(user, county)


@rules.predicate
def is_staff_of_municipality_county(user, municipality) -> bool:
    return is_staff_of(user, municipality.county_id)


@rules.predicate
def is_head_of_municipality(user, municipality) -> bool:
    return is_library_head_of(user, municipality)


@rules.predicate
def is_member_of_municipality(user, municipality) -> bool:
    return is_member_of(user, municipality)


can_view_county = rules.is_active & is_county_staff
can_edit_county_settings = rules.is_active & is_county_admin
can_view_municipality = rules.is_active & (is_staff_of_municipality_county | is_member_of_municipality)
can_edit_municipality = rules.is_active & is_staff_of_municipality_county
can_edit_municipality_people = rules.is_active & (is_staff_of_municipality_county | is_head_of_municipality)
