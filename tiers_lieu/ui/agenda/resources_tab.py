"""« Ressources »: what can be booked, with the rules each booking of it must respect.

The list on the left, the form on the right: selecting a row loads it, « Nouvelle » empties
the form, Ctrl+S saves. A resource is deactivated, never deleted, because past bookings (and
the reports of past years) keep pointing at it. The desk service chosen here is the one a
check-in counts a visit in. The hourly price (in euros, empty: not hired out) prices each new
booking of the resource; bookings already made keep the price they were made at.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.dialog_parts import show_people_to_call
from tiers_lieu.ui.agenda.labels import RESOURCE_KINDS
from tiers_lieu.ui.agenda.side_form import bounded_combo, list_beside_form
from tiers_lieu.ui.agenda.table_models import ResourcesModel
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import StatusLabel, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.leaving import TypedWork, may_choose_another
from tiers_lieu.ui.loading import refresh_when_shown


def _index_of(combo: QComboBox, value: object) -> int:
    """``findData`` does not match UUIDs read back from the database (see NOTES.md)."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1


class ResourcesTab(ListTab):
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
        self._editing: uuid.UUID | None = None

        self.model = ResourcesModel(self)
        self.view = make_table(self.model, self, stretch=ResourcesModel.Columns.NAME)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)

        self.name = QLineEdit(self)
        self.name.setMaxLength(80)
        self.name.setPlaceholderText(_("par exemple : Bureau fenêtre"))
        self.kind = QComboBox(self)
        for code, label in RESOURCE_KINDS.items():
            self.kind.addItem(_(label), code)
        self.capacity = QSpinBox(self)
        self.capacity.setRange(1, 200)
        self.min_duration = QSpinBox(self)
        self.min_duration.setRange(0, 24 * 60)
        self.min_duration.setSingleStep(15)
        self.min_duration.setSuffix(_(" min"))
        self.max_duration = QSpinBox(self)
        self.max_duration.setRange(0, 24 * 60)
        self.max_duration.setSingleStep(15)
        self.max_duration.setSuffix(_(" min"))
        self.max_duration.setSpecialValueText(_("sans limite"))
        self.buffer = QSpinBox(self)
        self.buffer.setRange(0, 240)
        self.buffer.setSingleStep(5)
        self.buffer.setSuffix(_(" min"))
        self.service = bounded_combo(QComboBox(self))
        self.hourly_price = QLineEdit(self)
        self.hourly_price.setMaxLength(16)
        self.hourly_price.setPlaceholderText(_("en euros ; vide : non louée"))
        self.hourly_price.setToolTip(
            _(
                "Le prix d'une heure : chaque nouvelle réservation en reçoit le prix "
                "(modifiable, 0 pour une réservation gratuite)."
            )
        )
        self.active = QCheckBox(_("Réservable (décochez pour désactiver)"), self)

        form = QFormLayout()
        form.addRow(_("&Nom :"), self.name)
        form.addRow(_("&Type :"), self.kind)
        form.addRow(_("&Places :"), self.capacity)
        form.addRow(_("&Durée minimale :"), self.min_duration)
        form.addRow(_("Durée ma&ximale :"), self.max_duration)
        form.addRow(_("&Battement après :"), self.buffer)
        form.addRow(_("Compte les &visites dans :"), self.service)
        form.addRow(_("Tarif &horaire :"), self.hourly_price)
        form.addRow("", self.active)

        self.status = StatusLabel(self, zone=self._site.zone)
        self.new_button, self.save_button = list_beside_form(
            self,
            self.view,
            form,
            self.status,
            new_text=_("Nouvelle re&ssource"),
            on_new=self.on_new_clicked,
            on_save=self.on_save_clicked,
        )
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.changes.watch(self, {Topic.SERVICES}, self.shown.invalidate)  # the combo's
        self.typed = TypedWork(
            self.name,
            self.kind,
            self.capacity,
            self.min_duration,
            self.max_duration,
            self.buffer,
            self.service,
            self.hourly_price,
            self.active,
        )
        self.on_new_clicked()

    def refresh(self) -> None:
        current = selected_id(self.view)
        self.service.clear()
        self.service.addItem(_("Aucun service"), None)
        for service in self._app.config.list_services(self._site.id):
            self.service.addItem(service.name, service.id)
        self.model.set_rows(self._app.agenda.resources.list(self._site.id, include_inactive=True))
        if current is not None:
            select_id(self.view, current)

    def on_selection_changed(self) -> None:
        row = self.model.find_row(selected_id(self.view))
        if row < 0 or not may_choose_another(self, self.view, self._editing):
            return
        row = self.model.find_row(selected_id(self.view))  # saved when asked: the saved one
        if row < 0:
            return
        resource = self.model.row_at(row)
        self._editing = resource.id
        self.name.setText(resource.name)
        self.kind.setCurrentIndex(max(_index_of(self.kind, resource.kind), 0))
        self.capacity.setValue(resource.capacity)
        self.min_duration.setValue(resource.min_duration_min)
        self.max_duration.setValue(resource.max_duration_min or 0)
        self.buffer.setValue(resource.buffer_min)
        self.service.setCurrentIndex(max(_index_of(self.service, resource.service_id), 0))
        self.hourly_price.setText(cents_text(resource.hourly_price_cents))
        self.active.setChecked(resource.active)
        self.typed.mark()

    def on_new_clicked(self) -> None:
        self._editing = None
        self.view.clearSelection()
        self.name.clear()
        self.kind.setCurrentIndex(0)
        self.capacity.setValue(1)
        self.min_duration.setValue(30)
        self.max_duration.setValue(0)
        self.buffer.setValue(0)
        self.service.setCurrentIndex(0)
        self.hourly_price.clear()
        self.active.setChecked(True)
        self.typed.mark()
        self.name.setFocus()

    # -- work not saved (ui/leaving.py) ------------------------------------------------------
    def unsaved_work(self) -> str | None:
        if not self.typed.changed():
            return None
        return _("Ressources : la ressource « {name} »").format(
            name=self.name.text().strip() or _("sans nom")
        )

    def save_work(self, *, quiet: bool = False) -> bool:
        return self._save(quiet=quiet)

    def on_save_clicked(self) -> None:
        self._save()

    def _save(self, *, quiet: bool = False) -> bool:
        """Save the resource; refused, say why in a dialog (nothing when ``quiet``): the form
        keeps what was typed."""
        resources = self._app.agenda.resources
        try:
            values = ResourceFields(
                name=self.name.text(),
                kind=self.kind.currentData(),
                capacity=self.capacity.value(),
                min_duration_min=self.min_duration.value(),
                max_duration_min=self.max_duration.value() or None,
                buffer_min=self.buffer.value(),
                service_id=self.service.currentData(),
                hourly_price_cents=parse_cents(
                    self.hourly_price.text(), _("Tarif horaire"), optional=True
                ),
            )
            if self._editing is None:
                saved = resources.create(self._site.id, values)
            else:
                active = self.active.isChecked()
                saved = resources.update(self._editing, replace(values, active=active))
        except Exception as exc:
            if not quiet:
                show_error(self, exc)
            return False
        self.typed.mark()
        message = _("Ressource « {name} » enregistrée.").format(name=saved.name)
        self.show_write(saved.id, message, Topic.RESOURCES)
        if not quiet:  # the desk locking: nobody to show it to
            show_people_to_call(self, _("Ressource désactivée"), saved.to_call)
        return True
