"""The small dialog that moves a follow-up to a new date: a letter relaunched (« Courriers »),
a follow-up put off (« Suivis »). What the date is checked against (from today, at most a
year ahead) is the service's; the dialog proposes a date, says what the follow-up is, and
stays open on a refusal so that the date can be typed again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from tiers_lieu.i18n import _
from tiers_lieu.ui.common import dialog_buttons, to_date, to_qdate
from tiers_lieu.ui.demarches.fields import date_edit
from tiers_lieu.ui.errors import show_error


class NewDueDialog(QDialog):
    """Asks the new date and hands it to ``save`` on OK (``refused``: the error's title)."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        summary: str,
        hint: str,
        proposed: date,
        today: date,
        ok_text: str,
        refused: str,
        save: Callable[[date], None],
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._refused = refused
        self.setWindowTitle(title)
        self.setMinimumWidth(440)  # the summary on two lines, not five
        summary_label = QLabel(summary, self)
        summary_label.setWordWrap(True)
        self.due = date_edit(self, to_qdate(proposed))
        self.due.setMinimumDate(to_qdate(today))
        label = QLabel(_("&Nouvelle date de suivi :"), self)
        label.setBuddy(self.due)
        hint_label = QLabel(hint, self)
        hint_label.setWordWrap(True)
        buttons = dialog_buttons(self, ok_text=ok_text)
        form = QFormLayout()
        form.addRow(label, self.due)
        layout = QVBoxLayout(self)
        layout.addWidget(summary_label)
        layout.addLayout(form)
        layout.addWidget(hint_label)
        layout.addWidget(buttons)

    def chosen(self) -> date:
        return to_date(self.due.date())

    def accept(self) -> None:
        try:
            self._save(self.chosen())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, self._refused)
            return
        super().accept()
