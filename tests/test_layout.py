"""The layout of README's table holds: an app imports only the apps below it (imports inside
functions count too), so there is no circle between apps."""

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# From the top down, as in README's "Layout" table; config and demo may import everything.
ORDER = [
    "todo",
    "archive",
    "reports",
    "newsletters",
    "evaluations",
    "agreements",
    "planning",
    "followup",
    "projects",
    "accounts",
    "notifications",
    "municipalities",
    "documents",
    "shell",
]
# Apps on the same floor of the table that may not import each other.
SIBLINGS = [{"evaluations", "agreements"}]


def _imports(app: str) -> dict[str, set[str]]:
    """{imported app: {file, …}} for every import of another of our apps in `app` (migrations excepted)."""
    found = {}
    for path in (BASE_DIR / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in ORDER and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(BASE_DIR)))
    return found


def test_every_app_imports_only_the_apps_below_it():
    wrong = []
    for position, app in enumerate(ORDER):
        above = set(ORDER[: position + 1])
        for sibling in SIBLINGS:
            if app in sibling:
                above |= sibling
        for imported, files in _imports(app).items():
            if imported in above:
                wrong.append(f"{app} imports {imported} (above or beside it): {sorted(files)}")
    assert not wrong, "\n".join(wrong)


def test_the_table_names_every_app():
    apps = {path.parent.name for path in BASE_DIR.glob("*/apps.py")}
    assert apps - {"demo"} == set(ORDER)
