from django.conf import settings
from django.db import models


class ExtraClaims(models.Model):
    """What the provider says about how a user authenticated (OpenID Connect Core 2: amr, acr)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extra_claims")
    amr = models.JSONField(default=list)
    acr = models.CharField(max_length=100, blank=True)

    class Meta:
        app_label = "oidc_provider"

    def __str__(self):
        return f"{self.user}: amr={self.amr} acr={self.acr}"
