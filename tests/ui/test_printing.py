"""« Imprimer… » prints: Qt's print dialog chooses the printer, and the sheet's pages are
painted on it (here a printer printing to a PDF file); a dialog closed without choosing
prints nothing; « Enregistrer … en PDF… » stays beside it (tests in test_accueil and
test_amap_panel)."""

from __future__ import annotations

from pathlib import Path

import pytest
from accueil_window import shown_accueil
from printer_double import fake_printer, printed_pages
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.accueil import AccueilSection
from tiers_lieu.ui.printing import print_pdf_file


@pytest.fixture
def section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AccueilSection:
    return shown_accueil(qtbot, app, site)


def test_ctrl_p_prints_the_tally_sheet_on_the_chosen_printer(
    qtbot: QtBot, section: AccueilSection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = tmp_path / "imprimante.pdf"
    asked = fake_printer(monkeypatch, paper)
    assert section.print_button.text().replace("&", "") == "Imprimer une feuille de comptage…"
    qtbot.keyClick(
        section.focusWidget() or section, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
    )
    assert asked == ["Feuille de comptage"]
    qtbot.waitUntil(lambda: "1 page envoyée à l'imprimante" in section.status_label.text())
    assert printed_pages(paper) == 1


def test_closing_the_print_dialog_prints_nothing(
    qtbot: QtBot, section: AccueilSection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = tmp_path / "imprimante.pdf"
    fake_printer(monkeypatch, paper, accept=False)
    section.print_button.click()
    qtbot.wait(50)
    assert not paper.exists()


def test_every_page_of_a_longer_document_is_painted(qtbot: QtBot, tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    source = tmp_path / "trois-pages.pdf"
    canvas = Canvas(str(source), pagesize=A4)
    for number in range(3):
        canvas.drawString(72, 700, f"Page {number + 1}")
        canvas.showPage()
    canvas.save()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprimante.pdf"))
    seen: list[tuple[int, int]] = []
    assert print_pdf_file(source, printer, lambda done, total: seen.append((done, total))) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert printed_pages(tmp_path / "imprimante.pdf") == 3
