from django.apps import AppConfig


class OIDCProviderConfig(AppConfig):
    name = "tests.oidc_provider"
    label = "oidc_provider"
