from django.shortcuts import render
from django.urls import include, path


def floor(request):
    """The floor: a bare Django view rendering a 50-row template, no database."""
    rows = [{"number": n, "name": f"Rad {n}", "value": n * 17} for n in range(50)]
    return render(request, "bench/floor.html", {"rows": rows})


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("config.urls")),
]
