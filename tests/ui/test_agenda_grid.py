"""The agenda grid on its own, with made-up columns and blocks: keys, clicks and drags say what
the host asked for, and overlapping bookings sit side by side instead of on top of each other."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tiers_lieu.ui.agenda.grid import AgendaGrid
from tiers_lieu.ui.agenda.grid_model import BlockKind, GridBlock, GridColumn, assign_lanes

DAY = date(2026, 11, 24)
OPEN = ((time(9, 0), time(12, 0)), (time(14, 0), time(18, 0)))


def make_grid(qtbot: QtBot) -> AgendaGrid:
    grid = AgendaGrid()
    qtbot.addWidget(grid)
    grid.resize(900, 600)
    columns = [
        GridColumn(DAY, "desk", "Bureau 1", open_ranges=OPEN, today=True),
        GridColumn(DAY, "health", "Cabinet de santé", open_ranges=OPEN),
    ]
    blocks = [
        GridBlock("b1", 0, time(10, 0), time(11, 0), ("10:00–11:00", "Alice Martin")),
        GridBlock(
            "s1",
            1,
            time(9, 0),
            time(9, 20),
            ("09:00", "Libre"),
            kind=BlockKind.SLOT_FREE,
            status="free",
        ),
    ]
    grid.set_content(columns, blocks, first=time(9, 0), last=time(18, 0))
    with qtbot.waitExposed(grid):
        grid.show()
    grid.setFocus()
    return grid


def test_arrows_move_and_shift_selects_a_range(qtbot: QtBot) -> None:
    grid = make_grid(qtbot)
    QTest.keyClick(grid, Qt.Key.Key_Down)
    QTest.keyClick(grid, Qt.Key.Key_Down)
    QTest.keyClick(grid, Qt.Key.Key_Right)
    assert grid.current_cell() == (1, 2)
    QTest.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    selected = grid.selected_range()
    assert selected is not None
    assert (selected.start, selected.end) == (time(10, 0), time(11, 0))
    assert selected.column.title == "Cabinet de santé"
    QTest.keyClick(grid, Qt.Key.Key_Right)  # at the last column: stays
    assert grid.current_cell()[0] == 1


def test_enter_on_free_time_asks_to_create_and_on_a_booking_opens_it(qtbot: QtBot) -> None:
    grid = make_grid(qtbot)
    with qtbot.waitSignal(grid.cell_activated) as created:
        QTest.keyClick(grid, Qt.Key.Key_Return)
    assert created.args[0].start == time(9, 0)
    grid.set_current(0, 2)  # 10:00, Alice's booking
    with qtbot.waitSignal(grid.block_activated) as opened:
        QTest.keyClick(grid, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert opened.args[0].key == "b1"
    with qtbot.waitSignal(grid.cancel_requested) as cancelled:
        QTest.keyClick(grid, Qt.Key.Key_Delete)
    assert cancelled.args[0].key == "b1"


def test_pages_and_today_keys(qtbot: QtBot) -> None:
    grid = make_grid(qtbot)
    with qtbot.waitSignal(grid.page_requested) as page:
        QTest.keyClick(grid, Qt.Key.Key_PageDown)
    assert page.args == [1]
    with qtbot.waitSignal(grid.page_requested) as page:
        QTest.keyClick(grid, Qt.Key.Key_PageUp)
    assert page.args == [-1]
    with qtbot.waitSignal(grid.today_requested):
        QTest.keyClick(grid, Qt.Key.Key_T)


def test_one_click_on_a_free_slot_opens_it_and_a_drag_selects_time(qtbot: QtBot) -> None:
    grid = make_grid(qtbot)
    slot_centre = grid.block_rect(grid.blocks()[1]).center().toPoint()
    with qtbot.waitSignal(grid.block_activated) as opened:
        QTest.mouseClick(
            grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, slot_centre
        )
    assert opened.args[0].kind == BlockKind.SLOT_FREE

    top = grid.cell_rect(0, 8).center()  # 13:00
    bottom = grid.cell_rect(0, 11).center()  # 14:30
    with qtbot.waitSignal(grid.cell_activated) as dragged:
        QTest.mousePress(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, top)
        QTest.mouseMove(grid, QPoint(bottom.x(), bottom.y()))
        QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bottom)
    assert (dragged.args[0].start, dragged.args[0].end) == (time(13, 0), time(15, 0))


def test_overlapping_bookings_get_their_own_lanes() -> None:
    blocks = [
        GridBlock("a", 0, time(9, 0), time(12, 0), ()),
        GridBlock("b", 0, time(10, 0), time(11, 0), ()),
        GridBlock("c", 0, time(11, 0), time(12, 0), ()),
        GridBlock("d", 0, time(14, 0), time(15, 0), ()),
    ]
    placed = {b.key: (b.lane, b.lanes) for b in assign_lanes(blocks)}
    assert placed["a"] == (0, 2)
    assert placed["b"] == (1, 2)
    assert placed["c"] == (1, 2)  # reuses the lane freed by b
    assert placed["d"] == (0, 1)  # alone in the afternoon: full width
