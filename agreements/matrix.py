"""The role matrix ("who decides what?"): tasks × parties, each cell R, A, C, I or empty.

Stored on the agreement as JSON:
    {"columns": [{"key": "county", "label": "Fylkesbiblioteket"}, ...],
     "rows": [{"task": "Godkjenne romplanen", "cells": {"county": "C", "library_head": "R", ...}}]}

Every row has exactly one Accountable and at least one Responsible.
The defaults are agreement text, so they are Norwegian, as the kits' texts are.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from municipalities.models import Position

RESPONSIBLE, ACCOUNTABLE, CONSULTED, INFORMED = "R", "A", "C", "I"
# The stored values stay R/A/C/I; what a reader sees comes from these labels (a Norwegian reader sees
# "Ansvarlig", "Godkjenner", "Rådføres", "Informeres", an English one the letters).
CELL_LABELS = {
    RESPONSIBLE: pgettext_lazy("role matrix cell", "R"),
    ACCOUNTABLE: pgettext_lazy("role matrix cell", "A"),
    CONSULTED: pgettext_lazy("role matrix cell", "C"),
    INFORMED: pgettext_lazy("role matrix cell", "I"),
}
CHOICES = [
    ("", gettext_lazy("–")),
    (RESPONSIBLE, gettext_lazy("R – Responsible")),
    (ACCOUNTABLE, gettext_lazy("A – Accountable")),
    (CONSULTED, gettext_lazy("C – Consulted")),
    (INFORMED, gettext_lazy("I – Informed")),
]
VALUES = {value for value, _label in CHOICES}
# (term, explanation): "R – Responsible" / "does the work"; in Norwegian "Ansvarlig" / "utfører arbeidet".
LEGEND = [
    (dict(CHOICES)[RESPONSIBLE], gettext_lazy("does the work")),
    (dict(CHOICES)[ACCOUNTABLE], gettext_lazy("decides and answers for it (exactly one per task)")),
    (dict(CHOICES)[CONSULTED], gettext_lazy("asked before the decision")),
    (dict(CHOICES)[INFORMED], gettext_lazy("told after the decision")),
]


def cell_label(value: str) -> str:
    """What a reader sees in a cell: the role in the reader's language, or "" for an empty cell."""
    return str(CELL_LABELS.get(value, value or ""))


def display_rows(matrix: dict) -> list[tuple[str, list[str]]]:
    """(task, [cell label per column]) for every row, in the active language."""
    columns = matrix.get("columns", []) if matrix else []
    return [
        (row["task"], [cell_label((row.get("cells") or {}).get(column["key"], "")) for column in columns])
        for row in (matrix or {}).get("rows", [])
    ]


