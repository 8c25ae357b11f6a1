"""Reading the spreadsheets sites kept before: CSV (``;`` or ``,``; UTF-8 with or without BOM,
or Windows-1252) and XLSX, as rows of text with their line numbers.

Headers are matched case- and accent-insensitively through :func:`normalise`, so "Code INSEE",
"code_insee" and "CODE INSÉE" are one column.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from tiers_lieu.errors import ComptoirError, ImportFileError, LineError
from tiers_lieu.i18n import _


def normalise(text: str) -> str:
    """Lower case, no accents, spaces and dashes as underscores: a key for matching."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "_".join(bare.replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True)
class Table:
    """Rows keyed by normalised header; ``lines[i]`` is the file line of ``rows[i]``."""

    headers: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _read_csv(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[str]]:
    import openpyxl  # imported here: heavy, and only imports need it

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            cells = []
            for value in values:
                if value is None:
                    cells.append("")
                elif isinstance(value, datetime | date):
                    cells.append(value.strftime("%Y-%m-%d"))
                elif isinstance(value, time):  # a time cell (« 09:30 »), not a date
                    cells.append(value.strftime("%H:%M"))
                elif isinstance(value, float) and value.is_integer():
                    cells.append(str(int(value)))
                else:
                    cells.append(str(value))
            rows.append(cells)
        return rows
    finally:
        workbook.close()


def read_table(path: Path, required: list[str]) -> Table:
    """Read ``path``; every name of ``required`` (normalised) must be a column."""
    try:
        if path.suffix.casefold() in {".xlsx", ".xlsm"}:
            raw_rows = _read_xlsx(path)
        else:
            raw_rows = _read_csv(path.read_bytes())
    except FileNotFoundError as exc:
        raise ComptoirError(_("Fichier introuvable : {path}").format(path=path)) from exc
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        raise ComptoirError(
            _("Impossible de lire le fichier {path} : {error}").format(path=path, error=exc)
        ) from exc
    if not raw_rows:
        raise ImportFileError([LineError(1, _("le fichier est vide"))])
    headers = [normalise(h) for h in raw_rows[0]]
    missing = [name for name in required if name not in headers]
    if missing:
        raise ImportFileError(
            [
                LineError(
                    1,
                    _("colonne manquante : {names}").format(names=", ".join(missing)),
                )
            ]
        )
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append(
            {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}
        )
        lines.append(number)
    return Table(headers=headers, rows=rows, lines=lines)
