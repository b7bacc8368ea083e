"""Browser harness: Playwright drives a real Chromium against the live test server.

Chromium comes from CHROMIUM_PATH or the PATH. Without it these tests skip with
a reason, unless FREMDRIFT_CI is set (CI), where that is a failure.

Journeys run with the Content-Security-Policy enforced and fail on any
violation the browser reports. Accessibility scans run axe-core in the journey's
own page as the user has it (evaluated through the DevTools protocol, which the
policy does not govern) and fail on any serious or critical finding. Full-page
screenshots of the scanned pages are kept in var/screenshots/ with
FREMDRIFT_SCREENSHOTS=1; a failed journey always leaves one.

Every page a journey settles on is saved (`var/html/<module>/<test>-<n>.html`, the DOM as the browser
holds it) and, when the module's journeys are done, the Nu HTML Checker (vnu, from npm, run by Java)
checks them all in one run; the module's last test fails on any error. Without Java that check skips
with a reason (a failure under FREMDRIFT_CI).
"""

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent.parent
AXE_SCRIPT = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only violations are reported in full: axe then skips building the passes (a third of the time).
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
SCREENSHOTS_WANTED = os.environ.get("FREMDRIFT_SCREENSHOTS") == "1"
# htmx marks an element `htmx-request` while its request runs, then `htmx-swapping` and
# `htmx-settling` until `htmx:afterSettle`; parts loaded with data-hx-trigger="load" start before
# the load event, so "loaded and settled" is the load event plus none of these classes left.
HTMX_SETTLED = (
    "() => document.readyState === 'complete'"
    " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
)
FAILURES = BASE_DIR / "var" / "browser-failures"
HTML_PAGES = BASE_DIR / "var" / "html"
VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120]


