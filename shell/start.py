"""The start page is every app's: each registers a provider in its AppConfig.ready().

A provider is a function (user, context: dict) -> None that adds what its app shows to the start
page's context. They run in the order of INSTALLED_APPS (accounts, which makes one section per
membership, before followup, which fills them), so a provider may read what an earlier one added.
"""

from collections.abc import Callable

START_PROVIDERS: list[Callable] = []


def register_start_provider(provider: Callable) -> None:
    if provider not in START_PROVIDERS:
        START_PROVIDERS.append(provider)


def start_context(user) -> dict:
    context = {"sections": [], "followup": {}}
    if user.is_authenticated:
        for provider in START_PROVIDERS:
            provider(user, context)
    return context
