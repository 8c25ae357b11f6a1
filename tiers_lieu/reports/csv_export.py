"""The report as CSV, the format DESIGN.md fixes for funders' spreadsheets and scripts.

UTF-8 with a byte order mark (so a double click opens it right in a French spreadsheet), ``;``
as separator, a decimal comma and no thousands separator, one indicator value per row:
``code;libelle;dimension;valeur``. Rows come straight from :class:`ReportData`, in report
order, so every code appears (a total of 0 is written, never left out).

Formula safety (:mod:`tiers_lieu.reports.cells`): labels and dimensions are text, neutralised
(a commune named ``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``); the value column is a number
written the French way (``-3,5``), kept as it is: a plain number runs nothing. The indicators
another place sends in a bundle are neutralised again before they are saved here
(:func:`write_received`): the sender's copy of Comptoir is not trusted to have done it.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.reports.cells import csv_text as cells_csv_text
from tiers_lieu.reports.cells import neutralise_csv, write_bytes
from tiers_lieu.reports.model import Indicator, ReportData

HEADER = ("code", "libelle", "dimension", "valeur")

#: Decimals written for each unit whose values are not whole numbers.
DECIMALS = {"eur": 2, "fte": 2, "hours": 2, "percent": 1}


def format_value(indicator: Indicator) -> str:
    """``1234,50`` for euros, ``45,3`` for a percentage, ``12`` for a count."""
    value = indicator.value
    decimals = DECIMALS.get(indicator.unit)
    if decimals is None:
        return str(int(value))
    return f"{float(value):.{decimals}f}".replace(".", ",")


def csv_text(data: ReportData) -> str:
    rows = [
        (indicator.code, indicator.label, indicator.dimension, format_value(indicator))
        for indicator in data.indicators
    ]
    return cells_csv_text([HEADER, *rows])


def csv_bytes(data: ReportData) -> bytes:
    return csv_text(data).encode("utf-8-sig")


def write_csv(data: ReportData, path: Path) -> None:
    """Write the report's CSV (aside, then renamed: never half a file)."""
    write_bytes(path, csv_bytes(data))


def write_received(path: Path, text: str) -> None:
    """Save the indicators CSV a bundle brought (UTF-8, as received), every text field
    neutralised, its figures kept."""
    write_bytes(path, neutralise_csv(text).encode("utf-8"))
