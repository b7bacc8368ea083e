from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletters"
    verbose_name = _("Infobrev and public pages")

    def ready(self):
        from shell.start import register_start_provider

        from .selectors import public_start_provider

        register_start_provider(public_start_provider, public=True)