def labelled_rows(matrix: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """(task, [(column label, cell label)]) for every row: on a phone each cell is shown under its column's name."""
    labels = [column["label"] for column in (matrix or {}).get("columns", [])]
    return [(task, list(zip(labels, cells, strict=True))) for task, cells in display_rows(matrix)]


def legend_text() -> str:
    """The legend in one line, for the PDF: "R – Responsible: does the work; A – Accountable: …"."""
    return "; ".join(f"{term}: {explanation}" for term, explanation in LEGEND) + "."


MAX_COLUMNS = 12
MAX_ROWS = 40

# Positions that become columns, in order; the county library comes first, the external expert last.
POSITION_COLUMNS = ["library_head", "chief_executive", "mayor", "technical"]
FALLBACK_LABELS = {
    "county": "Fylkesbiblioteket",
    "library_head": "Biblioteksjef",
    "chief_executive": "Kommunedirektør / rådmann",
    "mayor": "Ordfører",
    "technical": "Teknisk avdeling",
    "expert": "Ekstern fagperson",
}

# Decisions and tasks every agreement starts with (county, library head, chief executive, mayor, technical, expert).
DEFAULT_ROWS = [
    ("Godkjenne romplanen", "C", "R", "A", "I", "C", "C"),
    ("Bestille inventar", "I", "C", "A", "", "R", "C"),
    ("Engasjere ekstern fagperson", "R", "C", "A", "", "", "I"),
    ("Godkjenne endringer i budsjettet", "A", "R", "C", "I", "", ""),
    ("Sette av arbeidstid for ansatte", "I", "R", "A", "", "C", ""),
    ("Kommunikasjon utad", "C", "R", "I", "A", "", ""),
]
ROOM_ONLY_TASKS = {"Godkjenne romplanen", "Bestille inventar"}


def default_columns(county) -> list[dict]:
    names = dict(Position.objects.filter(county=county, code__in=POSITION_COLUMNS).values_list("code", "name"))
    columns = [{"key": "county", "label": f"{county.name} fylkesbibliotek" if county else FALLBACK_LABELS["county"]}]
    for code in POSITION_COLUMNS:
        label = names.get(code) or FALLBACK_LABELS[code]
        if code == "mayor":
            label = f"{label} / politisk ledelse"
        columns.append({"key": code, "label": label})
    columns.append({"key": "expert", "label": FALLBACK_LABELS["expert"]})
    return columns


def default_matrix(county, *, library_rooms: bool = True) -> dict:
    columns = default_columns(county)
    keys = [column["key"] for column in columns]
    rows = []
    for task, *values in DEFAULT_ROWS:
        if not library_rooms and task in ROOM_ONLY_TASKS:
            continue
        rows.append({"task": task, "cells": {key: value for key, value in zip(keys, values, strict=False) if value}})
    return {"columns": columns, "rows": rows}


def validate_matrix(matrix: dict) -> dict:
    """The matrix cleaned (cells only for existing columns, no empty cells), or ValidationError
    with one clear message per problem."""
    columns = [
        {"key": str(column.get("key", "")).strip(), "label": " ".join(str(column.get("label", "")).split())}
        for column in matrix.get("columns", [])
    ]
    rows = [
        {"task": " ".join(str(row.get("task", "")).split()), "cells": dict(row.get("cells") or {})}
        for row in matrix.get("rows", [])
    ]
    errors = []
    if not columns:
        errors.append(_("The role matrix needs at least one party."))
    if len(columns) > MAX_COLUMNS:
        errors.append(_("The role matrix can have at most %(count)s parties.") % {"count": MAX_COLUMNS})
    if not rows:
        errors.append(_("The role matrix needs at least one decision or task."))
    if len(rows) > MAX_ROWS:
        errors.append(_("The role matrix can have at most %(count)s decisions or tasks.") % {"count": MAX_ROWS})
    labels = [column["label"].casefold() for column in columns]
    if any(not column["label"] for column in columns):
        errors.append(_("Every party needs a name."))
    if len(set(labels)) != len(labels):
        errors.append(_("Two parties have the same name."))
    if any(len(column["label"]) > 100 for column in columns):
        errors.append(_("A party's name can be at most 100 characters."))
    keys = [column["key"] for column in columns]
    if len(set(keys)) != len(keys) or not all(keys):
        errors.append(_("The parties of the role matrix are inconsistent; reload the page and try again."))
    for number, row in enumerate(rows, start=1):
        task = row["task"]
        name = task or _("row %(number)s") % {"number": number}
        if not task:
            errors.append(_("Row %(number)s needs a decision or task.") % {"number": number})
        elif len(task) > 200:
            errors.append(_("“%(task)s”: a decision or task can be at most 200 characters.") % {"task": task[:40]})
        cells = {key: value for key, value in row["cells"].items() if key in keys and value}
        if any(value not in VALUES for value in cells.values()):
            errors.append(_("“%(task)s”: a cell can only be R, A, C, I or empty.") % {"task": name})
        accountable = sum(1 for value in cells.values() if value == ACCOUNTABLE)
        if accountable != 1:
            errors.append(
                _("“%(task)s”: choose exactly one party as Accountable (A); now %(count)s are.")
                % {"task": name, "count": accountable}
            )
        if not any(value == RESPONSIBLE for value in cells.values()):
            errors.append(_("“%(task)s”: choose at least one party as Responsible (R).") % {"task": name})
        row["cells"] = cells
    tasks = [row["task"].casefold() for row in rows if row["task"]]
    if len(set(tasks)) != len(tasks):
        errors.append(_("Two decisions or tasks have the same text."))
    if errors:
        raise ValidationError(errors)
    return {"columns": columns, "rows": rows}


def is_valid(matrix: dict) -> bool:
    try:
        validate_matrix(matrix)
    except ValidationError:
        return False
    return True
