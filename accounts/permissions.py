"""Who may administer a county's people (see README: the authorization matrix)."""

import rules


@rules.predicate
def is_county_admin(user, county) -> bool:
    return county is not None and county.pk in user.access.admin_county_ids


@rules.predicate
def is_county_staff(user, county) -> bool:
    """County staff or administrator of this county."""
    return county is not None and county.pk in user.access.staff_county_ids


can_manage_users = rules.is_active & is_county_admin


@rules.predicate
def must_use_totp(user) -> bool:
    """Superusers (the Django admin) and county administrators (who decide who sees what) may use
    nothing but the two-factor setup until they have TOTP: a password alone is not enough for them."""
    return user.is_authenticated and user.is_active and (user.is_superuser or bool(user.access.admin_county_ids))
