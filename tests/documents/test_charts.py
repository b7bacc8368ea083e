"""Charts: valid SVG with a title, no styles (strict CSP), readable colours, and a table of the same numbers."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from documents.charts import Series, bar_chart, before_after_chart, line_chart, stacked_bar_chart
from documents.pdf import render_pdf
from tests.documents.conftest import pdf_text

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def norwegian():
    with translation.override("nb"):
        yield


def _bar():
    return bar_chart(
        title="Utlån per kommune",
        labels=["Tromsø", "Gáivuotna - Kåfjord - Kaivuono", "Karlsøy"],
        values=[12345, 2345.5, None],
        label_heading="Kommune",
        value_heading="Utlån",
        decimals=1,
    )


def _stacked():
    return stacked_bar_chart(
        title="Besøk etter type",
        labels=["Tromsø", "Harstad"],
        series=[Series("Fysisk", [1200, 50]), Series("Digitalt", [40, 0]), Series("Arrangement", [10, None])],
        label_heading="Kommune",
    )


def _before_after():
    return before_after_chart(
        title="Andel med lånekort",
        labels=["Tromsø", "Harstad"],
        before=Series("2024", [30.25, 12]),
        after=Series("2025", [42.5, 10]),
        label_heading="Kommune",
        decimals=2,
        unit="%",
    )


def _line():
    months = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    return line_chart(
        title="Besøk per måned",
        months=months,
        series=[Series("Tromsø", [5, 7.5, None, 1234.5]), Series("Harstad", [3, 4, 4, 5])],
        decimals=1,
    )


BUILDERS = [_bar, _stacked, _before_after, _line]


def _svg(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def _table(chart) -> ET.Element:
    return ET.fromstring(str(chart.table))


def _table_values(chart) -> list[str]:
    """The value cells of the table (all columns but a stacked chart's total; zeros draw no bar)."""
    table = _table(chart)
    headings = [th.text for th in table.find("thead").iter("th")]
    total = gettext("Total")
    skip = headings.index(total) - 1 if total in headings else None
    return [
        td.text
        for row in table.find("tbody").iter("tr")
        for index, td in enumerate(row.findall("td"))
        if index != skip and re.search("[1-9]", td.text)
    ]


def _svg_values(chart) -> list[str]:
    """The value each data mark (bar or point) states in its <title>: "Tromsø: 12 345,0"."""
    marks = [e for e in _svg(chart).iter() if e.tag in (f"{SVG}rect", f"{SVG}circle")]
    return [mark.find(f"{SVG}title").text.rsplit(": ", 1)[1] for mark in marks if mark.find(f"{SVG}title") is not None]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__.strip("_"))
def test_chart_is_valid_svg_with_a_title_and_no_styles(build):
    chart = build()
    svg = _svg(chart)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title is not None and title.text == chart.title
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("viewBox")
    for element in svg.iter():
        assert element.tag != f"{SVG}style" and element.tag != "style"
        assert "style" not in element.attrib, element.tag
    assert "style" not in str(chart.table)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__.strip("_"))
def test_chart_table_holds_the_same_numbers_as_the_chart(build):
    chart = build()
    assert sorted(_svg_values(chart)) == sorted(_table_values(chart))
    assert _table(chart).find("caption").text == chart.title


def test_bar_chart_numbers_are_written_the_norwegian_way():
    chart = _bar()
    assert _table_values(chart) == [f"12{NBSP}345,0", f"2{NBSP}345,5"]
    texts = [e.text for e in _svg(chart).iter(f"{SVG}text")]
    assert f"12{NBSP}345,0" in texts and f"2{NBSP}345,5" in texts and "–" in texts  # the missing value
    rows = [row.find("th").text for row in _table(chart).find("tbody")]
    assert rows == ["Tromsø", "Gáivuotna - Kåfjord - Kaivuono", "Karlsøy"]


def test_stacked_bar_chart_totals_each_bar():
    table = _table(_stacked())
    totals = [row.findall("td")[-1].text for row in table.find("tbody")]
    assert totals == [f"1{NBSP}250", "50"]
    assert f"1{NBSP}250" in [e.text for e in _svg(_stacked()).iter(f"{SVG}text")]


def test_before_after_chart_pairs_the_values_with_their_unit():
    assert _table_values(_before_after()) == [f"30,25{NBSP}%", f"42,50{NBSP}%", f"12,00{NBSP}%", f"10,00{NBSP}%"]


def test_line_chart_names_the_months_and_breaks_at_missing_values():
    chart = _line()
    months = [row.find("th").text for row in _table(chart).find("tbody")]
    assert months == ["november 2025", "desember 2025", "januar 2026", "februar 2026"]
    assert len(list(_svg(chart).iter(f"{SVG}polyline"))) == 3  # Tromsø in two pieces, Harstad in one
    assert _table_values(chart)[:2] == ["5,0", "3,0"]


def _contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__.strip("_"))
def test_chart_text_and_data_colours_contrast_with_white(build):
    for element in _svg(build()).iter():
        tag = element.tag.removeprefix(SVG)
        for attribute in ("fill", "stroke"):
            colour = element.get(attribute)
            if not colour or colour == "none" or colour == "#ffffff" or tag == "line":
                continue  # white segment edges and grid lines are not data
            needed = 4.5 if tag == "text" else 3
            assert _contrast(colour) >= needed, f"{tag} {attribute}={colour}"


def test_user_written_labels_are_escaped():
    label = '<script>alert("x")</script> & <b>'
    chart = bar_chart(title="T <i>", labels=[label], values=[1], label_heading="K", value_heading="V")
    assert "<script>" not in str(chart.svg) and "<script>" not in str(chart.table)
    assert _svg(chart).find(f"{SVG}title").text == "T <i>"
    assert _table(chart).find("tbody").find("tr").find("th").text == label


def test_charts_with_the_same_title_get_different_ids():
    assert _bar().id != _bar().id
    assert (
        bar_chart(title="T", labels=[], values=[], label_heading="K", value_heading="V", chart_id="utlan").id == "utlan"
    )


def test_chart_data_must_fit_the_labels():
    with pytest.raises(ValueError):
        bar_chart(title="T", labels=["a", "b"], values=[1], label_heading="K", value_heading="V")
    with pytest.raises(ValueError):
        bar_chart(title="T", labels=["a"], values=[-1], label_heading="K", value_heading="V")


def test_chart_tag_renders_figure_chart_and_table():
    chart = _stacked()
    html = Template("{% load charts %}{% chart chart %}").render(Context({"chart": chart}))
    assert re.search(r'<figure class="fd-chart" aria-labelledby="([^"]+)-caption">', html)
    assert f'<figcaption class="fd-chart-caption" id="{chart.id}-caption">Besøk etter type</figcaption>' in html
    assert str(chart.svg) in html
    assert html.index("<details") < html.index(str(chart.table)) < html.index("</details>")
    assert " style=" not in html and "<style" not in html


def test_the_same_chart_goes_into_a_pdf(weasyprint, test_templates):
    chart = _bar()
    pdf = render_pdf("pdf_tests/sample.html", {"text": "", "chart": chart}, title="Diagram")
    text = pdf_text(pdf)
    assert "Utlån per kommune" in text
    assert text.count("12 345,0") == 2  # the label on the bar and the table cell
    assert "Gáivuotna - Kåfjord - Kaivuono" in text  # the table keeps the full name
