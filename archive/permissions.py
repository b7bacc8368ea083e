"""Who may make and download archive extracts: county staff (administrators too) of the county."""

from municipalities.permissions import is_staff_of


def can_export_archive(user, county) -> bool:
    return is_staff_of(user, county)
