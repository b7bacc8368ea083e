"""Who may read and change places and people.

County staff read and change everything in their county; a library head reads
their own municipality and edits its contacts and libraries; municipal
leadership reads their own municipality. Reads the user may not make answer
404 (through `visible_to`), changes to something readable answer 403.
"""

import rules

from accounts.permissions import is_county_admin, is_county_staff


@rules.predicate
def is_staff_of_municipality_county(user, municipality) -> bool:
    return municipality.county_id in user.access.staff_county_ids


@rules.predicate
def is_library_head_of(user, municipality) -> bool:
    return municipality.pk in user.access.head_municipality_ids


@rules.predicate
def is_member_of(user, municipality) -> bool:
    return municipality.pk in user.access.municipality_ids


can_view_county = rules.is_active & is_county_staff
can_edit_county_settings = rules.is_active & is_county_admin
can_view_municipality = rules.is_active & (is_staff_of_municipality_county | is_member_of)
can_edit_municipality = rules.is_active & is_staff_of_municipality_county
can_edit_municipality_people = rules.is_active & (
    is_staff_of_municipality_county | is_library_head_of
)
