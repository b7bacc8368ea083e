from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from documents.exports import register_export_kind

        from . import exports

        register_export_kind("outbox", exports.outbox_export)
