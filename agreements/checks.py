"""System checks for the keyed seal's key (agreements.integrity).

Without a key nothing can be sealed, so its absence is an error: `migrate`,
`runserver`, `check` and the WSGI application (config/wsgi.py) refuse to start.
`check --deploy` also warns about a key that is no secret.
"""

from django.conf import settings
from django.core import checks

GENERATE = 'Generate one with: python -c "import secrets; print(secrets.token_hex(32))" (see README, "Running it in production").'


@checks.register(checks.Tags.security)
def check_seal_key_is_set(app_configs, **kwargs):
    if settings.AGREEMENT_SEAL_KEY:
        return []
    return [
        checks.Error(
            "AGREEMENT_SEAL_KEY is not set: signed agreements cannot be sealed or verified.",
            hint=f"Set the environment variable AGREEMENT_SEAL_KEY to a long random secret kept out of the database. {GENERATE}",
            id="agreements.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_seal_key_is_secret(app_configs, **kwargs):
    key = settings.AGREEMENT_SEAL_KEY
    if not key:
        return []  # agreements.E001
    if key == settings.DEV_AGREEMENT_SEAL_KEY:
        problem = "is the development key, which is published"
    elif len(key) < 32:
        problem = "is shorter than 32 characters"
    elif key == settings.SECRET_KEY:
        problem = "is the same as DJANGO_SECRET_KEY (a leak of one would forge seals too)"
    else:
        return []
    return [
        checks.Warning(
            f"AGREEMENT_SEAL_KEY {problem}.",
            hint=f"Put the current key in AGREEMENT_SEAL_OLD_KEYS and set a new one. {GENERATE}",
            id="agreements.W001",
        )
    ]
