"""« Fermetures et jours fériés » : the site's exceptional closures (holidays of the team,
works) beside the French public holidays of a chosen year.

Public holidays are not stored (the ``holidays`` package knows them); they are shown so that a
coordinator setting up the summer closures sees the whole year's picture in one place. Deleting
a closure asks first: a closure reopens bookable slots once removed.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, place_today
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.dialog_parts import show_people_to_call
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    selected_id,
    to_date,
    to_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.settings.table_models import ClosuresModel, Holiday, HolidaysModel


def _date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = bounded(QDateEdit(parent))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(to_qdate(value))
    edit.setMinimumWidth(140)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


class ClosuresTab(ListTab):
    """Closures on the left, public holidays on the right."""

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
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_closures(splitter))
        splitter.addWidget(self._build_holidays(splitter))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.shown = refresh_when_shown(self)  # read when first on screen

    # -- building ------------------------------------------------------------------------
    def _build_closures(self, parent: QWidget) -> QWidget:
        box = QGroupBox(_("Fermetures exceptionnelles"), parent)
        self.closures_model = ClosuresModel(self)
        self.closures_view = make_table(
            self.closures_model, box, stretch=ClosuresModel.Columns.REASON
        )
        self.closures_view.selectionModel().selectionChanged.connect(self.on_selection_changed)

        today = place_today(self._site.zone)
        self.start_edit = _date_edit(box, today)
        self.end_edit = _date_edit(box, today)
        self.start_edit.dateChanged.connect(self.on_start_changed)
        self.reason_edit = QLineEdit(box)
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(_("par exemple : congés d'été, travaux"))
        self.reason_edit.returnPressed.connect(self.on_add_clicked)
        form = QFormLayout()
        for text, field in (
            (_("&Du :"), self.start_edit),
            (_("A&u :"), self.end_edit),
            (_("&Motif :"), self.reason_edit),
        ):
            label = QLabel(text, box)
            label.setBuddy(field)
            form.addRow(label, field)

        self.add_button = QPushButton(_("A&jouter la fermeture"), box)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.delete_button = QPushButton(_("&Supprimer la fermeture"), box)
        self.delete_button.clicked.connect(self.on_delete_clicked)
        delete = add_shortcut(
            self.closures_view, QKeySequence.StandardKey.Delete, self.on_delete_clicked
        )
        # Only from the list: Suppr in the reason field must keep deleting characters.
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_button.setToolTip(_("Supprimer la fermeture choisie (Suppr)"))
        self.status = StatusLabel(box, zone=self._site.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(box)
        layout.addWidget(self.closures_view, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        return box

    def _build_holidays(self, parent: QWidget) -> QWidget:
        box = QGroupBox(_("Jours fériés"), parent)
        self.year_spin = QSpinBox(box)
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(place_today(self._site.zone).year)
        self.year_spin.valueChanged.connect(self.on_year_changed)
        year_label = QLabel(_("A&nnée :"), box)
        year_label.setBuddy(self.year_spin)
        year_line = QHBoxLayout()
        year_line.addWidget(year_label)
        year_line.addWidget(self.year_spin)
        year_line.addStretch(1)
        self.holidays_model = HolidaysModel(self)
        self.holidays_view = make_table(
            self.holidays_model, box, stretch=HolidaysModel.Columns.NAME
        )
        note = QLabel(
            _(
                "Les jours fériés de France métropolitaine sont fermés d'office : "
                "inutile de les ajouter comme fermetures."
            ),
            box,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addLayout(year_line)
        layout.addWidget(self.holidays_view, 1)
        layout.addWidget(note)
        return box

    # -- data ----------------------------------------------------------------------------
    def set_site(self, site: SiteInfo) -> None:
        self._site = site

    def refresh(self) -> None:
        self.closures_model.set_rows(self._app.config.list_closures(self._site.id))
        self.on_year_changed(self.year_spin.value())
        self.on_selection_changed()

    # -- slots ---------------------------------------------------------------------------
    def on_year_changed(self, year: int) -> None:
        self.holidays_model.set_rows(
            [Holiday(day, name) for day, name in sorted(public_holidays(year).items())]
        )

    def on_start_changed(self, start: QDate) -> None:
        # A closure usually starts and ends close together: keep the end from lagging behind.
        if self.end_edit.date() < start:
            self.end_edit.setDate(start)

    def on_selection_changed(self) -> None:
        self.delete_button.setEnabled(selected_id(self.closures_view) is not None)

    def on_add_clicked(self) -> None:
        start = to_date(self.start_edit.date())
        end = to_date(self.end_edit.date())
        try:
            closure = self._app.config.add_closure(
                self._site.id, start_date=start, end_date=end, reason=self.reason_edit.text()
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Fermeture non ajoutée"))
            return
        self.reason_edit.clear()
        message = _("Fermeture ajoutée : {period}.").format(period=_period(start, end))
        self.show_write(closure.id, message, Topic.CALENDAR, view=self.closures_view)
        show_people_to_call(self, _("Fermeture ajoutée"), closure.to_call)

    def on_delete_clicked(self) -> None:
        closure_id = selected_id(self.closures_view)
        if not isinstance(closure_id, uuid.UUID):
            return
        row = self.closures_model.row_at(self.closures_model.find_row(closure_id))
        answer = QMessageBox.question(
            self,
            _("Supprimer la fermeture"),
            _(
                "Supprimer la fermeture {period} ? Le lieu sera de nouveau ouvert ces jours-là."
            ).format(period=_period(row.start_date, row.end_date)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.config.delete_closure(closure_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Fermeture non supprimée"))
            self.refresh()
            return
        period = _period(row.start_date, row.end_date)
        message = _("Fermeture supprimée : {period}.").format(period=period)
        self.show_write(None, message, Topic.CALENDAR)


def _period(start: date, end: date) -> str:
    if start == end:
        return _("le {day}").format(day=format_date(start, "long"))
    return _("du {start} au {end}").format(
        start=format_date(start, "long"), end=format_date(end, "long")
    )
