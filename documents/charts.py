"""Small server-side SVG charts, each paired with a table of the same numbers.

    chart = bar_chart(title=..., labels=[...], values=[...], label_heading=..., value_heading=...)
    {% load charts %}{% chart chart %}

The same `Chart` goes into web pages and PDFs (WeasyPrint draws inline SVG).
Charts use presentation attributes only, never a `style` attribute or a
`<style>` element, so they pass the site's Content-Security-Policy. Each SVG
has a `<title>` and `role="img"`; the table beside it (in a `<details>` on
pages) carries the numbers for screen readers and for anyone who wants them
exact. Numbers are formatted for the active language: "1 234,5" in Norwegian.
Colours have at least 4.5:1 contrast against white, and line series differ
by dash pattern as well as colour.
"""

import math
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Number = int | float | Decimal

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# The PDF stylesheet registers "Fremdrift Sans" from the app's own DejaVu files
# (Sámi letters included); web pages register it too (static/css/fremdrift.css).
FONT_FAMILY = "Fremdrift Sans, DejaVu Sans, sans-serif"
FONT_SIZE = 12
WIDTH = 640

# Ordered so that neighbours differ in lightness too, not only in hue.
PALETTE = ("#12375e", "#b45309", "#7e22ce", "#0e7490", "#be123c", "#15803d")
BEFORE_COLOUR = "#5b6770"
AFTER_COLOUR = "#12375e"
TEXT_COLOUR = "#1f2328"
AXIS_COLOUR = "#595f66"
GRID_COLOUR = "#d0d4d9"
DASHES = ("", "8 4", "2 4", "12 4 2 4")

LABEL_WIDTH = 180  # horizontal bar charts: room for category names on the left
VALUE_WIDTH = 80  # and for the value printed after each bar
LABEL_MAX_CHARS = 26
LEGEND_ROW = 22


@dataclass(frozen=True)
class Series:
    """A named run of values, one per label (or month); None where a value is missing."""

    name: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class Chart:
    """A chart as SVG markup plus a table of its numbers; render both with `{% chart %}`."""

    id: str
    title: str
    description: str
    svg: SafeString
    table: SafeString


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[Number | None],
    label_heading: str,
    value_heading: str,
    decimals: int = 0,
    unit: str = "",
    description: str = "",
    chart_id: str = "",
) -> Chart:
    """Horizontal bars, one per label. Values must not be negative."""
    series = [Series(value_heading, values)]
    return _horizontal_bars(
        title=title,
        labels=labels,
        series=series,
        colours=PALETTE[:1],
        stacked=False,
        label_heading=label_heading,
        decimals=decimals,
        unit=unit,
        description=description,
        chart_id=chart_id,
    )


def stacked_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label_heading: str,
    decimals: int = 0,
    unit: str = "",
    description: str = "",
    chart_id: str = "",
) -> Chart:
    """Horizontal bars split into one segment per series, with the total after each bar."""
    return _horizontal_bars(
        title=title,
        labels=labels,
        series=series,
        colours=_colours(len(series)),
        stacked=True,
        label_heading=label_heading,
        decimals=decimals,
        unit=unit,
        description=description,
        chart_id=chart_id,
    )


def before_after_chart(
    *,
    title: str,
    labels: Sequence[str],
    before: Series,
    after: Series,
    label_heading: str,
    decimals: int = 0,
    unit: str = "",
    description: str = "",
    chart_id: str = "",
) -> Chart:
    """A pair of horizontal bars per label: `before` (grey) above `after` (dark blue)."""
    return _horizontal_bars(
        title=title,
        labels=labels,
        series=[before, after],
        colours=(BEFORE_COLOUR, AFTER_COLOUR),
        stacked=False,
        label_heading=label_heading,
        decimals=decimals,
        unit=unit,
        description=description,
        chart_id=chart_id,
    )


