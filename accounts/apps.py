from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from shell.start import register_start_provider

        from .selectors import start_page_provider

        register_start_provider(start_page_provider)
