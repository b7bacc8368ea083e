"""Ids that do not fit: in a URL, a query string or a form, a number past 64 bits (or not a number)
answers 404 or a form error on the field, never a 500 — on SQLite (OverflowError) as on PostgreSQL.

Every URL pattern of the authorization matrix is walked with a huge id in each of its id slots,
and every form its pages show gets a huge id in each of its choice fields."""

import re

import pytest
from django import forms
from django.conf import settings
from django.db import transaction
from django.test.utils import ContextList
from django.urls import URLResolver, get_resolver, reverse

from tests.authz_matrix import ROWS, world  # noqa: F401 (the fixture: one of everything)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xdist_group("malformed_ids"),
]  # the world is built once, in one process

TOO_BIG = [str(2**63), "99999999999999999999", "9" * 40]
LARGEST = str(2**63 - 1)  # fits: the view looks for it and finds nothing
SENTINEL = 918273645
NOT_A_CHOICE = "Velg et gyldig valg."


def _converters() -> dict[str, dict]:
    """URL name (with namespace) -> {kwarg: converter} of its pattern, includes and all."""
    found = {}

    def walk(resolver, namespace, inherited):
        for pattern in resolver.url_patterns:
            converters = {**inherited, **getattr(pattern.pattern, "converters", {})}
            if isinstance(pattern, URLResolver):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace, converters)
            elif pattern.name:
                found.setdefault(f"{namespace}{pattern.name}", converters)

    walk(get_resolver(), "", {})
    return found


CONVERTERS = _converters()


def _id_slots(name) -> list[str]:
    return [
        kwarg
        for kwarg, converter in CONVERTERS.get(name, {}).items()
        if re.fullmatch(r"\[0-9\]\+|\[0-9\]\{1,19\}", converter.regex)
    ]


ID_ROWS = [row for row in ROWS if _id_slots(row.name)]


def _as_staff(client, world, method, url, data=None):  # noqa: F811
    """A request as county staff, with the matrix's session for that role, in a savepoint rolled back after."""
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["county_staff"]
    savepoint = transaction.savepoint()
    try:
        return getattr(client, method)(url, data or {})
    finally:
        transaction.savepoint_rollback(savepoint)


def _url_with(row, world, slot, value) -> str:  # noqa: F811
    url = reverse(row.name, kwargs=row.url_kwargs(world) | {slot: SENTINEL})
    assert url.count(str(SENTINEL)) == 1
    return url.replace(str(SENTINEL), value)


def test_no_url_uses_the_unbounded_int_converter():
    """`<int:…>` takes any number of digits; ids take `<id:…>`, which stops at 64 bits."""
    unbounded = sorted(
        name
        for name, converters in CONVERTERS.items()
        if any(type(converter).__name__ == "IntConverter" for converter in converters.values())
    )
    assert unbounded == []


@pytest.mark.parametrize("row", ID_ROWS, ids=lambda row: row.name)
def test_every_id_slot_of_every_url_answers_404_for_an_id_that_does_not_fit(row, world, client):  # noqa: F811
    wrong = []
    for slot in _id_slots(row.name):
        for value in TOO_BIG:
            url = _url_with(row, world, slot, value)
            for method in ("get", "post"):
                status = _as_staff(client, world, method, url).status_code
                if status != 404:
                    wrong.append(f"{method.upper()} {url}: {status}")
        url = _url_with(row, world, slot, LARGEST)
        for method in ("get", "post"):
            status = _as_staff(client, world, method, url).status_code
            if status not in (403, 404, 405):  # found nothing (or refused before looking): never a 500, never a page
                wrong.append(f"{method.upper()} {url}: {status}")
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------------ forms


def _model_choice_fields(form):
    return [name for name, field in form.fields.items() if isinstance(field, forms.ModelChoiceField)]


