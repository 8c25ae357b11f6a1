"""Lists keep what each cell answered (issue 17): Qt asks a dozen roles of every visible cell at
each paint and each column sizing, and formatting a date through Babel costs ~40 µs, so a
list of a few hundred rows froze the window for tens of milliseconds at every repaint. What a
cell shows still follows every change of the rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from tiers_lieu.ui import models
from tiers_lieu.ui.common import make_table
from tiers_lieu.ui.models import ReadModelTable


@dataclass(frozen=True)
class Line:
    id: int
    text: str


class CountingModel(ReadModelTable[Line]):
    class Columns(IntEnum):
        TEXT = 0
        LENGTH = 1

    def __init__(self) -> None:
        super().__init__()
        self.formatted = 0

    def headers(self) -> dict[Any, str]:
        return {self.Columns.TEXT: "Texte", self.Columns.LENGTH: "Longueur"}

    def display(self, row: Line, column: Any) -> str:
        self.formatted += 1
        return row.text if column == self.Columns.TEXT else str(len(row.text))

    def replace(self, number: int, line: Line) -> None:
        self._rows[number] = line
        self.dataChanged.emit(self.index(number, 0), self.index(number, 1))


def shown(view: QTableView) -> list[str]:
    model = view.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_a_repaint_formats_nothing_again_and_a_change_shows(qtbot: QtBot) -> None:
    model = CountingModel()
    view = make_table(model, None, stretch=0)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(600, 400)
    model.set_rows([Line(n, f"ligne {n}") for n in range(300)])
    with qtbot.waitExposed(view):
        view.show()
    first = model.formatted
    assert 0 < first < 300 * 2  # the rows on screen, not all 300
    view.viewport().repaint()
    view.viewport().repaint()
    assert model.formatted == first

    model.replace(0, Line(0, "changée"))
    assert model.index(0, 0).data() == "changée"
    assert model.index(0, 1).data() == "7"
    model.set_rows([Line(1, "une autre")])
    assert shown(view) == ["une autre"]
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is not None


def test_the_answers_kept_are_bounded(qtbot: QtBot, monkeypatch: Any) -> None:
    monkeypatch.setattr(models, "MOST_ANSWERS", 10)
    model = CountingModel()
    model.set_rows([Line(n, f"ligne {n}") for n in range(50)])
    for number in range(50):
        assert model.index(number, 0).data() == f"ligne {number}"
    assert len(model._answers) <= 10
