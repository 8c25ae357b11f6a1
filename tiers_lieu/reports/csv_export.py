"""The report as CSV, the format DESIGN.md fixes for funders' spreadsheets and scripts.

UTF-8 with a byte order mark (so a double click opens it right in a French spreadsheet), ``;``
as separator, a decimal comma and no thousands separator, one indicator value per row:
``code;libelle;dimension;valeur``. Rows come straight from :class:`ReportData`, in report
order, so every code appears (a total of 0 is written, never left out).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

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
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for indicator in data.indicators:
        writer.writerow(
            (indicator.code, indicator.label, indicator.dimension, format_value(indicator))
        )
    return buffer.getvalue()


def csv_bytes(data: ReportData) -> bytes:
    return csv_text(data).encode("utf-8-sig")


def write_csv(data: ReportData, path: Path) -> None:
    path.write_bytes(csv_bytes(data))