class SavedPages:
    """The HTML pages a module's browser tests saw, each saved once (the same HTML twice is one file),
    with the address it was read at."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.urls: dict[Path, str] = {}
        self._seen: set[str] = set()
        shutil.rmtree(folder, ignore_errors=True)

    def save(self, name: str, url: str, html: str) -> Path | None:
        digest = hashlib.sha256(html.encode()).hexdigest()
        if digest in self._seen:
            return None
        self._seen.add(digest)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{_file_name(name)}-{len(self.urls) + 1}.html"
        path.write_text(html, encoding="utf-8")
        self.urls[path] = url
        return path

    def save_page(self, name: str, page) -> Path | None:
        """The DOM of a Playwright page as it is now, if it is an HTML document (not a PDF or an image).
        A page that has just begun to navigate (a key press's navigation can start after the wait for the
        load event returned) is read once it has loaded; saving never fails a journey."""
        from playwright.sync_api import Error as PlaywrightError

        for _ in range(3):
            try:
                if page.evaluate("() => document.contentType") != "text/html":
                    return None
                return self.save(name, page.url, page.content())
            except PlaywrightError:
                try:
                    page.wait_for_load_state("load")
                except PlaywrightError:
                    pass
        return None

    def vnu_errors(self) -> list[str]:
        """The Nu HTML Checker's errors over every saved page, from one run: "file line N: message (url)"."""
        if not self.urls:
            return []
        java = shutil.which("java")
        if java is None:
            skip_or_fail("No Java found to run the Nu HTML Checker: install Debian's default-jre-headless")
        if not VNU_JAR.exists():
            skip_or_fail("The Nu HTML Checker (vnu-jar) is missing: run `npm ci`")
        # The client compiler alone and a serial collector start the JVM in about a third of the time; the
        # schema's deep recursion then needs a bigger thread stack than the default.
        jvm = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
        command = [java, *jvm, "-jar", str(VNU_JAR), "--errors-only", "--no-langdetect", "--exit-zero-always"]
        result = subprocess.run(
            [*command, "--stdout", "--format", "json", *map(str, self.urls)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        try:
            messages = json.loads(result.stdout)["messages"]
        except (ValueError, KeyError):
            raise AssertionError(f"vnu gave no report: {result.stdout[-500:]} {result.stderr[-2000:]}") from None
        by_path = {str(path.resolve()): path for path in self.urls}
        errors = []
        for message in messages:
            if message.get("type") not in ("error", "non-document-error"):
                continue
            path = by_path.get("/" + unquote(message.get("url", "").removeprefix("file:")).lstrip("/"))
            where = f"{path.name} line {message.get('lastLine', '?')}" if path else message.get("url", "?")
            extract = re.sub(r"\s+", " ", message.get("extract", "")).strip()[:120]
            errors.append(f"{where}: {message['message']} [{extract}] ({self.urls.get(path, '?')})")
        return errors


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined"


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def totp_now(secret: str) -> str:
    """The current code, taken early enough in its 30-second window that a slow machine still submits it
    inside the window (allauth allows no drift)."""
    if 30 - time.time() % 30 < 8:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        skip_or_fail("No Chromium found: install Debian's chromium or set CHROMIUM_PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Journey:
    """A user's trip through the pages, with the checks every journey makes."""

    def __init__(self, browser, base_url: str, name: str, pages: SavedPages | None = None):
        self.browser = browser
        self.base_url = base_url
        self.name = name
        self.pages = pages
        self.csp_violations: list[str] = []
        self.scanned: list[str] = []
        self.context = browser.new_context(base_url=base_url, locale="nb-NO")
        self.context.expose_binding("__fremdriftCspViolation", lambda _source, text: self.csp_violations.append(text))
        self.context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "window.__fremdriftCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));"
        )
        self.page = self.context.new_page()
        # Parts of some pages load right after the page (htmx): "loaded" means those too.
        load = self.page.wait_for_load_state
        self.page.wait_for_load_state = lambda state=None, **kwargs: (
            self.settle(**kwargs) if state in (None, "networkidle") else load(state, **kwargs)
        )
        self._load = load
        self.page.on(
            "console",
            lambda message: (
                self.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def settle(self, timeout: float | None = None) -> None:
        """Waits for the page's load event and then for htmx to finish: no request in flight and
        nothing swapping or settling (the classes htmx sets until `htmx:afterSettle`). A click that
        starts a navigation has already committed it when Playwright's click returns."""
        self._load("load", timeout=timeout)
        self.page.wait_for_function(HTMX_SETTLED, timeout=timeout)
        if self.pages is not None:
            self.pages.save_page(self.name, self.page)

    def goto(self, path: str):
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        self.settle()
        return response

    def login(self, email: str, password: str, *, totp_secret: str | None = None) -> None:
        self.goto("/konto/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_load_state()
        if totp_secret:
            self.page.fill("input[name=code]", totp_now(totp_secret))
            self.page.locator("main form button[type=submit]").first.click()
            self.page.wait_for_load_state()
        assert "/konto/login/" not in self.page.url, f"login as {email} failed: {self.page.url}"

    def logout(self) -> None:
        self.context.clear_cookies()

    def screenshot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', self.name)}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def scan(self, label: str = "") -> None:
        """axe-core on the current page as the user has it now (after any htmx swaps), in the journey's own
        page; fails on serious or critical findings. axe is evaluated through the DevTools protocol, which the
        page's Content-Security-Policy does not govern, so the journey keeps watching for CSP violations.
        With FREMDRIFT_SCREENSHOTS=1 each scanned page is also saved as a full-page screenshot."""
        if not AXE_SCRIPT.exists():
            skip_or_fail("axe-core is missing: run `npm ci`")
        if SCREENSHOTS_WANTED:
            self.screenshot(label or f"page{len(self.scanned)}")
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(_axe_source())
        result = self.page.evaluate(AXE_RUN, AXE_TAGS)
        findings = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        self.scanned.append(self.page.url)
        assert not findings, f"axe on {self.page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:5]]}" for v in findings
        )

    def save_failure(self) -> Path:
        """The page as it was when the test failed: a full-page screenshot and its HTML."""
        folder = FAILURES / re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name)
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / "page.png"), full_page=True)
        (folder / "page.html").write_text(f"<!-- {self.page.url} -->\n{self.page.content()}", encoding="utf-8")
        return folder

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module", autouse=True)
def saved_pages(request):
    """The pages this module's journeys settled on; once its tests are done, vnu checks them in one run."""
    pages = SavedPages(HTML_PAGES / request.module.__name__.rsplit(".", 1)[-1])
    yield pages
    errors = pages.vnu_errors()
    assert not errors, f"the Nu HTML Checker found {len(errors)} errors on {len(pages.urls)} pages:\n" + "\n".join(
        errors
    )


@pytest.fixture
def journey(browser, live_server, request, saved_pages):
    trip = Journey(browser, live_server.url, request.node.name, saved_pages)
    yield trip
    trip.close()
    assert not trip.csp_violations, f"Content-Security-Policy violations: {trip.csp_violations}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist a module's journeys run in one process (`--dist loadgroup`), so each process starts Chromium
    and the live server once per module it takes, and the modules share the cores."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed journey, saves the page (screenshot and HTML) while it is still open, and says where."""
    outcome = yield
    report = outcome.get_result()
    trip = getattr(item, "funcargs", {}).get("journey")
    if report.when == "call" and report.failed and isinstance(trip, Journey):
        try:
            folder = trip.save_failure()
        except Exception as error:  # a crashed browser must not hide the test's own failure
            report.sections.append(("browser page", f"could not save the page: {error!r}"))
        else:
            report.sections.append(("browser page", f"screenshot and HTML of {trip.page.url} in {folder}"))
