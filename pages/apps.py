from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from .ids import IdConverter

        # `<id:pk>` in every urls.py: before any URLconf is loaded (they are loaded on first use).
        register_converter(IdConverter, "id")
