from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings


class TestProviderAdapter(DefaultOIDCAdapter):
    """allauth's provider, with a fixed issuer and the amr/acr/auth_time claims a test gives a user."""

    def get_issuer(self) -> str:
        return settings.OIDC_TEST_ISSUER or super().get_issuer()

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        if purpose == "id_token":
            extra = getattr(user, "extra_claims", None)
            if extra is not None and extra.amr:
                claims["amr"] = list(extra.amr)
            if extra is not None and extra.acr:
                claims["acr"] = extra.acr
            if user.last_login:
                claims["auth_time"] = int(user.last_login.timestamp())
        return claims
