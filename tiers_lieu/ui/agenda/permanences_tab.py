"""« Permanences »: the visiting practitioners and their recurring presence in a room.

Above, the practitioners (name, profession, organisation, contact); below, their permanences
(a weekday, hours, slot length, every N weeks, from a date). A permanence typed wrong is
corrected (F2) or deleted (Suppr) while nobody booked it; once booked slots hang on it, it is
ended at a date and a new one added. One date can be cancelled (the practitioner is ill): the
people already booked are listed with their phone so that the host can call them.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_time, ngettext, weekday_name
from tiers_lieu.services.agenda.readmodels import PermanenceInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.dialog_parts import show_people_to_call
from tiers_lieu.ui.agenda.permanence_form import PermanenceDialog, PermanenceFields
from tiers_lieu.ui.agenda.side_form import SideForm
from tiers_lieu.ui.agenda.table_models import PermanencesModel, PractitionersModel
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    list_keys,
    make_table,
    selected_id,
    to_date,
    today_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.leaving import TypedWork, may_choose_another
from tiers_lieu.ui.loading import refresh_when_shown


class PermanencesTab(QWidget):
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
        self._editing: uuid.UUID | None = None

        # -- practitioners --
        self.practitioners = PractitionersModel(self)
        self.practitioners_view = make_table(
            self.practitioners, self, stretch=PractitionersModel.Columns.ORGANISATION
        )
        self.practitioners_view.selectionModel().selectionChanged.connect(
            self.on_practitioner_selected
        )
        self.name = QLineEdit(self)
        self.profession = QLineEdit(self)
        self.profession.setPlaceholderText(_("par exemple : Infirmière"))
        self.specialty = QLineEdit(self)
        self.organisation = QLineEdit(self)
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        self.card = TypedWork(
            self.name, self.profession, self.specialty, self.organisation, self.phone, self.email
        )  # the practitioner's card as last shown or saved
        who = QFormLayout()
        who.addRow(_("&Nom :"), self.name)
        who.addRow(_("Prof&ession :"), self.profession)
        who.addRow(_("Spécialit&é :"), self.specialty)
        who.addRow(_("Structure :"), self.organisation)
        who.addRow(_("&Téléphone :"), self.phone)
        who.addRow(_("Co&urriel :"), self.email)
        self.new_practitioner_button = QPushButton(_("Nou&vel·le intervenant·e"), self)
        self.save_practitioner_button = QPushButton(_("Enregi&strer"), self)
        self.new_practitioner_button.clicked.connect(self.on_new_practitioner_clicked)
        self.save_practitioner_button.clicked.connect(self.on_save_practitioner_clicked)
        add_shortcut(
            self,
            QKeySequence("Ctrl+S"),
            self.on_save_practitioner_clicked,
            self.save_practitioner_button,
        )
        who_buttons = QHBoxLayout()
        who_buttons.addWidget(self.new_practitioner_button)
        who_buttons.addStretch(1)
        who_buttons.addWidget(self.save_practitioner_button)
        who_side = QVBoxLayout()
        who_side.addLayout(who)
        who_side.addLayout(who_buttons)
        who_side.addStretch(1)
        top = QGroupBox(_("Intervenant·es"), self)
        top_layout = QHBoxLayout(top)
        top_layout.addWidget(self.practitioners_view, 3)
        top_layout.addWidget(SideForm(who_side, top), 2)  # scrolls on its own when short

        # -- permanences --
        self.permanences = PermanencesModel(self)
        self.permanences_view = make_table(
            self.permanences, self, stretch=PermanencesModel.Columns.WHEN
        )
        when = QFormLayout()
        self.fields = PermanenceFields(self, when, site.zone)
        self.add_button = QPushButton(_("Ajouter la &permanence"), self)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.on_date = bounded(QDateEdit(today_qdate(site.zone), self))
        self.on_date.setCalendarPopup(True)
        self.on_date.setDisplayFormat("dd/MM/yyyy")
        self.cancel_date_button = QPushButton(_("Annuler &ce jour-là…"), self)
        self.cancel_date_button.setToolTip(_("Sur une date déjà annulée : la rétablir"))
        self.end_button = QPushButton(_("Terminer à cette date"), self)
        self.cancel_date_button.clicked.connect(self.on_cancel_date_clicked)
        self.end_button.clicked.connect(self.on_end_clicked)
        day_actions = QFormLayout()
        day_actions.addRow(_("&Date :"), self.on_date)
        day_buttons = QHBoxLayout()  # side by side: one line less on a short screen
        day_buttons.addWidget(self.cancel_date_button)
        day_buttons.addWidget(self.end_button)
        day_actions.addRow(day_buttons)
        self.correct_button = QPushButton(_("Corriger…"), self)
        self.delete_button = QPushButton(_("Supprimer"), self)
        list_keys(
            self,
            self.permanences_view,
            edit=self.on_correct_clicked,
            delete=self.on_delete_clicked,
            edit_button=self.correct_button,
            delete_button=self.delete_button,
        )
        rule_buttons = QHBoxLayout()
        rule_buttons.addWidget(self.add_button)
        rule_buttons.addWidget(self.correct_button)
        rule_buttons.addWidget(self.delete_button)
        side = QVBoxLayout()
        side.addLayout(when)
        side.addLayout(rule_buttons)
        side.addSpacing(6)
        side.addLayout(day_actions)
        side.addStretch(1)
        bottom = QGroupBox(_("Permanences de l'intervenant·e choisi·e"), self)
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.addWidget(self.permanences_view, 3)
        bottom_layout.addWidget(SideForm(side, bottom), 2)  # scrolls on its own when short

        self.status = StatusLabel(self, zone=self._site.zone)
        layout = QVBoxLayout(self)
        layout.addWidget(top, 4)  # about what each form needs: both in sight at 1024×600
        layout.addWidget(bottom, 5)
        layout.addWidget(self.status)
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.changes.watch(self, {Topic.RESOURCES}, self.shown.invalidate)  # the rooms

    def refresh(self) -> None:
        chosen = self._editing
        self.fields.set_rooms(self._app.agenda.resources.list(self._site.id))
        self.practitioners.set_rows(self._app.agenda.practitioners.list(self._site.id))
        row = self.practitioners.find_row(chosen)
        if row >= 0:
            self.practitioners_view.selectRow(row)
        elif self.practitioners.rowCount():
            self.practitioners_view.selectRow(0)
        self._load_permanences()

    def _load_permanences(self) -> None:
        self.permanences.set_rows(
            self._app.agenda.permanences.list(self._site.id, practitioner_id=self._editing)
            if self._editing
            else []
        )
        for button in (self.add_button, self.correct_button, self.delete_button):
            button.setEnabled(self._editing is not None)

    def on_practitioner_selected(self) -> None:
        view = self.practitioners_view
        row = self.practitioners.find_row(selected_id(view))
        if row < 0 or not may_choose_another(self, view, self._editing):
            return
        row = self.practitioners.find_row(selected_id(view))  # saved when asked: the saved one
        if row < 0:
            return
        who = self.practitioners.row_at(row)
        self._editing = who.id
        for edit, value in (
            (self.name, who.name),
            (self.profession, who.profession),
            (self.specialty, who.specialty),
            (self.organisation, who.organisation),
            (self.phone, who.phone),
            (self.email, who.email),
        ):
            edit.setText(value)
        self.card.mark()
        self._load_permanences()

    # -- work not saved (ui/leaving.py) ------------------------------------------------------
    def unsaved_work(self) -> str | None:
        """A practitioner's card typed or changed and not saved yet."""
        if not self.card.changed():
            return None
        return _("Permanences : la fiche de l'intervenant·e « {name} »").format(
            name=self.name.text().strip() or _("sans nom")
        )

    def save_work(self, *, quiet: bool = False) -> bool:
        return self._save_practitioner(quiet=quiet)

    def on_new_practitioner_clicked(self) -> None:
        self._editing = None
        self.practitioners_view.clearSelection()
        for edit in self.card.fields:
            if isinstance(edit, QLineEdit):
                edit.clear()
        self.card.mark()
        self._load_permanences()
        self.name.setFocus()

    def on_save_practitioner_clicked(self) -> None:
        self._save_practitioner()

    def _save_practitioner(self, *, quiet: bool = False) -> bool:
        """Save the card; refused, say why in a dialog (nothing when ``quiet``)."""
        service = self._app.agenda.practitioners
        name, profession = self.name.text(), self.profession.text()
        specialty, organisation = self.specialty.text(), self.organisation.text()
        phone, email = self.phone.text(), self.email.text()
        try:
            if self._editing is None:
                saved = service.create(
                    site_id=self._site.id,
                    name=name,
                    profession=profession,
                    specialty=specialty,
                    organisation=organisation,
                    phone=phone,
                    email=email,
                )
            else:
                saved = service.update(
                    self._editing,
                    name=name,
                    profession=profession,
                    specialty=specialty,
                    organisation=organisation,
                    phone=phone,
                    email=email,
                )
        except Exception as exc:
            if not quiet:
                show_error(self, exc)
            return False
        self._editing = saved.id
        self.card.mark()
        self.refresh()
        self.status.confirm(_("« {name} » enregistré·e.").format(name=saved.name))
        self.changes.announce(self, Topic.PERMANENCES)
        return True

    def _selected_permanence(self) -> uuid.UUID | None:
        value = selected_id(self.permanences_view)
        if isinstance(value, uuid.UUID):
            return value
        QMessageBox.information(
            self, _("Permanences"), _("Choisissez d'abord une permanence dans la liste.")
        )
        return None

    def on_add_clicked(self) -> None:
        if self._editing is None:
            return
        try:
            added = self._app.agenda.permanences.create(
                self._site.id,
                self.fields.rule(self._editing),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self._load_permanences()
        self.status.confirm(_("Permanence ajoutée."))
        self.changes.announce(self, Topic.PERMANENCES)
        show_people_to_call(self, _("Permanence ajoutée"), added.to_call)

    def _chosen_permanence(self) -> PermanenceInfo | None:
        permanence_id = self._selected_permanence()
        row = self.permanences.find_row(permanence_id)
        return None if row < 0 else self.permanences.row_at(row)

    def on_correct_clicked(self) -> None:
        chosen = self._chosen_permanence()
        if chosen is None:
            return
        dialog = PermanenceDialog(
            chosen, self._app.agenda.resources.list(self._site.id), self._site.zone, self
        )
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                fixed = self._app.agenda.permanences.correct(chosen.id, dialog.rule())
            except Exception as exc:
                show_error(dialog, exc)
                continue
            self._load_permanences()
            self.status.confirm(_("Permanence corrigée."))
            self.changes.announce(self, Topic.PERMANENCES)
            show_people_to_call(self, _("Permanence corrigée"), fixed.to_call)
            return

    def on_delete_clicked(self) -> None:
        chosen = self._chosen_permanence()
        if chosen is None:
            return
        asked = QMessageBox.question(
            self,
            _("Supprimer la permanence"),
            _(
                "Supprimer la permanence du {day} ({start}–{end}) ? Elle n'a jamais été "
                "réservée : elle disparaît de l'agenda."
            ).format(
                day=weekday_name(chosen.weekday),
                start=format_time(chosen.start_time),
                end=format_time(chosen.end_time),
            ),
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.agenda.permanences.delete(chosen.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._load_permanences()
        self.status.confirm(_("Permanence supprimée."))
        self.changes.announce(self, Topic.PERMANENCES)

    def on_end_clicked(self) -> None:
        permanence_id = self._selected_permanence()
        if permanence_id is None:
            return
        try:
            ended = self._app.agenda.permanences.end(
                permanence_id, end_date=to_date(self.on_date.date())
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self._load_permanences()
        self.status.confirm(
            _("Permanence terminée le {date}.").format(
                date=format_date(ended.end_date or ended.start_date)
            )
        )
        self.changes.announce(self, Topic.PERMANENCES)
        show_people_to_call(self, _("Permanence terminée"), ended.to_call)

    def on_cancel_date_clicked(self) -> None:
        permanence_id = self._selected_permanence()
        if permanence_id is None:
            return
        day = to_date(self.on_date.date())
        if self._cancelled_on(permanence_id, day):
            self._offer_to_restore(permanence_id, day)
            return
        try:
            cancelled = self._app.agenda.permanences.cancel_date(permanence_id, day)
        except Exception as exc:
            show_error(self, exc)
            return
        if cancelled.to_call:
            people = "\n".join(
                _("{time} — {name} {contact}").format(
                    time=format_time(p.start.time()),
                    name=p.name,
                    contact=" · ".join(c for c in (p.phone, p.email) if c),
                )
                for p in cancelled.to_call
            )
            text = ngettext(
                "Permanence du {date} annulée. Personne à prévenir :\n{people}",
                "Permanence du {date} annulée. Personnes à prévenir :\n{people}",
                len(cancelled.to_call),
            ).format(date=format_date(day, "full"), people=people)
        else:
            text = _("Permanence du {date} annulée. Personne n'était inscrit.").format(
                date=format_date(day, "full")
            )
        QMessageBox.information(self, _("Permanence annulée"), text)
        self.status.confirm(text.splitlines()[0])
        self.changes.announce(self, Topic.PERMANENCES)

    def _cancelled_on(self, permanence_id: uuid.UUID, day: date) -> bool:
        slots = self._app.agenda.permanences.slots(
            self._site.id, day, day, permanence_id=permanence_id
        )
        return bool(slots) and all(slot.cancelled for slot in slots)

    def _offer_to_restore(self, permanence_id: uuid.UUID, day: date) -> None:
        """The date is cancelled already: the practitioner comes after all?"""
        asked = QMessageBox.question(
            self,
            _("Rétablir la permanence"),
            _(
                "La permanence du {date} est annulée. La rétablir ? Les réservations "
                "annulées le restent : ces personnes réservent à nouveau."
            ).format(date=format_date(day, "full")),
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.agenda.permanences.restore_date(permanence_id, day)
        except Exception as exc:
            show_error(self, exc)
            return
        self.status.confirm(
            _("Permanence du {date} rétablie.").format(date=format_date(day, "full"))
        )
        self.changes.announce(self, Topic.PERMANENCES)
