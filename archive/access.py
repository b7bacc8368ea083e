"""Fetch-and-check for archive extracts: they exist only for the county's staff (404 for everyone else)."""

from django.shortcuts import get_object_or_404

from .models import ArchiveExport


def access_export(user, pk) -> ArchiveExport:
    return get_object_or_404(
        ArchiveExport.objects.visible_to(user).select_related("county", "project", "requested_by"), pk=pk
    )
