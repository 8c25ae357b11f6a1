"""The ticket after a sale at « Caisse »: shown, printed on the desk's receipt printer (a
local socket standing in for a network printer), a second print marked « Duplicata », a
printer off that says so while the sale stays; the reprint from « Ventes du jour »; the
desk's printer settings."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Sale, TillJournal
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.printer import PrinterConfig
from tiers_lieu.ui.grocery import GroceryPanel
from tiers_lieu.ui.grocery.receipt_dialog import (
    PrinterDialog,
    ReceiptDialog,
    printer_config,
    save_printer_config,
)

HONEY = "2000010000012"


class FakePrinter:
    """A network receipt printer: accepts connections on localhost and keeps the bytes."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            data = b""
            with connection:
                connection.settimeout(10)
                while chunk := connection.recv(65536):
                    data += chunk
            self.received.append(data)

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()


@pytest.fixture
def panel(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[GroceryPanel]:
    product = app.grocery.products.create(
        site.id, ProductFields(name="Miel toutes fleurs 250 g", price_cents=590, barcode=HONEY)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=product.id, quantity_milli=10000, unit_cost_cents=None
    )
    grocery = GroceryPanel(app, site)
    qtbot.addWidget(grocery)
    grocery.resize(1024, 600)
    with qtbot.waitExposed(grocery):
        grocery.show()
    grocery.cash_desk.scan.setFocus()
    yield grocery


def sell_honey_for_ten_euros(qtbot: QtBot, panel: GroceryPanel) -> ReceiptDialog:
    desk = panel.cash_desk
    qtbot.keyClicks(desk.scan, HONEY)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    qtbot.keyClick(desk.scan, Qt.Key.Key_F9)
    dialog = desk.payment_dialog
    assert dialog is not None
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is not None and QApplication.focusWidget().window() is dialog
        ),  # type: ignore[union-attr]
        timeout=2000,
    )
    focused = QApplication.focusWidget()
    qtbot.keyClicks(focused, "10")
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    receipt = desk.receipt_dialog
    assert isinstance(receipt, ReceiptDialog)
    return receipt


def duplicates(app: Comptoir) -> list[TillJournal]:
    with Session(app.engine) as session:
        return list(
            session.exec(select(TillJournal).where(TillJournal.kind == JournalKind.DUPLICATE)).all()
        )


def test_the_ticket_shows_after_the_sale_and_prints_then_duplicates(
    qtbot: QtBot, panel: GroceryPanel, app: Comptoir, fake_printer: FakePrinter
) -> None:
    save_printer_config(PrinterConfig("network", f"127.0.0.1:{fake_printer.port}", 32))
    dialog = sell_honey_for_ten_euros(qtbot, panel)
    text = dialog.text.toPlainText()
    ticket = dialog.receipt.ticket
    assert ticket in text and "5,90 €" in text and "Rendu" in text and "4,10 €" in text
    assert max(len(line) for line in text.splitlines()) <= 32
    assert dialog.print_button.isEnabled() and dialog.print_button.isDefault()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(fake_printer.received) == 1, timeout=5000)
    qtbot.waitUntil(lambda: "imprimé" in dialog.status.text(), timeout=5000)
    first = fake_printer.received[0]
    assert ticket.encode() in first and b"5,90" in first and first.endswith(b"\x1dV\x00")
    assert b"Duplicata" not in first
    assert duplicates(app) == []  # the first edition is the original
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(fake_printer.received) == 2, timeout=5000)
    assert b"Duplicata" in fake_printer.received[1]
    qtbot.waitUntil(lambda: "DUPLICATA" in dialog.text.toPlainText(), timeout=5000)
    [line] = duplicates(app)
    assert line.number == ticket and json.loads(line.payload)["reprint"] == 1


def test_a_printer_off_says_so_and_the_sale_stays(
    qtbot: QtBot, panel: GroceryPanel, app: Comptoir, fake_printer: FakePrinter
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    save_printer_config(PrinterConfig("network", f"127.0.0.1:{port}", 42))
    dialog = sell_honey_for_ten_euros(qtbot, panel)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ne répond pas" in dialog.status.text(), timeout=5000)
    assert "La vente est bien enregistrée" in dialog.status.text()
    with Session(app.engine) as session:
        assert session.get(Sale, dialog.receipt.sale_id) is not None
    assert panel.cash_desk.cart.rowCount() == 0  # ready for the next customer
    # Switched on again: what comes out first is still the original.
    save_printer_config(PrinterConfig("network", f"127.0.0.1:{fake_printer.port}", 42))
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=2000)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(fake_printer.received) == 1, timeout=5000)
    assert b"Duplicata" not in fake_printer.received[0]
    assert duplicates(app) == []


