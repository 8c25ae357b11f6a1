"""« Ventes du jour »: the day's sales with their totals per payment method, a sale
cancelled when it was a mistake, and the Z de caisse saved as a PDF (off the GUI thread)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Signal
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
from tiers_lieu.i18n import _, format_eur, ngettext
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.services.grocery.labels import method_label
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table, selected_id, to_date
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.table_models import DaySalesModel
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.widgets import SubHeading


class DaySalesTab(QWidget):
    z_saved = Signal(object)
    """The Z PDF was written; carries its path."""

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
        self.day = bounded(QDateEdit(QDate(today.year, today.month, today.day), self))
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
        cancel = QPushButton(_("Annu&ler la vente"), self)
        cancel.clicked.connect(self.cancel_selected)
        add_shortcut(self, "Del", self.cancel_selected, cancel)
        z = QPushButton(_("&Z de caisse (PDF)…"), self)
        z.clicked.connect(self.save_z)
        add_shortcut(self, "Ctrl+P", self.save_z, z)

        top = QHBoxLayout()
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addStretch(1)
        top.addWidget(z)
        bottom = QHBoxLayout()
        bottom.addWidget(cancel)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
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
        if not isinstance(sale_id, uuid.UUID):
            return
        row = self.model.row_at(self.model.find_row(sale_id))
        if row.cancelled:
            return
        answer = QMessageBox.question(
            self,
            _("Annuler la vente"),
            _(
                "Annuler la vente de {time} ({total}) ? Les produits reviennent en stock et "
                "le montant sort du Z de caisse : rendez l'argent au client."
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

        def work(_progress: Callable[[int, int], None]) -> Path:
            return write_z_pdf(closing.z_report(site_id=site_id, day=day), target)

        run_op(self, work, self.z_saved.emit, label=_("Préparation du Z de caisse…"))
