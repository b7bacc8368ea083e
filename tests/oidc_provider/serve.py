"""Runs the loopback identity provider: `python -m tests.oidc_provider.serve` (cwd: the project root).

Creates its tables in OIDC_TEST_DB, binds a free port on 127.0.0.1, prints `READY <port>` and serves
(one thread per request) until it is terminated."""

import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - wsgiref's signature
        if os.environ.get("OIDC_TEST_VERBOSE"):
            super().log_message(format, *args)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    server = make_server("127.0.0.1", 0, lambda environ, start: app(environ, start), _ThreadingServer, _QuietHandler)
    port = server.server_address[1]
    os.environ.setdefault("OIDC_TEST_ISSUER", f"http://127.0.0.1:{port}")

    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    from django.conf import settings

    settings.OIDC_TEST_ISSUER = os.environ["OIDC_TEST_ISSUER"]
    call_command("migrate", run_syncdb=True, verbosity=0)
    app = get_wsgi_application()
    print(f"READY {port}", flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
