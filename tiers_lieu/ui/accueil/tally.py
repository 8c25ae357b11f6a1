"""The blank paper tally sheet of the Accueil screen: printed (Qt's print dialog, then the
printer) or saved as a PDF, both written off the GUI thread (reportlab takes a moment on the
desk's old laptop)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.reports.documents.tally_sheet import write_tally_sheet
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.printing import print_sheet

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
    write = _sheet_writer(parent, app, site)
    if write is None:
        return
    run_op(
        parent,
        lambda _progress: write(target),
        on_saved,
        label=_("Préparation de la feuille de comptage…"),
    )


def print_tally_sheet(
    parent: QWidget, app: Comptoir, site: SiteInfo, on_printed: Callable[[int], None]
) -> None:
    """Ask for a printer and print the sheet; ``on_printed`` gets the number of pages."""
    write = _sheet_writer(parent, app, site)
    if write is not None:
        print_sheet(
            parent,
            write,
            title=_("Feuille de comptage"),
            label=_("Impression de la feuille de comptage…"),
            on_printed=on_printed,
        )


def _sheet_writer(parent: QWidget, app: Comptoir, site: SiteInfo) -> Callable[[Path], Path] | None:
    """What writes the sheet to a file (read now, on the GUI thread), or ``None`` after an
    error was shown."""
    try:
        services = [s.name for s in app.config.list_services(site.id)]
        ranges = app.config.opening_hours(site.id)
    except Exception as exc:
        show_error(parent, exc)
        return None

    def write(target: Path) -> Path:
        return write_tally_sheet(target, place=site.name, services=services, ranges=ranges)

    return write
