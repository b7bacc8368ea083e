"""The WeasyPrint half of PDF rendering, run as a child process: `python -m documents.renderer`.

documents.pdf renders the Django template to HTML and hands it to this module
in a child process. The child imports WeasyPrint once and then serves jobs, one
at a time: each job is a length-prefixed JSON message on stdin (the HTML, the
base URL, the static files it may use and the time limit), each answer a
length-prefixed JSON message on stdout: the PDF (base64) and every fetch
WeasyPrint attempted, so the parent can log them. It imports no Django, so it
holds no settings or database connections.

Every job runs under `alarm(time limit + 1)` with the default action: the kernel
ends the process in the middle of layout if a hostile document would run on,
even if the parent is gone. The parent also stops waiting at the time limit
and kills the child; the next document starts a new one.

Exit codes: 3 WeasyPrint cannot be imported here (no Pango); 0 when stdin closes.
"""

import base64
import json
import signal
import sys

from documents.fetcher import Fetch, StaticFiles, make_url_fetcher

# PDF/A-2 level A: archival (fonts embedded, sRGB output intent, document ID,
# XMP metadata) and tagged. In WeasyPrint 70 "pdf/a-2a" and "pdf/ua-1" give the
# same structure tree, /MarkInfo, /Lang and DisplayDocTitle, but WeasyPrint writes
# one conformance claim per file: write_pdf adds the PDF/UA-1 identifier to the same
# XMP packet itself (with the extension schema PDF/A asks for every non-standard
# property), and describes each link annotation by its text.
PDF_VARIANT = "pdf/a-2a"

EXIT_NO_WEASYPRINT = 3

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"


def add_pdfua_identifier(rdf_xml: bytes) -> bytes:
    """`rdf_xml` (one rdf:RDF element) with pdfuaid:part=1 and its PDF/A extension schema description."""
    from xml.etree.ElementTree import SubElement, fromstring, register_namespace, tostring

    for prefix, uri in (
        ("pdfuaid", PDFUAID),
        ("pdfaExtension", PDFA_EXTENSION),
        ("pdfaSchema", PDFA_SCHEMA),
        ("pdfaProperty", PDFA_PROPERTY),
    ):
        register_namespace(prefix, uri)
    rdf = fromstring(rdf_xml)
    SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": "", f"{{{PDFUAID}}}part": "1"})
    extension = SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    schemas = SubElement(SubElement(extension, f"{{{PDFA_EXTENSION}}}schemas"), f"{{{RDF}}}Bag")
    schema = SubElement(schemas, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    for name, text in (("schema", "PDF/UA Universal Accessibility Schema"), ("namespaceURI", PDFUAID)):
        SubElement(schema, f"{{{PDFA_SCHEMA}}}{name}").text = text
    SubElement(schema, f"{{{PDFA_SCHEMA}}}prefix").text = "pdfuaid"
    properties = SubElement(SubElement(schema, f"{{{PDFA_SCHEMA}}}property"), f"{{{RDF}}}Seq")
    part = SubElement(properties, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    for name, text in (
        ("name", "part"),
        ("valueType", "Integer"),
        ("category", "internal"),
        ("description", "Indicates, which part of ISO 14289 standard is followed"),
    ):
        SubElement(part, f"{{{PDFA_PROPERTY}}}{name}").text = text
    return tostring(rdf, encoding="utf-8")


def link_description(element) -> str:
    """What a link annotation says to a screen reader: the link's label or its text, never its target."""
    if element is None:
        return ""
    label = element.get("aria-label") or element.get("title") or " ".join("".join(element.itertext()).split())
    return label.strip()


def _describe_links(document, pdf) -> None:
    import pydyf

    for page in document.pages:
        for _link_type, _target, _rectangle, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            description = link_description(getattr(box, "element", None))
            if annotation is not None and description:
                annotation["Contents"] = pydyf.String(description)


def write_pdf(html: str, *, base_url: str, static_files: StaticFiles) -> tuple[bytes, list[Fetch]]:
    """Render `html` with WeasyPrint, fetching only `data:` URLs and `static_files`."""
    import weasyprint
    from weasyprint.pdf.metadata import DocumentMetadata

    class UniversalAccessMetadata(DocumentMetadata):
        def generate_rdf_metadata(self, variant, version, conformance):
            return add_pdfua_identifier(super().generate_rdf_metadata(variant, version, conformance))

    fetches: list[Fetch] = []
    document = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=make_url_fetcher(static_files, fetches.append)
    ).render(pdf_variant=PDF_VARIANT)
    metadata = UniversalAccessMetadata()
    metadata.__dict__.update(vars(document.metadata))
    document.metadata = metadata
    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=_describe_links), fetches


def read_message(stream) -> dict | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    return json.loads(stream.read(int(header)))


def write_message(stream, message: dict) -> None:
    body = json.dumps(message).encode()
    stream.write(b"%08d" % len(body) + body)
    stream.flush()


def serve(stdin, stdout) -> int:
    try:
        import weasyprint  # noqa: F401 - imported once, for every job this child serves
    except (ImportError, OSError) as exc:
        print(f"WeasyPrint cannot be imported: {exc}", file=sys.stderr)
        return EXIT_NO_WEASYPRINT
    write_message(stdout, {"ready": True})
    while (job := read_message(stdin)) is not None:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # no handler: the kernel ends the process
        signal.alarm(max(1, int(job["timeout"])) + 1)
        static_files = StaticFiles(
            url_prefix=job["static_url_prefix"],
            locations=tuple((prefix, directory) for prefix, directory in job["static_locations"]),
        )
        try:
            pdf, fetches = write_pdf(job["html"], base_url=job["base_url"], static_files=static_files)
        except Exception as exc:  # one broken document must not end the child: report it and go on
            signal.alarm(0)
            write_message(stdout, {"error": f"{type(exc).__name__}: {exc}"})
            continue
        signal.alarm(0)
        write_message(
            stdout,
            {
                "pdf": base64.b64encode(pdf).decode("ascii"),
                "fetches": [{"url": f.url, "allowed": f.allowed, "reason": f.reason} for f in fetches],
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
