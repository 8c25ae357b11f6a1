"""Checking an imported file line by line before anything is written.

An import is all-or-nothing and must list every problem, so a bad cell does not stop the
check: :class:`LineCheck` records the problem with its line and column and the check goes on
with the next cell and the next line. Only when no problem was found are the checked rows
handed to the writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tiers_lieu.errors import LineError
from tiers_lieu.services.imports.parsing import CellError, ColumnMap, InvalidCellError

T = TypeVar("T")
Progress = Callable[[int, int], None]

PREVIEW_ROWS = 20
PROGRESS_EVERY = 5000


@dataclass
class Problems:
    """Every problem of a file, in the order of its lines."""

    errors: list[LineError] = field(default_factory=list)


class LineCheck:
    """The cells of one line, read through parsers that record problems instead of raising."""

    __slots__ = ("_cells", "_columns", "_problems", "line", "ok")

    def __init__(
        self, line: int, cells: dict[str, str], columns: ColumnMap, problems: Problems
    ) -> None:
        self.line = line
        self.ok = True
        self._cells = cells
        self._columns = columns
        self._problems = problems

    def text(self, column: str) -> str:
        header = self._columns.found.get(column)
        return self._cells.get(header, "") if header is not None else ""

    def read(self, column: str, parse: Callable[[str], T]) -> T | None:
        """``parse`` applied to the cell of ``column``; ``None`` and a recorded problem if not."""
        header = self._columns.found.get(column)
        try:
            return parse(self._cells.get(header, "") if header is not None else "")
        except InvalidCellError as problem:
            self.fail(column, problem.message)
            return None

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self._problems.errors.append(CellError(self.line, message, column))


def remembered(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` with its answer kept for each text: a column of a tally sheet repeats the same
    few dates, services and bands, and a 100 000-line file must be checked in seconds."""
    answers: dict[str, T | InvalidCellError] = {}

    def run(text: str) -> T:
        try:
            answer = answers[text]
        except KeyError:
            try:
                answer = parse(text)
            except InvalidCellError as problem:
                answer = problem
            answers[text] = answer
        if isinstance(answer, InvalidCellError):
            raise InvalidCellError(answer.message)
        return answer

    return run
