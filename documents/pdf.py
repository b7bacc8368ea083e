"""Django templates to PDF documents, rendered by WeasyPrint in a child process with a time limit.

    pdf = render_pdf("pdf/municipality_factsheet.html", context, title=..., lang="nb")

Templates extend `pdf/base.html` (A4, page numbers, header and footer slots,
repeating table headers, the app's own DejaVu fonts). User-written text goes
into them only as template variables (escaped) or through `|markdown`
(sanitised); it is never compiled as a template.

Why a child process (`python -m documents.renderer`, kept running between
documents; see `_Renderer`) and not a thread, a multiprocessing pool or a
Celery time limit:

- a time limit must stop WeasyPrint in the middle of layout, which runs for
  long stretches inside Pango and HarfBuzz. Only killing a process does that;
  Celery's soft time limit is a signal that Python code must be running to
  notice, and its hard limit kills the whole worker child;
- PDFs are made both in web requests and in Celery workers. Celery's prefork
  children are daemonic, and `multiprocessing` refuses to start children from
  daemonic processes; forking a threaded web server is unsafe. `subprocess`
  behaves the same everywhere;
- the child is a fresh interpreter without Django: it shares no database
  connections or locks with the parent, and a crash in a C library (or
  running out of memory) takes down only the child.

Starting an interpreter and importing WeasyPrint costs about 0.7 s; each process
pays it once, for its first document. PDF_RENDER_TIMEOUT (seconds) limits each document.
"""

import base64
import io
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .fetcher import StaticFiles
from .renderer import EXIT_NO_WEASYPRINT

logger = logging.getLogger("documents.pdf")

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
DATA_URL_MAX_BYTES = 2 * 1024 * 1024


class DocumentError(Exception):
    """A document could not be made. The message is fit to show to the user."""


def render_pdf(template_name: str, context: dict, *, title: str, lang: str = "nb") -> bytes:
    """Render `template_name` (extending pdf/base.html) with `context` to an A4, tagged PDF/A-2a.

    `title` becomes the HTML <title> and the PDF's title; `lang` the document
    language (<html lang>, the PDF's /Lang) and the language the template is
    translated into. Raises DocumentError on timeout or failure.
    """
    with translation.override(lang):
        html = render_to_string(template_name, {**context, "title": title, "lang": lang})
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """Turn a complete HTML document into PDF bytes in a child process, within PDF_RENDER_TIMEOUT.

    Only `data:` URLs and the site's static files are fetched (documents.fetcher);
    every refused fetch is logged as a warning on the `documents.pdf` logger.
    """
    timeout = settings.PDF_RENDER_TIMEOUT
    static_files = static_files_for_pdf()
    job = {
        "html": html,
        # Relative URLs resolve against the site: links in the PDF lead to it, and
        # `{% static %}` URLs land under the prefix the fetcher serves from disk.
        "base_url": settings.SITE_URL + "/",
        "static_url_prefix": static_files.url_prefix,
        "static_locations": static_files.locations,
        "timeout": timeout,
    }
    result = _renderer().render(job, timeout=timeout)
    for fetch in result["fetches"]:
        if fetch["allowed"]:
            logger.debug("PDF fetched %s (%s)", fetch["url"], fetch["reason"], extra={"pdf_url": fetch["url"]})
        else:
            logger.warning("PDF fetch refused: %s (%s)", fetch["url"], fetch["reason"], extra={"pdf_url": fetch["url"]})
    return base64.b64decode(result["pdf"])


