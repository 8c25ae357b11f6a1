"""Work typed and not saved yet, before the window closes, the place changes or the desk locks.

A widget holding such work (the week of hours of « Temps passé », the details typed for a
visit at Accueil, a démarche being typed) says so with ``unsaved_work()`` — a French line
naming it, ``None`` when everything is saved — and saves it with ``save_work(quiet=…)``:
``True`` once saved; refused, it says why in a dialog, or nothing when ``quiet``. The main
window asks before anything that would drop the sections (:func:`may_leave`: save, drop, or
stay), and saves quietly when the desk locks (:func:`save_quietly`), while the person who
typed it is still the one signed in: someone else unlocking gets every section rebuilt for
them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QWidget,
)

from tiers_lieu.i18n import _
from tiers_lieu.ui.common import select_id


@runtime_checkable
class HoldsWork(Protocol):
    def unsaved_work(self) -> str | None: ...

    def save_work(self, *, quiet: bool = False) -> bool: ...


def pending(root: QWidget) -> list[HoldsWork]:
    """The widgets under ``root`` (itself included) holding work not saved."""
    widgets = [root, *root.findChildren(QWidget)]
    return [w for w in widgets if isinstance(w, HoldsWork) and w.unsaved_work() is not None]


def may_leave(parent: QWidget, root: QWidget, *, can_stay: bool = True) -> bool:
    """Whether the sections under ``root`` may be dropped: nothing is unsaved, or the person
    chose to save it (and it was saved) or to drop it. ``False``: stay (``can_stay``: the
    choice is offered)."""
    holders = pending(root)
    if not holders:
        return True
    lines = "\n".join(f"• {w.unsaved_work()}" for w in holders)
    buttons = QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
    if can_stay:
        buttons |= QMessageBox.StandardButton.Cancel
    answer = QMessageBox.question(
        parent,
        _("Saisie non enregistrée"),
        _("Ceci n'est pas enregistré :\n{lines}\n\nL'enregistrer maintenant ?").format(lines=lines),
        buttons,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        saved = [w.save_work() for w in holders]  # each one, even after a refusal
        return all(saved) or not can_stay
    return answer == QMessageBox.StandardButton.Discard


def save_quietly(root: QWidget) -> int:
    """Save, without a dialog, what the widgets under ``root`` hold; returns how many pieces
    of work could not be saved (they stay on screen)."""
    return sum(not w.save_work(quiet=True) for w in pending(root))


class TypedWork:
    """The fields of a form beside a list, and what they held when last shown or saved: a
    tab holding one says :meth:`changed` in its ``unsaved_work``, and calls :meth:`mark`
    each time it fills the form (a row chosen, « new ») or saves it."""

    def __init__(self, *fields: QWidget) -> None:
        self.fields = fields
        self._shown = self._values()

    def _values(self) -> tuple[object, ...]:
        values: list[object] = []
        for field in self.fields:
            if isinstance(field, QLineEdit):
                values.append(field.text())
            elif isinstance(field, QPlainTextEdit):
                values.append(field.toPlainText())
            elif isinstance(field, QComboBox):  # by value: a list read again keeps its choice
                values.append(field.currentData())
            elif isinstance(field, QSpinBox):
                values.append(field.value())
            elif isinstance(field, QDateTimeEdit):
                values.append(field.dateTime())
            elif isinstance(field, QAbstractButton):
                values.append(field.isChecked())
            else:
                raise TypeError(f"champ non pris en charge : {type(field).__name__}")
        return tuple(values)

    def mark(self) -> None:
        self._shown = self._values()

    def changed(self) -> bool:
        return self._values() != self._shown


def may_choose_another(owner: QWidget, view: QTableView, editing: object | None) -> bool:
    """Before the form beside ``view`` shows the row just chosen: whether it may, nothing
    typed being pending in ``owner`` (or it was saved or dropped when asked). Otherwise the
    choice is undone (``editing``, the row the form holds, chosen again; none for a new one)
    and the form keeps what was typed."""
    if may_leave(owner, owner):
        return True
    with QSignalBlocker(view.selectionModel()):
        if editing is None:
            view.clearSelection()
        else:
            select_id(view, editing)
    return False
