"""« Formules »: the coworking offers a host sells in « Pass coworking » (a day, a half-day, a
card of 10, a month), with their price, units and validity.

The list on the left, the form on the right, as « Ressources »: selecting a row loads it,
« Nouvelle formule » (Ctrl+N) empties the form, Ctrl+S saves. An offer is taken off sale,
never deleted (the passes sold point at it); its kind is chosen once. A new price, number of
units or validity is for the passes sold afterwards: those sold keep theirs.
"""

from __future__ import annotations

import uuid

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
from tiers_lieu.models.enums import PassKind
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.labels import PASS_KINDS
from tiers_lieu.ui.agenda.side_form import list_beside_form
from tiers_lieu.ui.agenda.table_models import PassTypesModel
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import StatusLabel, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.leaving import TypedWork, may_choose_another
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.visits.common import find_data

DEFAULT_UNITS = {PassKind.TEN_PASS: 10, PassKind.MONTHLY: 31}
"""What a new offer of each kind counts (the service's own defaults)."""


class PassTypesTab(ListTab):
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

        self.model = PassTypesModel(self)
        self.view = make_table(self.model, self, stretch=PassTypesModel.Columns.NAME)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)

        self.name = QLineEdit(self)
        self.name.setMaxLength(80)
        self.name.setPlaceholderText(_("par exemple : Journée au bureau partagé"))
        self.kind = QComboBox(self)
        for code, label in PASS_KINDS.items():
            self.kind.addItem(_(label), code)
        self.kind.currentIndexChanged.connect(self.on_kind_changed)
        self.price = QLineEdit(self)
        self.price.setMaxLength(16)
        self.price.setPlaceholderText(_("en euros, par exemple 12,00"))
        self.units = QSpinBox(self)
        self.units.setRange(1, 1000)
        self.units.setToolTip(_("Le nombre de jours ou demi-journées que le pass donne"))
        self.validity = QSpinBox(self)
        self.validity.setRange(0, 3660)
        self.validity.setSuffix(_(" jours"))
        self.validity.setSpecialValueText(_("sans limite"))
        self.active = QCheckBox(_("En vente (décochez pour la retirer)"), self)

        form = QFormLayout()
        form.addRow(_("&Nom :"), self.name)
        form.addRow(_("&Type :"), self.kind)
        form.addRow(_("&Prix :"), self.price)
        form.addRow(_("&Unités :"), self.units)
        form.addRow(_("&Validité :"), self.validity)
        form.addRow("", self.active)

        self.status = StatusLabel(self, zone=self._site.zone)
        self.new_button, self.save_button = list_beside_form(
            self,
            self.view,
            form,
            self.status,
            new_text=_("Nouve&lle formule"),
            on_new=self.on_new_clicked,
            on_save=self.on_save_clicked,
        )
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.typed = TypedWork(
            self.name, self.kind, self.price, self.units, self.validity, self.active
        )
        self.on_new_clicked()

    def refresh(self) -> None:
        current = selected_id(self.view)
        self.model.set_rows(
            self._app.agenda.passes.list_types(self._site.id, include_inactive=True)
        )
        if current is not None:
            select_id(self.view, current)

    def on_selection_changed(self) -> None:
        row = self.model.find_row(selected_id(self.view))
        if row < 0 or not may_choose_another(self, self.view, self._editing):
            return
        row = self.model.find_row(selected_id(self.view))  # saved when asked: the saved one
        if row < 0:
            return
        offer = self.model.row_at(row)
        self._editing = offer.id
        self.name.setText(offer.name)
        self.kind.setCurrentIndex(max(find_data(self.kind, offer.kind), 0))
        self.kind.setEnabled(False)  # chosen once: the passes sold are of that kind
        self.price.setText(cents_text(offer.price_cents))
        self.units.setValue(offer.units)
        self.validity.setValue(offer.validity_days or 0)
        self.active.setChecked(offer.active)
        self.typed.mark()

    def on_kind_changed(self, _index: int) -> None:
        if self._editing is None:
            self.units.setValue(DEFAULT_UNITS.get(PassKind(self.kind.currentData()), 1))

    def on_new_clicked(self) -> None:
        self._editing = None
        self.view.clearSelection()
        self.name.clear()
        self.kind.setEnabled(True)
        self.kind.setCurrentIndex(0)
        self.on_kind_changed(0)
        self.price.clear()
        self.validity.setValue(0)
        self.active.setChecked(True)
        self.active.setEnabled(False)  # a new offer is on sale
        self.typed.mark()
        self.name.setFocus()

    # -- work not saved (ui/leaving.py) ------------------------------------------------------
    def unsaved_work(self) -> str | None:
        if not self.typed.changed():
            return None
        return _("Formules : la formule « {name} »").format(
            name=self.name.text().strip() or _("sans nom")
        )

    def save_work(self, *, quiet: bool = False) -> bool:
        return self._save(quiet=quiet)

    def on_save_clicked(self) -> None:
        self._save()

    def _save(self, *, quiet: bool = False) -> bool:
        """Save the offer; refused, say why in a dialog (nothing when ``quiet``): the form
        keeps what was typed."""
        passes = self._app.agenda.passes
        try:
            price = parse_cents(self.price.text(), _("Prix"))
            assert price is not None
            validity = self.validity.value() or None
            if self._editing is None:
                saved = passes.create_type(
                    site_id=self._site.id,
                    name=self.name.text(),
                    kind=str(self.kind.currentData()),
                    price_cents=price,
                    units=self.units.value(),
                    validity_days=validity,
                )
            else:
                saved = passes.update_type(
                    self._editing,
                    name=self.name.text(),
                    price_cents=price,
                    units=self.units.value(),
                    validity_days=validity,
                    active=self.active.isChecked(),
                )
        except Exception as exc:
            if not quiet:
                show_error(self, exc)
            return False
        self._editing = saved.id
        self.active.setEnabled(True)
        self.kind.setEnabled(False)
        self.typed.mark()
        message = _("Formule « {name} » enregistrée.").format(name=saved.name)
        self.show_write(saved.id, message, Topic.PASS_TYPES)
        return True
