"""Who may read and order reports.

Reading is decided by `Report.objects.visible_to(user)` (404 for the rest). A county report and
a project report carry every participant's money and health, so only county staff order them;
a municipality's users order their own municipality's report, which holds only its part.
"""

import rules

from municipalities.permissions import is_member_of, is_staff_anywhere, is_staff_of

from .models import Report


def orderable_kinds(user) -> list[str]:
    """The kinds of on-demand report the user may order."""
    if is_staff_anywhere(user):
        return [Report.Kind.COUNTY, Report.Kind.PROJECT, Report.Kind.MUNICIPALITY]
    if user.is_authenticated and user.is_active and user.access.municipality_ids:
        return [Report.Kind.MUNICIPALITY]
    return []


def can_order_report(user, kind: str, subject) -> bool:
    """`subject` is the county, project or municipality the report is about."""
    if kind not in orderable_kinds(user) or subject is None:
        return False
    if kind == Report.Kind.COUNTY:
        return is_staff_of(user, subject)
    if kind == Report.Kind.PROJECT:
        return is_staff_of(user, subject.county_id)
    return is_staff_of(user, subject.county_id) or is_member_of(user, subject)


@rules.predicate
def is_staff_of_report_county(user, report) -> bool:
    return is_staff_of(user, report.county_id)


@rules.predicate
def is_shared(user, report) -> bool:
    """A report of the monthly run (not one ordered by somebody for themselves)."""
    return report.requested_for_id is None


can_set_case_number = rules.is_active & is_staff_of_report_county & is_shared
