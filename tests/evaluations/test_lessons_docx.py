"""The lessons log as Word, read back with python-docx: the seed's own record in its five sections, each
lesson a list item, only the lessons chosen, and nothing but them."""

import io

import pytest
from django.urls import reverse
from docx import Document

from demo import seed_lessons
from evaluations.models import Lesson
from evaluations.services import lessons
from tests.evaluations.test_views import seed_project  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db]

FIVE = [
    "Viktigste lærdom",
    "Samarbeid med kommunene og andre",
    "Ønsker fra bibliotekene",
    "Ideer til videre arbeid",
    "Interne tilbakemeldinger",
]


def _docx(client, **params):
    response = client.get(reverse("evaluations:lessons-docx", kwargs={"number": "55"}), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="erfaringer-55-')
    assert response["Content-Disposition"].endswith('.docx"')
    return Document(io.BytesIO(response.content))


def _sections(document) -> dict[str, list[str]]:
    sections, current = {}, None
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 2":
            current = sections.setdefault(paragraph.text, [])
        elif current is not None and paragraph.style.name == "List Bullet":
            current.append(paragraph.text)
    return sections


def test_the_whole_seed_record_in_its_five_sections(client, seed_project, county_staff):  # noqa: F811
    client.force_login(county_staff)
    document = _docx(client)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["Erfaringer – Troms"]
    sections = _sections(document)
    assert list(sections) == FIVE
    items = seed_lessons.parse()
    order = [s.value for s in Lesson.Section]
    for section, text in items:
        assert " ".join(text.split()) in sections[FIVE[order.index(section)]], text
    assert sum(len(found) for found in sections.values()) == len(items) == 42
    assert "«melder seg på»" in "\n".join(sections["Samarbeid med kommunene og andre"])
    assert "Troms" in document.sections[0].header.paragraphs[0].text
    assert "Laget i Fremdrift" in document.sections[0].footer.paragraphs[0].text


def test_the_selection_only_with_sami_letters_kept_and_user_text_as_text(
    client,
    seed_project,  # noqa: F811
    county_staff,
    theme,
):
    odd = lessons.save_lesson(
        project=seed_project,
        by=county_staff,
        section="ideas",
        text="Besøk Gáivuotna – Kåfjord – Kaivuono {% debug %} <script>alert(1)</script>",
        kind="other",
        theme=theme,
    )
    chosen = [seed_project.lessons.get(text="TING TAR TID"), odd]
    client.force_login(county_staff)
    document = _docx(client, id=[lesson.pk for lesson in chosen])
    sections = _sections(document)
    assert list(sections) == FIVE
    assert sections["Viktigste lærdom"] == ["TING TAR TID"]
    assert sections["Ideer til videre arbeid"] == [
        "Besøk Gáivuotna – Kåfjord – Kaivuono {% debug %} <script>alert(1)</script>"
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Mer fokus på kassering og samlingsutvikling" not in text  # not chosen
    # The three sections with nothing chosen say so, as in the PDF.
    assert [p.text for p in document.paragraphs if p.style.name == "Normal" and p.text == "–"] == ["–"] * 3


def test_the_word_export_is_the_county_staffs(client, seed_project, library_head, outsider):  # noqa: F811
    for user in (library_head, outsider):
        client.force_login(user)
        assert client.get(reverse("evaluations:lessons-docx", kwargs={"number": "55"})).status_code == 404
