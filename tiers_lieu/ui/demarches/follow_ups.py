"""« Suivis »: the people who must come back or finish alone, earliest due date first, late
ones in red; closing one records how it ended.

A follow-up is closed with a final outcome (« Finalisée », « Orientée » with its
orientation…), never with another follow-up outcome: a person who must come back again is a
new démarche. A person who will come another day is « Reporter… » (Ctrl+R): the same
follow-up, a new date.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, ngettext, place_today
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import FollowUp, follow_up_days, is_oriented
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.demarches.due_dialog import NewDueDialog
from tiers_lieu.ui.demarches.fields import ChoiceCombo
from tiers_lieu.ui.demarches.table_models import FollowUpsModel
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown

RESCHEDULE_DAYS = 7
"""« Reporter… » proposes a week after the follow-up's date (or after today, when late)."""


class CloseFollowUpDialog(QDialog):
    """Asks how a follow-up ended and closes it through the service on OK."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        follow_up: FollowUp,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._follow_up = follow_up
        self.setWindowTitle(_("Clore le suivi"))
        self.setMinimumWidth(480)
        summary = QLabel(
            _("Démarche du {day} : {operator}, {theme} ({outcome}).").format(
                day=format_date(follow_up.activity_date),
                operator=follow_up.operator,
                theme=follow_up.theme,
                outcome=follow_up.outcome,
            ),
            self,
        )
        summary.setWordWrap(True)
        self.outcome = ChoiceCombo(app, site.id, CategoryKind.OUTCOME, self, with_unknown=False)
        for index in reversed(range(self.outcome.count())):
            if follow_up_days(self.outcome.itemText(index)) is not None:
                self.outcome.removeItem(index)
        self.outcome.setCurrentIndex(0 if self.outcome.count() else -1)
        self.orientation = ChoiceCombo(
            app, site.id, CategoryKind.ORIENTATION, self, with_unknown=False
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Clore le suivi"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        outcome_label = QLabel(_("&Issue finale :"), self)
        outcome_label.setBuddy(self.outcome)
        orientation_label = QLabel(_("O&rientation :"), self)
        orientation_label.setBuddy(self.orientation)
        form.addRow(outcome_label, self.outcome)
        form.addRow(orientation_label, self.orientation)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.outcome.value_changed.connect(self.on_outcome_changed)
        self.on_outcome_changed(None)

    def on_outcome_changed(self, _value: object) -> None:
        oriented = is_oriented(self.outcome.currentText())
        if not oriented:
            self.orientation.clear_choice()
        self.orientation.setEnabled(oriented)

    def accept(self) -> None:
        try:
            outcome_id = self.outcome.value()
            if outcome_id is None:
                self.outcome.setFocus()
                return
            self._app.assistance.close_follow_up(
                self._follow_up.id,
                outcome_id=outcome_id,
                orientation_id=self.orientation.value() if self.orientation.isEnabled() else None,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Suivi non clos"))
            return
        super().accept()


class RescheduleDialog(NewDueDialog):
    """Asks the new date of a follow-up (the person will come another day) and moves it."""

    def __init__(
        self, app: Comptoir, site: SiteInfo, follow_up: FollowUp, parent: QWidget | None = None
    ) -> None:
        today = place_today(site.zone)
        who = follow_up.person_name or _("anonyme")
        super().__init__(
            parent,
            title=_("Reporter le suivi"),
            summary=_("Démarche du {day} : {operator}, {theme} ({who}), à revoir le {due}.").format(
                day=format_date(follow_up.activity_date),
                operator=follow_up.operator,
                theme=follow_up.theme,
                who=who,
                due=format_date(follow_up.due),
            ),
            hint=_("Le suivi reste ouvert ; il apparaîtra en retard après la nouvelle date."),
            proposed=max(follow_up.due, today) + timedelta(days=RESCHEDULE_DAYS),
            today=today,
            ok_text=_("Reporter"),
            refused=_("Suivi non reporté"),
            save=lambda due: app.assistance_edit.reschedule_follow_up(follow_up.id, due=due),
        )


class FollowUpsTab(QWidget):
    count_changed = Signal(int)
    """The number of open follow-ups changed (the section shows it in the tab title)."""

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
        self.model = FollowUpsModel(self, today=place_today(site.zone))
        self.view = make_table(self.model, self, stretch=FollowUpsModel.Columns.NOTE)
        self.view.activated.connect(self.on_close_clicked)
        self.summary = QLabel(self)
        self.close_button = QPushButton(_("&Clore le suivi…"), self)
        self.close_button.clicked.connect(self.on_close_clicked)
        add_shortcut(self, QKeySequence("Ctrl+K"), self.on_close_clicked, self.close_button)
        self.reschedule_button = QPushButton(_("&Reporter…"), self)
        self.reschedule_button.clicked.connect(self.on_reschedule_clicked)
        add_shortcut(self, "Ctrl+R", self.on_reschedule_clicked, self.reschedule_button)
        self.status = StatusLabel(self, zone=self._site.zone)
        hint = QLabel(
            _(
                "Une personne qui doit revenir ou finaliser seule apparaît ici jusqu'à ce que "
                "son suivi soit clos. Entrée ou double-clic sur une ligne pour le clore, "
                "Ctrl+R pour le reporter à une autre date."
            ),
            self,
        )
        hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.reschedule_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        # Read when first shown (names are shown: that read is a consultation, audited) and
        # off the GUI thread: ten years of a place leave hundreds open.
        self.loader = BackgroundLoad(self, self.view)
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.ASSISTANCE}, self.shown.invalidate)

    def refresh(self) -> None:
        service, site_id = self._app.assistance, self._site.id
        self.loader.start(lambda: service.follow_ups(site_id), self.show_rows)

    def show_rows(self, follow_ups: list[FollowUp]) -> None:
        self.model.today = place_today(self._site.zone)
        chosen = selected_id(self.view)
        self.model.set_rows(follow_ups)
        row = self.model.find_row(chosen) if chosen is not None else -1
        if self.model.rowCount():
            self.view.selectRow(max(row, 0))
        rows = self.model.rows()
        late = sum(1 for r in rows if self.model.is_overdue(r))
        text = ngettext("{n} suivi en cours", "{n} suivis en cours", len(rows)).format(n=len(rows))
        if late:
            text += ngettext(", dont {n} en retard", ", dont {n} en retard", late).format(n=late)
        self.summary.setText(text + ".")
        self.on_selection_changed()
        self.count_changed.emit(len(rows))

    def _selected(self) -> FollowUp | None:
        chosen = selected_id(self.view)
        if not isinstance(chosen, uuid.UUID):
            return None
        row = self.model.find_row(chosen)
        return None if row < 0 else self.model.row_at(row)

    def on_selection_changed(self) -> None:
        chosen = self._selected() is not None
        self.close_button.setEnabled(chosen)
        self.reschedule_button.setEnabled(chosen)

    def on_reschedule_clicked(self) -> None:
        follow_up = self._selected()
        if follow_up is None:
            return
        dialog = RescheduleDialog(self._app, self._site, follow_up, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._written(
            _("Suivi du {day} reporté au {due}.").format(
                day=format_date(follow_up.activity_date), due=format_date(dialog.chosen())
            )
        )

    def on_close_clicked(self) -> None:
        follow_up = self._selected()
        if follow_up is None:
            return
        dialog = CloseFollowUpDialog(self._app, self._site, follow_up, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._written(
            _("Suivi du {day} clos : {outcome}.").format(
                day=format_date(follow_up.activity_date), outcome=dialog.outcome.currentText()
            )
        )

    def _written(self, message: str) -> None:
        self.refresh()
        self.status.confirm(message)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changes.announce(self, Topic.ASSISTANCE)