def _forms_of(context) -> list:
    """Every form (and formset form) in the templates' contexts of a response."""
    found = {}
    if context is None:  # not a template: a file, a feed, JSON
        return []
    for each in context if isinstance(context, ContextList) else [context]:
        for value in each.flatten().values():
            if isinstance(value, forms.BaseForm):
                found[id(value)] = value
            elif isinstance(value, forms.BaseFormSet):
                found |= {id(form): form for form in value.forms}
    return list(found.values())


GET_FORMS = [row for row in ROWS if row.get.get("county_staff") == 200]


@pytest.mark.parametrize("row", GET_FORMS, ids=lambda row: row.name)
def test_every_choice_field_of_every_form_refuses_an_id_that_does_not_fit(row, world, client):  # noqa: F811
    """Each page's forms, posted (or, for filters, fetched) with a huge id in one choice field at a
    time: the page answers with the form and the error on that field."""
    url = row.url(world)
    page = _as_staff(client, world, "get", url)
    assert page.status_code == 200
    wrong = []
    for form in _forms_of(page.context):
        method = "get" if type(form).__name__.endswith("FilterForm") else "post"
        for name in _model_choice_fields(form):
            key = form.add_prefix(name)
            for value in TOO_BIG[1:2] + [LARGEST]:
                response = _as_staff(client, world, method, url, {key: [value]})
                if response.status_code not in (200, 400):  # the form again, with its errors
                    wrong.append(f"{method.upper()} {url} {key}={value}: {response.status_code}")
                    continue
                again = [f for f in _forms_of(response.context) if type(f) is type(form) and f.prefix == form.prefix]
                errors = [error for f in again for error in f.errors.get(name, [])]
                if not any(error.startswith(NOT_A_CHOICE) for error in errors):
                    wrong.append(f"{method.upper()} {url} {key}={value}: no error on the field ({errors})")
    assert not wrong, "\n".join(wrong)


HUGE = "99999999999999999999"
ERROR = f"Velg et gyldig valg. {HUGE} er ikke et av de tilgjengelige valgene."
ONE_ERROR = "Velg et gyldig valg. Valget er ikke av de tilgjengelige valgene."

MAIN_FORMS = [
    # url name, kwargs, posted data, {field: message}
    (
        "projects:project-create",
        lambda w: {},
        {
            "title": "Nytt",
            "purpose": "p",
            "start_on": "2026-01-01",
            "end_on": "2026-12-31",
            "leaders": [HUGE],
            "theme": HUGE,
        },
        {"leaders": ERROR, "theme": ONE_ERROR},
    ),
    (
        "projects:project-edit",
        lambda w: {"pk": w.project.pk},
        {"leaders": [HUGE], "follows": HUGE},
        {"leaders": ERROR, "follows": ONE_ERROR},
    ),
    (
        "followup:visit-create",
        lambda w: {"pk": w.project.pk},
        {
            "participant": HUGE,
            "planned_on": "2026-03-01",
            "status": "planned",
            "visitors": [HUGE],
            "purpose": "Befaring",
        },
        {"participant": ONE_ERROR, "visitors": ERROR},
    ),
    (
        "followup:meeting-invitees",
        lambda w: {"pk": w.project.pk, "meeting_pk": w.meeting.pk},
        {"contacts": [HUGE], "users": [HUGE]},
        {"contacts": ERROR, "users": ERROR},
    ),
    (
        "projects:participant-invite",
        lambda w: {"pk": w.project.pk},
        {"municipalities": [HUGE]},
        {"municipalities": ERROR},
    ),
]


@pytest.mark.parametrize("name, kwargs, data, expected", MAIN_FORMS, ids=[row[0] for row in MAIN_FORMS])
def test_the_main_forms_answer_a_huge_id_with_the_error_on_its_field(world, client, name, kwargs, data, expected):  # noqa: F811
    response = _as_staff(client, world, "post", reverse(name, kwargs=kwargs(world)), data)
    assert response.status_code == 200
    form = response.context["form"]
    for field, message in expected.items():
        assert form.errors[field] == [message], field
    assert ERROR in response.content.decode() or ONE_ERROR in response.content.decode()


