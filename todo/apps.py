from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TodoConfig(AppConfig):
    name = "todo"
    verbose_name = _("To-do lists")

    def ready(self):
        from shell.start import register_start_provider

        from .selectors import start_page_provider

        register_start_provider(start_page_provider)
