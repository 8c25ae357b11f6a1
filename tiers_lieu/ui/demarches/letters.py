"""« Courriers »: the public writer's letters per person (organisme, subject, sent on, answer
expected by, status), with « Réponse reçue » (Entrée on a row, then Entrée to confirm) and
« Relancer… » (a new follow-up date).

A tab of its own rather than a filter of « Suivis »: the public writer's desk asks « has the
CAF answered Mme X's letter? » — a question per person and per letter, with dates and states
the follow-ups do not have, and answered letters kept in sight for a while; « Suivis » stays
the list of people to see again (a letter waiting for its answer is in both).
Ctrl+Maj+E opens it from anywhere in « Démarches ».
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, ngettext, place_today
from tiers_lieu.services.letters import Letter, LetterStatus
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.tabular import normalise
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    dialog_buttons,
    make_table,
    selected_id,
    to_date,
    to_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.demarches.due_dialog import NewDueDialog
from tiers_lieu.ui.demarches.fields import date_edit
from tiers_lieu.ui.demarches.table_models import OVERDUE
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable

RELAUNCH_DAYS = 14
"""The new follow-up date a relaunch proposes, days from today."""
ANSWERED = QColor("#2e6b30")


class LettersModel(ReadModelTable[Letter]):
    class Columns(IntEnum):
        PERSON = 0
        STATUS = 1
        OPERATOR = 2
        SUBJECT = 3
        SENT = 4
        ANSWER = 5
        DUE = 6
        NOTE = 7

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.PERSON: _("Personne"),
            c.STATUS: _("Statut"),
            c.OPERATOR: _("Organisme"),
            c.SUBJECT: _("Objet"),
            c.SENT: _("Envoyé le"),
            c.ANSWER: _("Réponse attendue"),
            c.DUE: _("Suivi le"),
            c.NOTE: _("Note"),
        }

    def display(self, row: Letter, column: Any) -> str:
        c = self.Columns
        if column == c.PERSON:
            return row.person_name or _("anonyme")
        if column == c.SENT:
            return format_date(row.sent_on)
        if column == c.ANSWER:
            return format_date(row.answer_expected_on)
        if column == c.DUE:
            return format_date(row.due) if row.due is not None and row.is_open else ""
        if column == c.STATUS:
            return row.status_label
        if column == c.NOTE:
            return row.note.replace("\n", " ")
        return row.operator if column == c.OPERATOR else row.subject

    def sort_value(self, row: Letter, column: Any) -> object:
        c = self.Columns
        dates = {c.SENT: row.sent_on, c.ANSWER: row.answer_expected_on, c.DUE: row.due}
        if column in dates:
            return dates[column] or date.min
        return self.display(row, column)

    def extra(self, row: Letter, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status is LetterStatus.LATE:
                return OVERDUE
            if row.status is LetterStatus.ANSWERED:
                return ANSWERED
        if (
            role == Qt.ItemDataRole.FontRole
            and column == self.Columns.STATUS
            and row.status is LetterStatus.LATE
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None


class RelaunchDialog(NewDueDialog):
    """Asks the new follow-up date of a letter and relaunches it through the service."""

    def __init__(
        self, app: Comptoir, site: SiteInfo, letter: Letter, parent: QWidget | None = None
    ) -> None:
        today = place_today(site.zone)
        super().__init__(
            parent,
            title=_("Relancer le courrier"),
            summary=_(
                "Courrier du {sent} à {operator} ({subject}), réponse attendue le {answer}."
            ).format(
                sent=format_date(letter.sent_on),
                operator=letter.operator,
                subject=letter.subject,
                answer=format_date(letter.answer_expected_on),
            ),
            hint=_("Relancez l'organisme (courrier ou appel), puis notez quand revoir la réponse."),
            proposed=today + timedelta(days=RELAUNCH_DAYS),
            today=today,
            ok_text=_("Relancer"),
            refused=_("Courrier non relancé"),
            save=lambda due: app.letters.relaunch(letter.id, due=due),
        )


class DatesDialog(QDialog):
    """Corrects the day a letter left and the day its answer is expected, through the
    service (checked as the démarche form checks them)."""

    def __init__(self, app: Comptoir, letter: Letter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._letter = letter
        self.setWindowTitle(_("Corriger les dates du courrier"))
        summary = QLabel(
            _("Courrier à {operator} ({subject}) pour {who}.").format(
                operator=letter.operator,
                subject=letter.subject,
                who=letter.person_name or _("anonyme"),
            ),
            self,
        )
        summary.setWordWrap(True)
        self.sent = date_edit(self, to_qdate(letter.sent_on))
        self.answer = date_edit(self, to_qdate(letter.answer_expected_on))
        buttons = dialog_buttons(self, ok_text=_("Corriger"))
        form = QFormLayout()
        for text, field in (
            (_("Courrier &envoyé le :"), self.sent),
            (_("Réponse &attendue le :"), self.answer),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            self._app.letters.correct_dates(
                self._letter.id,
                sent_on=to_date(self.sent.date()),
                answer_on=to_date(self.answer.date()),
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Dates non corrigées"))
            return
        super().accept()


class LettersTab(QWidget):
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
        self._all: list[Letter] = []
        self.model = LettersModel(self)
        self.view = make_table(self.model, self, stretch=LettersModel.Columns.NOTE)
        self.view.activated.connect(self.on_answered_clicked)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("nom de la personne"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.show_filtered)
        search_label = QLabel(_("&Personne :"), self)
        search_label.setBuddy(self.search)
        self.waiting_only = QCheckBox(_("&Masquer les réponses reçues"), self)
        self.waiting_only.toggled.connect(self.show_filtered)
        self.summary = QLabel(self)
        self.answered_button = QPushButton(_("&Réponse reçue"), self)
        self.answered_button.setToolTip(_("Réponse reçue (Entrée sur la ligne)"))
        self.answered_button.clicked.connect(self.on_answered_clicked)
        self.relaunch_button = QPushButton(_("Re&lancer…"), self)
        self.relaunch_button.clicked.connect(self.on_relaunch_clicked)
        add_shortcut(self, "Ctrl+R", self.on_relaunch_clicked, self.relaunch_button)
        self.dates_button = QPushButton(_("Corriger les &dates…"), self)
        self.dates_button.clicked.connect(self.on_dates_clicked)
        self.status = StatusLabel(self, zone=site.zone)
        hint = QLabel(
            _(
                "Entrée sur une ligne : réponse reçue · Ctrl+R : relancer. Un suivi s'ouvre à "
                "la date de réponse attendue."
            ),
            self,
        )
        hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.waiting_only)
        top.addWidget(self.answered_button)
        top.addWidget(self.relaunch_button)
        top.addWidget(self.dates_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.setFocusProxy(self.view)
        # Names are shown: read when the tab is shown (an audited consultation), off the
        # GUI thread.
        self.loader = BackgroundLoad(self, self.view)
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.ASSISTANCE}, self.shown.invalidate)
        self.on_selection_changed()

    def refresh(self) -> None:
        service, site_id = self._app.letters, self._site.id
        self.loader.start(lambda: service.letters(site_id), self.show_rows)

    def show_rows(self, letters: list[Letter]) -> None:
        self._all = letters
        self.show_filtered()

    def show_filtered(self) -> None:
        chosen = selected_id(self.view)
        wanted = normalise(self.search.text())
        rows = [
            x
            for x in self._all
            if (not wanted or wanted in normalise(x.person_name))
            and (x.is_open or not self.waiting_only.isChecked())
        ]
        self.model.set_rows(rows)
        row = self.model.find_row(chosen) if chosen is not None else -1
        if rows:
            self.view.selectRow(max(row, 0))
        waiting = [x for x in self._all if x.is_open]
        late = sum(1 for x in waiting if x.status is LetterStatus.LATE)
        text = ngettext(
            "{n} courrier en attente de réponse",
            "{n} courriers en attente de réponse",
            len(waiting),
        ).format(n=len(waiting))
        if late:
            text += ngettext(", dont {n} en retard", ", dont {n} en retard", late).format(n=late)
        self.summary.setText(text + ".")
        self.on_selection_changed()

    def selected(self) -> Letter | None:
        chosen = selected_id(self.view)
        if not isinstance(chosen, uuid.UUID):
            return None
        row = self.model.find_row(chosen)
        return None if row < 0 else self.model.row_at(row)

    def on_selection_changed(self) -> None:
        letter = self.selected()
        usable = letter is not None and letter.is_open
        self.answered_button.setEnabled(usable)
        self.relaunch_button.setEnabled(usable)
        self.dates_button.setEnabled(letter is not None)

    def confirm_answered(self, letter: Letter) -> bool:
        """Entrée, then Entrée again: the follow-up is closed for good."""
        who = letter.person_name or _("anonyme")
        answer = QMessageBox.question(
            self,
            _("Réponse reçue"),
            _("Noter la réponse reçue au courrier du {sent} à {operator} ({who}) ?").format(
                sent=format_date(letter.sent_on), operator=letter.operator, who=who
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def on_answered_clicked(self) -> None:
        letter = self.selected()
        if letter is None or not letter.is_open or not self.confirm_answered(letter):
            return
        try:
            self._app.letters.mark_answered(letter.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Réponse non notée"))
            return
        self._written(
            _("Réponse reçue au courrier du {sent} à {operator}.").format(
                sent=format_date(letter.sent_on), operator=letter.operator
            )
        )

    def on_relaunch_clicked(self) -> None:
        letter = self.selected()
        if letter is None or not letter.is_open:
            return
        dialog = RelaunchDialog(self._app, self._site, letter, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._written(
            _("Courrier à {operator} relancé : suivi le {day}.").format(
                operator=letter.operator, day=format_date(to_date(dialog.due.date()))
            )
        )

    def on_dates_clicked(self) -> None:
        letter = self.selected()
        if letter is None:
            return
        dialog = DatesDialog(self._app, letter, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._written(
            _(
                "Dates corrigées du courrier à {operator} : envoyé le {sent}, réponse le {answer}."
            ).format(
                operator=letter.operator,
                sent=format_date(to_date(dialog.sent.date())),
                answer=format_date(to_date(dialog.answer.date())),
            )
        )

    def _written(self, message: str) -> None:
        self.refresh()
        self.status.confirm(message)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changes.announce(self, Topic.ASSISTANCE)