def line_chart(
    *,
    title: str,
    months: Sequence[date],
    series: Sequence[Series],
    decimals: int = 0,
    unit: str = "",
    description: str = "",
    chart_id: str = "",
) -> Chart:
    """One line per series over consecutive months (any day of the month stands for it)."""
    _check_lengths(months, series)
    chart_id = _chart_id(chart_id, title)
    colours = _colours(len(series))
    legend, legend_height = _legend(series, colours, dashed=True)
    top, bottom, left, right = 12 + legend_height, 46, 64, 24
    height = 300
    plot_left, plot_right, plot_top, plot_bottom = left, WIDTH - right, top, height - bottom
    present = [float(v) for s in series for v in s.values if v is not None]
    ticks = _nice_ticks(min([0.0, *present]), max([0.0, *present]), integral=decimals == 0)
    low, high = ticks[0], ticks[-1]

    def y_of(value):
        return plot_bottom - (float(value) - low) / (high - low) * (plot_bottom - plot_top)

    def x_of(index):
        if len(months) == 1:
            return (plot_left + plot_right) / 2
        return plot_left + index * (plot_right - plot_left) / (len(months) - 1)

    svg = _svg_root(chart_id, title, description, height)
    svg.append(legend)
    tick_decimals = _tick_decimals(ticks)
    for tick in ticks:
        y = y_of(tick)
        _line(svg, plot_left, y, plot_right, y, GRID_COLOUR if tick != 0 else AXIS_COLOUR)
        _text(svg, plot_left - 6, y + 4, _format(tick, tick_decimals), anchor="end")
    _line(svg, plot_left, plot_top, plot_left, plot_bottom, AXIS_COLOUR)
    every = max(1, math.ceil(len(months) / 12))
    for index, month in enumerate(months):
        if index % every:
            continue
        x = x_of(index)
        _line(svg, x, plot_bottom, x, plot_bottom + 4, AXIS_COLOUR)
        _text(svg, x, plot_bottom + 18, date_format(month, "b"), anchor="middle")
        if index == 0 or month.month == 1:
            _text(svg, x, plot_bottom + 34, date_format(month, "Y"), anchor="middle")
    for number, (one, colour) in enumerate(zip(series, colours, strict=True)):
        group = ET.SubElement(svg, "g", {"fill": colour, "stroke": colour})
        for run in _runs(one.values):
            points = " ".join(f"{_n(x_of(i))},{_n(y_of(v))}" for i, v in run)
            attributes = {"points": points, "fill": "none", "stroke-width": "2.5"}
            if DASHES[number % len(DASHES)]:
                attributes["stroke-dasharray"] = DASHES[number % len(DASHES)]
            ET.SubElement(group, "polyline", attributes)
        for index, value in enumerate(one.values):
            if value is None:
                continue
            point = ET.SubElement(
                group, "circle", {"cx": _n(x_of(index)), "cy": _n(y_of(value)), "r": "3.5", "stroke": "none"}
            )
            label = date_format(months[index], "YEAR_MONTH_FORMAT")
            ET.SubElement(point, "title").text = f"{one.name}, {label}: {_format(value, decimals, unit)}"
    rows = [
        (date_format(month, "YEAR_MONTH_FORMAT"), [_format(s.values[i], decimals, unit) for s in series])
        for i, month in enumerate(months)
    ]
    table = _table(chart_id, title, _("Month"), [s.name for s in series], rows)
    return Chart(chart_id, title, description, _serialise(svg), table)


