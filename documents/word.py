"""Django templates to Word documents (.docx), from the same templates as the PDFs.

    docx = render_docx("pdf/agreement.html", context, title=..., lang="nb")

The template (extending pdf/base.html) is rendered to HTML exactly as for the PDF; its running header
(`.pdf-header`, with the county's letterhead image when there is one) becomes the header of every
page, its footer (`.pdf-footer`, or `footer` when given) the footer of every page, and `<main>`
the body: headings, paragraphs, lists and tables, bold and italic. Everything else (styles,
scripts, SVG charts, images in the body) is left out. User text reached the HTML only escaped or
through the sanitised `|markdown` filter, and it goes into the document only as text: there is no
field, macro or link in a .docx from here but the page numbers.
"""

import base64
import binascii
import io
import re

from django.template.loader import render_to_string
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Characters XML 1.0 does not allow (Word refuses a file holding them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "dl", "hr", "div"}
_SKIPPED = {"style", "script", "svg", "img", "head", "template", "button", "form", "noscript"}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)$")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def _text(element) -> str:
    """An element's visible text on one line."""
    return _SPACE.sub(" ", _clean(element.text_content())).strip()


def render_docx(template_name: str, context: dict, *, title: str, lang: str = "nb", footer: str | None = None) -> bytes:
    """Render `template_name` (a PDF template) with `context` and turn it into .docx bytes.

    `footer`, when given, replaces the template's footer on every page.
    """
    with translation.override(lang):
        html = render_to_string(template_name, {**context, "title": title, "lang": lang})
    return html_to_docx(html, title=title, lang=lang, footer=footer)


def html_to_docx(html: str, *, title: str = "", lang: str = "nb", footer: str | None = None) -> bytes:
    """A complete HTML document (as pdf/base.html makes them) as .docx bytes."""
    tree = lxml_html.document_fromstring(html)
    document = Document()
    document.core_properties.title = _clean(title)
    document.core_properties.language = lang
    document.core_properties.author = "Fremdrift"
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)

    header = tree.find_class("pdf-header")
    if header:
        _header(section.header.paragraphs[0], header[0])
    if footer is None:
        found = tree.find_class("pdf-footer")
        footer = _text(found[0]) if found else ""
    _footer(section.footer.paragraphs[0], footer)

    main = tree.find(".//main")
    _Writer(document).blocks(main if main is not None else tree.body)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _header(paragraph: Paragraph, element) -> None:
    for image in element.iter("img"):
        match = _DATA_IMAGE.match(image.get("src", ""))
        if match:
            try:
                data = base64.b64decode(match.group(2), validate=False)
                paragraph.add_run().add_picture(io.BytesIO(data), height=Cm(1.5))
                paragraph.add_run().add_break()
            except (binascii.Error, ValueError, OSError, ZeroDivisionError):
                pass  # a broken letterhead costs the picture, not the document
            break
    paragraph.add_run(_text(element))