class _Renderer:
    """One long-lived `python -m documents.renderer` child per process, started on first use.

    Starting an interpreter and importing WeasyPrint costs about 0.7 s; a child
    that serves job after job pays it once. A job that overruns its time limit,
    or a child that dies, is killed and forgotten: the next document starts a
    fresh child. The lock keeps one job at a time on the pipe.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.process = None
        self.pid = None  # the process that started the child: a forked copy must start its own

    def _start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "documents.renderer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )
        self.pid = os.getpid()
        reply = self._read(timeout=60)
        if reply is None or not reply.get("ready"):
            returncode, stderr = self._stop()
            logger.error("The PDF renderer did not start (exit code %s): %s", returncode, stderr)
            if returncode == EXIT_NO_WEASYPRINT:
                raise DocumentError(_("Documents cannot be made on this server at the moment."))
            raise DocumentError(_("The document could not be made."))

    def _read(self, *, timeout: float) -> dict | None:
        """The child's next message, or None if it did not come within `timeout` or the child ended."""
        deadline = time.monotonic() + timeout
        stream = self.process.stdout
        header = self._read_exactly(stream, 8, deadline)
        if header is None:
            return None
        body = self._read_exactly(stream, int(header), deadline)
        return None if body is None else json.loads(body)

    @staticmethod
    def _read_exactly(stream, size: int, deadline: float) -> bytes | None:
        chunks, remaining = [], size
        descriptor = stream.fileno()
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([descriptor], [], [], wait)[0]:
                return None
            chunk = os.read(descriptor, remaining)
            if not chunk:
                return None  # the child ended
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _stop(self) -> tuple[int | None, str]:
        """Kills the child (if it still runs); returns its exit code and the end of its error output."""
        process, self.process = self.process, None
        if process is None:
            return None, ""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        return process.returncode, process.stderr.read().decode(errors="replace")[-2000:]

    def render(self, job: dict, *, timeout: float) -> dict:
        with self.lock:
            if self.process is None or self.process.poll() is not None or self.pid != os.getpid():
                self.process = None
                self._start()
            body = json.dumps(job).encode()
            try:
                self.process.stdin.write(b"%08d" % len(body) + body)
                self.process.stdin.flush()
            except BrokenPipeError:
                self._stop()
                raise DocumentError(_("The document could not be made.")) from None
            reply = self._read(timeout=timeout)
            if reply is None:
                returncode, stderr = self._stop()
                logger.warning(
                    "PDF rendering was stopped after the time limit of %s seconds (exit code %s). %s",
                    timeout,
                    returncode,
                    stderr,
                )
                raise DocumentError(_("Making the document took too long, so it was stopped."))
            if "error" in reply:
                logger.error("PDF rendering failed: %s", reply["error"])
                raise DocumentError(_("The document could not be made."))
            return reply


_RENDERER = _Renderer()


def _renderer() -> _Renderer:
    return _RENDERER


def static_files_for_pdf() -> StaticFiles:
    """The static files PDFs may use: what Django's staticfiles finders find, then STATIC_ROOT.

    The directories are taken from the two standard finders (the same order
    `finders.find` searches them); STATIC_ROOT comes last for the hashed names
    the manifest storage gives `{% static %}` in production.
    """
    locations = []
    for finder in finders.get_finders():
        if isinstance(finder, finders.FileSystemFinder):
            locations += [(prefix, str(root)) for prefix, root in finder.locations]
        elif isinstance(finder, finders.AppDirectoriesFinder):
            locations += [("", str(storage.location)) for storage in finder.storages.values()]
    if settings.STATIC_ROOT:
        locations.append(("", str(settings.STATIC_ROOT)))
    return StaticFiles(url_prefix=urljoin(settings.SITE_URL + "/", settings.STATIC_URL), locations=tuple(locations))


def image_data_url(field_file) -> str | None:
    """A `data:` URL holding an uploaded PNG or JPEG, or None when absent, unreadable or not such an image.

    Documents embed uploads this way, never by file path or media URL, so the
    fetcher never has to reach the media folder.
    """
    if not field_file:
        return None
    try:
        with field_file.open("rb") as image_file:
            data = image_file.read(DATA_URL_MAX_BYTES + 1)
    except (OSError, ValueError):
        logger.warning("Image %s could not be read for a document", field_file.name)
        return None
    if len(data) > DATA_URL_MAX_BYTES:
        logger.warning("Image %s is too large for a document", field_file.name)
        return None
    media_type = IMAGE_TYPES.get(_image_format(data))
    if media_type is None:
        logger.warning("Image %s is not a PNG or JPEG image", field_file.name)
        return None
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _image_format(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
