"""A file read sheet by sheet into a checker: which sheets hold the format, and every line of
those, streamed.

Sites kept one sheet per year, or a sheet of notes beside the tally: every sheet whose first
filled line has the format's required columns is read (or only the sheet asked for by name),
the others are left aside and named in the result, so nothing is skipped in silence. Rows go
one at a time from the reader to the checker, counted against the row limit of all the sheets
together; only the checked rows (a few numbers and ids each) are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from tiers_lieu.errors import ImportFileError, LineError
from tiers_lieu.i18n import _
from tiers_lieu.services.imports.checking import PROGRESS_EVERY
from tiers_lieu.services.imports.parsing import CellError, ColumnMap, ColumnSpec, match_columns
from tiers_lieu.services.imports.reading import open_book
from tiers_lieu.services.imports.results import SheetRead, Sheets, SheetSkipped
from tiers_lieu.services.tabular import (
    LIMITS,
    FileRefusedError,
    Limits,
    non_empty,
    normalise,
    too_many_rows,
)


class Checker(Protocol):
    def check(self, line: int, cells: list[str], columns: ColumnMap, sheet: str = "") -> None: ...

    def finish(self) -> Any: ...


@dataclass
class Checked:
    """What reading a file gave: the checker's plan, the sheets, the columns left aside."""

    plan: Any
    sheets: Sheets
    ignored: tuple[str, ...]


@dataclass
class _Reading:
    read: list[SheetRead] = field(default_factory=list)
    skipped: list[SheetSkipped] = field(default_factory=list)
    refusals: list[LineError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: int = 0


def check_file(
    path: Path,
    specs: tuple[ColumnSpec, ...],
    checker: Checker,
    *,
    sheet: str | None = None,
    progress: Callable[[float], None] | None = None,
    limits: Limits = LIMITS,
) -> Checked:
    """Read ``path`` into ``checker``; refuse (in French) what cannot be read at all."""
    state = _Reading()
    with open_book(path, limits) as book:
        workbook = book.kind != "CSV"
        for name, rows in book.sheets():
            state.names.append(name)
            if sheet is not None and name != sheet:
                continue
            data = non_empty(rows)
            header = next(data, None)
            if header is None:
                state.skipped.append(SheetSkipped(name, ()))
                continue
            columns = match_columns([normalise(cell) for cell in header[1]], specs)
            label = name if workbook else ""
            if columns.missing:
                state.skipped.append(SheetSkipped(name, columns.missing))
                state.refusals += columns.error(header[0], label).lines
                continue
            count = 0
            for line, cells in data:
                state.rows += 1
                if state.rows > limits.rows:
                    raise FileRefusedError(path, too_many_rows(limits.rows))
                checker.check(line, cells, columns, label)
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(book.progress())
            state.read.append(SheetRead(name, count))
            state.ignored += [h for h in columns.ignored if h not in state.ignored]
    if sheet is not None and sheet not in state.names:
        raise FileRefusedError(
            path,
            _("le classeur n'a pas de feuille « {sheet} » (feuilles : {names})").format(
                sheet=sheet, names=", ".join(f"« {n} »" for n in state.names)
            ),
        )
    single = len(state.names) == 1
    if not state.read:
        if state.refusals:
            lines = state.refusals
            raise ImportFileError([_plain(e) for e in lines] if single else lines)
        raise ImportFileError([LineError(1, _("le fichier est vide"))])
    if state.rows == 0:
        raise ImportFileError([LineError(2, _("aucune ligne à importer sous l'en-tête"))])
    plan = checker.finish()
    if single:
        plan.problems.errors = [_plain(e) for e in plan.problems.errors]
    return Checked(
        plan=plan,
        sheets=Sheets(tuple(state.read), tuple(state.skipped)),
        ignored=tuple(state.ignored),
    )


def _plain(error: LineError) -> LineError:
    """A problem without its sheet's name, in a workbook of one sheet."""
    return replace(error, sheet="") if isinstance(error, CellError) else error
