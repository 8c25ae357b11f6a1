"""Choosing the report's period: a month, a quarter, a year, two dates, or the period of a
payment claim (the file a LEADER report most often accompanies).

The picker only turns what is chosen into ``(start, end, claim number)``; it never computes.
Every control has a mnemonic, and the period in words is shown under the controls so that the
coordinator sees « du 1er janvier 2026 au 31 mars 2026 » before computing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from tiers_lieu.i18n import N_, _, format_date, month_name
from tiers_lieu.reports.pdf_parts.text import long_date, period_text
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"
    CLAIM = "claim"


KIND_LABELS = {
    PeriodKind.MONTH: N_("Mois"),
    PeriodKind.QUARTER: N_("Trimestre"),
    PeriodKind.YEAR: N_("Année"),
    PeriodKind.CUSTOM: N_("Dates choisies"),
    PeriodKind.CLAIM: N_("Demande de paiement"),
}


@dataclass(frozen=True)
class ClaimChoice:
    """A payment claim as the picker offers it."""

    number: str
    start: date
    end: date


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    claim_number: str = ""


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


class PeriodPicker(QWidget):
    """Kind of period, then the one or two controls that kind needs."""

    period_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, today: date) -> None:
        super().__init__(parent)
        day = today
        self._claims: list[ClaimChoice] = []
        self.kind_combo = QComboBox(self)
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(_(label), kind.value)
        self.month_combo = QComboBox(self)
        for month in range(1, 13):
            name = month_name(month)
            self.month_combo.addItem(name[:1].upper() + name[1:], month)
        self.month_combo.setCurrentIndex(day.month - 1)
        self.quarter_combo = QComboBox(self)
        for quarter in range(1, 5):
            label = _("1er trimestre") if quarter == 1 else _("{n}e trimestre").format(n=quarter)
            self.quarter_combo.addItem(label, quarter)
        self.quarter_combo.setCurrentIndex((day.month - 1) // 3)
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(day.year)
        self.from_edit = bounded(QDateEdit(to_qdate(date(day.year, 1, 1)), self))
        self.to_edit = bounded(QDateEdit(to_qdate(day), self))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.claim_combo = QComboBox(self)
        # Long claim labels must not widen the panel (and squeeze the field names).
        self.claim_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.claim_combo.setMinimumContentsLength(12)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setObjectName("periodSummary")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self._rows: dict[QWidget, QLabel] = {}
        for text, widget in (
            (_("&Période :"), self.kind_combo),
            (_("M&ois :"), self.month_combo),
            (_("&Trimestre :"), self.quarter_combo),
            (_("A&nnée :"), self.year_spin),
            (_("D&u :"), self.from_edit),
            (_("Au :"), self.to_edit),
            (_("De&mande :"), self.claim_combo),
        ):
            caption = QLabel(text, self)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
            self._rows[widget] = caption
        form.addRow(self.summary_label)

        self.kind_combo.currentIndexChanged.connect(self.on_kind_changed)
        for combo in (self.month_combo, self.quarter_combo, self.claim_combo):
            combo.currentIndexChanged.connect(self.on_choice_changed)
        self.year_spin.valueChanged.connect(self.on_choice_changed)
        self.from_edit.dateChanged.connect(self.on_choice_changed)
        self.to_edit.dateChanged.connect(self.on_choice_changed)
        self.set_kind(PeriodKind.YEAR)

    # -- choices -------------------------------------------------------------------------
    def kind(self) -> PeriodKind:
        return PeriodKind(self.kind_combo.currentData())

    def set_kind(self, kind: PeriodKind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))
        self.on_kind_changed()

    def set_claims(self, claims: list[ClaimChoice]) -> None:
        current = self.claim_combo.currentData()
        self._claims = list(claims)
        self.claim_combo.blockSignals(True)
        self.claim_combo.clear()
        for claim in claims:
            self.claim_combo.addItem(
                _("n° {number} : {start} – {end}").format(
                    number=claim.number,
                    start=format_date(claim.start),
                    end=format_date(claim.end),
                ),
                claim.number,
            )
        index = self.claim_combo.findData(current)
        self.claim_combo.setCurrentIndex(max(index, 0))
        self.claim_combo.blockSignals(False)
        self.on_choice_changed()

    def set_custom(self, start: date, end: date) -> None:
        self.set_kind(PeriodKind.CUSTOM)
        self.from_edit.setDate(to_qdate(start))
        self.to_edit.setDate(to_qdate(end))

    def period(self) -> Period | None:
        """The chosen period, or ``None`` when it cannot be (no claim recorded)."""
        kind = self.kind()
        year = self.year_spin.value()
        if kind is PeriodKind.MONTH:
            month = int(self.month_combo.currentData())
            last = calendar.monthrange(year, month)[1]
            return Period(date(year, month, 1), date(year, month, last))
        if kind is PeriodKind.QUARTER:
            start, end = quarter_bounds(year, int(self.quarter_combo.currentData()))
            return Period(start, end)
        if kind is PeriodKind.YEAR:
            return Period(date(year, 1, 1), date(year, 12, 31))
        if kind is PeriodKind.CUSTOM:
            return Period(to_date(self.from_edit.date()), to_date(self.to_edit.date()))
        index = self.claim_combo.currentIndex()
        if not 0 <= index < len(self._claims):
            return None
        claim = self._claims[index]
        return Period(claim.start, claim.end, claim.number)

    # -- slots ---------------------------------------------------------------------------
    def on_kind_changed(self, _index: int = 0) -> None:
        kind = self.kind()
        by_kind: dict[PeriodKind, set[QWidget]] = {
            PeriodKind.MONTH: {self.month_combo, self.year_spin},
            PeriodKind.QUARTER: {self.quarter_combo, self.year_spin},
            PeriodKind.YEAR: {self.year_spin},
            PeriodKind.CUSTOM: {self.from_edit, self.to_edit},
            PeriodKind.CLAIM: {self.claim_combo},
        }
        shown = by_kind[kind]
        for widget, label in self._rows.items():
            visible = widget is self.kind_combo or widget in shown
            widget.setVisible(visible)
            label.setVisible(visible)
        self.on_choice_changed()

    def on_choice_changed(self, *_args: object) -> None:
        period = self.period()
        if period is None:
            self.summary_label.setText(
                _(
                    "Aucune demande de paiement : enregistrez-les dans l'onglet "
                    "« Opération LEADER »."
                )
            )
        elif period.end < period.start:
            self.summary_label.setText(
                _("La date de fin ({end}) précède la date de début.").format(
                    end=long_date(period.end)
                )
            )
        else:
            text = period_text(period.start, period.end)
            self.summary_label.setText(text[:1].upper() + text[1:])
        self.period_changed.emit()
