from datetime import timedelta

import pytest
from django.utils import timezone

from evaluations.models import Kind, Question
from evaluations.services import questionnaires, rounds
from projects import services as project_services
from tests.conftest import make_active, project, theme  # noqa: F401  (fixtures)

T = Question.Type

QUESTIONS = [
    dict(type=T.SCALE, text="Hvor fornøyd er dere?", is_required=True, low_label="Lite", high_label="Svært"),
    dict(type=T.SINGLE, text="Har dere kapasitet?", options=["Ja", "Delvis", "Nei"]),
    dict(type=T.MULTIPLE, text="Hva har fungert?", options=["Verksteder", "Besøk", "Infobrev"]),
    dict(type=T.NUMBER, text="Timer brukt siste måned"),
    dict(type=T.YES_NO, text="Deltar rådmannen?"),
    dict(type=T.TEXT, text="Hva bør vi gjøre annerledes?"),
]


def make_questionnaire(county, by, *, title="Mellomevaluering", kind=Kind.MIDTERM, questions=QUESTIONS):
    questionnaire = questionnaires.create_questionnaire(county=county, by=by, title=title, kind=kind)
    for order, fields in enumerate(questions, start=1):
        questionnaires.save_question(questionnaire=questionnaire, by=by, order=order, **fields)
    return questionnaire


@pytest.fixture
def questionnaire(county, county_staff):
    return make_questionnaire(county, county_staff)


@pytest.fixture
def active_project(project, municipality, other_municipality, county_staff):  # noqa: F811
    """Active, half-way through; Tromsø (library_head) and Gáivuotna (other_library_head) take part."""
    today = timezone.localdate()
    project_services.update_project(
        project=project, by=county_staff, start_on=today - timedelta(days=200), end_on=today + timedelta(days=150)
    )
    project_services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    return make_active(project)


@pytest.fixture
def midterm(active_project, questionnaire, county_staff, library_head, other_library_head):
    return rounds.open_round(
        project=active_project,
        by=county_staff,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=timezone.localdate() + timedelta(days=14),
    )


def values(response, *answers):
    return {q.pk: a for q, a in zip(response.version.questions.all(), answers, strict=False)}


def response_of(round_, municipality):
    return round_.responses.get(participant__municipality=municipality)


from tests.documents.conftest import weasyprint  # noqa: E402,F401  (fixture)
