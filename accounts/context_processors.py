from django.urls import reverse


def navigation(request):
    """What the main menu offers the current user, from `user.access` (no query of its own)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = user.access
    return {
        "nav": {
            "counties": [
                {"name": name, "url": reverse("municipalities:county-detail", kwargs={"number": number})}
                for number, name in access.staff_counties
            ],
            "show_municipalities": bool(access.staff_county_ids or access.municipality_ids),
        }
    }
