"""The showcase's before/after charts (documents.charts), one per indicator."""

from django.utils.translation import gettext as _

from documents.charts import Series, before_after_chart

from .selectors import showcase_measurements


def showcase_charts(showcase) -> list:
    charts = []
    for number, entry in enumerate(showcase_measurements(showcase), start=1):
        indicator = entry["indicator"]
        libraries = sorted(entry["libraries"])
        if not libraries:
            continue
        values = entry["libraries"]
        before = [values[name].get("before") for name in libraries]
        after = [values[name].get("after") for name in libraries]
        if all(value is None for value in before + after):
            continue
        title = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
        charts.append(
            before_after_chart(
                title=title,
                labels=libraries,
                before=Series(_("Before"), before),
                after=Series(_("After"), after),
                label_heading=_("Library"),
                decimals=0 if all(v is None or v == int(v) for v in before + after) else 1,
                chart_id=f"showcase-chart-{number}",
            )
        )
    return charts
