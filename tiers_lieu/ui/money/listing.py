"""What the lists of « Caisse et factures » (clients, invoices, gifts) do alike: read off the
GUI thread with the newest read winning, keep the selected row across a read (or select the
row just written), and hand back the read model of the selected row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtWidgets import QTableView, QWidget

from tiers_lieu.ui.common import select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, ListTab
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.ops import run_op

__all__ = ["ReadingListTab"]

RowT = TypeVar("RowT")
ResultT = TypeVar("ResultT")


class ReadingListTab(ListTab, Generic[RowT]):
    """A :class:`ListTab` whose ``model`` lists ``RowT`` read models, read by :meth:`read`."""

    model: ReadModelTable[RowT]

    def __init__(self, parent: QWidget | None, changes: DataChanged | None) -> None:
        super().__init__(parent, changes)
        self._reading = 0
        self._select_after: object | None = None

    def read(
        self, work: Callable[[Callable[[int, int], None]], ResultT], show: Callable[[ResultT], None]
    ) -> None:
        """Run ``work`` off the GUI thread and ``show`` its result, unless a newer read was
        asked for meanwhile (a search typed letter by letter)."""
        self._reading += 1
        ticket = self._reading

        def done(result: ResultT) -> None:
            if ticket == self._reading:
                show(result)

        run_op(self, work, done, on_failure=lambda exc: show_error(self, exc))

    def show_row(self, row_id: object, view: QTableView) -> None:
        """After a write: read again, then select the row written."""
        self._select_after = row_id
        self.refresh()

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Show ``rows``, selecting the row just written, else the one selected before,
        else the first."""
        current = self._select_after or selected_id(self.view)
        self._select_after = None
        self.model.set_rows(rows)
        if current is not None:
            select_id(self.view, current)
        if selected_id(self.view) is None and rows:
            self.view.selectRow(0)

    def selected(self) -> RowT | None:
        """The read model of the selected row, or ``None``."""
        row_id = selected_id(self.view)
        number = self.model.find_row(row_id) if row_id is not None else -1
        return self.model.row_at(number) if number >= 0 else None