def _horizontal_bars(
    *, title, labels, series, colours, stacked, label_heading, decimals, unit, description, chart_id
) -> Chart:
    _check_lengths(labels, series)
    if any(v is not None and v < 0 for s in series for v in s.values):
        raise ValueError("Bar charts show counts and amounts: values must not be negative.")
    chart_id = _chart_id(chart_id, title)
    bar_height = 18 if stacked or len(series) == 1 else 13
    bars_per_row = 1 if stacked else len(series)
    row_height = bar_height * bars_per_row + 12
    legend, legend_height = _legend(series, colours, dashed=False) if len(series) > 1 else (None, 0)
    plot_top = 8 + legend_height
    plot_bottom = plot_top + row_height * len(labels)
    height = plot_bottom + 28
    plot_left, plot_right = LABEL_WIDTH, WIDTH - VALUE_WIDTH

    totals = [sum(v for v in column if v is not None) for column in zip(*(s.values for s in series), strict=False)]
    lengths = totals if stacked else [v for s in series for v in s.values if v is not None]
    largest = max(lengths, default=0)
    ticks = _nice_ticks(0, largest, integral=decimals == 0)
    scale = (plot_right - plot_left) / ticks[-1]

    svg = _svg_root(chart_id, title, description, height)
    if legend is not None:
        svg.append(legend)
    tick_decimals = _tick_decimals(ticks)
    for tick in ticks:
        x = plot_left + tick * scale
        _line(svg, x, plot_top, x, plot_bottom, GRID_COLOUR if tick else AXIS_COLOUR)
        _text(svg, x, plot_bottom + 18, _format(tick, tick_decimals), anchor="middle")

    for row, label in enumerate(labels):
        row_top = plot_top + row * row_height + 6
        _text(svg, plot_left - 8, row_top + bar_height * bars_per_row / 2 + 4, _shorten(label), anchor="end")
        x = plot_left
        for number, (one, colour) in enumerate(zip(series, colours, strict=True)):
            value = one.values[row]
            y = row_top if stacked else row_top + number * bar_height
            if value is not None and value > 0:
                width = float(value) * scale
                bar = ET.SubElement(
                    svg,
                    "rect",
                    {
                        "x": _n(x),
                        "y": _n(y),
                        "width": _n(width),
                        "height": _n(bar_height - 1),
                        "fill": colour,
                    },
                )
                if stacked:
                    # A white edge keeps neighbouring segments apart whatever their colours.
                    bar.attrib |= {"stroke": "#ffffff", "stroke-width": "1"}
                name = f"{label}, {one.name}" if len(series) > 1 else label
                ET.SubElement(bar, "title").text = f"{name}: {_format(value, decimals, unit)}"
                if stacked:
                    x += width
            if not stacked:
                end = plot_left + float(value or 0) * scale
                _text(svg, end + 5, y + bar_height / 2 + 3, _format(value, decimals, unit))
        if stacked:
            _text(svg, x + 5, row_top + bar_height / 2 + 3, _format(totals[row], decimals, unit))

    columns = [s.name for s in series] + ([_("Total")] if stacked else [])
    rows = []
    for row, label in enumerate(labels):
        cells = [_format(s.values[row], decimals, unit) for s in series]
        if stacked:
            cells.append(_format(totals[row], decimals, unit))
        rows.append((label, cells))
    table = _table(chart_id, title, label_heading, columns, rows)
    return Chart(chart_id, title, description, _serialise(svg), table)


def _svg_root(chart_id: str, title: str, description: str, height: float) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {WIDTH} {_n(height)}",
            "width": str(WIDTH),
            "height": _n(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title",
            "font-family": FONT_FAMILY,
            "font-size": str(FONT_SIZE),
            "class": "fd-chart-svg",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    if description:
        ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
        svg.set("aria-describedby", f"{chart_id}-desc")
    return svg


def _legend(series, colours, *, dashed: bool) -> tuple[ET.Element, float]:
    """A legend row (wrapping when needed) and its height."""
    legend = ET.Element("g", {"class": "fd-chart-legend"})
    x, y = 8, 16
    for number, (one, colour) in enumerate(zip(series, colours, strict=True)):
        width = 30 + len(one.name) * 7.5
        if x > 8 and x + width > WIDTH:
            x, y = 8, y + LEGEND_ROW
        if dashed:
            attributes = {
                "x1": _n(x),
                "y1": _n(y - 4),
                "x2": _n(x + 18),
                "y2": _n(y - 4),
                "stroke": colour,
                "stroke-width": "2.5",
            }
            if DASHES[number % len(DASHES)]:
                attributes["stroke-dasharray"] = DASHES[number % len(DASHES)]
            ET.SubElement(legend, "line", attributes)
        else:
            ET.SubElement(legend, "rect", {"x": _n(x), "y": _n(y - 10), "width": "12", "height": "12", "fill": colour})
        _text(legend, x + 24, y, one.name)
        x += width + 12
    return legend, y + 10


def _table(chart_id, title, label_heading, columns, rows) -> SafeString:
    head = format_html_join("", '<th scope="col" class="text-end">{}</th>', ((c,) for c in columns))
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        ((label, format_html_join("", '<td class="text-end">{}</td>', ((c,) for c in cells))) for label, cells in rows),
    )
    return format_html(
        '<table class="table table-sm fd-chart-table" id="{}-table"><caption>{}</caption>'
        '<thead><tr><th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>',
        chart_id,
        title,
        label_heading,
        head,
        body,
    )


