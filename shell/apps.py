from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "shell"
    verbose_name = _("Page shell")

    def ready(self):
        from django.urls import register_converter

        from . import checks, freshness  # noqa: F401  (checks registers the check of an old database)
        from .ids import IdConverter

        # `<id:pk>` in every urls.py: before any URLconf is loaded (they are loaded on first use).
        register_converter(IdConverter, "id")
        freshness.install()
