"""« Producteurs »: who supplies the grocery and the AMAP, with their distance and whether it
makes them « local » for the report (the threshold is the place's, in Paramètres)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.grocery.producer_dialog import ProducerDialog
from tiers_lieu.ui.grocery.table_models import ProducersModel
from tiers_lieu.ui.loading import refresh_when_shown


class ProducersTab(ListTab):
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
        self.model = ProducersModel(self)
        self.view = make_table(self.model, self, stretch=ProducersModel.Columns.SUPPLIES)
        self.view.activated.connect(self.edit_selected)
        self.count = QLabel(self)
        new = QPushButton(_("&Nouveau producteur"), self)
        new.clicked.connect(self.on_new_clicked)
        add_shortcut(self, "Ctrl+N", self.on_new_clicked, new)
        edit = QPushButton(_("&Modifier"), self)
        edit.clicked.connect(self.edit_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.view)
        self.shown = refresh_when_shown(self, every_time=True)  # read each time on screen

    def refresh(self) -> None:
        current = selected_id(self.view)
        rows = self._app.grocery.producers.list(site_id=self._site.id)
        self.model.set_rows(rows)
        local = sum(1 for p in rows if p.is_local)
        self.count.setText(
            ngettext("{n} producteur", "{n} producteurs", len(rows)).format(n=len(rows))
            + " · "
            + ngettext("{n} local", "{n} locaux", local).format(n=local)
        )
        if current is not None:
            select_id(self.view, current)
        elif rows:
            self.view.selectRow(0)

    def on_new_clicked(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        producer_id = selected_id(self.view)
        if isinstance(producer_id, uuid.UUID):
            self._open(producer_id)

    def _open(self, producer_id: uuid.UUID | None) -> None:
        producer = self._app.grocery.producers.get(producer_id) if producer_id else None
        dialog = ProducerDialog(self._app, self._site, producer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.show_write(dialog.saved.id, "", Topic.PRODUCERS)
        dialog.deleteLater()
