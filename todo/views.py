from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import todo_count


@login_required
@require_GET
def badge(request):
    """The menu's count of the user's tasks, fetched after the page (htmx): counting every source is the
    most expensive part of a page, and no page needs it to be shown."""
    response = render(request, "todo/partials/_badge.html", {"n": todo_count(request.user)})
    response["Cache-Control"] = "private, no-store"
    return response
