"""Pieces the sections share: a list view set up the same way, the selected row, the
confirmation line under a form, the buttons at the foot of a form, the action that gives
a button its keyboard shortcut, and the keys of a list whose rows are edited and deleted.

Shortcuts are actions added to the tab page with the window as context: Qt ignores the
actions of hidden widgets, so Ctrl+S in « Lieu » and Ctrl+S in « Horaires » never compete (only
the tab on screen answers), and they work wherever the focus is, tab bar included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractItemModel, QDate, QStandardPaths, Qt, QTime
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from tiers_lieu.i18n import _, format_time, place_now, place_today
from tiers_lieu.ui.models import ID_ROLE


def to_time(value: QTime) -> time:
    """A ``QTime`` as a Python time to the minute (the precision of opening hours)."""
    return time(value.hour(), value.minute())


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def today_qdate(zone: ZoneInfo) -> QDate:
    """Today at the place, for a date field (``QDate.currentDate()`` is the computer's)."""
    today = place_today(zone)
    return QDate(today.year, today.month, today.day)


def make_table(model: QAbstractItemModel, parent: QWidget, *, stretch: int) -> QTableView:
    """A read-only, row-selecting list whose ``stretch`` column takes the spare width."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    rows = view.verticalHeader()
    rows.setVisible(False)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.setTabKeyNavigation(False)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    # Columns fit the rows on screen, not the first 1,000 (Qt's default): each reset of a
    # long list asked ~10 roles of every cell of those rows (Stock tab 581 → 224 ms, issue 17).
    header.setResizeContentsPrecision(0)
    for column in range(model.columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    return view


def dialog_buttons(
    dialog: QDialog,
    accept: Callable[[], None] | None = None,
    *,
    save: bool = True,
    ok_text: str = "",
) -> QDialogButtonBox:
    """The foot of a form: « Enregistrer » (or « OK » when not ``save``, or ``ok_text``)
    runs ``accept`` (the dialog's own by default), « Annuler » closes it."""
    first = (
        QDialogButtonBox.StandardButton.Save
        if save and not ok_text
        else QDialogButtonBox.StandardButton.Ok
    )
    buttons = QDialogButtonBox(first | QDialogButtonBox.StandardButton.Cancel, dialog)
    if ok_text:
        buttons.button(first).setText(ok_text)
    buttons.accepted.connect(accept or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    """Where to write a PDF: the file dialog opens in the user's documents on ``name``;
    ``None`` when cancelled; « .pdf » added when the name typed has no such ending."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _filter = QFileDialog.getSaveFileName(
        parent, title, str(Path(folder) / name), _("Document PDF (*.pdf)")
    )
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == ".pdf" else target.with_suffix(".pdf")


def selected_id(view: QTableView) -> object | None:
    """The id (``ID_ROLE``) of the selected row, or ``None`` when nothing is selected."""
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    return rows[0].data(ID_ROLE)


def select_id(view: QTableView, row_id: object) -> None:
    """Select (and show) the row whose id is ``row_id``, if it is listed."""
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(ID_ROLE) == row_id:
            view.selectRow(row)
            view.scrollTo(index)
            return


def add_shortcut(
    owner: QWidget,
    keys: QKeySequence | QKeySequence.StandardKey | str,
    triggered: Callable[[], None],
    button: QAbstractButton | None = None,
) -> QAction:
    """Bind ``keys`` to ``triggered`` while ``owner`` is on screen; the button's tooltip
    names the shortcut so that it can be learnt."""
    action = QAction(owner)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(triggered)
    owner.addAction(action)
    if button is not None:
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        label = button.text().replace("&", "")
        button.setToolTip(_("{label} ({keys})").format(label=label, keys=shown))
    return action


def list_keys(
    owner: QWidget,
    view: QAbstractItemView,
    *,
    edit: Callable[[], None],
    delete: Callable[[], None],
    edit_button: QAbstractButton,
    delete_button: QAbstractButton,
) -> None:
    """The buttons and keys of a list whose rows are corrected and deleted: F2 edits the
    chosen row wherever the focus is in ``owner``; Entrée (edit) and Suppr (delete) only from
    the list, since elsewhere they belong to the fields."""
    edit_button.clicked.connect(edit)
    delete_button.clicked.connect(delete)
    add_shortcut(owner, QKeySequence(Qt.Key.Key_F2), edit, edit_button)
    for keys, slot in (
        (QKeySequence(Qt.Key.Key_Return), edit),
        (QKeySequence(Qt.Key.Key_Enter), edit),
        (QKeySequence(QKeySequence.StandardKey.Delete), delete),
    ):
        add_shortcut(view, keys, slot).setShortcutContext(Qt.ShortcutContext.WidgetShortcut)


class StatusLabel(QLabel):
    """The line under a form that confirms what was just saved, with the time on the place's
    clock (``zone``, the site's), not the computer's."""

    def __init__(self, parent: QWidget | None = None, *, zone: ZoneInfo) -> None:
        super().__init__(parent)
        self.zone = zone
        self.setWordWrap(True)
        self.setObjectName("settingsStatus")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def confirm(self, message: str) -> None:
        now = place_now(self.zone).time()
        self.setText(_("{message} ({time})").format(message=message, time=format_time(now)))
