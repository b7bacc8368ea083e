"""The WeasyPrint half of PDF rendering, run as a child process: `python -m documents.renderer`.

documents.pdf renders the Django template to HTML and starts this module with
a time limit. It reads one job as JSON on stdin (the HTML, the base URL and the
static files it may use) and writes one JSON answer to stdout: the PDF
(base64) and every fetch WeasyPrint attempted, so the parent can log them.
It imports no Django: the child starts quickly and holds no settings or
database connections.

Exit codes: 0 done, 3 WeasyPrint cannot be imported here (no Pango), 1 any other failure.
"""

import base64
import json
import resource
import sys

from documents.fetcher import Fetch, StaticFiles, make_url_fetcher

# PDF/A-2 level A: archival (fonts embedded, sRGB output intent, document ID,
# XMP metadata) and tagged. In WeasyPrint 70 "pdf/a-2a" and "pdf/ua-1" give the
# same structure tree, /MarkInfo, /Lang and DisplayDocTitle; only PDF/A claims
# archival conformance, and WeasyPrint writes one conformance claim per file.
PDF_VARIANT = "pdf/a-2a"

EXIT_NO_WEASYPRINT = 3


def write_pdf(html: str, *, base_url: str, static_files: StaticFiles) -> tuple[bytes, list[Fetch]]:
    """Render `html` with WeasyPrint, fetching only `data:` URLs and `static_files`."""
    import weasyprint

    fetches: list[Fetch] = []
    document = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=make_url_fetcher(static_files, fetches.append)
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT), fetches


def limit_cpu_time(seconds: int) -> None:
    """Let the kernel end this process if it outlives its time limit.

    The parent kills the child when the limit passes; this covers the case
    where the parent itself is killed first (a web worker timeout) and would
    otherwise leave an orphan rendering a hostile document for ever.
    """
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = max(1, seconds) + 1
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def main() -> int:
    job = json.load(sys.stdin)
    limit_cpu_time(job["timeout"])
    try:
        import weasyprint  # noqa: F401 - only to tell "not installed" from other failures
    except (ImportError, OSError) as exc:
        print(f"WeasyPrint cannot be imported: {exc}", file=sys.stderr)
        return EXIT_NO_WEASYPRINT
    static_files = StaticFiles(
        url_prefix=job["static_url_prefix"],
        locations=tuple((prefix, directory) for prefix, directory in job["static_locations"]),
    )
    pdf, fetches = write_pdf(job["html"], base_url=job["base_url"], static_files=static_files)
    json.dump(
        {
            "pdf": base64.b64encode(pdf).decode("ascii"),
            "fetches": [{"url": f.url, "allowed": f.allowed, "reason": f.reason} for f in fetches],
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