def _nice_ticks(low: float, high: float, *, integral: bool, count: int = 5) -> list[float]:
    """Round tick values from at most `low` to at least `high` (at least two ticks; whole steps for counts)."""
    low, high = float(low), float(high)
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if integral else (1, 2, 2.5, 5, 10)
    step = next(f * magnitude for f in factors if f * magnitude >= raw)
    if integral:
        step = max(1, round(step))
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _tick_decimals(ticks: Sequence[float]) -> int:
    return next((d for d in range(4) if all(abs(round(t, d) - t) < 1e-9 for t in ticks)), 4)


def _format(value: Number | None, decimals: int, unit: str = "") -> str:
    """A number as the active language writes it: grouped thousands, decimal comma in Norwegian."""
    if value is None:
        return "–"
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


def _runs(values):
    """Consecutive (index, value) pairs without gaps: a missing value breaks the line."""
    run = []
    for index, value in enumerate(values):
        if value is None:
            if run:
                yield run
            run = []
        else:
            run.append((index, value))
    if run:
        yield run


def _check_lengths(labels, series) -> None:
    if not series:
        raise ValueError("A chart needs at least one series.")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"Series {one.name!r} has {len(one.values)} values for {len(labels)} labels.")


def _colours(count: int) -> tuple[str, ...]:
    return tuple(PALETTE[i % len(PALETTE)] for i in range(count))


def _chart_id(chart_id: str, title: str) -> str:
    """An id for the chart's elements: the given one, or one made from the title plus a random suffix."""
    return slugify(chart_id) or f"chart-{slugify(title)[:30] or 'x'}-{secrets.token_hex(3)}"


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def _text(parent, x, y, content, *, anchor="start") -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), "fill": TEXT_COLOUR})
    if anchor != "start":
        element.set("text-anchor", anchor)
    element.text = content
    return element


def _line(parent, x1, y1, x2, y2, colour) -> None:
    ET.SubElement(
        parent,
        "line",
        {
            "x1": _n(x1),
            "y1": _n(y1),
            "x2": _n(x2),
            "y2": _n(y2),
            "stroke": colour,
            "stroke-width": "1",
        },
    )


def _n(number: float) -> str:
    """A coordinate with at most one decimal, without a trailing ".0"."""
    return f"{float(number):.1f}".removesuffix(".0")


def _serialise(svg: ET.Element) -> SafeString:
    # ElementTree escapes every label and title, so user-written names are safe here.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


# ------------------------------------------------------------------ timeline

TIMELINE_LABEL_WIDTH = 170  # row names on the left
TIMELINE_MONTH_WIDTH = 56
TIMELINE_ROW_HEIGHT = 30
TIMELINE_COLOURS = {"done": "#15803d", "late": "#b91c1c", "coming": "#12375e"}
ORIGINAL_COLOUR = "#5b6770"
TODAY_COLOUR = "#7e22ce"
TIMELINE_STATUSES = ("done", "late", "coming")


@dataclass(frozen=True)
class TimelineMark:
    """A milestone on the timeline: `status` is one of "done", "late", "coming" (its mark's shape and
    colour); `status_label` is the status as the pages word it; `original_on` when its date moved."""

    name: str
    on: date
    status: str
    status_label: str
    original_on: date | None = None
    url: str = ""
    delay_days: int = 0


@dataclass(frozen=True)
class TimelineRow:
    label: str
    marks: Sequence[TimelineMark]


def _status_names() -> dict:
    return {"done": _("Done"), "late": _("Late"), "coming": _("Coming")}


