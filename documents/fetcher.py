"""What WeasyPrint may fetch while it renders a PDF: `data:` URLs and our own static files.

WeasyPrint fetches every URL a document names: stylesheets, fonts, images,
`<object>`/`<embed>` data, SVG `<image>`, even `<a rel="attachment">` targets,
which it embeds in the PDF. Its default fetcher reads `file:` URLs and follows
HTTP redirects, so one stray URL in a document can put `/etc/passwd` into the
PDF or make the server call an internal address. This fetcher refuses all of
that: it answers `data:` URLs and URLs under the site's static prefix, mapped
strictly onto files inside the static directories, and nothing else. Every
decision is recorded as a `Fetch` so the caller can log refusals.

This module runs inside the renderer process (documents.renderer) and does not
import Django; documents.pdf builds the `StaticFiles` from Django's settings.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

# Kept short in logs: a data: URL can be megabytes long.
LOGGED_URL_LENGTH = 200


@dataclass(frozen=True)
class Fetch:
    """One URL WeasyPrint asked for and what the fetcher did with it."""

    url: str
    allowed: bool
    reason: str


@dataclass(frozen=True)
class StaticFiles:
    """The static files a PDF may use.

    `url_prefix` is the absolute URL static files are served under (the site
    URL joined with STATIC_URL). `locations` are (prefix, directory) pairs,
    searched in order like Django's staticfiles finders: a file
    `<url_prefix><prefix>/<path>` is `<directory>/<path>`; an empty prefix
    matches every path.
    """

    url_prefix: str
    locations: tuple[tuple[str, str], ...]

    def resolve(self, url: str) -> Path | None:
        """The file `url` names, or None when it is not one of our static files."""
        relative = self._relative_path(url)
        if relative is None:
            return None
        for prefix, directory in self.locations:
            if prefix:
                if not relative.startswith(prefix + "/"):
                    continue
                path_in_directory = relative[len(prefix) + 1 :]
            else:
                path_in_directory = relative
            found = _file_inside(Path(directory), path_in_directory)
            if found is not None:
                return found
        return None

    def _relative_path(self, url: str) -> str | None:
        """The path below the static prefix, or None for any other URL or a suspicious path."""
        try:
            parts, prefix = urlsplit(url), urlsplit(self.url_prefix)
        except ValueError:
            return None
        if (parts.scheme.lower(), parts.netloc.lower()) != (prefix.scheme.lower(), prefix.netloc.lower()):
            return None
        if not parts.path.startswith(prefix.path):
            return None
        # Query and fragment are dropped (font URLs sometimes carry "?#iefix").
        relative = unquote(parts.path[len(prefix.path) :])
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        segments = relative.split("/")
        if any(segment in ("", ".", "..") for segment in segments):
            return None
        return str(PurePosixPath(*segments))


def _file_inside(directory: Path, relative: str) -> Path | None:
    """`directory/relative` if it is a regular file that really lies inside `directory` (symlinks resolved)."""
    try:
        root = directory.resolve(strict=True)
        candidate = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def make_url_fetcher(static_files: StaticFiles, on_fetch: Callable[[Fetch], None]):
    """A `weasyprint.URLFetcher` that serves `data:` URLs and `static_files`, and refuses the rest.

    WeasyPrint is imported here rather than at the top so that the application
    starts on a machine without Pango; the class is defined here because its
    base class comes from WeasyPrint. Refused URLs raise, which WeasyPrint
    reports and skips (the resource is left out; rendering goes on).
    """
    import weasyprint
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyURLFetcher(weasyprint.URLFetcher):
        def __init__(self):
            # Only data: may reach urllib; no redirect handler is installed.
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)

        def fetch(self, url, headers=None):
            shown = url[:LOGGED_URL_LENGTH]
            if url[:5].lower() == "data:":
                on_fetch(Fetch(shown, True, "data URL"))
                return super().fetch(url, headers)
            path = static_files.resolve(url)
            if path is None:
                on_fetch(Fetch(shown, False, "not a data: URL or one of the site's static files"))
                raise ValueError(f"Refused to fetch {shown}")
            on_fetch(Fetch(shown, True, f"static file {path.name}"))
            return URLFetcherResponse(url, body=path.read_bytes(), headers=_headers_for(path))

    return StaticOnlyURLFetcher()


CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


def _headers_for(path: Path) -> dict:
    # WeasyPrint only loads stylesheets served as text/css; other types it sniffs.
    return {"Content-Type": CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")}
