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
