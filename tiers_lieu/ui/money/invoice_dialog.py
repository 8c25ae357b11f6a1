"""The forms of « Factures et devis »: a quote or an invoice with its lines (a draft), the
bookings and the coworking passes to invoice, a credit note, a payment received. The draft's
form is here; the pickers of bookings and passes are in :mod:`invoice_billables`, the credit
note and the payment in :mod:`invoice_issued`, the parsing of the lines' cells in
:mod:`invoice_fields` (all re-exported here).

Lines are typed in a table (Tab moves from cell to cell, F2 or typing edits): designation,
quantity (« 1,5 »), unit, unit price before VAT, VAT rate (« 20 », « 5,5 »; hidden under the
293 B exemption, where it is 0) and the line's total, worked out as it is typed. The
service checks everything; its message names the field (« Ligne 2 : … »), shown as is.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInfo
from tiers_lieu.services.till.invoices import (
    DocumentInput,
    InvoiceInfo,
    LineInput,
    compute_totals,
    line_total,
)
from tiers_lieu.ui.amounts import cents_text
from tiers_lieu.ui.common import add_shortcut, dialog_buttons, to_date, to_qdate, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.money.invoice_billables import (
    BookingsDialog,
    PassesDialog,
    _BillablesDialog,
)
from tiers_lieu.ui.money.invoice_fields import (
    _RIGHT,
    DESCRIPTION,
    PRICE,
    QUANTITY,
    TOTAL,
    UNIT,
    VAT,
    _date_edit,
    parse_price,
    parse_quantity,
    parse_rate,
    quantity_text,
    rate_text,
)
from tiers_lieu.ui.money.invoice_issued import CreditDialog, PaymentDialog

__all__ = [
    "BookingsDialog",
    "CreditDialog",
    "DocumentDialog",
    "PassesDialog",
    "PaymentDialog",
    "invoice_booking",
]


class DocumentDialog(QDialog):
    """A draft quote or invoice; ``saved`` holds it once the service accepted it."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        kind: str,
        document: InvoiceInfo | None = None,
        parent: QWidget | None = None,
        *,
        lines: tuple[LineInput, ...] = (),
        client_id: uuid.UUID | None = None,
        service_on: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._kind = kind
        self._document = document
        self.saved: InvoiceInfo | None = None
        self.settings: BillingSettings = app.billing.get(site.id)
        quote = kind == InvoiceKind.QUOTE
        if document is None:
            title = _("Nouveau devis") if quote else _("Nouvelle facture")
        else:
            title = _("Modifier le devis") if quote else _("Modifier la facture")
        self.setWindowTitle(title)

        self.client = QComboBox(self)
        self.client.setMinimumWidth(280)
        new_client = QPushButton(_("Nouveau c&lient…"), self)
        new_client.clicked.connect(self.on_new_client)
        self.subject = QLineEdit(self)
        self.subject.setMaxLength(200)
        self.subject.setPlaceholderText(_("par exemple : location de salle, mars 2026"))
        self.has_period = QCheckBox(_("&Période de la prestation :"), self)
        today = today_qdate(site.zone)
        self.service_from = bounded(QDateEdit(today, self))
        self.service_to = bounded(QDateEdit(today, self))
        for edit in (self.service_from, self.service_to):
            edit.setEnabled(False)
        self.has_period.toggled.connect(self.service_from.setEnabled)
        self.has_period.toggled.connect(self.service_to.setEnabled)
        self.valid_until = bounded(QDateEdit(today.addDays(self.settings.quote_days), self))
        self.valid_until.setVisible(quote)
        for edit in (self.service_from, self.service_to, self.valid_until):
            _date_edit(edit)

        form = QFormLayout()
        who = QHBoxLayout()
        who.addWidget(self.client, 1)
        who.addWidget(new_client)
        client_label = QLabel(_("&Client :"), self)
        client_label.setBuddy(self.client)
        form.addRow(client_label, who)
        form.addRow(_("&Objet :"), self.subject)
        period = QHBoxLayout()
        period.addWidget(self.service_from)
        period.addWidget(QLabel(_("au"), self))
        period.addWidget(self.service_to)
        period.addStretch(1)
        form.addRow(self.has_period, period)
        if quote:
            form.addRow(_("&Valable jusqu'au :"), self.valid_until)

        self.table = QTableWidget(0, 6, self)
        heads = [
            _("Désignation"),
            _("Quantité"),
            _("Unité"),
            _("Prix unitaire") if self.settings.franchise else _("Prix unitaire HT"),
            _("TVA %"),
            _("Total HT") if not self.settings.franchise else _("Total"),
        ]
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setAccessibleName(_("Lignes"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column in (QUANTITY, UNIT, PRICE, VAT, TOTAL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setColumnHidden(VAT, self.settings.franchise)
        self.table.itemChanged.connect(self._update_total)
        lines_label = QLabel(_("Li&gnes :"), self)
        lines_label.setBuddy(self.table)

        add = QPushButton(_("&Ajouter une ligne"), self)
        add.clicked.connect(lambda: self.add_line(None, edit=True))
        add_shortcut(self, "Ctrl+L", lambda: self.add_line(None, edit=True), add)
        remove = QPushButton(_("Re&tirer la ligne"), self)
        remove.clicked.connect(self.remove_line)
        bookings = QPushButton(_("Ajouter des &réservations…"), self)
        bookings.clicked.connect(self.on_bookings)
        passes = QPushButton(_("Ajouter un pass co&working…"), self)
        passes.clicked.connect(self.on_passes)
        self.total = QLabel(self)
        self.total.setAlignment(_RIGHT)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addWidget(bookings)
        row.addWidget(passes)
        row.addWidget(self.total, 1)

        buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(lines_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(900, 520)

        chosen = client_id
        if document is not None:
            chosen = document.row.client_id
            self.subject.setText(document.row.subject)
            if document.service_from is not None:
                self.has_period.setChecked(True)
                self.service_from.setDate(to_qdate(document.service_from))
                self.service_to.setDate(to_qdate(document.service_to or document.service_from))
            if quote and document.row.due_on is not None:
                self.valid_until.setDate(to_qdate(document.row.due_on))
            for kept in document.lines:
                self.add_line(kept.as_input())
        for line in lines:
            self.add_line(line)
        if service_on is not None and document is None:
            self.has_period.setChecked(True)
            self.service_from.setDate(to_qdate(service_on))
            self.service_to.setDate(to_qdate(service_on))
        self._load_clients(chosen)
        self._update_total()
        self.client.setFocus()

    # -- clients ------------------------------------------------------------------------
    def _load_clients(self, chosen: uuid.UUID | None) -> None:
        clients = self._app.clients.list(self._site.id)
        if chosen is not None and all(c.id != chosen for c in clients):
            clients.insert(0, self._app.clients.get(chosen))  # deactivated since: still shown
        self.client.clear()
        self.client.addItem(_("— choisissez un client —"), None)
        for client in clients:
            self.client.addItem(_client_label(client), client.id)
        if chosen is not None:
            self.choose_client(chosen)

    def choose_client(self, client_id: uuid.UUID) -> None:
        """Show ``client_id`` in the list (a UUID is compared here: ``findData`` compares
        Python objects by identity)."""
        for index in range(self.client.count()):
            if self.client.itemData(index) == client_id:
                self.client.setCurrentIndex(index)
                return

    def on_new_client(self) -> None:
        from tiers_lieu.ui.money.clients_tab import ClientDialog

        dialog = ClientDialog(self._app, self._site, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self._load_clients(dialog.saved.id)
        dialog.deleteLater()

    # -- lines --------------------------------------------------------------------------
    def add_line(self, line: LineInput | None, *, edit: bool = False) -> None:
        rate = self.settings.default_rate_bp
        texts = ["", "1", "", "", rate_text(rate), ""]
        links: tuple[uuid.UUID | None, uuid.UUID | None] = (None, None)
        if line is not None:
            texts = [
                line.description,
                quantity_text(line.quantity_milli),
                line.unit,
                cents_text(line.unit_price_cents)
                if line.unit_price_cents >= 0
                else "-" + cents_text(-line.unit_price_cents),
                rate_text(line.vat_rate_bp),
                "",
            ]
            links = (line.booking_id, line.pass_id)
        self.table.blockSignals(True)
        number = self.table.rowCount()
        self.table.insertRow(number)
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column in (QUANTITY, PRICE, VAT, TOTAL):
                item.setTextAlignment(_RIGHT)
            if column == TOTAL:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column == DESCRIPTION:
                item.setData(Qt.ItemDataRole.UserRole, links)
            self.table.setItem(number, column, item)
        self.table.blockSignals(False)
        self._update_total()
        if edit:
            self.table.setCurrentCell(number, DESCRIPTION)
            self.table.setFocus()
            first = self.table.item(number, DESCRIPTION)
            if first is not None:
                self.table.editItem(first)

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def remove_line(self) -> None:
        number = self.table.currentRow()
        if number >= 0:
            self.table.removeRow(number)
            self._update_total()

    def lines(self) -> tuple[LineInput, ...]:
        """The lines typed, or a :class:`ValidationError` naming the line."""
        found = []
        for number in range(self.table.rowCount()):
            label = _("Ligne {n}").format(n=number + 1)

            def text(column: int, number: int = number) -> str:
                return self._cell(number, column)

            if not any(text(c).strip() for c in (DESCRIPTION, PRICE)):
                continue  # an empty line left at the end
            first = self.table.item(number, DESCRIPTION)
            links = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
            booking_id, pass_id = links if isinstance(links, tuple) else (None, None)
            found.append(
                LineInput(
                    description=text(DESCRIPTION),
                    quantity_milli=parse_quantity(text(QUANTITY) or "1", label),
                    unit=text(UNIT),
                    unit_price_cents=parse_price(text(PRICE), label),
                    vat_rate_bp=0 if self.settings.franchise else parse_rate(text(VAT), label),
                    booking_id=booking_id,
                    pass_id=pass_id,
                )
            )
        return tuple(found)

    def _update_total(self, *_args: object) -> None:
        self.table.blockSignals(True)
        pairs = []
        for number in range(self.table.rowCount()):
            item = self.table.item(number, TOTAL)
            try:
                quantity = parse_quantity(self._cell(number, QUANTITY) or "1", "")
                price = parse_price(self._cell(number, PRICE), "")
                rate = parse_rate(self._cell(number, VAT), "")
            except ValidationError:
                if item is not None:
                    item.setText("")
                continue
            total = line_total(quantity, price)
            pairs.append((0 if self.settings.franchise else rate, total))
            if item is not None:
                item.setText(format_eur(total))
        self.table.blockSignals(False)
        totals = compute_totals(pairs)
        if self.settings.franchise:
            self.total.setText(_("Total : {total}").format(total=format_eur(totals.total_cents)))
        else:
            self.total.setText(
                _("Total HT {net} · TVA {vat} · TTC {total}").format(
                    net=format_eur(totals.net_cents),
                    vat=format_eur(totals.vat_cents),
                    total=format_eur(totals.total_cents),
                )
            )

    def on_bookings(self) -> None:
        self._add_billables(BookingsDialog(self._app, self._site, self))

    def on_passes(self) -> None:
        """The coworking passes not invoiced yet: the chosen client's person's when the
        client is linked to one (all of them a tick away), else every buyer's."""
        client_id = self.client.currentData()
        client = None
        if isinstance(client_id, uuid.UUID):
            try:
                client = self._app.clients.get(client_id)
            except ComptoirError as exc:
                show_error(self, exc)
                return
        self._add_billables(PassesDialog(self._app, self._site, client, self))

    def _add_billables(self, dialog: _BillablesDialog) -> None:
        """Each item ticked in ``dialog`` becomes a line; the first client they suggest is
        chosen when none is, and their days make the period when it is not set."""
        if dialog.exec() == QDialog.DialogCode.Accepted:
            chosen = dialog.chosen()
            for item in chosen:
                self.add_line(item.line)
            if chosen and self.client.currentData() is None:
                suggested = next((i.client for i in chosen if i.client is not None), None)
                if suggested is not None:
                    self.choose_client(suggested.id)
            if chosen and not self.has_period.isChecked():
                days = sorted(i.service_on for i in chosen)
                self.has_period.setChecked(True)
                self.service_from.setDate(to_qdate(days[0]))
                self.service_to.setDate(to_qdate(days[-1]))
        dialog.deleteLater()

    # -- saving -------------------------------------------------------------------------
    def data(self) -> DocumentInput:
        client_id = self.client.currentData()
        if not isinstance(client_id, uuid.UUID):
            raise ValidationError(_("Client"), _("choisissez un client (ou créez-le)"))
        period = self.has_period.isChecked()
        return DocumentInput(
            client_id=client_id,
            subject=self.subject.text(),
            service_from=to_date(self.service_from.date()) if period else None,
            service_to=to_date(self.service_to.date()) if period else None,
            valid_until=to_date(self.valid_until.date())
            if self._kind == InvoiceKind.QUOTE
            else None,
            lines=self.lines(),
        )

    def accept(self) -> None:
        invoices = self._app.invoices
        try:
            data = self.data()
            if self._document is None:
                self.saved = invoices.create(self._site.id, self._kind, data)
            else:
                self.saved = invoices.update(self._document.id, data)
        except ComptoirError as exc:
            show_error(self, exc, _("Document non enregistré"))
            return
        super().accept()


def _client_label(client: ClientInfo) -> str:
    where = client.city
    return f"{client.name} ({where})" if where else client.name


def invoice_booking(
    app: Comptoir, site: SiteInfo, booking_id: uuid.UUID, parent: QWidget | None = None
) -> InvoiceInfo | None:
    """« Facturer… » from a booking: a draft invoice with its line (its price), its day
    and its client when one is linked to its person or named like its organisation; the
    host completes and saves it. Returns the draft saved, ``None`` when nothing was."""
    try:
        billable = app.invoices.booking_line(booking_id)
    except ComptoirError as exc:
        show_error(parent, exc, _("Réservation non facturée"))
        return None
    if billable.invoiced and (
        QMessageBox.question(
            parent,
            _("Facturer la réservation"),
            _("Cette réservation figure déjà sur la facture {number}. La facturer encore ?").format(
                number=billable.invoiced
            ),
        )
        != QMessageBox.StandardButton.Yes
    ):
        return None
    dialog = DocumentDialog(
        app,
        site,
        str(InvoiceKind.INVOICE),
        None,
        parent,
        lines=(billable.line,),
        client_id=billable.client.id if billable.client else None,
        service_on=billable.service_on,
    )
    saved = dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
    dialog.deleteLater()
    return saved
