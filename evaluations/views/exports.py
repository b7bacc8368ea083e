"""The evaluations' spreadsheet exports (built in evaluations.exports, answered by documents.exports)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from documents.exports import respond


@login_required
@require_GET
def round_export_xlsx(request, pk):
    return respond(request, "evaluation-round", {"round": pk})


@login_required
@require_GET
def ttt_export_xlsx(request, pk):
    return respond(request, "ttt-measurements", {"project": pk})


@login_required
@require_GET
def lessons_export_xlsx(request, number):
    # The filter's parameters as lists (the lesson ids of a selection come as several `id`).
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    return respond(request, "lessons", {"number": number, "filters": filters})
