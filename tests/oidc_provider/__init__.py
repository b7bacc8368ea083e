"""A tiny identity provider for the single sign-on tests: django-allauth's own OpenID Connect provider
(`allauth.idp.oidc`) in a Django project of its own, with its own SQLite database and users.

tests/sso/conftest.py starts it as a subprocess on a free loopback port (`serve.py`); the tests add its
users and register Fremdrift's redirect URIs through two test-only endpoints (`views.py`), then log in
through it with the authorization-code flow and PKCE as a browser would. Its adapter adds `amr`, `acr` and
`auth_time` to the ID token (allauth's provider does not emit them by itself).
"""