def test_the_project_list_filters_answer_a_huge_id_with_the_error_on_its_field(world, client):  # noqa: F811
    query = {"theme": HUGE, "municipality": HUGE, "leader": HUGE}
    response = _as_staff(client, world, "get", reverse("projects:project-list"), query)
    assert response.status_code == 200
    assert {field: response.context["filters"].errors[field] for field in query} == {
        field: [ONE_ERROR] for field in query
    }
    assert world.project.title in response.content.decode()  # the filter is left out, the list is shown
    export = _as_staff(client, world, "get", reverse("projects:project-export"), query)
    assert export.status_code == 200 and world.project.title in export.content.decode("utf-8-sig")


@pytest.mark.parametrize("value", [HUGE, str(2**63), "²", "1e9", "-1", " "])
def test_ids_in_query_strings_never_give_a_500(world, client, value):  # noqa: F811
    """A malformed id in a query string is left out (the page without it) or answers 404."""
    county, project = {"number": world.county.number}, {"pk": world.project.pk}
    pages = [
        ("get", reverse("followup:visit-create", kwargs=project), {"deltaker": value}, 200),
        ("get", reverse("evaluations:correction-create", kwargs=project), {"runde": value}, 200),
        ("get", reverse("followup:followup-dashboard", kwargs=county), {"project": value}, 200),
        (
            "get",
            reverse("evaluations:lessons-log", kwargs=county),
            {"project": value, "theme": value, "id": value},
            200,
        ),
        ("get", reverse("evaluations:lessons-markdown", kwargs=county), {"id": value}, 200),
        ("get", reverse("notifications:outbox", kwargs=county), {"page": value}, 200),
        ("get", reverse("newsletters:newsletter-create", kwargs=county), {"prosjekt": value}, 404),
        ("post", reverse("followup:attachment-upload", kwargs=project), {"target": f"milestone:{value}"}, 404),
        ("post", reverse("followup:attachment-upload", kwargs=project), {"target": f"participant:{value}"}, 404),
        ("post", reverse("followup:attachment-upload", kwargs=project), {"target": f"meeting:{value}"}, 404),
    ]
    wrong = []
    for method, url, query, expected in pages:
        status = _as_staff(client, world, method, url, query).status_code
        if status != expected:
            wrong.append(f"{method.upper()} {url} {query}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def _our_form_classes():
    import importlib
    import pkgutil

    from django.apps import apps
    from django.conf import settings

    # Installed packages are not ours, even where the virtualenv sits inside the project (.venv/…/site-packages).
    ours = {
        config.name: config
        for config in apps.get_app_configs()
        if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
    }
    for config in ours.values():
        for module in pkgutil.iter_modules([config.path]):
            if "forms" in module.name:
                importlib.import_module(f"{config.name}.{module.name}")

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return {cls for cls in walk(forms.BaseForm) if cls.__module__.split(".")[0] in ours}


def test_every_model_choice_field_of_every_form_checks_its_ids():
    """Declared or made by a ModelForm: each choice of rows is one of shell.forms' fields."""
    from shell.forms import ModelChoiceField, ModelMultipleChoiceField

    unchecked = sorted(
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _our_form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, (ModelChoiceField, ModelMultipleChoiceField))
    )
    assert unchecked == []
    assert any(
        isinstance(field, ModelMultipleChoiceField) for cls in _our_form_classes() for field in cls.base_fields.values()
    )


def test_no_form_builds_its_own_model_choice_field():
    """Fields added in a form's __init__ do not show in base_fields: the source is read instead."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "tests", "bench", "var", ".git", "migrations"}
    pattern = re.compile(
        r"\bforms\.Model(Multiple)?ChoiceField\b|\bforms\.ModelForm\b|from django\.forms import [^\n]*\bModel"
    )
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skip & set(path.relative_to(root).parts)
        and path != root / "shell" / "forms.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
