"""« Imprimer… »: a sheet goes to a real printer, chosen in Qt's print dialog.

Our sheets are PDFs made by reportlab (the same file « Enregistrer en PDF… » saves), so
printing one means drawing its pages on the printer: PySide6-Essentials has no QtPdf, and
PDFium (``pypdfium2``) renders each page to an image at the printer's resolution (at most
:data:`MAX_DPI`, one page in memory at a time) that ``QPainter`` puts on the paper. The PDF is
written to a private temporary folder (it may name people) and removed after printing; all of
it runs off the GUI thread (Qt allows painting on a ``QPrinter`` from another thread).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.ui.ops import Progress, run_op

MAX_DPI = 300  # an A4 page at 300 dpi is 35 MB of pixels: enough for text, bounded
_pdfium_lock = threading.Lock()  # PDFium is not thread-safe


def print_pdf_file(pdf: Path, printer: QPrinter, progress: Progress | None = None) -> int:
    """Paint every page of ``pdf`` on ``printer``; returns the number of pages printed."""
    import pypdfium2 as pdfium  # loaded when something is printed (start-up time)

    with _pdfium_lock:
        document = pdfium.PdfDocument(str(pdf))
        try:
            pages = len(document)
            printer.setFullPage(True)  # the PDF carries its own margins
            if pages:  # a landscape sheet (the tally sheet) turns the paper
                width, height = document[0].get_size()
                printer.setPageOrientation(
                    QPageLayout.Orientation.Landscape
                    if width > height
                    else QPageLayout.Orientation.Portrait
                )
            painter = QPainter()
            if not painter.begin(printer):
                raise ComptoirError(
                    _("L'imprimante « {printer} » n'a pas pu commencer l'impression.").format(
                        printer=printer.printerName() or printer.outputFileName()
                    )
                )
            try:
                for index in range(pages):
                    if index and not printer.newPage():
                        raise ComptoirError(_("L'imprimante a refusé une nouvelle page."))
                    _paint_page(painter, printer, document[index])
                    if progress is not None:
                        progress(index + 1, pages)
            finally:
                painter.end()
        finally:
            document.close()
    return pages


def _paint_page(painter: QPainter, printer: QPrinter, page: object) -> None:
    import pypdfium2 as pdfium

    assert isinstance(page, pdfium.PdfPage)
    dpi = min(printer.resolution(), MAX_DPI)
    bitmap = page.render(
        scale=dpi / 72, force_bitmap_format=pdfium.raw.FPDFBitmap_BGRA, may_draw_forms=False
    )
    try:
        # BGRA bytes are QImage's ARGB32 on every little-endian machine Comptoir runs on.
        image = QImage(
            bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_ARGB32
        ).copy()
    finally:
        bitmap.close()
        page.close()
    paper = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
    scale = min(paper.width() / image.width(), paper.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    target = QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)
    painter.drawImage(target, image)


def print_sheet(
    parent: QWidget,
    write_pdf: Callable[[Path], object],
    *,
    title: str,
    label: str,
    on_printed: Callable[[int], None],
) -> None:
    """Ask for a printer (Qt's print dialog), then write the sheet with ``write_pdf`` and
    print it, off the GUI thread; ``on_printed`` gets the number of pages."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    if not accepted:
        return

    def work(progress: Progress) -> int:
        with tempfile.TemporaryDirectory(prefix="comptoir-impression-") as folder:  # 0700
            pdf = Path(folder) / "feuille.pdf"
            write_pdf(pdf)
            return print_pdf_file(pdf, printer, progress)

    run_op(parent, work, on_printed, label=label)


def printed_text(pages: int) -> str:
    return ngettext(
        "{n} page envoyée à l'imprimante.", "{n} pages envoyées à l'imprimante.", pages
    ).format(n=pages)
