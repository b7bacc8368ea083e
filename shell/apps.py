from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "shell"
    verbose_name = _("Page shell")

    def ready(self):
        from . import checks  # noqa: F401  (registers the check of an old database)
