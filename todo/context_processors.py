from .selectors import todo_count


def todo_badge(request):
    """The menu's count of the user's tasks: read when the menu shows it, once per request (the start
    page's own list gives it without a query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        if not hasattr(request, "_todo_count"):
            request._todo_count = todo_count(request.user)
        return request._todo_count

    return {"todo_count": count}
