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

from tiers_lieu.errors import ImportFileError, LineError
from tiers_lieu.i18n import _, format_number, ngettext
from tiers_lieu.services.imports.parsing import CellError, ColumnMap, InvalidCellError

T = TypeVar("T")
Progress = Callable[[int, int], None]

PREVIEW_ROWS = 20
PROGRESS_EVERY = 5000
#: Problems kept to be listed; the others are only counted (a file wrong on each of its
#: 200 000 lines would otherwise hold a million messages).
LISTED_PROBLEMS = 1000
#: Answers a parser remembers; a column where every cell differs is parsed cell by cell.
REMEMBERED = 20_000


@dataclass
class Problems:
    """The problems of a file, in the order of its lines: the first ``LISTED_PROBLEMS`` and
    how many there are."""

    errors: list[LineError] = field(default_factory=list)
    total: int = 0

    def add(self, problem: LineError) -> None:
        self.total += 1
        if len(self.errors) < LISTED_PROBLEMS:
            self.errors.append(problem)

    def refusal(self) -> ProblemsError:
        return ProblemsError(self.errors, self.total)


class ProblemsError(ImportFileError):
    """A refused file whose ``lines`` are the first problems of ``total``."""

    def __init__(self, lines: list[LineError], total: int) -> None:
        super().__init__(lines)
        self.total = max(total, len(lines))
        if self.total > len(lines):
            shown = "\n".join(str(e) for e in lines[:50])
            more = self.total - min(len(lines), 50)
            shown += "\n" + ngettext(
                "… et {n} autre erreur.", "… et {n} autres erreurs.", more
            ).format(n=format_number(more))
            self.message = _("Import refusé, rien n'a été enregistré :\n{errors}").format(
                errors=shown
            )
            self.args = (self.message,)


class LineCheck:
    """The cells of one line, read through parsers that record problems instead of raising."""

    __slots__ = ("_cells", "_positions", "_problems", "line", "ok", "sheet")

    def __init__(
        self,
        line: int,
        cells: list[str],
        columns: ColumnMap,
        problems: Problems,
        sheet: str = "",
    ) -> None:
        self.line = line
        self.ok = True
        self.sheet = sheet
        self._cells = cells
        self._positions = columns.positions
        self._problems = problems

    def text(self, column: str) -> str:
        index = self._positions.get(column)
        if index is None or index >= len(self._cells):
            return ""
        return self._cells[index].strip()

    def read(self, column: str, parse: Callable[[str], T]) -> T | None:
        """``parse`` applied to the cell of ``column``; ``None`` and a recorded problem if not."""
        try:
            return parse(self.text(column))
        except InvalidCellError as problem:
            self.fail(column, problem.message)
            return None

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self._problems.add(CellError(self.line, message, column, self.sheet))


def remembered(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` with its answer kept for each text: a column of a tally sheet repeats the same
    few dates, services and bands, and a 100 000-line file must be checked in seconds. At most
    ``REMEMBERED`` answers are kept, so that a column of all different cells stays small."""
    answers: dict[str, T | InvalidCellError] = {}

    def run(text: str) -> T:
        try:
            answer = answers[text]
        except KeyError:
            try:
                answer = parse(text)
            except InvalidCellError as problem:
                answer = problem
            if len(answers) < REMEMBERED:
                answers[text] = answer
        if isinstance(answer, InvalidCellError):
            raise InvalidCellError(answer.message)
        return answer

    return run