def timeline_chart(
    *,
    title: str,
    rows: Sequence[TimelineRow],
    today: date,
    row_heading: str,
    description: str = "",
    chart_id: str = "",
) -> Chart:
    """Milestones across months, one row each (the first row: the whole project). Each milestone sits
    at its current date; when it moved, a thin mark at its original date is joined to it by a line.
    Status shows by colour and by shape: done a filled circle with a check, late a red diamond, coming
    a hollow circle. A line marks today. Marks with a `url` are links (the figure is then a group of
    links, not an image, so screen readers reach them)."""
    for row in rows:
        for mark in row.marks:
            if mark.status not in TIMELINE_STATUSES:
                raise ValueError(f"Unknown timeline status {mark.status!r}.")
    chart_id = _chart_id(chart_id, title)
    days = [today] + [d for row in rows for m in row.marks for d in (m.on, m.original_on) if d]
    first = min(days).replace(day=1)
    last = max(days)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    end = (months[-1] + timedelta(days=32)).replace(day=1)
    names = _status_names()
    original_name = _("Originally planned")
    # Where each status of the legend starts (one line), then the "originally planned" mark; the figure is at
    # least as wide as the legend (a project of a few months is narrower than it).
    legend_x = [8.0]
    for status in TIMELINE_STATUSES:
        legend_x.append(legend_x[-1] + 34 + len(names[status]) * 7.5)
    legend_width = legend_x[-1] + 20 + len(original_name) * 7.5 + 8
    width = max(TIMELINE_LABEL_WIDTH + len(months) * TIMELINE_MONTH_WIDTH + 24, math.ceil(legend_width))
    plot_left, plot_right = TIMELINE_LABEL_WIDTH, TIMELINE_LABEL_WIDTH + len(months) * TIMELINE_MONTH_WIDTH
    legend_top = 18
    axis_top = legend_top + 30
    plot_top = axis_top + 52
    plot_bottom = plot_top + max(1, len(rows)) * TIMELINE_ROW_HEIGHT
    height = plot_bottom + 12
    span = (end - first).days

    def x_of(day: date) -> float:
        return plot_left + (day - first).days / span * (plot_right - plot_left)

    has_links = any(m.url for row in rows for m in row.marks)
    svg = _svg_root(chart_id, title, description, height)
    svg.set("viewBox", f"0 0 {width} {_n(height)}")
    svg.set("width", str(width))
    svg.set("class", "fd-timeline-svg")
    svg.set("aria-label", title)
    if has_links:
        svg.set("role", "group")

    legend = ET.SubElement(svg, "g", {"class": "fd-chart-legend"})
    for status, x in zip(TIMELINE_STATUSES, legend_x, strict=False):
        _timeline_symbol(legend, status, x + 6, legend_top - 4)
        _text(legend, x + 18, legend_top, names[status])
    x = legend_x[-1]
    ET.SubElement(
        legend,
        "line",
        {"x1": _n(x), "y1": _n(legend_top - 4), "x2": _n(x + 14), "y2": _n(legend_top - 4), "stroke": ORIGINAL_COLOUR},
    )
    _timeline_original(legend, x, legend_top - 4)
    _text(legend, x + 20, legend_top, original_name)

    for index, month in enumerate(months):
        x = x_of(month)
        _line(svg, x, axis_top, x, plot_bottom, GRID_COLOUR)
        _text(svg, x + 4, axis_top + 14, date_format(month, "b"))
        if index == 0 or month.month == 1:
            _text(svg, x + 4, axis_top + 28, date_format(month, "Y"))
    _line(svg, plot_right, axis_top, plot_right, plot_bottom, GRID_COLOUR)
    _line(svg, plot_left, plot_top, plot_right, plot_top, AXIS_COLOUR)

    for number, row in enumerate(rows):
        top = plot_top + number * TIMELINE_ROW_HEIGHT
        middle = top + TIMELINE_ROW_HEIGHT / 2
        group = ET.SubElement(svg, "g", {"class": "fd-timeline-row"})
        name = _text(group, plot_left - 8, middle + 4, _shorten(row.label), anchor="end")
        if name.text != row.label:
            ET.SubElement(name, "title").text = row.label
        _line(group, plot_left, top + TIMELINE_ROW_HEIGHT, plot_right, top + TIMELINE_ROW_HEIGHT, GRID_COLOUR)
        for mark in row.marks:
            label = _timeline_mark_label(row.label, mark)
            parent = group
            if mark.url:
                parent = ET.SubElement(group, "a", {"href": mark.url, "aria-label": label})
            holder = ET.SubElement(parent, "g", {"class": f"fd-timeline-mark fd-timeline-{mark.status}"})
            ET.SubElement(holder, "title").text = label
            x = x_of(mark.on)
            if mark.original_on and mark.original_on != mark.on:
                original = x_of(mark.original_on)
                ET.SubElement(
                    holder,
                    "line",
                    {
                        "x1": _n(original),
                        "y1": _n(middle),
                        "x2": _n(x),
                        "y2": _n(middle),
                        "stroke": ORIGINAL_COLOUR,
                        "stroke-width": "1",
                        "stroke-dasharray": "3 2",
                        "class": "fd-timeline-moved",
                    },
                )
                _timeline_original(holder, original, middle)
            _timeline_symbol(holder, mark.status, x, middle)

    today_x = x_of(today)
    ET.SubElement(
        svg,
        "line",
        {
            "x1": _n(today_x),
            "y1": _n(plot_top - 18),
            "x2": _n(today_x),
            "y2": _n(plot_bottom),
            "stroke": TODAY_COLOUR,
            "stroke-width": "2",
            "stroke-dasharray": "6 3",
            "class": "fd-timeline-today",
        },
    )
    today_label = _text(svg, today_x + 4, plot_top - 4, _("Today"))
    today_label.set("fill", TODAY_COLOUR)
    today_label.set("class", "fd-timeline-today-label")

    table = _timeline_table(chart_id, title, row_heading, rows)
    return Chart(chart_id, title, description, _serialise(svg), table)


