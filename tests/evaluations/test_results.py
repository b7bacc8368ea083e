"""Aggregation: against hand-computed values, and with generated answer sets."""

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Membership
from evaluations import selectors
from evaluations.models import Answer, Kind, Question
from evaluations.results import aggregate
from evaluations.services import answers as answers_services
from evaluations.services import rounds
from projects import services as project_services
from tests.evaluations.conftest import response_of, values
from tests.factories import MunicipalityFactory, make_user

T = Question.Type


@pytest.mark.django_db
def test_results_match_hand_computed_values_and_drafts_are_not_counted(
    active_project,
    questionnaire,
    municipality,
    other_municipality,
    library_head,
    other_library_head,
    county,
    county_staff,
):
    third = MunicipalityFactory(county=county, number="5503", name="Harstad")
    third_head = make_user(Membership.Role.LIBRARY_HEAD, municipality=third)
    fourth = MunicipalityFactory(county=county, number="5524", name="Målselv")
    fourth_head = make_user(Membership.Role.LIBRARY_HEAD, municipality=fourth)
    project_services.invite_participants(project=active_project, municipalities=[third, fourth], by=county_staff)
    midterm = rounds.open_round(
        project=active_project,
        by=county_staff,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=timezone.localdate(),
    )
    answers = [
        (
            municipality,
            library_head,
            True,
            (5, "Ja", ["Verksteder", "Besøk"], Decimal("10"), "yes", "Flere verksteder"),
        ),
        (other_municipality, other_library_head, True, (4, "Nei", ["Besøk"], Decimal("12.5"), "no", "")),
        (third, third_head, True, (4, "Ja", [], Decimal("20"), "yes", "Mer tid")),
        (fourth, fourth_head, False, (1, "Nei", ["Infobrev"], Decimal("99"), "no", "Utkast")),  # a draft
    ]
    for place, head, submit, given_values in answers:
        response = response_of(midterm, place)
        answers_services.save_response(
            response=response, by=head, values=values(response, *given_values), submit=submit
        )

    data = selectors.round_results(midterm)
    assert data["submitted_count"] == 3 and data["draft_count"] == 1
    scale, single, multiple, number, yes_no, text = data["results"]
    assert scale.answered == 3 and scale.mean == Decimal("4.33")
    assert [(b.label, b.count) for b in scale.buckets] == [
        ("1 – Lite", 0),
        ("2", 0),
        ("3", 0),
        ("4", 2),
        ("5 – Svært", 1),
    ]
    assert [(b.label, b.count, b.percent) for b in single.buckets] == [
        ("Ja", 2, Decimal("66.7")),
        ("Delvis", 0, Decimal("0.0")),
        ("Nei", 1, Decimal("33.3")),
    ]
    assert multiple.answered == 2
    assert [(b.label, b.count, b.percent) for b in multiple.buckets] == [
        ("Verksteder", 1, Decimal("50.0")),
        ("Besøk", 2, Decimal("100.0")),
        ("Infobrev", 0, Decimal("0.0")),
    ]
    assert (number.answered, number.mean, number.minimum, number.maximum) == (
        3,
        Decimal("14.17"),
        Decimal("10"),
        Decimal("20"),
    )
    assert [(b.label, b.count) for b in yes_no.buckets] == [("Ja", 2), ("Nei", 1)]
    assert sorted(text.texts) == [("Harstad", "Mer tid"), ("Tromsø", "Flere verksteder")]
    assert scale.chart is not None and "Svært" in scale.chart.table


# ------------------------------------------------------------ generated answer sets

OPTIONS = ["Ja", "Delvis", "Nei", "Vet ikke"]


def _questions():
    return [
        Question(pk=1, type=T.SCALE, text="Skala", low_label="Lite", high_label="Mye"),
        Question(pk=2, type=T.SINGLE, text="Enkeltvalg", options=OPTIONS),
        Question(pk=3, type=T.MULTIPLE, text="Flervalg", options=OPTIONS),
        Question(pk=4, type=T.NUMBER, text="Tall"),
        Question(pk=5, type=T.YES_NO, text="Ja/nei"),
        Question(pk=6, type=T.TEXT, text="Fritekst"),
    ]


numbers = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
respondent = st.fixed_dictionaries(
    {
        1: st.one_of(st.none(), st.integers(1, 5)),
        2: st.one_of(st.none(), st.sampled_from(OPTIONS)),
        3: st.lists(st.sampled_from(OPTIONS), unique=True),
        4: st.one_of(st.none(), numbers),
        5: st.one_of(st.none(), st.booleans()),
        6: st.one_of(st.none(), st.text(max_size=50)),
    }
)


def _answers(questions, respondents):
    by_pk = {q.pk: q for q in questions}
    answers = []
    for response_id, given_values in enumerate(respondents, start=1):
        for pk, value in given_values.items():
            answer = Answer(response_id=response_id, question=by_pk[pk])
            if pk in (1, 4):
                answer.number = None if value is None else Decimal(value)
            elif pk == 2:
                answer.choices = [] if value is None else [value]
            elif pk == 3:
                answer.choices = value
            elif pk == 5:
                answer.boolean = value
            else:
                answer.text = value or ""
            answers.append(answer)
    return answers


@settings(max_examples=150, deadline=None)
@given(st.lists(respondent, max_size=60))
def test_generated_answer_sets_add_up(respondents):
    questions = _questions()
    results = aggregate(questions, _answers(questions, respondents), charts=True)
    scale, single, multiple, number, yes_no, text = results
    count = lambda pk, test: sum(1 for r in respondents if test(r[pk]))  # noqa: E731
    present = lambda value: value is not None  # noqa: E731

    for result, pk in [(scale, 1), (single, 2), (yes_no, 5)]:
        assert result.answered == count(pk, present)
        assert sum(b.count for b in result.buckets) == result.answered
        if result.answered:
            assert abs(sum(b.percent for b in result.buckets) - 100) <= Decimal("0.1") * len(result.buckets)
    assert len(scale.buckets) == 5 and len(yes_no.buckets) == 2 and len(single.buckets) == len(OPTIONS)

    assert multiple.answered == count(3, bool)
    assert sum(b.count for b in multiple.buckets) == sum(len(r[3]) for r in respondents)
    assert all(b.count <= multiple.answered for b in multiple.buckets)

    assert number.answered == count(4, present)
    assert len(text.texts) == count(6, bool)
    if scale.answered:
        assert Decimal(1) <= scale.mean <= Decimal(5)
    else:
        assert scale.mean is None
    if number.answered:
        assert number.minimum - Decimal("0.01") <= number.mean <= number.maximum + Decimal("0.01")
