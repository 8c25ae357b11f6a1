"""The shape every record tab of « Rapports » shares: a list on the left, a form on the right,
« Nouveau », « Enregistrer », « Supprimer », each with its shortcut.

Partners, jobs and volunteer time are a few rows a year each; one base class keeps the three
tabs identical to use (Ctrl+N, Ctrl+S, Suppr) and each subclass says only what its form holds
and which service call saves it.
"""

from __future__ import annotations

import uuid
from abc import abstractmethod
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    select_id,
    selected_id,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import QtABCMeta, ReadModelTable

RowT = TypeVar("RowT")


class RecordTab(QWidget, Generic[RowT], metaclass=QtABCMeta):
    """A list of ``RowT`` and the form that adds or edits one."""

    list_title = ""  # msgid (N_), translated when shown
    form_title = ""
    stretch_column = 0
    written: tuple[Topic, ...] = (Topic.REPORT_RECORDS,)
    """What a save or a deletion announces (:mod:`tiers_lieu.ui.data_changed`)."""
    model_class: type[ReadModelTable[RowT]]
    """The table model of the list, one per tab."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        self._editing: uuid.UUID | None = None
        self.model = self.model_class(self)
        self.view = make_table(self.model, self, stretch=self.stretch_column)
        self.new_button = QPushButton(_("&Nouveau"), self)
        self.save_button = QPushButton(_("&Enregistrer"), self)
        self.delete_button = QPushButton(_("&Supprimer"), self)
        self.status = StatusLabel(self, zone=self._site.zone)

        list_box = QGroupBox(_(self.list_title), self)
        self.list_box = list_box
        list_layout = QVBoxLayout(list_box)
        list_layout.addWidget(self.view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        list_layout.addLayout(buttons)

        form_box = QGroupBox(_(self.form_title), self)
        form_box.setMaximumWidth(520)
        outer = QVBoxLayout(form_box)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        self.build_form(self.form, form_box)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        outer.addLayout(save_row)
        outer.addWidget(self.status)
        outer.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(list_box)
        splitter.addWidget(form_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new_clicked, self.new_button)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        self.delete_shortcut = add_shortcut(
            self, QKeySequence.StandardKey.Delete, self.on_delete_clicked, self.delete_button
        )
        self.new_button.clicked.connect(self.on_new_clicked)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.delete_button.clicked.connect(self.on_delete_clicked)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.shown = refresh_when_shown(self)  # read when first on screen

    # -- what subclasses provide ----------------------------------------------------------
    @abstractmethod
    def build_form(self, form: QFormLayout, parent: QWidget) -> None:
        """Add the tab's fields to ``form``."""

    @abstractmethod
    def load(self) -> list[RowT]:
        """The records to list."""

    @abstractmethod
    def fill(self, row: RowT | None) -> None:
        """Show ``row`` in the form, or empty it for a new record."""

    @abstractmethod
    def save(self, record_id: uuid.UUID | None) -> RowT:
        """Create (``None``) or update the record from the form."""

    @abstractmethod
    def delete(self, record_id: uuid.UUID) -> None:
        """Remove the record."""

    @abstractmethod
    def describe(self, row: RowT) -> str:
        """A few words naming ``row`` in confirmations."""

    # -- shared behaviour -----------------------------------------------------------------
    def refresh(self) -> None:
        self.model.set_rows(self.load())
        if self._editing is not None:
            select_id(self.view, self._editing)

    def on_selection_changed(self, *_args: Any) -> None:
        record_id = selected_id(self.view)
        if record_id is None:
            return
        number = self.model.find_row(record_id)
        if number >= 0:
            self._editing = uuid.UUID(str(record_id))
            self.fill(self.model.row_at(number))

    def on_new_clicked(self) -> None:
        self._editing = None
        self.view.clearSelection()
        self.fill(None)
        self.status.setText("")

    def on_save_clicked(self) -> None:
        try:
            row = self.save(self._editing)
        except Exception as exc:
            show_error(self, exc)
            return
        self._editing = uuid.UUID(str(self.model.row_id(row)))
        self.refresh()
        self.status.confirm(_("Enregistré : {what}.").format(what=self.describe(row)))
        self.changes.announce(self, *self.written)

    def on_delete_clicked(self) -> None:
        record_id = selected_id(self.view)
        if record_id is None:
            return
        row = self.model.row_at(self.model.find_row(record_id))
        answer = QMessageBox.question(
            self,
            _("Supprimer"),
            _("Supprimer « {what} » ?").format(what=self.describe(row)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.delete(uuid.UUID(str(record_id)))
        except Exception as exc:
            show_error(self, exc)
            return
        self._editing = None
        self.refresh()
        self.fill(None)
        self.status.confirm(_("Supprimé : {what}.").format(what=self.describe(row)))
        self.changes.announce(self, *self.written)
