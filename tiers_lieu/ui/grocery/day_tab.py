"""« Ventes du jour »: the day's sales with their totals per payment method, a sale
cancelled when it was a mistake, and the Z de caisse saved as a PDF (off the GUI thread)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_eur, ngettext
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.services.access import Permission
from tiers_lieu.services.grocery.labels import method_label
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.closures import ClosureInfo
from tiers_lieu.ui.common import add_shortcut, make_table, selected_id, to_date, to_qdate
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.receipt_dialog import reprint_button
from tiers_lieu.ui.grocery.table_models import DaySalesModel
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.widgets import SubHeading


class DaySalesTab(QWidget):
    z_saved = Signal(object)
    """The Z PDF was written; carries its path."""
    day_closed = Signal(object)
    """The day's Z was written; carries its :class:`ClosureInfo`."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        today = datetime.now(app.visits.time_zone(site.id)).date()
        self.day = bounded(QDateEdit(to_qdate(today), self))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.dateChanged.connect(self.refresh)
        day_label = QLabel(_("&Journée :"), self)
        day_label.setBuddy(self.day)
        self.model = DaySalesModel(self)
        self.view = make_table(self.model, self, stretch=DaySalesModel.Columns.BUYER)
        self.summary = SubHeading("", self)
        self.summary.setWordWrap(True)
        self.methods = QLabel(self)
        self.methods.setWordWrap(True)
        # Cancelling after the fact records a reversing ticket: hosts and above only
        # (TILL_CANCEL); a volunteer may sell, not cancel.
        self.may_cancel = app.access.allows(Permission.TILL_CANCEL)
        cancel = self.cancel_button = QPushButton(_("Annu&ler par un ticket d'annulation…"), self)
        cancel.clicked.connect(self.cancel_selected)
        cancel.setVisible(self.may_cancel)
        add_shortcut(self, "Del", self.cancel_selected, cancel)
        z = QPushButton(_("&Z de caisse (PDF)…"), self)
        z.clicked.connect(self.save_z)
        add_shortcut(self, "Ctrl+P", self.save_z, z)
        close_z = self.close_button = QPushButton(_("Clôturer la j&ournée (Z)…"), self)
        close_z.clicked.connect(self.close_day)
        add_shortcut(self, "Ctrl+Shift+Z", self.close_day, close_z)
        self.closed = QLabel(self)  # « Journée clôturée : Z n° 12 », hidden while open
        self.closed.setObjectName("dayClosed")
        self.closed.setWordWrap(True)
        self.closure: ClosureInfo | None = None

        top = QHBoxLayout()
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addStretch(1)
        top.addWidget(z)
        top.addWidget(close_z)
        bottom = QHBoxLayout()
        bottom.addWidget(cancel)
        bottom.addWidget(reprint_button(app, self.view, self))
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.closed)
        layout.addWidget(self.methods)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.view)
        self.shown = refresh_when_shown(self, every_time=True)  # read each time on screen

    def selected_day(self) -> date:
        return to_date(self.day.date())

    def refresh(self) -> None:
        day = self.selected_day()
        self.model.set_rows(self._app.grocery.closing.day_sales(site_id=self._site.id, day=day))
        z = self._app.grocery.closing.z_report(site_id=self._site.id, day=day)
        self.show_closure(self._app.till_closures.day_closure(site_id=self._site.id, day=day))
        self.summary.setText(
            ngettext("{n} vente — {total}", "{n} ventes — {total}", z.sales).format(
                n=z.sales, total=format_eur(z.total_cents)
            )
        )
        parts = [
            _("{method} : {amount}").format(
                method=method_label(m.method), amount=format_eur(m.amount_cents)
            )
            for m in z.by_method
        ]
        if z.reversals:
            parts.append(
                ngettext(
                    "{n} ticket d'annulation ({amount})",
                    "{n} tickets d'annulation ({amount})",
                    z.reversals,
                ).format(n=z.reversals, amount=format_eur(z.reversed_cents))
            )
        if z.cancelled_sales:
            parts.append(
                ngettext("{n} annulée", "{n} annulées", z.cancelled_sales).format(
                    n=z.cancelled_sales
                )
            )
        self.methods.setText(" · ".join(parts) or _("Aucune vente ce jour-là."))
        if self.model.rowCount():
            self.view.selectRow(0)

    def cancel_selected(self) -> None:
        sale_id = selected_id(self.view)
        if not self.may_cancel or not isinstance(sale_id, uuid.UUID):
            return
        row = self.model.row_at(self.model.find_row(sale_id))
        if row.cancelled:
            return
        answer = QMessageBox.question(
            self,
            _("Annuler par un ticket d'annulation"),
            _(
                "Annuler la vente de {time} ({total}) ? Un ticket d'annulation de montant "
                "opposé est enregistré dans le journal de caisse ; le ticket d'origine y reste "
                "tel quel. Les produits reviennent en stock : rendez l'argent au client, par "
                "les mêmes moyens de paiement."
            ).format(
                time=self.model.display(row, DaySalesModel.Columns.TIME),
                total=format_eur(row.total_cents),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.grocery.sales.cancel(sale_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.changes.announce(self, Topic.SALES, Topic.STOCK)

    def save_z(self) -> None:
        day = self.selected_day()
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = _("z-de-caisse-{day}.pdf").format(day=day.isoformat())
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Enregistrer le Z de caisse"),
            str(Path(folder) / name),
            _("Document PDF (*.pdf)"),
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        site_id = self._site.id
        closing = self._app.grocery.closing
        closures = self._app.till_closures
        closure = self.closure

        def work(_progress: Callable[[int, int], None]) -> Path:
            # A closed day prints its numbered Z (a « Duplicata » from the second print on),
            # an open one a provisional reading.
            if closure is not None:
                closures.print_report(closure.id, write=lambda z: write_z_pdf(z, target))
                return target
            return write_z_pdf(closing.z_report(site_id=site_id, day=day), target)

        run_op(self, work, self.z_saved.emit, label=_("Préparation du Z de caisse…"))

    def show_closure(self, closure: ClosureInfo | None) -> None:
        """Whether the shown day is closed: its Z's number, and no second closing."""
        self.closure = closure
        self.close_button.setEnabled(closure is None)
        self.closed.setVisible(closure is not None)
        if closure is not None:
            self.closed.setText(
                _(
                    "Journée clôturée : Z n° {number} — {total} (grand total {grand}). "
                    "Plus aucune vente ni annulation ce jour-là."
                ).format(
                    number=closure.number,
                    total=format_eur(closure.total_cents),
                    grand=format_eur(closure.grand_total_cents),
                )
            )

    def close_day(self) -> None:
        """« Clôturer la journée (Z)… »: after a confirmation, the day's numbered Z (and the
        earlier days' still open), off the GUI thread."""
        if self.closure is not None:
            return
        day = self.selected_day()
        answer = QMessageBox.question(
            self,
            _("Clôturer la journée"),
            _(
                "Clôturer la journée du {day} ? Le Z numéroté est enregistré dans le journal "
                "de caisse ; ensuite plus aucune vente ni annulation n'est possible ce "
                "jour-là. Les journées précédentes encore ouvertes sont clôturées d'abord."
            ).format(day=format_date(day, "long")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        site_id = self._site.id
        closures = self._app.till_closures

        def work(_progress: Callable[[int, int], None]) -> list[ClosureInfo]:
            return closures.close_day(site_id=site_id, day=day)

        def done(written: list[ClosureInfo]) -> None:
            self.refresh()
            self.changes.announce(self, Topic.SALES)
            self.day_closed.emit(written[-1])

        run_op(
            self,
            work,
            done,
            label=_("Clôture de la journée…"),
            on_failure=lambda exc: show_error(self, exc),
        )
