"""« Dons et reçus »: the gifts received in a year, recording one, issuing its tax receipt
(Cerfa 11580*05) and printing it again, and the receipt of a membership fee. The dialogs are
in :mod:`donation_dialogs` (re-exported here).

Keys: Ctrl+N records a gift, Entrée on a row corrects it (before its receipt), Ctrl+R issues the
receipt, Ctrl+P writes the receipt's PDF, Ctrl+M a membership receipt. The list is read off the
GUI thread; a receipt is issued, then its PDF saved where the host chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_eur, ngettext, place_today
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.donations import (
    DonationInfo,
    DonationList,
    form_label,
    method_label,
)
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    ask_pdf_path,
    make_table,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.money.donation_dialogs import (
    DonationDialog,
    IssueDialog,
    MembershipReceiptDialog,
)
from tiers_lieu.ui.money.listing import ReadingListTab
from tiers_lieu.ui.sheet_output import save_confirmed
from tiers_lieu.ui.tab_parts import button_row

__all__ = ["DonationDialog", "DonationsTab", "IssueDialog", "MembershipReceiptDialog"]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DonationsModel(ReadModelTable[DonationInfo]):
    class Columns(IntEnum):
        DATE = 0
        DONOR = 1
        FORM = 2
        METHOD = 3
        AMOUNT = 4
        RECEIPT = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Reçu le"),
            c.DONOR: _("Donateur"),
            c.FORM: _("Forme"),
            c.METHOD: _("Versement"),
            c.AMOUNT: _("Montant"),
            c.RECEIPT: _("Reçu fiscal"),
        }

    def display(self, row: DonationInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return format_date(row.received_on)
        if column == c.DONOR:
            return row.donor.name
        if column == c.FORM:
            return form_label(row.form)
        if column == c.METHOD:
            return method_label(row.method) if row.method else "—"
        if column == c.AMOUNT:
            return format_eur(row.amount_cents)
        if row.receipt_number is None:
            return _("à établir")
        assert row.receipt_issued_on is not None
        return _("n° {number} du {day}").format(
            number=row.receipt_number, day=format_date(row.receipt_issued_on)
        )

    def sort_value(self, row: DonationInfo, column: Any) -> object:
        if column == self.Columns.DATE:
            return row.received_on
        if column == self.Columns.AMOUNT:
            return row.amount_cents
        return self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.AMOUNT:
            return _RIGHT
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class DonationsTab(ReadingListTab[DonationInfo]):
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
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(place_today(site.zone).year)
        self.year.valueChanged.connect(lambda _value: self.refresh())
        year_label = QLabel(_("Dons de l'a&nnée"), self)
        year_label.setBuddy(self.year)
        self.total = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.total)
        self.model = DonationsModel(self)
        self.view = make_table(self.model, self, stretch=DonationsModel.Columns.DONOR)
        self.view.activated.connect(self.edit_selected)
        self.record_button = QPushButton(_("&Enregistrer un don…"), self)
        self.record_button.clicked.connect(self.record)
        add_shortcut(self, "Ctrl+N", self.record, self.record_button)
        self.edit_button = QPushButton(_("&Modifier…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.issue_button = QPushButton(_("Établir le &reçu fiscal…"), self)
        self.issue_button.clicked.connect(self.issue_selected)
        add_shortcut(self, "Ctrl+R", self.issue_selected, self.issue_button)
        self.pdf_button = QPushButton(_("Reçu &PDF…"), self)
        self.pdf_button.clicked.connect(self.pdf_selected)
        add_shortcut(self, "Ctrl+P", self.pdf_selected, self.pdf_button)
        self.membership_button = QPushButton(_("Reçu de &cotisation…"), self)
        self.membership_button.clicked.connect(self.membership_receipt)
        add_shortcut(self, "Ctrl+M", self.membership_receipt, self.membership_button)
        buttons = button_row(
            self.record_button,
            self.edit_button,
            self.issue_button,
            self.pdf_button,
            self.membership_button,
        )
        self.status = StatusLabel(self, zone=site.zone)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.setFocusProxy(self.view)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.update_buttons()
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.PEOPLE}, self.shown.invalidate)

    # -- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the year's gifts off the GUI thread (the newer read wins)."""
        year = self.year.value()
        service = self._app.donations
        site_id = self._site.id

        def work(_progress: Callable[[int, int], None]) -> DonationList:
            return service.list_period(site_id, start=date(year, 1, 1), end=date(year, 12, 31))

        self.read(work, self._show)

    def _show(self, listed: DonationList) -> None:
        self.set_rows(listed.rows)
        count = len(listed.rows)
        self.total.setText(
            ngettext("{n} don", "{n} dons", count).format(n=count)
            + " · "
            + _("total {amount}").format(amount=format_eur(listed.total_cents))
            + (" · " + _("liste limitée aux plus récents") if listed.truncated else "")
        )
        self.update_buttons()

    def update_buttons(self, *_args: object) -> None:
        chosen = self.selected()
        self.edit_button.setEnabled(chosen is not None and not chosen.issued)
        self.issue_button.setEnabled(chosen is not None and not chosen.issued)
        self.pdf_button.setEnabled(chosen is not None and chosen.issued)

    # -- writing ------------------------------------------------------------------------
    def record(self) -> None:
        self._open(None)

    def edit_selected(self, *_args: object) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if chosen.issued:
            self.pdf_selected()
            return
        self._open(chosen)

    def _open(self, donation: DonationInfo | None) -> None:
        dialog = DonationDialog(self._app, self._site, self, donation=donation)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            saved = dialog.saved
            if saved.received_on.year != self.year.value():
                self.year.blockSignals(True)
                self.year.setValue(saved.received_on.year)
                self.year.blockSignals(False)
            self.show_write(
                saved.id,
                _("Don de {donor} enregistré : {amount}.").format(
                    donor=saved.donor.name, amount=format_eur(saved.amount_cents)
                ),
            )
        dialog.deleteLater()

    def issue_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.issued:
            return
        dialog = IssueDialog(self._app, chosen, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        receipt = dialog.issued
        dialog.deleteLater()
        if not accepted or receipt is None:
            return
        self.show_write(
            chosen.id,
            _("Reçu fiscal n° {number} établi.").format(number=receipt.number),
        )
        target = self._receipt_path(receipt.number)
        if target is not None:
            self._save_receipt(receipt, target)

    def pdf_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if not chosen.issued:
            QMessageBox.information(
                self,
                _("Reçu PDF"),
                _(
                    "Le reçu fiscal de ce don n'est pas encore établi : "
                    "« Établir le reçu fiscal… »."
                ),
            )
            return
        target = self._receipt_path(chosen.receipt_number or "")
        if target is None:
            return
        try:  # the duplicate's journal line is written once the file is asked for
            receipt = self._app.donations.receipt_copy(chosen.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._save_receipt(receipt, target)

    def _receipt_path(self, number: str) -> Path | None:
        name = _("recu-fiscal-{number}.pdf").format(number=number)
        return ask_pdf_path(self, _("Enregistrer le reçu fiscal"), name)

    def _save_receipt(self, receipt: Any, target: Path) -> None:
        from tiers_lieu.reports.documents.tax_receipt import write_tax_receipt

        save_confirmed(
            self,
            self.status,
            lambda path: write_tax_receipt(receipt, path),
            target,
            label=_("Préparation du reçu…"),
            saved=_("Reçu enregistré : {path}"),
        )

    def membership_receipt(self) -> None:
        dialog = MembershipReceiptDialog(self._app, self._site, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        membership_id = dialog.membership_id
        dialog.deleteLater()
        if not accepted or membership_id is None:
            return
        from tiers_lieu.reports.documents.tax_receipt import write_membership_receipt

        target = ask_pdf_path(
            self, _("Enregistrer le reçu de cotisation"), _("recu-cotisation.pdf")
        )
        if target is None:
            return
        try:
            receipt = self._app.donations.membership_receipt(membership_id)
        except Exception as exc:
            show_error(self, exc)
            return
        save_confirmed(
            self,
            self.status,
            lambda path: write_membership_receipt(receipt, path),
            target,
            label=_("Préparation du reçu…"),
            saved=_("Reçu de cotisation enregistré : {path}"),
        )