def _footer(paragraph: Paragraph, text: str) -> None:
    """The footer's text, then the page number (a PAGE field) on its right."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    paragraph.add_run(_clean(text))
    paragraph.add_run(" · ")
    run = paragraph.add_run()
    for kind, value in (("begin", None), ("instr", " PAGE "), ("end", None)):
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = value
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


class _Writer:
    def __init__(self, document):
        self.document = document

    # ------------------------------------------------------------------ blocks

    def blocks(self, element, *, list_level: int = 0) -> None:
        """The block children of `element`; loose inline content between them becomes paragraphs."""
        pending: list = []  # inline nodes and text waiting for a paragraph
        if element.text and element.text.strip():
            pending.append(element.text)
        for child in element:
            if not isinstance(child.tag, str) or child.tag in _SKIPPED:
                if isinstance(child.tag, str) and child.tail and child.tail.strip():
                    pending.append(child.tail)
                continue
            if child.tag in _BLOCKS or child.tag in {"section", "article", "main", "header", "footer", "aside"}:
                self._flush(pending)
                pending = []
                self.block(child, list_level=list_level)
                if child.tail and child.tail.strip():
                    pending.append(child.tail)
            else:
                pending.append(child)
        self._flush(pending)

    def _flush(self, pending: list) -> None:
        if not pending:
            return
        paragraph = self.document.add_paragraph()
        for item in pending:
            if isinstance(item, str):
                self._run(paragraph, item)
            else:
                self.inline(paragraph, item, include_tail=True)
        _trim(paragraph)

    def block(self, element, *, list_level: int = 0) -> None:
        tag = element.tag
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.document.add_heading(_text(element), level=int(tag[1]))
        elif tag == "p":
            paragraph = self.document.add_paragraph()
            if "pdf-subtitle" in (element.get("class") or ""):
                paragraph.style = self.document.styles["Subtitle"]
            self.inline_children(paragraph, element)
        elif tag in {"ul", "ol"}:
            self.list(element, ordered=tag == "ol", level=list_level)
        elif tag == "table":
            self.table(element)
        elif tag == "blockquote":
            paragraph = self.document.add_paragraph(style="Quote")
            self.inline_children(paragraph, element)
        elif tag == "pre":
            paragraph = self.document.add_paragraph()
            paragraph.add_run(_clean(element.text_content())).font.name = "Courier New"
        elif tag == "dl":
            for child in element:
                if child.tag == "dt":
                    self.document.add_paragraph().add_run(_text(child)).bold = True
                elif child.tag == "dd":
                    self.inline_children(self.document.add_paragraph(), child)
        elif tag == "hr":
            return
        else:  # div, section, article: their content
            self.blocks(element, list_level=list_level)

    def list(self, element, *, ordered: bool, level: int) -> None:
        style = ("List Number" if ordered else "List Bullet") + (f" {min(level + 1, 3)}" if level else "")
        for item in element:
            if item.tag != "li":
                continue
            paragraph = self.document.add_paragraph(style=style)
            nested = []
            if item.text:
                self._run(paragraph, item.text)
            for child in item:
                if child.tag in {"ul", "ol"}:
                    nested.append(child)
                    if child.tail and child.tail.strip():
                        self._run(paragraph, child.tail)
                elif child.tag == "p":  # a "loose" Markdown list: its paragraphs are the item's text
                    self.inline_children(paragraph, child)
                    if child.tail and child.tail.strip():
                        self._run(paragraph, child.tail)
                else:
                    self.inline(paragraph, child, include_tail=True)
            _trim(paragraph)
            for child in nested:
                self.list(child, ordered=child.tag == "ol", level=level + 1)

    def table(self, element) -> None:
        caption = element.find("caption")
        if caption is not None:
            self.document.add_paragraph().add_run(_text(caption)).bold = True
        rows = [row for row in element.iter("tr")]
        if not rows:
            return
        width = max(len([c for c in row if c.tag in {"td", "th"}]) for row in rows)
        if width == 0:
            return
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        for r, row in enumerate(rows):
            is_head = row.getparent() is not None and row.getparent().tag == "thead"
            cells = [c for c in row if c.tag in {"td", "th"}]
            for c, cell in enumerate(cells):
                paragraph = table.cell(r, c).paragraphs[0]
                self.inline_children(paragraph, cell)
                if cell.tag == "th" or is_head:
                    for run in paragraph.runs:
                        run.bold = True
        self.document.add_paragraph()

    # ------------------------------------------------------------------ inline

    def inline_children(self, paragraph: Paragraph, element, *, bold=False, italic=False) -> None:
        if element.text:
            self._run(paragraph, element.text, bold=bold, italic=italic)
        for child in element:
            self.inline(paragraph, child, bold=bold, italic=italic, include_tail=True)
        _trim(paragraph)

    def inline(self, paragraph: Paragraph, element, *, bold=False, italic=False, include_tail=False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            paragraph.add_run().add_break()
        elif tag and tag not in _SKIPPED:
            inner_bold = bold or tag in {"strong", "b", "th"}
            inner_italic = italic or tag in {"em", "i"}
            if element.text:
                self._run(paragraph, element.text, bold=inner_bold, italic=inner_italic, code=tag == "code")
            for child in element:
                self.inline(paragraph, child, bold=inner_bold, italic=inner_italic, include_tail=True)
        if include_tail and element.tail:
            self._run(paragraph, element.tail, bold=bold, italic=italic)

    def _run(self, paragraph: Paragraph, text: str, *, bold=False, italic=False, code=False) -> None:
        text = _SPACE.sub(" ", _clean(text))
        if not text:
            return
        if not paragraph.text or paragraph.text.endswith(" "):
            text = text.lstrip()  # no space at the start of a paragraph, none doubled between runs
        if not text:
            return
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if code:
            run.font.name = "Courier New"


def _trim(paragraph: Paragraph) -> None:
    """No trailing space at the end of a paragraph (whitespace in the HTML between tags)."""
    runs = [run for run in paragraph.runs if run.text]
    if runs:
        runs[-1].text = runs[-1].text.rstrip()