def test_without_a_printer_escape_goes_back_to_the_scan(qtbot: QtBot, panel: GroceryPanel) -> None:
    dialog = sell_honey_for_ten_euros(qtbot, panel)
    assert not dialog.print_button.isEnabled()
    assert dialog.close_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    # Back to the scan input for the next customer (the window's focus; offscreen windows
    # are never active, so hasFocus() would not say).
    assert panel.window().focusWidget() is panel.cash_desk.scan


def test_the_day_list_reprints_a_duplicate_pdf(
    qtbot: QtBot, panel: GroceryPanel, app: Comptoir, tmp_path: Path
) -> None:
    sold = sell_honey_for_ten_euros(qtbot, panel)
    sold.close()
    panel.tabs.setCurrentWidget(panel.day_tab)
    day = panel.day_tab
    qtbot.waitUntil(lambda: day.model.rowCount() == 1, timeout=2000)
    day.view.selectRow(0)
    [button] = [b for b in day.findChildren(QPushButton) if "Réimprimer" in b.text()]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    [dialog] = [d for d in day.findChildren(ReceiptDialog) if d.isVisible()]
    assert "duplicata" in dialog.text.toPlainText()  # every edition from here is one
    dialog.write_pdf(tmp_path / "ticket")
    qtbot.waitUntil(lambda: (tmp_path / "ticket.pdf").exists(), timeout=5000)
    text = PdfReader(tmp_path / "ticket.pdf").pages[0].extract_text()
    assert "Duplicata" in text and sold.receipt.ticket in text
    assert [line.number for line in duplicates(app)] == [sold.receipt.ticket]


def test_printer_settings_are_checked_and_kept(
    qtbot: QtBot, message_boxes: list[tuple[str, str, str]]
) -> None:
    dialog = PrinterDialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("network"))
    dialog.address.setText("imprimante:99999")
    dialog.save()
    assert message_boxes and "Adresse de l'imprimante" in message_boxes[-1][2]
    assert printer_config() == PrinterConfig()
    dialog.address.setText("192.168.1.50")
    dialog.width_box.setCurrentIndex(dialog.width_box.findData(48))
    dialog.save()
    assert printer_config() == PrinterConfig("network", "192.168.1.50", 48)


def test_the_printer_settings_open_from_the_cash_desk_and_from_the_settings(
    qtbot: QtBot,
    panel: GroceryPanel,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mnemonics import clashes

    from tiers_lieu.ui.settings import SettingsSection

    opened: list[QWidget] = []

    def set_and_save(dialog: PrinterDialog) -> int:
        opened.append(dialog.parentWidget())
        dialog.kind.setCurrentIndex(dialog.kind.findData("network"))
        dialog.address.setText(f"192.168.1.{50 + len(opened)}:9100")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(PrinterDialog, "exec", set_and_save)
    desk = panel.cash_desk
    assert clashes(panel.window()) == {}
    panel.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan)
    qtbot.keyClick(desk.scan, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(opened) == 1)  # a mnemonic clicks after a short flash
    assert opened[0] is desk
    assert printer_config() == PrinterConfig("network", "192.168.1.51:9100", 42)
    corner = desk.printer_button.mapTo(panel, desk.printer_button.rect().bottomRight())
    assert corner.x() <= panel.width() and corner.y() <= panel.height()

    settings = SettingsSection(app, site)
    qtbot.addWidget(settings)
    settings.resize(1024, 600)
    settings.show()
    tab = settings.billing_tab
    assert tab is not None
    settings.tabs.setCurrentWidget(tab)
    QApplication.processEvents()
    assert "192.168.1.51:9100" in tab.printer_label.text()
    assert clashes(settings) == {}
    tab.printer_button.click()
    assert opened[1] is tab
    assert printer_config() == PrinterConfig("network", "192.168.1.52:9100", 42)
    assert "192.168.1.52:9100" in tab.printer_label.text()
