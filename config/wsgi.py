import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

# gunicorn runs no system checks (runserver and migrate do): refuse to serve with an error among them,
# such as a missing AGREEMENT_SEAL_KEY, rather than fail at the first agreement signed.
from django.core import checks  # noqa: E402

_errors = [message for message in checks.run_checks() if message.is_serious()]
if _errors:
    raise ImproperlyConfigured("The system checks found errors:\n" + "\n".join(str(message) for message in _errors))
