"""Qt's print dialog replaced for the tests: the « chosen printer » prints to a PDF file
(``QPrinter.OutputFormat.PdfFormat``), so a test can count the pages painted on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from tiers_lieu.ui import printing


def fake_printer(monkeypatch: pytest.MonkeyPatch, paper: Path, *, accept: bool = True) -> list[str]:
    """Patch the print dialog; returns the titles of the dialogs asked."""
    asked: list[str] = []

    class ChosenPrinter:
        def __init__(self, printer: QPrinter, _parent: object = None) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(paper))

        def setWindowTitle(self, title: str) -> None:
            asked.append(title)

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Accepted if accept else QDialog.DialogCode.Rejected

        def deleteLater(self) -> None:
            pass

    monkeypatch.setattr(printing, "QPrintDialog", ChosenPrinter)
    return asked


def printed_pages(paper: Path) -> int:
    """Pages of what the printer received, each checked to carry a painted page image."""
    reader = PdfReader(paper)
    for page in reader.pages:
        assert page.images, "a printed page with nothing painted on it"
        [image] = page.images
        assert image.image is not None and image.image.width > 1000  # 300 dpi A4: 2480 wide
    return len(reader.pages)
