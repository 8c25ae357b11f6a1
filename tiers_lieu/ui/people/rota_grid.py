"""How the rota's week is drawn: the colours of its cells, the cell of a role's hours on a
day (who holds its shifts, « à pourvoir » in red when nobody does, ✓ when done) and the lines
of the list of gaps (shifts with nobody, opening hours no « Accueil » shift covers).
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidgetItem

from tiers_lieu.i18n import _, format_date, format_time
from tiers_lieu.services.rota import RotaGaps, ShiftInfo, role_label

GAP = QColor("#f8d7da")
GAP_TEXT = QColor("#8a1020")
DONE = QColor("#e3f1e0")
NONE = QColor("#f2f2f2")

Slot = tuple[str, time, time]


def shift_cell(shifts: list[ShiftInfo]) -> QTableWidgetItem:
    """The grid's cell for ``shifts``, the shifts of one role's hours on one day."""
    if not shifts:
        item = QTableWidgetItem("")
        item.setBackground(QBrush(NONE))
        return item
    lines = []
    for s in shifts:
        name = s.person_name or _("à pourvoir")
        if s.status == "done":
            name = _("✓ {name}").format(name=name)
        elif s.status == "absent":
            name = _("{name} (absent·e)").format(name=name)
        lines.append(name)
    item = QTableWidgetItem("\n".join(lines))
    if any(s.is_gap for s in shifts):
        item.setBackground(QBrush(GAP))
        item.setForeground(QBrush(GAP_TEXT))
    elif all(s.status == "done" for s in shifts):
        item.setBackground(QBrush(DONE))
    item.setToolTip("\n".join(lines))
    return item


def gap_lines(gaps: RotaGaps) -> list[tuple[date, time, str, tuple[date, Slot]]]:
    """The gaps' lines, unsorted: their day, their start, their text, and where they are
    (their day and their slot)."""
    lines: list[tuple[date, time, str, tuple[date, Slot]]] = []
    for s in gaps.empty_shifts:
        text = _("{day} · {role} {start}–{end} : personne").format(
            day=format_date(s.on_date, "full"),
            role=role_label(s.role),
            start=format_time(s.starts_at),
            end=format_time(s.ends_at),
        )
        lines.append((s.on_date, s.starts_at, text, (s.on_date, (s.role, s.starts_at, s.ends_at))))
    for u in gaps.uncovered:
        text = _("{day} · ouvert {start}–{end} sans créneau d'accueil").format(
            day=format_date(u.on_date, "full"),
            start=format_time(u.starts_at),
            end=format_time(u.ends_at),
        )
        lines.append(
            (u.on_date, u.starts_at, text, (u.on_date, ("accueil", u.starts_at, u.ends_at)))
        )
    return lines
