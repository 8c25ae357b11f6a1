"""« Colis » : the parcel and post relay of the desk (issue 22).

The parcels waiting at the desk (the oldest date first), those to send back this morning or
all of them, found by name or tracking number. Ctrl+N logs a new parcel; Entrée on a parcel
opens « Remettre le colis » (identity checked, Espace, then Entrée); the notice « Un colis
vous attend » is printed from here (and notes the recipient as told).
"""

from __future__ import annotations

import uuid
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _, format_date, format_datetime, ngettext, place_today
from tiers_lieu.reports.documents.parcel_notice import write_parcel_notice
from tiers_lieu.services.parcels import HandOver, ParcelFilter, ParcelInfo, ParcelState
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, selected_id
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.printing import print_sheet, printed_text
from tiers_lieu.ui.tab_parts import button_row
from tiers_lieu.ui.visits.parcel_dialogs import HandOverDialog, NewParcelDialog

SEARCH_DELAY_MS = 200
SHOWN = (
    (ParcelFilter.WAITING, N_("En attente")),
    (ParcelFilter.TO_RETURN, N_("À retourner (date passée)")),
    (ParcelFilter.ALL, N_("Tous les colis")),
)


class ParcelsModel(ReadModelTable[ParcelInfo]):
    class Columns(IntEnum):
        ARRIVED = 0
        RECIPIENT = 1
        CARRIER = 2
        TRACKING = 3
        UNTIL = 4
        NOTIFIED = 5
        STATE = 6

    def __init__(self, site: SiteInfo, parent: Any = None) -> None:
        super().__init__(parent)
        self._site = site
        self.today = place_today(site.zone)

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.ARRIVED: _("Arrivé le"),
            c.RECIPIENT: _("Destinataire"),
            c.CARRIER: _("Transporteur"),
            c.TRACKING: _("N° de suivi"),
            c.UNTIL: _("Jusqu'au"),
            c.NOTIFIED: _("Prévenu le"),
            c.STATE: _("État"),
        }

    def display(self, row: ParcelInfo, column: Any) -> str:
        c = self.Columns
        zone = self._site.zone
        if column == c.ARRIVED:
            return format_datetime(row.arrived_at, zone)
        if column == c.RECIPIENT:
            return row.recipient
        if column == c.CARRIER:
            return row.carrier
        if column == c.TRACKING:
            return row.tracking
        if column == c.UNTIL:
            return format_date(row.keep_until)
        if column == c.NOTIFIED:
            return format_datetime(row.notified_at, zone) if row.notified_at else ""
        return self.state_text(row)

    def state_text(self, row: ParcelInfo) -> str:
        zone = self._site.zone
        if row.state == ParcelState.HANDED and row.handed_at is not None:
            return _("Remis le {when}").format(when=format_datetime(row.handed_at, zone))
        if row.state == ParcelState.RETURNED and row.returned_at is not None:
            return _("Retourné le {when}").format(when=format_datetime(row.returned_at, zone))
        if row.keep_until < self.today:
            return _("À retourner")
        return _("En attente")

    def extra(self, row: ParcelInfo, column: Any, role: int) -> object:
        late = row.state == ParcelState.WAITING and row.keep_until < self.today
        if late and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#a40000"))
        return None