def _timeline_symbol(parent, status: str, x: float, y: float) -> None:
    colour = TIMELINE_COLOURS[status]
    if status == "done":
        ET.SubElement(parent, "circle", {"cx": _n(x), "cy": _n(y), "r": "7", "fill": colour, "class": "fd-mark-done"})
        ET.SubElement(
            parent,
            "path",
            {
                "d": f"M{_n(x - 3.5)} {_n(y)} L{_n(x - 1)} {_n(y + 3)} L{_n(x + 4)} {_n(y - 3)}",
                "fill": "none",
                "stroke": "#ffffff",
                "stroke-width": "2",
            },
        )
    elif status == "late":
        points = f"{_n(x)},{_n(y - 8)} {_n(x + 8)},{_n(y)} {_n(x)},{_n(y + 8)} {_n(x - 8)},{_n(y)}"
        ET.SubElement(parent, "polygon", {"points": points, "fill": colour, "class": "fd-mark-late"})
    else:
        ET.SubElement(
            parent,
            "circle",
            {
                "cx": _n(x),
                "cy": _n(y),
                "r": "6",
                "fill": "#ffffff",
                "stroke": colour,
                "stroke-width": "2.5",
                "class": "fd-mark-coming",
            },
        )


def _timeline_original(parent, x: float, y: float) -> None:
    ET.SubElement(
        parent,
        "line",
        {
            "x1": _n(x),
            "y1": _n(y - 7),
            "x2": _n(x),
            "y2": _n(y + 7),
            "stroke": ORIGINAL_COLOUR,
            "stroke-width": "1.5",
            "class": "fd-mark-original",
        },
    )


def _short_date(day: date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "–"


def _delay(days: int) -> str:
    if not days:
        return "–"
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


def _timeline_mark_label(row_label: str, mark: TimelineMark) -> str:
    label = f"{row_label}: {mark.name}, {_short_date(mark.on)}, {mark.status_label}"
    if mark.original_on and mark.original_on != mark.on:
        label += ", " + _("originally %(date)s") % {"date": _short_date(mark.original_on)}
    if mark.delay_days:
        label += ", " + _("late %(delay)s") % {"delay": _delay(mark.delay_days)}
    return label


def _timeline_table(chart_id, title, row_heading, rows) -> SafeString:
    columns = (row_heading, _("Milestone"), _("Date"), _("Originally planned"), _("Status"), _("Delay"))
    head = format_html_join("", '<th scope="col">{}</th>', ((c,) for c in columns))
    lines = []
    for row in rows:
        for mark in row.marks:
            name = format_html('<a href="{}">{}</a>', mark.url, mark.name) if mark.url else mark.name
            moved = mark.original_on and mark.original_on != mark.on
            lines.append(
                format_html(
                    '<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                    row.label,
                    name,
                    _short_date(mark.on),
                    _short_date(mark.original_on) if moved else "–",
                    mark.status_label,
                    _delay(mark.delay_days),
                )
            )
    return format_html(
        '<table class="table table-sm fd-chart-table" id="{}-table"><caption>{}</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        chart_id,
        title,
        head,
        mark_safe("".join(lines)),  # noqa: S308 (each line was built by format_html)
    )
