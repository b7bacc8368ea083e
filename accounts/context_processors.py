from municipalities.models import County


def navigation(request):
    """What the main menu offers the current user (one query, none for visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = user.access
    return {
        "nav": {
            "counties": County.objects.filter(pk__in=access.staff_county_ids).only("number", "name"),
            "show_municipalities": bool(access.staff_county_ids or access.municipality_ids),
        }
    }
