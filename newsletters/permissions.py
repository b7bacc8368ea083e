"""Who may do what with newsletters, lists and showcases.

Reading internal things (drafts, audiences, subscribers) is decided by the
querysets' `visible_to` (404 for everyone else). County staff change them; a
newsletter that has been sent no longer changes (403). Public pages need no
predicate: their selectors return only what is published.
"""

import rules

from municipalities.permissions import is_staff_of


@rules.predicate
def is_staff_of_county(user, obj) -> bool:
    """`obj`: a county, or anything with a `county_id`."""
    return is_staff_of(user, getattr(obj, "county_id", None) or getattr(obj, "pk", None))


@rules.predicate
def is_editable(user, newsletter) -> bool:
    return newsletter.is_editable


@rules.predicate
def is_draft(user, newsletter) -> bool:
    return newsletter.status == newsletter.Status.DRAFT


can_write_newsletters = rules.is_active & is_staff_of_county  # obj: a county or a project
can_edit_newsletter = rules.is_active & is_staff_of_county & is_editable
can_send_newsletter = can_edit_newsletter
can_delete_newsletter = rules.is_active & is_staff_of_county & is_draft
can_manage_lists = rules.is_active & is_staff_of_county
can_edit_showcase = rules.is_active & is_staff_of_county
