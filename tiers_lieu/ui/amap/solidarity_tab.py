"""« Paniers solidaires »: the eligible households (who referred them, until when), how the
gap between the full and the solidarity price is funded, and the year's figures as the
activity report will give them (baskets distributed and their cost, by funder).
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_eur, ngettext, place_today
from tiers_lieu.models.enums import FundingSource
from tiers_lieu.services.amap import EligibleHousehold
from tiers_lieu.services.amap.common import FUNDING_LABELS, label
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.amap.table_models import EligibleModel
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    select_id,
    selected_id,
    to_date,
    to_qdate,
)
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown


class SolidarityTab(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site

        self.model = EligibleModel(self)
        self.view = make_table(self.model, self, stretch=EligibleModel.Columns.FUNDING)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)

        editor = QGroupBox(_("Foyer choisi"), self)
        self.referred_by = QLineEdit(editor)
        self.referred_by.setMaxLength(120)
        self.until = bounded(QDateEdit(editor))
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.shares: dict[str, QSpinBox] = {}
        shares_row = QHBoxLayout()
        for source in FundingSource:
            spin = QSpinBox(editor)
            spin.setRange(0, 100)
            spin.setSuffix(" %")
            spin.valueChanged.connect(self.on_share_changed)
            self.shares[source.value] = spin
            caption = QLabel(label(FUNDING_LABELS, source) + _(" :"), editor)
            caption.setBuddy(spin)
            shares_row.addWidget(caption)
            shares_row.addWidget(spin)
        shares_row.addStretch(1)
        self.total_label = QLabel(editor)
        self.save_button = QPushButton(_("&Enregistrer"), editor)
        self.save_button.clicked.connect(self.on_save_clicked)
        form = QFormLayout()
        form.addRow(_("&Orienté par :"), self.referred_by)
        form.addRow(_("Éligible &jusqu'au :"), self.until)
        form.addRow(_("Financement de l'écart :"), shares_row)
        form.addRow("", self.total_label)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addLayout(save_row)

        figures = QGroupBox(_("Bilan"), self)
        self.year = QSpinBox(figures)
        self.year.setRange(2000, 2100)
        self.year.setValue(place_today(site.zone).year)
        self.year.valueChanged.connect(self.on_year_changed)
        year_label = QLabel(_("A&nnée :"), figures)
        year_label.setBuddy(self.year)
        self.summary = QLabel(figures)
        self.summary.setWordWrap(True)
        figures_layout = QHBoxLayout(figures)
        figures_layout.addWidget(year_label)
        figures_layout.addWidget(self.year)
        figures_layout.addWidget(self.summary, 1)

        self.status = StatusLabel(self, zone=self._site.zone)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(editor)
        layout.addWidget(figures)
        layout.addWidget(self.status)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        self.shown = refresh_when_shown(self, every_time=True)  # read each time on screen

    def refresh(self) -> None:
        chosen = selected_id(self.view)
        self.model.set_rows(
            self._app.amap.solidarity.eligible(
                site_id=self._site.id, on=place_today(self._site.zone)
            )
        )
        if chosen is not None:
            select_id(self.view, chosen)
        elif self.model.rowCount():
            self.view.selectRow(0)
        self.on_selection_changed()
        self.on_year_changed(self.year.value())

    def _chosen(self) -> EligibleHousehold | None:
        value = selected_id(self.view)
        return self.model.row_at(self.model.find_row(value)) if value is not None else None

    def on_selection_changed(self) -> None:
        row = self._chosen()
        for widget in (self.referred_by, self.until, self.save_button, *self.shares.values()):
            widget.setEnabled(row is not None)
        if row is None:
            self.total_label.setText(_("Aucun foyer au tarif solidaire pour l'instant."))
            return
        self.referred_by.setText(row.referred_by)
        until = row.eligible_until or place_today(self._site.zone)
        self.until.setDate(to_qdate(until))
        given = dict(row.funding)
        for source, spin in self.shares.items():
            spin.blockSignals(True)
            spin.setValue(given.get(source, 0))
            spin.blockSignals(False)
        self.on_share_changed()

    def on_share_changed(self) -> None:
        total = sum(spin.value() for spin in self.shares.values())
        text = _("Total : {total} %").format(total=total)
        if total != 100:
            text += _(" — doit faire 100 %")
        self.total_label.setText(text)

    def on_year_changed(self, year: int) -> None:
        summary = self._app.amap.solidarity.summary(
            site_id=self._site.id, start=date(year, 1, 1), end=date(year, 12, 31)
        )
        text = ngettext(
            "{n} panier solidaire distribué, coût {cost}",
            "{n} paniers solidaires distribués, coût {cost}",
            summary.baskets,
        ).format(n=summary.baskets, cost=format_eur(summary.cost_cents))
        parts = [
            _("{source} : {amount}").format(
                source=label(FUNDING_LABELS, source), amount=format_eur(cents)
            )
            for source, cents in summary.by_source
            if cents
        ]
        if summary.unfunded_cents:
            parts.append(
                _("financement à préciser : {amount}").format(
                    amount=format_eur(summary.unfunded_cents)
                )
            )
        if parts:
            text += " — " + ", ".join(parts)
        self.summary.setText(text + ".")

    def on_save_clicked(self) -> None:
        row = self._chosen()
        if row is None:
            return
        subscription_id: uuid.UUID = row.subscription_id
        try:
            self._app.amap.solidarity.set_funding(
                subscription_id=subscription_id,
                shares={source: spin.value() for source, spin in self.shares.items()},
            )
            self._app.amap.solidarity.set_eligibility(
                subscription_id=subscription_id,
                referred_by=self.referred_by.text(),
                eligible_until=to_date(self.until.date()),
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Panier solidaire non enregistré"))
            return
        self.refresh()
        self.status.confirm(
            _("Panier solidaire de {household} enregistré.").format(household=row.household)
        )
