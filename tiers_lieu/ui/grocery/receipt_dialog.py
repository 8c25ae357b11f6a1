"""The ticket on screen after a sale, « Imprimer » on the desk's receipt printer, « PDF… »,
the reprint from « Ventes du jour » and the desk's printer settings.

The first edition of a ticket right after its sale is the original; any other (a second
print, a PDF after a print, a reprint from the day's list) is a « Duplicata », recorded in the
till journal by :meth:`ReceiptService.duplicate`. Printing and writing the PDF run off the GUI
thread; a printer that fails says so in French, and the sale was recorded before anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import N_, _
from tiers_lieu.services.till.printer import (
    PrinterConfig,
    PrinterKind,
    check_config,
    print_receipt,
    print_test,
)
from tiers_lieu.services.till.receipts import WIDTHS, Receipt, receipt_text
from tiers_lieu.ui import options
from tiers_lieu.ui.common import add_shortcut, ask_pdf_path, selected_id
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import run_op


def printer_config() -> PrinterConfig:
    """This desk's printer as saved (none when never set or no longer valid)."""
    config = PrinterConfig(
        options.PRINTER_KIND.get(), options.PRINTER_ADDRESS.get(), options.PRINTER_WIDTH.get()
    )
    try:
        return check_config(config)
    except ComptoirError:
        return PrinterConfig()


def save_printer_config(config: PrinterConfig) -> None:
    options.PRINTER_KIND.set(str(config.kind))
    options.PRINTER_ADDRESS.set(config.address)
    options.PRINTER_WIDTH.set(config.width)


KIND_LABELS = (
    (PrinterKind.NONE, N_("Aucune")),
    (PrinterKind.NETWORK, N_("Réseau (adresse:port)")),
    (PrinterKind.SERIAL, N_("Port série")),
    (PrinterKind.USB, N_("USB (fabricant:produit)")),
)


