from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def county_controllers():
    """Each county using the installation is the controller of its personal data (for the privacy notice)."""
    from .models import County

    return County.objects.order_by("number").values_list("name", "sender_email")


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Municipalities")

    def ready(self):
        from shell.statements import register_controller_source

        register_controller_source(county_controllers)
