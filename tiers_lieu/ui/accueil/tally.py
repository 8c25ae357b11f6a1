"""Saving the blank paper tally sheet from the Accueil screen: ask where, then write the PDF
off the GUI thread (reportlab takes a moment on the desk's old laptop)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import run_op

TALLY_SHEET_NAME = "feuille-de-comptage.pdf"


def save_tally_sheet(
    parent: QWidget, app: Comptoir, site: SiteInfo, on_saved: Callable[[Path], None]
) -> None:
    """Ask for a file name (``feuille-de-comptage.pdf`` in Documents) and write the sheet."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Enregistrer la feuille de comptage"),
        str(Path(folder) / TALLY_SHEET_NAME),
        _("Document PDF (*.pdf)"),
    )
    if not path:
        return
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    try:
        services = [s.name for s in app.config.list_services(site.id)]
        ranges = app.config.opening_hours(site.id)
    except Exception as exc:
        show_error(parent, exc)
        return

    def work(_progress: Callable[[int, int], None]) -> Path:
        # Imported here: reportlab is loaded only when a sheet is printed (start-up time).
        from tiers_lieu.services.tally_sheet import write_tally_sheet

        return write_tally_sheet(target, place=site.name, services=services, ranges=ranges)

    run_op(parent, work, on_saved, label=_("Préparation de la feuille de comptage…"))