class PrinterDialog(QDialog):
    """« Imprimante de tickets » of this desk: kind, address, width, a test page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Imprimante de tickets de ce poste"))
        self.setMinimumWidth(440)
        current = printer_config()
        self.kind = QComboBox(self)
        for kind, label in KIND_LABELS:
            self.kind.addItem(_(label), str(kind))
        self.kind.setCurrentIndex(max(0, self.kind.findData(str(current.kind))))
        self.address = QLineEdit(current.address, self)
        self.address.setPlaceholderText(_("192.168.1.50:9100, /dev/ttyUSB0, COM3, 04b8:0202"))
        self.width_box = QComboBox(self)
        for width in WIDTHS:
            self.width_box.addItem(_("{n} caractères").format(n=width), width)
        self.width_box.setCurrentIndex(max(0, self.width_box.findData(current.width)))
        hint = QLabel(
            _(
                "Réglage propre à cet ordinateur. 32 caractères pour un rouleau de 58 mm, "
                "42 ou 48 pour 80 mm. L'USB demande pyusb et libusb sur ce poste."
            ),
            self,
        )
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&Type :"), self.kind)
        form.addRow(_("&Adresse :"), self.address)
        form.addRow(_("&Largeur :"), self.width_box)
        self.test_button = QPushButton(_("Page d'&essai"), self)
        self.test_button.clicked.connect(self.print_test)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.address.setEnabled(self.kind.currentData() != PrinterKind.NONE)

    def config(self) -> PrinterConfig:
        """The settings as typed, checked (a :class:`ValidationError` names the field)."""
        return check_config(
            PrinterConfig(
                str(self.kind.currentData()), self.address.text(), int(self.width_box.currentData())
            )
        )

    def save(self) -> None:
        try:
            config = self.config()
        except ComptoirError as exc:
            show_error(self, exc)
            self.address.setFocus()
            return
        save_printer_config(config)
        self.accept()

    def print_test(self) -> None:
        try:
            config = self.config()
        except ComptoirError as exc:
            show_error(self, exc)
            return
        self.test_button.setEnabled(False)
        self.status.setText(_("Impression de la page d'essai…"))

        def done(_result: None) -> None:
            self.test_button.setEnabled(True)
            self.status.setText(_("Page d'essai envoyée à l'imprimante."))

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.status.setText(exc.message if isinstance(exc, ComptoirError) else str(exc))

        run_op(self, lambda _progress: print_test(config), done, on_failure=failed)


def edit_printer(parent: QWidget | None) -> bool:
    """« Imprimante de tickets… » from the ticket, the cash desk or « Paramètres »: the one
    :class:`PrinterDialog`; ``True`` when the settings were saved."""
    dialog = PrinterDialog(parent)
    saved = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return saved


def printer_summary(config: PrinterConfig) -> str:
    """« Réseau (adresse:port) : 192.168.1.50:9100, 42 caractères », or « Aucune »."""
    label = {str(kind): text for kind, text in KIND_LABELS}.get(config.kind, KIND_LABELS[0][1])
    if not config.enabled:
        return _(label)
    return _("{kind} : {address}, {n} caractères").format(
        kind=_(label), address=config.address, n=config.width
    )


class ReceiptDialog(QDialog):
    """A ticket on screen, with « Imprimer » and « PDF… ».

    ``originals`` is how many editions are still the original: 1 right after the sale, 0
    for a reprint (every edition is then a duplicate, recorded when it is made)."""

    printed = Signal(object)
    """The ticket went to the printer; carries the :class:`Receipt` printed."""
    pdf_saved = Signal(object)
    """The PDF was written; carries its path."""

    def __init__(
        self, app: Comptoir, receipt: Receipt, parent: QWidget | None = None, *, originals: int
    ) -> None:
        super().__init__(parent)
        self._app = app
        self.receipt = receipt
        self.originals = originals
        self.setWindowTitle(_("Ticket {number}").format(number=receipt.ticket))
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.print_button = QPushButton(_("&Imprimer"), self)
        self.print_button.clicked.connect(self.print_ticket)
        pdf = QPushButton(_("P&DF…"), self)
        pdf.clicked.connect(self.save_pdf)
        settings = QPushButton(_("Imprima&nte…"), self)
        settings.clicked.connect(self.edit_printer)
        close = self.close_button = QPushButton(_("Fermer"), self)
        close.clicked.connect(self.accept)
        add_shortcut(self, "Ctrl+P", self.print_ticket)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(pdf)
        row.addWidget(settings)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self._show()
        self._printer_changed()
        # Fits a 1024×600 screen whatever the ticket's length (the text scrolls).
        width = self.text.fontMetrics().horizontalAdvance("M" * (self._width() + 4))
        self.resize(max(width + 60, 420), 480)

    def _width(self) -> int:
        config = printer_config()
        return config.width if config.enabled else 42

    def _show(self) -> None:
        lines = receipt_text(self.receipt, self._width())
        if not self.receipt.duplicate and self.originals == 0:
            note = _("Aperçu — chaque impression sera un duplicata.")
            lines = [note, "", *lines]
        self.text.setPlainText("\n".join(lines))

    def _printer_changed(self) -> None:
        config = printer_config()
        self.print_button.setEnabled(config.enabled)
        self.print_button.setDefault(config.enabled)
        self.close_button.setDefault(not config.enabled)
        self.print_button.setToolTip(
            "" if config.enabled else _("Aucune imprimante de tickets réglée sur ce poste.")
        )

    def edit_printer(self) -> None:
        if edit_printer(self):
            self._printer_changed()
            self._show()

    def _edition(self) -> Callable[[], Receipt]:
        """What the next edition prints: the original while one is left, else a duplicate
        (written to the journal by the worker, off the GUI thread)."""
        if self.originals > 0:
            self.originals -= 1
            receipt = self.receipt
            return lambda: receipt
        receipts = self._app.receipts
        sale_id = self.receipt.sale_id
        return lambda: receipts.duplicate(sale_id)

    def _edited(self, receipt: Receipt) -> None:
        self.receipt = receipt
        self._show()

    def print_ticket(self) -> None:
        config = printer_config()
        if not config.enabled:
            self.edit_printer()
            return
        original = self.originals > 0
        edition = self._edition()
        self.status.setText(_("Impression…"))
        self.print_button.setEnabled(False)  # one print at a time

        def work(_progress: object) -> Receipt:
            receipt = edition()
            print_receipt(config, receipt)
            return receipt

        def done(receipt: Receipt) -> None:
            self.print_button.setEnabled(True)
            self._edited(receipt)
            self.status.setText(_("Ticket imprimé."))
            self.printed.emit(receipt)

        def failed(exc: BaseException) -> None:
            self.print_button.setEnabled(True)
            if original:  # nothing came out: the next print is still the original
                self.originals += 1
            self.status.setText(exc.message if isinstance(exc, ComptoirError) else str(exc))
            if not isinstance(exc, ComptoirError):
                show_error(self, exc)

        run_op(self, work, done, on_failure=failed)

    def save_pdf(self) -> None:
        name = _("ticket-{number}.pdf").format(number=self.receipt.ticket)
        target = ask_pdf_path(self, _("Enregistrer le ticket"), name)
        if target is not None:
            self.write_pdf(target)

    def write_pdf(self, target: Path) -> None:
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        edition = self._edition()

        def work(_progress: object) -> tuple[Receipt, Path]:
            from tiers_lieu.reports.documents.receipt import write_receipt_pdf

            receipt = edition()
            return receipt, write_receipt_pdf(receipt, target)

        def done(result: tuple[Receipt, Path]) -> None:
            self._edited(result[0])
            self.status.setText(_("Ticket enregistré : {path}").format(path=result[1]))
            self.pdf_saved.emit(result[1])

        run_op(self, work, done, label=_("Préparation du ticket…"))


def show_sale_receipt(
    app: Comptoir, sale_id: uuid.UUID, change_cents: int, parent: QWidget
) -> ReceiptDialog | None:
    """The ticket of a sale just recorded (the original), or ``None`` if it cannot be read
    (the sale stays recorded; the day's list can reprint it)."""
    try:
        receipt = app.receipts.receipt(sale_id, change_cents=change_cents)
    except Exception as exc:
        show_error(parent, exc)
        return None
    dialog = ReceiptDialog(app, receipt, parent, originals=1)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(lambda _result: parent.setFocus())  # back to the scan input
    dialog.open()
    return dialog


def reprint_sale(app: Comptoir, sale_id: uuid.UUID, parent: QWidget) -> ReceiptDialog | None:
    """A sale's ticket shown again: every print or PDF made from it is a duplicate."""
    try:
        receipt = app.receipts.receipt(sale_id)
    except Exception as exc:
        show_error(parent, exc)
        return None
    dialog = ReceiptDialog(app, receipt, parent, originals=0)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def reprint_button(app: Comptoir, view: QTableView, parent: QWidget) -> QPushButton:
    """« Réimprimer le ticket » (Ctrl+R) for the selected sale of a list: a duplicate."""
    button = QPushButton(_("&Réimprimer le ticket"), parent)

    def reprint() -> None:
        sale_id = selected_id(view)
        if not isinstance(sale_id, uuid.UUID):
            QMessageBox.information(parent, _("Réimprimer"), _("Choisissez d'abord une vente."))
            return
        reprint_sale(app, sale_id, parent)

    button.clicked.connect(reprint)
    add_shortcut(parent, "Ctrl+R", reprint, button)
    return button
