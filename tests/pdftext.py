"""Text of a PDF as a reader sees it, extracted with pypdf (pure Python, installed with the
dev extras), so that PDF checks run on any machine without poppler."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, with French narrow and no-break spaces turned into plain spaces."""
    reader = PdfReader(str(path))
    return [
        (page.extract_text() or "").replace("\u202f", " ").replace("\xa0", " ")
        for page in reader.pages
    ]


def pdf_text(path: Path) -> str:
    """The whole document on one line, runs of white space folded to one space."""
    return " ".join(" ".join(pdf_pages(path)).split())


def fonts_not_embedded(path: Path) -> list[str]:
    """The names of the fonts a PDF uses without carrying their program (what poppler's
    ``pdffonts`` shows as « emb no »), looked for in every page and every form it draws."""
    reader = PdfReader(str(path))
    missing: set[str] = set()
    seen: set[int] = set()

    def descriptor_has_program(font: object) -> bool:
        font = font.get_object()  # type: ignore[attr-defined]
        if font.get("/Subtype") == "/Type3":
            return True  # glyphs drawn by the PDF itself
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:
            return False  # one of the 14 standard fonts, left to the reader
        descriptor = descriptor.get_object()
        return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))

    def walk(resources: object) -> None:
        if resources is None:
            return
        resources = resources.get_object()  # type: ignore[attr-defined]
        for font in (resources.get("/Font") or {}).values():
            if not descriptor_has_program(font):
                missing.add(str(font.get_object().get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            ref = getattr(xobject, "idnum", None)
            if ref is not None and ref in seen:
                continue
            if ref is not None:
                seen.add(ref)
            obj = xobject.get_object()
            if obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return sorted(missing)
