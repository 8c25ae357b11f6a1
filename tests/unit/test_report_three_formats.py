"""The three report formats come from one computation: on a dataset whose figures are known
by construction, the CSV, the XLSX and the PDF text all carry the same values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from pdftext import pdf_text
from test_indicators import EXPECTED_TOTALS, MARCH, build_dataset

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo

CHECKED = (
    "visits.people",
    "visits.total",
    "assistance.minutes",
    "grocery.sales_eur",
    "grocery.local_share",
)


def test_csv_xlsx_and_pdf_carry_the_same_figures(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    build_dataset(app, site)
    data = app.reports.compute(period_start=MARCH[0], period_end=MARCH[1], site_ids=[site.id])
    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]

    raw = paths["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    csv_totals = {code: value for code, _label, dimension, value in rows[1:] if not dimension}

    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    xlsx_totals = {
        code: value
        for code, _label, dimension, value, _unit in sheet.iter_rows(min_row=2, values_only=True)
        if not dimension
    }

    text = pdf_text(paths["pdf"])
    for code in CHECKED:
        expected = EXPECTED_TOTALS[code]
        assert float(csv_totals[code].replace(",", ".")) == expected
        assert xlsx_totals[code] == expected
    assert "Personnes accueillies 13" in text
    assert "Services rendus (visites) 13" in text
    assert "25,01 €" in text
    assert "40,0 %" in text
    assert "3 h 55" in text  # 235 minutes of assistance, as the screens show a duration