class ParcelsTab(ListTab):
    """Each write is announced as ``Topic.PARCELS`` (and ``Topic.VISITS`` for a hand-over,
    which counts a visit)."""

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
        self.new_dialog: NewParcelDialog | None = None
        self.hand_dialog: HandOverDialog | None = None
        self._printing: uuid.UUID | None = None
        self._carrier = ""  # the last one logged, offered again

        self.show_combo = QComboBox(self)
        for value, label in SHOWN:
            self.show_combo.addItem(_(label), value)
        show_label = QLabel(_("Li&ste"), self)
        show_label.setBuddy(self.show_combo)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("nom ou fin du n° de suivi"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(_("&Rechercher"), self)
        search_label.setBuddy(self.search)
        self.summary = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(show_label)
        top.addWidget(self.show_combo)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.summary)

        self.model = ParcelsModel(site, self)
        self.view = make_table(self.model, self, stretch=ParcelsModel.Columns.RECIPIENT)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        self.new_button = QPushButton(_("&Nouveau colis…"), self)
        self.hand_button = QPushButton(_("Re&mettre…"), self)
        self.hand_button.setToolTip(
            _("Remettre le colis choisi, identité vérifiée (Entrée sur la liste)")
        )
        self.notice_button = QPushButton(_("Imprimer l'a&vis…"), self)
        self.notice_button.setToolTip(
            _("L'avis « Un colis vous attend » ; le destinataire est noté prévenu")
        )
        self.notified_button = QPushButton(_("&Prévenu"), self)
        self.notified_button.setToolTip(_("Noter le destinataire prévenu aujourd'hui"))
        self.returned_button = QPushButton(_("Re&tourné"), self)
        self.returned_button.setToolTip(
            _("Les colis choisis sont repartis chez le transporteur (Ctrl+A les choisit tous)")
        )
        self.undo_button = QPushButton(_("Annuler (Ctrl+Z)"), self)
        self.undo_button.setToolTip(_("Le colis remis ou retourné par erreur attend de nouveau"))
        self.undo_button.setEnabled(False)
        # The last hand-over or return made here: the parcels, the visit counted, their names.
        self._undo: tuple[list[uuid.UUID], uuid.UUID | None, str] | None = None
        buttons = button_row(
            self.new_button,
            self.hand_button,
            self.notice_button,
            self.notified_button,
            self.returned_button,
            self.undo_button,
        )

        self.status = StatusLabel(self, zone=site.zone)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self.search_timer.start)
        self.search.returnPressed.connect(self.on_search_entered)
        self.show_combo.currentIndexChanged.connect(self.refresh)
        self.view.activated.connect(self.on_hand_clicked)  # Entrée (or a double click)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.hand_button.clicked.connect(self.on_hand_clicked)
        self.notice_button.clicked.connect(self.on_notice_clicked)
        self.notified_button.clicked.connect(self.on_notified_clicked)
        self.returned_button.clicked.connect(self.on_returned_clicked)
        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new_clicked, self.new_button)
        self.undo_button.clicked.connect(self.on_undo_clicked)
        add_shortcut(self, QKeySequence.StandardKey.Undo, self.on_undo_clicked, self.undo_button)
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.PARCELS}, self.shown.invalidate)

    # -- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        show = self.show_combo.currentData()
        try:
            rows = self._app.parcels.listing(
                self._site.id,
                show=ParcelFilter(show) if show else ParcelFilter.WAITING,
                text=self.search.text(),
            )
            waiting, late = self._app.parcels.waiting_count(self._site.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.model.today = place_today(self._site.zone)
        self.model.set_rows(rows)
        text = ngettext("{n} colis en attente", "{n} colis en attente", waiting).format(n=waiting)
        if late:
            text += ngettext(", dont {k} à retourner", ", dont {k} à retourner", late).format(
                k=late
            )
        self.summary.setText(text)
        if rows and not self.view.selectionModel().hasSelection():
            self.view.selectRow(0)
        self.on_selection_changed()

    def chosen(self) -> list[ParcelInfo]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(row) for row in rows]

    def current(self) -> ParcelInfo | None:
        found = selected_id(self.view)
        if not isinstance(found, uuid.UUID):
            return None
        row = self.model.find_row(found)
        return self.model.row_at(row) if row >= 0 else None

    # -- slots -----------------------------------------------------------------------------
    def on_selection_changed(self) -> None:
        waiting = [p for p in self.chosen() if p.state == ParcelState.WAITING]
        one = len(waiting) == 1 and len(self.chosen()) == 1
        self.hand_button.setEnabled(one)
        self.notice_button.setEnabled(one)
        self.notified_button.setEnabled(one)
        self.returned_button.setEnabled(bool(waiting))

    def on_search_entered(self) -> None:
        self.search_timer.stop()
        self.refresh()
        self.view.setFocus()

    def on_new_clicked(self) -> None:
        self.new_dialog = NewParcelDialog(self._app, self._site, self, carrier=self._carrier)
        self.new_dialog.saved.connect(self.on_parcel_saved)
        self.new_dialog.open()

    def on_parcel_saved(self, parcel: ParcelInfo) -> None:
        self._carrier = parcel.carrier
        if self.show_combo.currentData() != ParcelFilter.ALL:
            self.show_combo.setCurrentIndex(0)  # the new parcel waits
        self.search.clear()
        self.search_timer.stop()
        self.show_write(
            parcel.id,
            _("Colis de {carrier} pour {recipient} enregistré, à garder jusqu'au {day}.").format(
                carrier=parcel.carrier,
                recipient=parcel.recipient,
                day=format_date(parcel.keep_until),
            ),
            Topic.PARCELS,
        )
        self.view.setFocus()

    def on_hand_clicked(self) -> None:
        parcel = self.current()
        if parcel is None or parcel.state != ParcelState.WAITING:
            return
        self.hand_dialog = HandOverDialog(self._app, self._site, parcel, self)
        self.hand_dialog.handed.connect(self.on_handed)
        self.hand_dialog.open()

    def on_handed(self, done: HandOver) -> None:
        self._remember([done.parcel.id], done.visit_id, done.parcel.recipient)
        if done.visit_id is not None:
            message = _("Colis remis à {recipient} ; visite comptée au relais colis.")
        else:
            message = _("Colis remis à {recipient}.")
        self.show_write(
            None,
            message.format(recipient=done.parcel.recipient),
            Topic.PARCELS,
            Topic.VISITS,
        )
        self.view.setFocus()

    def on_notified_clicked(self) -> None:
        parcel = self.current()
        if parcel is None:
            return
        try:
            self._app.parcels.mark_notified(parcel.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.show_write(
            parcel.id,
            _("{recipient} noté prévenu.").format(recipient=parcel.recipient),
            Topic.PARCELS,
        )

    def on_returned_clicked(self) -> None:
        ids = [p.id for p in self.chosen() if p.state == ParcelState.WAITING]
        if not ids:
            return
        try:
            count = self._app.parcels.mark_returned(ids)
        except Exception as exc:
            show_error(self, exc)
            return
        names = ", ".join(p.recipient for p in self.chosen() if p.id in ids)
        self._remember(ids, None, names)
        self.show_write(
            None,
            ngettext(
                "{n} colis noté retourné au transporteur.",
                "{n} colis notés retournés au transporteur.",
                count,
            ).format(n=count),
            Topic.PARCELS,
        )

    def _remember(self, ids: list[uuid.UUID], visit_id: uuid.UUID | None, names: str) -> None:
        self._undo = (ids, visit_id, names)
        self.undo_button.setEnabled(True)

    def on_undo_clicked(self) -> None:
        """Ctrl+Z: the last hand-over or return made here, undone (the visit it counted too)."""
        if self._undo is None:
            return
        ids, visit_id, names = self._undo
        try:
            self._app.parcels.put_back(ids, visit_id=visit_id)
        except Exception as exc:
            show_error(self, exc, _("Rien n'a été annulé"))
            return
        self._undo = None
        self.undo_button.setEnabled(False)
        self.show_write(
            ids[0] if len(ids) == 1 else None,
            ngettext(
                "Annulé : le colis de {names} attend de nouveau.",
                "Annulé : {n} colis attendent de nouveau ({names}).",
                len(ids),
            ).format(n=len(ids), names=names),
            Topic.PARCELS,
            Topic.VISITS,
        )
        self.view.setFocus()

    def on_notice_clicked(self) -> None:
        parcel = self.current()
        if parcel is None:
            return
        try:
            notice = self._app.parcels.notice(parcel.id)
            ranges = self._app.config.opening_hours(self._site.id)
        except Exception as exc:
            show_error(self, exc)
            return

        def write(target: Path) -> Path:
            return write_parcel_notice(target, notice, ranges)

        self._printing = parcel.id
        print_sheet(
            self,
            write,
            title=_("Un colis vous attend"),
            label=_("Impression de l'avis de colis…"),
            on_printed=self.on_notice_printed,
        )

    def on_notice_printed(self, pages: int) -> None:
        parcel_id = self._printing
        if parcel_id is None:
            return
        try:
            self._app.parcels.mark_notified(parcel_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.show_write(
            parcel_id, printed_text(pages) + " " + _("Destinataire noté prévenu."), Topic.PARCELS
        )
