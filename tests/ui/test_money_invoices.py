"""« Caisse et factures › Factures et devis » and « Clients », and « Paramètres › Facturation »
(issue 21): a client created through its form, an invoice typed line by line, issued after a
question, its PDF; a quote sent then invoiced; a credit note and a payment; bookings added
to an invoice; the settings saved and a refusal naming the field; every tab fits 1024×600
with no Alt letter twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from mnemonics import clashes
from pdftext import pdf_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInput
from tiers_lieu.services.till.invoices import DocumentInput, LineInput
from tiers_lieu.ui.money import MoneySection
from tiers_lieu.ui.money.clients_tab import ClientDialog, ClientsTab
from tiers_lieu.ui.money.invoice_dialog import (
    BookingsDialog,
    CreditDialog,
    DocumentDialog,
    PassesDialog,
    PaymentDialog,
)
from tiers_lieu.ui.money.invoices_tab import InvoicesModel, InvoicesTab
from tiers_lieu.ui.settings import SettingsSection
from tiers_lieu.ui.settings.billing import BillingTab

SELLER = BillingSettings(
    legal_name="Association Le Comptoir",
    siret="44306184100047",
    address="2 place de la Mairie",
    postal_code="23500",
    city="Felletin",
)


@pytest.fixture
def section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[MoneySection]:
    app.billing.save(site.id, SELLER)
    money = MoneySection(app, site)
    qtbot.addWidget(money)
    money.resize(1024, 600)
    money.show()
    yield money


def tab_of(section: QWidget, kind: type) -> Any:
    tabs = section.tabs  # type: ignore[attr-defined]
    found = [tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), kind)]
    assert len(found) == 1
    tabs.setCurrentWidget(found[0])
    QApplication.processEvents()
    return found[0]


def cell(tab: InvoicesTab, row: int, column: InvoicesModel.Columns) -> str:
    return str(tab.model.index(row, column).data()).replace("\u202f", " ").replace("\xa0", " ")


def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


def wait_for(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        QApplication.processEvents()
    assert condition()


def test_a_client_an_invoice_typed_issued_paid_and_printed(
    section: MoneySection,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    tmp_path: Path,
) -> None:
    clients = tab_of(section, ClientsTab)

    def new_client(dialog: ClientDialog) -> int:
        dialog.name.setText("Atelier Terre et Bois")
        dialog.siret.setText("732 829 320 00075")  # a wrong key first
        dialog.accept()
        assert "SIRET : ce SIRET n'est pas valide" in message_boxes[-1][2]
        dialog.siret.setText("732 829 320 00074")
        dialog.address.setText("5 rue des Tanneurs")
        dialog.city.setText("Aubusson")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ClientDialog, "exec", new_client)
    clients.on_new_clicked()
    assert clients.model.rowCount() == 1
    assert clients.model.index(0, 1).data() == "73282932000074"
    assert "ajouté" in clients.status.text()

    tab = tab_of(section, InvoicesTab)

    def type_invoice(dialog: DocumentDialog) -> int:
        dialog.client.setCurrentIndex(1)
        dialog.subject.setText("Location de bureau, mars")
        dialog.add_line(None)
        table = dialog.table
        for column, text in enumerate(["Bureau partagé", "1,5", "mois", "80", "0"]):
            table.item(0, column).setText(text)
        assert table.item(0, 5).text().replace("\u202f", " ").replace("\xa0", " ") == "120,00 €"
        assert table.isColumnHidden(4)  # the 293 B exemption: no VAT column
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(DocumentDialog, "exec", type_invoice)
    tab.new_invoice.click()
    assert cell(tab, 0, InvoicesModel.Columns.NUMBER) == "(brouillon)"
    assert cell(tab, 0, InvoicesModel.Columns.TOTAL) == "120,00 €"
    assert tab.edit.isEnabled() and tab.issue.isEnabled() and not tab.payment.isEnabled()

    asked = answer_yes(monkeypatch)
    tab.issue.click()
    assert "ne pourra plus être ni modifiée ni supprimée" in asked[0]
    assert cell(tab, 0, InvoicesModel.Columns.NUMBER).startswith("F20")
    assert cell(tab, 0, InvoicesModel.Columns.STATE) == "à payer"
    assert "émise" in tab.status.text()
    assert not tab.edit.isEnabled() and tab.payment.isEnabled() and tab.credit.isEnabled()

    def pay(dialog: PaymentDialog) -> int:
        assert dialog.amount.text() == "120,00"
        dialog.amount.setText("50")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PaymentDialog, "exec", pay)
    tab.payment.click()
    assert cell(tab, 0, InvoicesModel.Columns.STATE) == "partiellement payée"
    assert cell(tab, 0, InvoicesModel.Columns.DUE) == "70,00 €"

    target = tmp_path / "facture.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.pdf.click()
    wait_for(target.exists)
    words = pdf_text(target)
    assert "Bureau partagé" in words and "TVA non applicable, art. 293 B du CGI" in words
    assert "Reste à payer 70,00 €" in words
    # Written again, the issued invoice is a duplicate (the first PDF was the original).
    again = tmp_path / "facture-2.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(again), ""))
    tab.pdf.click()
    wait_for(again.exists)
    assert "Duplicata" not in words and "Duplicata n° 1" in pdf_text(again)

    def credit_part(dialog: CreditDialog) -> int:
        dialog.part.setChecked(True)
        dialog.amount.setText("20")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(CreditDialog, "exec", credit_part)
    tab.credit.click()
    assert cell(tab, 0, InvoicesModel.Columns.NUMBER).startswith("A20")
    assert cell(tab, 0, InvoicesModel.Columns.TOTAL) == "20,00 €"
    tab.kind.setCurrentIndex(tab.kind.findData("invoice"))
    assert cell(tab, 0, InvoicesModel.Columns.DUE) == "50,00 €"


def test_a_quote_sent_then_turned_into_an_invoice(
    section: MoneySection, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.clients.create(site.id, ClientInput(name="Mairie de Felletin"))
    quote = app.invoices.create(
        site.id,
        InvoiceKind.QUOTE,
        DocumentInput(
            client_id=client.id,
            lines=(LineInput(description="Salle du conseil", unit_price_cents=9000),),
        ),
    )
    tab = tab_of(section, InvoicesTab)
    assert tab.issue.text() == "Envoye&r le devis"
    answer_yes(monkeypatch)
    tab.issue.click()
    assert cell(tab, 0, InvoicesModel.Columns.NUMBER).startswith("D20")
    assert tab.invoice_quote.isEnabled()
    tab.invoice_quote.click()
    assert "depuis le devis D20" in tab.status.text()
    info = app.invoices.get(tab.selected().id)
    assert info.quote_id == quote.id and info.row.number is None
    assert [line.description for line in info.lines] == ["Salle du conseil"]


def priced_booking(app: Comptoir, site: SiteInfo) -> tuple[Any, date]:
    """A meeting room at 15 € an hour booked 14:00–16:00 on the last Tuesday (an open day)
    for the Atelier Terre et Bois."""
    from datetime import datetime

    from tiers_lieu.models.enums import ResourceKind
    from tiers_lieu.services.agenda.inputs import BookingRequest
    from tiers_lieu.services.agenda.resources import ResourceFields
    from tiers_lieu.ui.common import to_date, today_qdate

    room = app.agenda.resources.create(
        site.id,
        ResourceFields(
            name="Salle de réunion", kind=ResourceKind.MEETING_ROOM, hourly_price_cents=1500
        ),
    )
    today = to_date(today_qdate(site.zone))
    day = today - timedelta(days=(today.weekday() - 1) % 7)
    booking = app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=room.id,
            start=datetime(day.year, day.month, day.day, 14, tzinfo=site.zone),
            end=datetime(day.year, day.month, day.day, 16, tzinfo=site.zone),
            organisation="Atelier Terre et Bois",
        ),
    )
    return booking, day


def test_bookings_are_added_to_an_invoice_with_their_price(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.billing.save(site.id, SELLER)
    client = app.clients.create(site.id, ClientInput(name="Atelier Terre et Bois"))
    _booking, day = priced_booking(app, site)

    def tick_all(dialog: BookingsDialog) -> int:
        assert dialog.list.count() == 1
        dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(BookingsDialog, "exec", tick_all)
    dialog = DocumentDialog(app, site, str(InvoiceKind.INVOICE))
    qtbot.addWidget(dialog)
    dialog.on_bookings()
    assert dialog.client.currentData() == client.id  # found by the booking's organisation
    assert dialog.table.item(0, 1).text() == "2" and dialog.table.item(0, 2).text() == "h"
    assert dialog.has_period.isChecked()
    dialog.accept()
    assert dialog.saved is not None
    line = dialog.saved.lines[0]
    assert (line.quantity_milli, line.unit_price_cents, line.total_net_cents) == (2000, 1500, 3000)
    assert line.booking_id is not None
    assert dialog.saved.service_from == day


def test_a_coworking_pass_is_added_to_an_invoice_with_its_price_from_the_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.models.enums import PaymentMethod
    from tiers_lieu.services.people import PersonInput
    from tiers_lieu.ui.common import to_date, today_qdate

    app.billing.save(site.id, SELLER)
    aline = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    marc = app.people.create(site.id, PersonInput(first_name="Marc", last_name="Lenoir"))
    client = app.clients.create(
        site.id,
        ClientInput(
            name="Aline Dubreuil", address="3 rue Haute", city="Felletin", person_id=aline.id
        ),
    )
    card = app.agenda.passes.create_type(
        site_id=site.id, name="Carte 10 journées", kind="ten_pass", price_cents=12000
    )
    today = to_date(today_qdate(site.zone))
    sold = {
        who.id: app.agenda.passes.sell(
            site_id=site.id,
            person_id=who.id,
            pass_type_id=card.id,
            method=PaymentMethod.CARD,
            paid_on=today,
        )
        for who in (aline, marc)
    }
    dialog = DocumentDialog(app, site, str(InvoiceKind.INVOICE))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert clashes(dialog) == {}
    seen: list[list[str]] = []

    def tick_from_keyboard(picker: PassesDialog) -> int:
        with qtbot.waitExposed(picker):
            picker.show()
        picker.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.list)
        assert clashes(picker) == {}
        rows = [picker.list.item(i).text() for i in range(picker.list.count())]
        seen.append(rows)
        assert picker.list.hasFocus()
        if len(seen) == 1:  # no client yet: every buyer's passes
            assert not picker.everyone.isEnabled() and len(rows) == 2
            wanted = next(i for i, text in enumerate(rows) if "Aline Dubreuil" in text)
            picker.list.setCurrentRow(wanted)
            qtbot.keyClick(picker.list, Qt.Key.Key_Space)
        else:  # the client's person's passes only, everyone's a tick away
            assert picker.everyone.isEnabled() and not picker.everyone.isChecked()
            assert rows == [] or all("Aline" in text for text in rows)
            qtbot.keyClick(picker.list, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
            qtbot.waitUntil(picker.everyone.isChecked)  # a mnemonic clicks after a flash
            assert "Marc Lenoir" in picker.list.item(0).text() and picker.list.count() == 1
        picker.accept()
        return picker.result()

    monkeypatch.setattr(PassesDialog, "exec", tick_from_keyboard)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert any("Carte 10 journées" in t and "120,00" in t for t in seen[0]), seen[0]
    assert dialog.client.currentData() == client.id  # the buyer's client
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text().startswith("Carte 10 journées")
    assert (
        dialog.table.item(0, 3).text() == "120,00" and dialog.table.item(0, 2).text() == "forfait"
    )
    assert dialog.has_period.isChecked() and to_date(dialog.service_from.date()) == today
    dialog.accept()
    assert dialog.saved is not None
    line = dialog.saved.lines[0]
    assert (line.pass_id, line.unit_price_cents, line.total_net_cents) == (
        sold[aline.id].id,
        12000,
        12000,
    )
    issued = app.invoices.issue(dialog.saved.id)
    assert issued.row.total_cents == 12000
    again = DocumentDialog(app, site, str(InvoiceKind.INVOICE))
    qtbot.addWidget(again)
    again.choose_client(client.id)
    again.on_passes()  # Aline's pass is invoiced now: she has none left
    assert seen[1] == []
    assert len(seen[0]) == 2


def test_the_billing_settings_are_saved_and_a_refusal_names_the_field(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    settings = SettingsSection(app, site)
    qtbot.addWidget(settings)
    settings.resize(1024, 600)
    settings.show()
    tab = settings.billing_tab
    assert isinstance(tab, BillingTab)
    settings.tabs.setCurrentWidget(tab)
    QApplication.processEvents()
    tab._line("legal_name").setText("Association Le Comptoir")
    tab._line("siret").setText("443 061 841 00048")
    tab.on_save_clicked()
    assert "SIRET : ce SIRET n'est pas valide" in message_boxes[-1][2]
    assert tab.fields["siret"].hasFocus() or QApplication.focusWidget() is tab.fields["siret"]
    tab._line("siret").setText("443 061 841 00047")
    tab.regime.setCurrentIndex(tab.regime.findData("assujetti"))
    tab._line("vat_number").setText("FR40443061841")
    tab.payment_days.setValue(45)
    tab.on_save_clicked()
    assert "Facturation enregistrée" in tab.status.text()
    saved = app.billing.get(site.id)
    assert (saved.siret, saved.vat_regime, saved.payment_days) == (
        "44306184100047",
        "assujetti",
        45,
    )
    corner = tab.save_button.mapTo(settings, tab.save_button.rect().bottomRight())
    assert corner.x() <= settings.width() and corner.y() <= settings.height()
    assert clashes(tab.window()) == {}


def test_tabs_and_dialogs_fit_a_small_screen_with_distinct_alt_letters(
    qtbot: QtBot, section: MoneySection, app: Comptoir, site: SiteInfo
) -> None:
    client = app.clients.create(
        site.id, ClientInput(name="Mairie de Felletin", address="Place", city="Felletin")
    )
    tab = tab_of(section, InvoicesTab)
    for button in (tab.new_invoice, tab.new_quote, tab.issue, tab.credit, tab.payment, tab.pdf):
        corner = button.mapTo(section, button.rect().bottomRight())
        assert corner.x() <= section.width() and corner.y() <= section.height(), button.text()
    assert clashes(tab.window()) == {}
    clients = tab_of(section, ClientsTab)
    assert clashes(clients.window()) == {}
    invoice = app.invoices.create(
        site.id,
        InvoiceKind.INVOICE,
        DocumentInput(
            client_id=client.id, lines=(LineInput(description="Salle", unit_price_cents=100),)
        ),
    )
    issued = app.invoices.issue(invoice.id, issued_on=date.today())
    for dialog in (
        DocumentDialog(app, site, str(InvoiceKind.QUOTE), None, section),
        ClientDialog(app, site, None, section),
        CreditDialog(app, issued, section),
        PaymentDialog(app, site, issued, section),
    ):
        dialog.show()
        QApplication.processEvents()
        assert dialog.width() <= 1024 and dialog.height() <= 600, type(dialog).__name__
        assert clashes(dialog) == {}, type(dialog).__name__
        dialog.close()


def test_a_booking_is_invoiced_from_its_form_in_the_agenda(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.ui.agenda.booking_dialog import BookingDialog

    app.billing.save(site.id, SELLER)
    client = app.clients.create(site.id, ClientInput(name="Atelier Terre et Bois"))
    booking, day = priced_booking(app, site)
    form = BookingDialog(app, site, resources=app.agenda.resources.list(site.id), booking=booking)
    qtbot.addWidget(form)
    button = next(b for b in form.buttons.buttons() if b.text() == "&Facturer…")
    form.show()
    QApplication.processEvents()
    assert clashes(form) == {}

    def save_as_is(dialog: DocumentDialog) -> int:
        assert dialog.client.currentData() == client.id
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(DocumentDialog, "exec", save_as_is)
    button.click()
    rows = app.invoices.documents(site.id)
    assert [(r.client_name, r.total_cents, r.number) for r in rows] == [
        ("Atelier Terre et Bois", 3000, None)
    ]
    info = app.invoices.get(rows[0].id)
    assert info.lines[0].booking_id == booking.id and info.service_from == day
