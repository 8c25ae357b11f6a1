"""Small input helpers of the record tabs: an optional date (« — » until chosen) and a
labelled row with its mnemonic."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QFormLayout, QLabel, QSizePolicy, QWidget

from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded

_NONE = QDate(1900, 1, 1)


class OptionalDateEdit(QDateEdit):
    """A date that may be left empty: its lowest value shows « — » and means ``None``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setMinimumDate(_NONE)
        bounded(self)  # up to 2100; 1900-01-01 itself means « — »
        self.setSpecialValueText("—")
        self.setMinimumWidth(140)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_value(None)

    def value(self) -> date | None:
        current = self.date()
        return None if current == _NONE else to_date(current)

    def set_value(self, value: date | None) -> None:
        self.setDate(_NONE if value is None else to_qdate(value))


def date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = bounded(QDateEdit(to_qdate(value), parent))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMinimumWidth(140)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def add_row(form: QFormLayout, text: str, widget: QWidget) -> None:
    """``text`` carries the mnemonic (« &Nom : ») that focuses ``widget``."""
    label = QLabel(text, form.parentWidget())
    label.setBuddy(widget)
    form.addRow(label, widget)
