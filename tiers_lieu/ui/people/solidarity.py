"""« Tarif solidaire à revoir »: the households whose eligibility for the solidarity price ends
within a month or has ended (issue 21), the soonest first, with their phone when they
consented, so that the desk asks for the new attestation before the till stops the price;
« Prolonger… » opens the household's record to enter the end of the new one."""

from __future__ import annotations

import uuid
from datetime import date
from enum import IntEnum

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, place_today
from tiers_lieu.services.eligibility import REVIEW_DAYS, ReviewLine
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import make_table, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.person_dialog import EditPersonDialog


class SolidarityReviewModel(ReadModelTable[ReviewLine]):
    class Columns(IntEnum):
        NAME = 0
        END = 1
        PHONE = 2

    today: date | None = None

    def headers(self) -> dict[object, str]:
        c = self.Columns
        return {c.NAME: _("Foyer"), c.END: _("Solidaire jusqu'au"), c.PHONE: _("Téléphone")}

    def display(self, row: ReviewLine, column: object) -> str:
        if column == self.Columns.NAME:
            return row.name
        if column == self.Columns.PHONE:
            return row.phone
        when = format_date(row.until)
        if self.today is not None and row.ended(self.today):
            return _("{date} (échu)").format(date=when)
        return when

    def row_id(self, row: ReviewLine) -> object:
        return row.person_id


class SolidarityReviewTab(QWidget):
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
        self._app, self._site = app, site
        self.model = SolidarityReviewModel(self)
        self.table = make_table(self.model, self, stretch=0)
        self.empty = QLabel(
            _("Aucun tarif solidaire ne prend fin dans les {n} prochains jours.").format(
                n=REVIEW_DAYS
            ),
            self,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _(
                    "Foyers au tarif solidaire dont l'éligibilité prend fin dans les {n} jours "
                    "ou a pris fin : demandez la nouvelle attestation."
                ).format(n=REVIEW_DAYS),
                self,
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.extend_button = QPushButton(_("&Prolonger…"), self)
        self.extend_button.setToolTip(
            _("Modifier la fiche du foyer choisi : la fin de sa nouvelle attestation")
        )
        self.extend_button.clicked.connect(self.on_extend_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.extend_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.shown = refresh_when_shown(self, self._load)  # read when first on screen
        self.changes.watch(self, {Topic.PEOPLE}, self.shown.invalidate)

    def refresh(self) -> None:
        """List the households again now if the tab is shown, else when it is."""
        self.shown.invalidate()

    def _load(self) -> None:
        self.model.today = place_today(self._site.zone)
        rows = self._app.people.solidarity_to_review(self._site.id)
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.extend_button.setEnabled(bool(rows))

    def on_extend_clicked(self) -> None:
        """The household's record, to enter the end of its new attestation."""
        person_id = selected_id(self.table)
        if not isinstance(person_id, uuid.UUID):
            return
        try:
            person = self._app.people.details(person_id)
        except Exception as exc:
            show_error(self, exc)
            return
        dialog = EditPersonDialog(self._app, self._site.id, person, self)
        dialog.solidarity_until.setFocus()
        if dialog.exec() and dialog.updated is not None:
            self._load()
            self.changes.announce(self, Topic.PEOPLE)
