"""The start page is every app's: each registers a provider in its AppConfig.ready().

A provider is a function (user, context: dict) -> None that adds what its app shows to the start
page's context. They run in the order of INSTALLED_APPS (accounts, which makes one section per
membership, before followup, which fills them), so a provider may read what an earlier one added.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string

from .freshness import kept

START_PROVIDERS: list[Callable] = []
PUBLIC_START_PROVIDERS: list[Callable] = []  # the same, for visitors who are not logged in


def register_start_provider(provider: Callable, *, public: bool = False) -> None:
    providers = PUBLIC_START_PROVIDERS if public else START_PROVIDERS
    if provider not in providers:
        providers.append(provider)


def start_context(user) -> dict:
    context = {"sections": [], "followup": {}}
    for provider in START_PROVIDERS if user.is_authenticated else PUBLIC_START_PROVIDERS:
        provider(user, context)
    return context


def start_body(request) -> str:
    """A signed-in user's start page below the menu, kept (`shell.freshness.kept`) until the data changes."""
    user = request.user
    return kept(
        request,
        "start",
        lambda: render_to_string("shell/partials/_start_body.html", start_context(user) | {"user": user}),
    )


@dataclass(frozen=True)
class Task:
    """One line of a start page's to-do list ("Dine oppgaver"): what to do, by when, and the address
    of the form that does it. Every app that knows a kind of task turns its rows into these."""

    text: str
    url: str
    due_on: date | None = None  # None: it waits now (a failed e-mail, a letter to review)
    detail: str = ""  # where it belongs: project, municipality, or who asked
    due_label: str = ""  # "meeting": the date is when it takes place, not a deadline
    lines: tuple[str, ...] = ()  # a short summary under the line (a report's headline figures)

    def is_late(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today


def task_order(today: date):
    """Most urgent first: late ones (the oldest first), then what waits now (no date), then by deadline."""

    def key(task: Task):
        if task.due_on is None:
            return (1, today, task.text)
        return (0 if task.due_on < today else 2, task.due_on, task.text)

    return key


def _as_is(queryset):
    return queryset


@dataclass(frozen=True)
class TaskSource:
    """One kind of task, as the app that knows it offers it: `rows` (one row per task, no aggregate, no
    distinct: the menu's badge counts every source in one query), what the list reads of them
    (`listed`: joins and order), and how the rows it read become tasks (`tasks(rows, total)`).
    A `single` source makes one task of all its rows ("3 e-mails could not be sent")."""

    key: str
    rows: object  # a QuerySet
    tasks: Callable
    listed: Callable = field(default=_as_is)
    limit: int = 10
    more_url: str = ""  # "vis alle", when there are more than `limit`
    more_label: str = ""  # what "vis alle" shows ("all open milestones")
    single: bool = False
    news: str = ""  # the heading of something to know, not to do: listed apart, not counted in the badge
