"""« Factures et devis »: the place's quotes, invoices and credit notes, newest first, with
their number, client, date, total, what is still due and their state (« payée »,
« partiellement payée », « à payer », « échue »).

Keyboard: Ctrl+F searches (number, client, subject), Ctrl+N a new invoice, Ctrl+Maj+N a new
quote, Entrée opens a draft; each button has its Alt letter. Issuing (a number, the date, the
seller and the client copied, never changed again) asks first; a quote is sent (numbered)
then turned into an invoice; an issued invoice is corrected by a credit note (« Avoir… »),
never edited. The PDF is written off the GUI thread; an issued document's first PDF is the
original, every later one a « Duplicata » (each recorded in the till journal).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date, format_eur, ngettext
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.invoices import (
    DRAFT,
    OVERDUE,
    SENT,
    InvoiceRow,
    LineInput,
)
from tiers_lieu.ui.common import StatusLabel, add_shortcut, ask_pdf_path, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.money.invoice_dialog import CreditDialog, DocumentDialog, PaymentDialog
from tiers_lieu.ui.money.listing import ReadingListTab
from tiers_lieu.ui.ops import run_op

__all__ = ["InvoicesTab"]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class InvoicesModel(ReadModelTable[InvoiceRow]):
    class Columns(IntEnum):
        NUMBER = 0
        KIND = 1
        CLIENT = 2
        DATE = 3
        DUE_ON = 4
        TOTAL = 5
        DUE = 6
        STATE = 7

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NUMBER: _("Numéro"),
            c.KIND: _("Type"),
            c.CLIENT: _("Client"),
            c.DATE: _("Date"),
            c.DUE_ON: _("Échéance"),
            c.TOTAL: _("Total"),
            c.DUE: _("Reste dû"),
            c.STATE: _("État"),
        }

    def display(self, row: InvoiceRow, column: Any) -> str:
        c = self.Columns
        if column == c.NUMBER:
            return row.number or _("(brouillon)")
        if column == c.KIND:
            return row.kind_label
        if column == c.CLIENT:
            return f"{row.client_name} — {row.subject}" if row.subject else row.client_name
        if column == c.DATE:
            return format_date(row.issued_on) if row.issued_on else ""
        if column == c.DUE_ON:
            return format_date(row.due_on) if row.due_on else ""
        if column == c.TOTAL:
            return format_eur(row.total_cents)
        if column == c.DUE:
            return (
                format_eur(row.due_cents) if row.kind == InvoiceKind.INVOICE and row.number else ""
            )
        return row.state_label

    def sort_value(self, row: InvoiceRow, column: Any) -> object:
        c = self.Columns
        if column == c.TOTAL:
            return row.total_cents
        if column == c.DUE:
            return row.due_cents
        if column in (c.DATE, c.DUE_ON):
            value = row.issued_on if column == c.DATE else row.due_on
            return value.isoformat() if value else ""
        return self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column in (self.Columns.TOTAL, self.Columns.DUE):
            return _RIGHT
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def extra(self, row: InvoiceRow, column: Any, role: int) -> object:
        overdue = row.state == OVERDUE and column == self.Columns.STATE
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QColor("#b3261e")
        return None


class InvoicesTab(ReadingListTab[InvoiceRow]):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent, changes)
        self._app = app
        self._site = site

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Chercher un numéro, un client, un objet (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.refresh())
        add_shortcut(self, "Ctrl+F", self.search.setFocus)
        self.kind = QComboBox(self)
        self.kind.addItem(_("Tous les documents"), None)
        self.kind.addItem(_("Factures"), str(InvoiceKind.INVOICE))
        self.kind.addItem(_("Devis"), str(InvoiceKind.QUOTE))
        self.kind.addItem(_("Avoirs"), str(InvoiceKind.CREDIT))
        self.kind.currentIndexChanged.connect(lambda _index: self.refresh())
        kind_label = QLabel(_("Affic&her :"), self)
        kind_label.setBuddy(self.kind)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(kind_label)
        top.addWidget(self.kind)

        self.model = InvoicesModel(self)
        self.view = make_table(self.model, self, stretch=InvoicesModel.Columns.CLIENT)
        self.view.activated.connect(self.edit_selected)

        def button(text: str, slot: Callable[[], None], keys: str | None = None) -> QPushButton:
            made = QPushButton(text, self)
            made.clicked.connect(slot)
            if keys:
                add_shortcut(self, keys, slot, made)
            return made

        self.new_invoice = button(_("&Nouvelle facture"), self.on_new_invoice, "Ctrl+N")
        self.new_quote = button(_("Nouveau de&vis"), self.on_new_quote, "Ctrl+Shift+N")
        self.edit = button(_("&Modifier"), self.edit_selected)
        self.delete = button(_("&Supprimer le brouillon"), self.delete_selected)
        self.issue = button(_("Émett&re"), self.issue_selected)
        self.invoice_quote = button(_("Fac&turer le devis"), self.invoice_selected_quote)
        self.credit = button(_("Av&oir…"), self.credit_selected)
        self.payment = button(_("&Paiement…"), self.pay_selected)
        self.pdf = button(_("P&DF…"), self.save_pdf, "Ctrl+P")
        self.status = StatusLabel(self, zone=site.zone)
        self.count = QLabel(self)
        first = QHBoxLayout()
        for widget in (self.new_invoice, self.new_quote, self.edit, self.delete):
            first.addWidget(widget)
        first.addStretch(1)
        first.addWidget(self.count)
        second = QHBoxLayout()
        for widget in (self.issue, self.invoice_quote, self.credit, self.payment, self.pdf):
            second.addWidget(widget)
        second.addWidget(self.status, 1)
        self.credit.setVisible(app.access.allows(Permission.TILL_CANCEL))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(first)
        layout.addLayout(second)
        self.setFocusProxy(self.view)
        self.view.selectionModel().selectionChanged.connect(self._follow_selection)
        self._follow_selection()
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.INVOICES, Topic.BOOKINGS}, self.shown.invalidate)

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list off the GUI thread (the newer read wins)."""
        service, site_id = self._app.invoices, self._site.id
        search, kind = self.search.text(), self.kind.currentData()

        def work(_progress: Callable[[int, int], None]) -> list[InvoiceRow]:
            return service.documents(site_id, kind=kind, search=search)

        self.read(work, self._show)

    def _show(self, rows: list[InvoiceRow]) -> None:
        self.set_rows(rows)
        due = sum(max(r.due_cents, 0) for r in rows)
        self.count.setText(
            ngettext("{n} document", "{n} documents", len(rows)).format(n=len(rows))
            + " · "
            + _("reste dû {amount}").format(amount=format_eur(due))
        )
        self._follow_selection()

    def _follow_selection(self, *_args: object) -> None:
        row = self.selected()
        draft = row is not None and row.status == DRAFT
        quote = row is not None and row.kind == InvoiceKind.QUOTE
        issued_invoice = row is not None and row.kind == InvoiceKind.INVOICE and bool(row.number)
        self.edit.setEnabled(draft)
        self.delete.setEnabled(draft)
        self.issue.setEnabled(draft)
        self.issue.setText(_("Envoye&r le devis") if quote else _("Émett&re"))
        self.invoice_quote.setEnabled(quote and row is not None and row.status in (DRAFT, SENT))
        self.credit.setEnabled(issued_invoice)
        self.payment.setEnabled(issued_invoice and row is not None and row.due_cents > 0)
        self.pdf.setEnabled(row is not None)

    # -- writing --------------------------------------------------------------------------
    def on_new_invoice(self) -> None:
        self.open_document(str(InvoiceKind.INVOICE))

    def on_new_quote(self) -> None:
        self.open_document(str(InvoiceKind.QUOTE))

    def open_document(
        self,
        kind: str,
        *,
        lines: tuple[LineInput, ...] = (),
        client_id: uuid.UUID | None = None,
        service_on: Any = None,
    ) -> None:
        """The form of a new quote or invoice (lines given: from a booking, say)."""
        self._edit_draft(
            lambda: DocumentDialog(
                self._app,
                self._site,
                kind,
                None,
                self,
                lines=lines,
                client_id=client_id,
                service_on=service_on,
            )
        )

    def _edit_draft(self, make: Callable[[], DocumentDialog]) -> None:
        """Open a draft's form (``make`` may fail: a document gone, say) and show the draft
        saved."""
        try:
            dialog = make()
        except ComptoirError as exc:
            show_error(self, exc)
            return
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.show_write(dialog.saved.id, _("Brouillon enregistré."), Topic.INVOICES)
        dialog.deleteLater()

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.status != DRAFT:
            self.status.confirm(
                _("{kind} {number} est émis : il ne se modifie plus.").format(
                    kind=row.kind_label, number=row.number or ""
                )
            )
            return
        self._edit_draft(
            lambda: DocumentDialog(
                self._app, self._site, row.kind, self._app.invoices.get(row.id), self
            )
        )

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None or row.status != DRAFT:
            return
        answer = QMessageBox.question(
            self,
            _("Supprimer le brouillon"),
            _("Supprimer ce brouillon de {kind} pour {client} ?").format(
                kind=row.kind_label.lower(), client=row.client_name
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.invoices.delete(row.id)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        self.show_write(None, _("Brouillon supprimé."), Topic.INVOICES)

    def issue_selected(self) -> None:
        row = self.selected()
        if row is None or row.status != DRAFT:
            return
        quote = row.kind == InvoiceKind.QUOTE
        question = (
            _(
                "Envoyer ce devis à {client} ? Il reçoit son numéro et sa date de validité ; "
                "il ne se modifiera plus."
            )
            if quote
            else _(
                "Émettre cette facture de {total} à {client} ? Elle reçoit le numéro suivant "
                "et ne pourra plus être ni modifiée ni supprimée (un avoir la corrige)."
            )
        ).format(client=row.client_name, total=format_eur(row.total_cents))
        answer = QMessageBox.question(
            self, _("Envoyer le devis") if quote else _("Émettre la facture"), question
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            if quote:
                info = self._app.invoices.send_quote(row.id)
            else:
                info = self._app.invoices.issue(row.id)
        except ComptoirError as exc:
            show_error(self, exc, _("Document non émis"))
            return
        message = (_("Devis {number} envoyé.") if quote else _("Facture {number} émise.")).format(
            number=info.row.number
        )
        topics = (Topic.INVOICES,) if quote else (Topic.INVOICES, Topic.SALES)
        self.show_write(info.id, message, *topics)

    def invoice_selected_quote(self) -> None:
        row = self.selected()
        if row is None or row.kind != InvoiceKind.QUOTE:
            return
        try:
            info = self._app.invoices.invoice_quote(row.id)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        self.show_write(
            info.id,
            _("Facture créée en brouillon depuis le devis {number}.").format(
                number=row.number or _("brouillon")
            ),
            Topic.INVOICES,
        )

    def credit_selected(self) -> None:
        row = self.selected()
        if row is None or row.kind != InvoiceKind.INVOICE or not row.number:
            return
        try:
            dialog = CreditDialog(self._app, self._app.invoices.get(row.id), self)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.show_write(
                dialog.saved.id,
                _("Avoir {number} émis.").format(number=dialog.saved.row.number),
                Topic.INVOICES,
                Topic.SALES,
            )
        dialog.deleteLater()

    def pay_selected(self) -> None:
        row = self.selected()
        if row is None or row.kind != InvoiceKind.INVOICE or not row.number:
            return
        try:
            dialog = PaymentDialog(self._app, self._site, self._app.invoices.get(row.id), self)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.show_write(
                dialog.saved.id,
                _("Paiement enregistré ; reste dû {due}.").format(
                    due=format_eur(max(dialog.saved.row.due_cents, 0))
                ),
                Topic.INVOICES,
            )
        dialog.deleteLater()

    # -- the PDF --------------------------------------------------------------------------
    def save_pdf(self) -> None:
        row = self.selected()
        if row is None:
            return
        name = f"{row.kind_label.lower()}-{row.number or _('brouillon')}.pdf"
        target = ask_pdf_path(self, _("Enregistrer le PDF"), name)
        if target is not None:
            self.write_pdf(row.id, target)

    def write_pdf(self, invoice_id: uuid.UUID, target: Path) -> None:
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        invoices = self._app.invoices

        def work(_progress: Callable[[int, int], None]) -> Path:
            from tiers_lieu.reports.documents.invoice import write_invoice

            # An issued document's print is recorded: the original once, « Duplicata » after.
            invoices.print_document(invoice_id, write=lambda doc: write_invoice(doc, target))
            return target

        run_op(
            self,
            work,
            lambda written: self.status.confirm(
                _("PDF enregistré : {path}").format(path=str(written))
            ),
            label=_("Préparation du PDF…"),
            on_failure=lambda exc: show_error(self, exc),
        )
