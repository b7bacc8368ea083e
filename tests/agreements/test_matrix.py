"""Role matrix rules: exactly one Accountable and at least one Responsible per row, with clear messages."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from agreements.matrix import default_matrix, validate_matrix

COLUMNS = [
    {"key": "county", "label": "Fylkesbiblioteket"},
    {"key": "library_head", "label": "Biblioteksjef"},
    {"key": "chief_executive", "label": "Rådmann"},
]


def _matrix(*rows, columns=COLUMNS):
    return {"columns": columns, "rows": [{"task": task, "cells": cells} for task, cells in rows]}


def _messages(matrix) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_matrix(matrix)
    return caught.value.messages


def test_a_row_with_one_accountable_and_a_responsible_is_valid():
    cleaned = validate_matrix(
        _matrix(("Godkjenne romplanen", {"county": "C", "library_head": "R", "chief_executive": "A"}))
    )
    assert cleaned["rows"][0]["cells"] == {"county": "C", "library_head": "R", "chief_executive": "A"}


def test_two_accountables_are_refused_with_the_task_named():
    messages = _messages(_matrix(("Bestille inventar", {"county": "A", "library_head": "R", "chief_executive": "A"})))
    assert messages == ["“Bestille inventar”: choose exactly one party as Accountable (A); now 2 are."]


def test_no_accountable_is_refused():
    messages = _messages(_matrix(("Bestille inventar", {"library_head": "R"})))
    assert messages == ["“Bestille inventar”: choose exactly one party as Accountable (A); now 0 are."]


def test_no_responsible_is_refused():
    messages = _messages(_matrix(("Kommunikasjon utad", {"county": "C", "chief_executive": "A"})))
    assert messages == ["“Kommunikasjon utad”: choose at least one party as Responsible (R)."]


def test_every_problem_is_reported_at_once():
    messages = _messages(_matrix(("Én", {"county": "A"}), ("To", {"county": "R", "library_head": "R"})))
    assert len(messages) == 2
    assert "“Én”" in messages[0] and "Responsible" in messages[0]
    assert "“To”" in messages[1] and "Accountable" in messages[1]


def test_unknown_values_and_columns_are_refused_or_dropped():
    assert "“X”: a cell can only be R, A, C, I or empty." in _messages(
        _matrix(("X", {"county": "Z", "library_head": "R", "chief_executive": "A"}))
    )
    cleaned = validate_matrix(_matrix(("Y", {"gone": "C", "library_head": "R", "chief_executive": "A", "county": ""})))
    assert cleaned["rows"][0]["cells"] == {"library_head": "R", "chief_executive": "A"}


def test_rows_and_columns_need_names_and_must_not_repeat():
    with translation.override("en"):
        assert "Row 1 needs a decision or task." in _messages(
            _matrix(("", {"library_head": "R", "chief_executive": "A"}))
        )
        columns = COLUMNS + [{"key": "custom-1", "label": "biblioteksjef"}]
        assert "Two parties have the same name." in _messages(
            _matrix(("T", {"library_head": "R", "chief_executive": "A"}), columns=columns)
        )
        assert "The role matrix needs at least one decision or task." in _messages(_matrix())


def test_messages_are_norwegian_for_norwegian_users():
    with translation.override("nb"), pytest.raises(ValidationError) as caught:
        validate_matrix(_matrix(("Bestille inventar", {"library_head": "R"})))
    assert caught.value.messages == ["«Bestille inventar»: velg nøyaktig én part som Godkjenner; nå er det 0."]


@pytest.mark.django_db
def test_the_default_matrix_has_the_positions_as_columns_and_is_valid(county):
    matrix = default_matrix(county)
    assert [c["label"] for c in matrix["columns"]] == [
        "Troms fylkesbibliotek",
        "Biblioteksjef",
        "Kommunedirektør / rådmann",
        "Ordfører / politisk ledelse",
        "Teknisk avdeling",
        "Ekstern fagperson",
    ]
    assert [row["task"] for row in matrix["rows"]] == [
        "Godkjenne romplanen",
        "Bestille inventar",
        "Engasjere ekstern fagperson",
        "Godkjenne endringer i budsjettet",
        "Sette av arbeidstid for ansatte",
        "Kommunikasjon utad",
    ]
    assert validate_matrix(matrix) == matrix
    assert "Bestille inventar" not in [row["task"] for row in default_matrix(county, library_rooms=False)["rows"]]
