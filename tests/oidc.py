"""The loopback identity provider (tests/oidc_provider) as a pytest fixture, and a helper that logs in
through it the way a browser would.

`oidc_provider` starts the provider once per test session (per xdist process: the tests that use it are
marked `xdist_group("oidc")`, so they share one) and stops it at the end. Fremdrift's side of a flow runs
in Django's test client or in the live server; the provider's side is real HTTP, with `requests`."""

import json
import os
import re
import secrets
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


@dataclass
class OIDCProvider:
    port: int
    token: str

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _post(self, path: str, data: dict) -> dict:
        response = requests.post(
            f"{self.issuer}{path}", data=json.dumps(data), headers={"X-Test-Token": self.token}, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def add_user(self, email: str, password: str, *, verified: bool = True, amr=(), acr: str = "") -> str:
        """Adds (or replaces) a user of the provider; returns their `sub`."""
        data = {"email": email, "password": password, "verified": verified, "amr": list(amr), "acr": acr}
        return self._post("/_test/user", data)["sub"]

    def register_client(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        self._post("/_test/client", {"client_id": client_id, "secret": secret, "redirect_uris": redirect_uris})


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="session")
def oidc_provider():
    with tempfile.TemporaryDirectory(prefix="fremdrift-oidc-") as folder:
        token = secrets.token_urlsafe(16)
        env = {
            **os.environ,
            "OIDC_TEST_DB": str(Path(folder) / "provider.sqlite3"),
            "OIDC_TEST_TOKEN": token,
            "OIDC_TEST_PRIVATE_KEY": _private_key_pem(),
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("OIDC_TEST_ISSUER", None)
        log = open(Path(folder) / "provider.log", "w+")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            line = ""
            while time.monotonic() < deadline:
                # select(): a provider that hangs before its first line must not hang the test run.
                ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    break
                line = process.stdout.readline()
                if line.startswith("READY ") or process.poll() is not None:
                    break
            if not line.startswith("READY "):
                log.seek(0)
                pytest.fail(f"the loopback identity provider did not start:\n{log.read()[-3000:]}")
            yield OIDCProvider(port=int(line.split()[1]), token=token)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html[:2000]
    return match.group(1)


def log_in_at_provider(authorize_url: str, *, email: str, password: str, until: str) -> str:
    """Follows the provider's pages from its authorization URL, logs in with the password there, and returns
    the URL it finally sends the browser to (Fremdrift's callback, which starts with `until`)."""
    session = requests.Session()
    url = authorize_url
    for _step in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="password"' in response.text:
            form = {"csrfmiddlewaretoken": _csrf_token(response.text), "login": email, "password": password}
            response = session.post(url, data=form, headers={"Referer": url}, allow_redirects=False, timeout=10)
            assert response.status_code == 302, unescape(response.text)[:2000]
        assert response.status_code in (301, 302), (response.status_code, unescape(response.text)[:2000])
        url = urljoin(url, response.headers["Location"])
        if url.startswith(until):
            return url
    raise AssertionError(f"the provider never sent the browser back: {url}")


def query(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
