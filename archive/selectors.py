from .models import ArchiveExport


def list_exports(county, *, limit: int = 50) -> list[ArchiveExport]:
    return list(ArchiveExport.objects.filter(county=county).select_related("county", "project", "requested_by")[:limit])
