"""What the café (:mod:`tiers_lieu.ui.cafe`) and the cash desk (:mod:`cash_desk`) share in
taking a payment: the large type of their totals and messages, the payment dialog opened
once and forgotten when it closes, and the host's say when a sale goes beyond the stock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from tiers_lieu.i18n import _
from tiers_lieu.services.grocery.sales import StockWarning
from tiers_lieu.ui.grocery.payment_dialog import PaymentDialog


def big(label: QLabel, factor: float) -> None:
    """Set ``label`` in bold, ``factor`` times its size (a total, the last sale's message)."""
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(True)
    label.setFont(font)


def open_payment(
    owner: QWidget,
    total_cents: int,
    on_paid: Callable[[PaymentDialog], object],
    on_closed: Callable[[], None],
) -> PaymentDialog:
    """Open (without blocking) the payment of ``total_cents``: ``on_paid(dialog)`` when the
    host validates it; however it closes, the dialog is then deleted and ``on_closed()``
    runs (the owner forgets it and takes the focus back)."""
    dialog = PaymentDialog(total_cents, owner)
    dialog.accepted.connect(lambda: on_paid(dialog))

    def finished(_result: int) -> None:
        dialog.deleteLater()
        on_closed()

    dialog.finished.connect(finished)
    dialog.open()
    return dialog


def sell_beyond_stock(parent: QWidget, warning: StockWarning) -> bool:
    """Ask the host whether to sell more than the stock holds (the warning says what);
    ``True`` when they answer « Oui »."""
    answer = QMessageBox.question(
        parent,
        _("Stock insuffisant"),
        warning.message,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
