"""The desk's satisfaction key (issue 22): after a démarche is saved, or at a workshop's
attendance, a small row asks « Satisfait·e ? » without taking the focus; the host presses
F9 (content), F10 (moyen) or F11 (pas content) — or clicks — and goes on typing. Nothing
blocks: the next démarche can be typed at once, the row waits until a key, Échap (the form's
« Effacer ») or the next save.

F9–F11 are active only while the row is shown (at the till, F1–F9 are the till's own: the
till is another section, never on screen with this row; F12 opens it from anywhere).
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.satisfaction import SCORES, SatisfactionAnswer
from tiers_lieu.ui.ops import run_op

SCORE_KEYS: dict[int, str] = {3: "F9", 2: "F10", 1: "F11"}
"""Score → key, in the row's reading order (content, moyen, pas content)."""


class SatisfactionRow(QFrame):
    """Three buttons and their keys; :meth:`arm` shows it for one démarche or a workshop."""

    def __init__(self, app: Comptoir, site_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self._pending: SatisfactionAnswer | None = None
        self._several = False
        self.answers = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.question = QLabel(self)
        self.done = QLabel(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.question)
        self.buttons: dict[int, QPushButton] = {}
        self.keys: list[QAction] = []
        for score, label in SCORES.items():
            keys = QKeySequence(SCORE_KEYS[score])
            text = keys.toString(QKeySequence.SequenceFormat.NativeText)
            button = QPushButton(
                _("{label} ({keys})").format(label=_(label).capitalize(), keys=text), self
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus stays in the form
            button.clicked.connect(lambda _checked=False, s=score: self.answer(s))
            row.addWidget(button)
            self.buttons[score] = button
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, s=score: self.answer(s))
            action.setEnabled(False)
            self.addAction(action)
            self.keys.append(action)
        row.addWidget(self.done, 1)
        self.pass_button = QPushButton(_("Passer"), self)
        self.pass_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pass_button.clicked.connect(self.skip)
        row.addWidget(self.pass_button)
        self.hide()

    @property
    def armed(self) -> bool:
        return self._pending is not None

    def arm(
        self,
        context: str,
        activity_date: date,
        *,
        assistance_id: uuid.UUID | None = None,
        event_id: uuid.UUID | None = None,
        several: bool = False,
    ) -> None:
        """Ask once (a démarche) or, with ``several``, as many times as people answer (a
        workshop's participants, one key each)."""
        self._pending = SatisfactionAnswer(
            score=3,
            context=context,
            activity_date=activity_date,
            assistance_id=assistance_id,
            event_id=event_id,
        )
        self._several = several
        self.answers = 0
        self.question.setText(
            _("Satisfaction des participants ?")
            if several
            else _("La personne est-elle satisfaite ?")
        )
        self.done.setText("" if several else _("Échap : passer"))
        for action in self.keys:
            action.setEnabled(True)
        self.show()

    def skip(self) -> None:
        self._pending = None
        for action in self.keys:
            action.setEnabled(False)
        self.hide()

    def answer(self, score: int) -> None:
        pending = self._pending
        if pending is None:
            return
        answer = SatisfactionAnswer(
            score=score,
            context=pending.context,
            activity_date=pending.activity_date,
            assistance_id=pending.assistance_id,
            event_id=pending.event_id,
        )
        app, site_id = self._app, self._site_id
        self.answers += 1
        if self._several:
            self.done.setText(
                ngettext(
                    "{n} réponse, dernière : {label}",
                    "{n} réponses, dernière : {label}",
                    self.answers,
                ).format(n=self.answers, label=_(SCORES[score]))
            )
        else:
            self.skip()
        run_op(self, lambda _progress: app.satisfaction.record(site_id, answer), self._recorded)

    def _recorded(self, _id: object) -> None:
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(_("Satisfaction enregistrée."), 3000)
