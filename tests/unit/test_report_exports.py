"""CSV and XLSX of the report, read back and compared with the one computation they come from
(and with the figures known by construction in ``test_indicators``)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from test_indicators import EXPECTED_TOTALS, MARCH, SECRETS, build_dataset

from tiers_lieu.app import Comptoir
from tiers_lieu.reports.model import INDICATORS, SECTIONS, ReportData
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture
def report(app: Comptoir, site: SiteInfo) -> ReportData:
    dataset = build_dataset(app, site)
    app.organisation.save_operation(
        site.id,
        OperationFields(
            title="Accueil et services au public",
            file_number="LEADER-23-042",
            gal_name="GAL Sud Creusois",
            region="Nouvelle-Aquitaine",
            cofunders="Département de la Creuse",
        ),
    )
    app.organisation.add_claim(site.id, number="DP2", period_start=MARCH[0], period_end=MARCH[1])
    return app.reports.compute(
        period_start=MARCH[0],
        period_end=MARCH[1],
        site_ids=[dataset.a.id],
        claim_number="DP2",
        summary_text="Une année de lancement.",
    )


def parse_csv(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def number(text: str) -> float:
    return float(text.replace(",", "."))


def test_csv_bytes_follow_the_design(app: Comptoir, report: ReportData, tmp_path: Path) -> None:
    path = app.reports.write(report, fmt="csv", path=tmp_path / "rapport.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfcode;libelle;dimension;valeur\r\n")
    text = raw.decode("utf-8-sig")
    assert "grocery.sales_eur;Chiffre d'affaires de l'épicerie;;25,01\r\n" in text
    assert "coworking.occupancy_rate;Taux d'occupation du coworking;;4,1\r\n" in text
    assert "visits.by_commune;Visites par commune;Non communiqué;8\r\n" in text
    assert "jobs.fte_maintained;Emplois maintenus (ETP);;0,80\r\n" in text
    rows = parse_csv(raw)
    assert {r["code"] for r in rows} == set(INDICATORS)
    for code, expected in EXPECTED_TOTALS.items():
        (row,) = [r for r in rows if r["code"] == code and r["dimension"] == ""]
        assert number(row["valeur"]) == pytest.approx(expected), code


def test_every_code_appears_in_the_csv_even_on_an_empty_period(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    data = app.reports.compute(period_start=date(2031, 2, 1), period_end=date(2031, 2, 28))
    rows = parse_csv(app.reports.write(data, fmt="csv", path=tmp_path / "v.csv").read_bytes())
    assert [r["code"] for r in rows if r["dimension"] == ""] == [
        code for code in INDICATORS if not INDICATORS[code].breakdown or not data.series(code)
    ]
    assert number(next(r for r in rows if r["code"] == "visits.total")["valeur"]) == 0


def test_xlsx_holds_the_same_real_numbers_as_the_csv(
    app: Comptoir, report: ReportData, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    csv_rows = parse_csv(app.reports.write(report, fmt="csv", path=tmp_path / "r.csv").read_bytes())
    book = load_workbook(app.reports.write(report, fmt="xlsx", path=tmp_path / "r.xlsx"))
    sheet = book["Indicateurs"]
    rows = list(sheet.iter_rows(values_only=True))
    # The CSV's four columns, then the unit of each value (minutes, hours, euros…).
    assert rows[0] == ("code", "libelle", "dimension", "valeur", "unité")
    assert len(rows) - 1 == len(csv_rows)
    units = {row[0]: row[4] for row in rows[1:]}
    assert units["assistance.minutes"] == "min"
    assert units["coworking.hours_booked"] == "h"
    assert units["grocery.sales_eur"] == "€"
    for (code, label, dimension, value, _unit), expected in zip(rows[1:], csv_rows, strict=True):
        assert (code, label, dimension or "") == (
            expected["code"],
            expected["libelle"],
            expected["dimension"],
        )
        assert isinstance(value, int | float), (code, value)
        assert value == pytest.approx(number(expected["valeur"])), code
    euros = next(
        c for c in sheet["D"] if c.row > 1 and sheet.cell(c.row, 1).value == "grocery.sales_eur"
    )
    assert euros.number_format == "#,##0.00 €"


def test_xlsx_has_a_summary_and_one_sheet_per_section(
    app: Comptoir, report: ReportData, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(app.reports.write(report, fmt="xlsx", path=tmp_path / "r.xlsx"))
    assert book.sheetnames == [
        "Synthèse",
        "Ouverture",
        "Fréquentation",
        "Coworking",
        "Santé",
        "Aide aux démarches",
        "Ateliers et animations",
        "Épicerie et AMAP",
        "Services de proximité",  # issue 22
        "Partenaires",
        "Résultats",
        "Temps passé",
        "Indicateurs",
    ]
    assert len(SECTIONS) == len(book.sheetnames) - 3
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(values_only=True) if row[0]}
    assert summary["Début de la période"] == datetime(2026, 3, 1)  # a real date
    assert summary["Fin de la période"] == datetime(2026, 3, 31)
    assert summary["Opération"] == "Accueil et services au public"
    assert summary["Numéro de dossier"] == "LEADER-23-042"
    assert summary["Demande de paiement"] == "DP2"
    assert summary["Résumé"] == "Une année de lancement."
    assert isinstance(summary["Généré le"], datetime)

    coworking = {row[0]: row[1:] for row in book["Coworking"].iter_rows(values_only=True) if row[0]}
    assert coworking["Taux d'occupation du coworking"] == (4.1, "%")
    assert coworking["Heures de coworking réservées"] == (23, "h")
    visits = book["Fréquentation"]
    months = [r for r in visits.iter_rows() if isinstance(r[0].value, datetime)]
    assert [(r[0].value, r[1].value) for r in months] == [(datetime(2026, 3, 1), 13)]
    assert months[0][0].number_format == "mm/yyyy"
    assert visits.column_dimensions["A"].width >= len("Visites par tranche d'âge")


def test_no_name_or_note_in_any_export(app: Comptoir, report: ReportData, tmp_path: Path) -> None:
    csv_path = app.reports.write(report, fmt="csv", path=tmp_path / "r.csv")
    xlsx_path = app.reports.write(report, fmt="xlsx", path=tmp_path / "r.xlsx")
    texts = [csv_path.read_text(encoding="utf-8-sig")]
    with zipfile.ZipFile(xlsx_path) as archive:
        texts += [archive.read(name).decode("utf-8") for name in archive.namelist()]
    for secret in SECRETS:
        assert all(secret not in text for text in texts), secret
    assert any("Grand panier" in text for text in texts)  # the scan does read the content


def test_the_export_is_written_to_the_audit_log(
    app: Comptoir, report: ReportData, tmp_path: Path
) -> None:
    from sqlmodel import select

    from tiers_lieu.models import AuditEntry

    app.reports.write(report, fmt="csv", path=tmp_path / "r.csv")
    with app.uow() as uow:
        entries = uow.session.exec(select(AuditEntry).where(AuditEntry.entity == "report")).all()
        assert [(e.action, '"format": "csv"' in e.details) for e in entries] == [("export", True)]


def test_an_unknown_claim_number_is_refused(app: Comptoir, site: SiteInfo) -> None:
    from tiers_lieu.errors import NotFoundError

    with pytest.raises(NotFoundError, match="DP9"):
        app.reports.compute(period_start=MARCH[0], period_end=MARCH[1], claim_number="DP9")


def test_the_operation_of_a_single_site_reaches_the_cover(
    app: Comptoir, report: ReportData, site: SiteInfo
) -> None:
    assert report.operation is not None
    assert report.operation.gal_name == "GAL Sud Creusois"
    alone = app.reports.compute(period_start=MARCH[0], period_end=MARCH[1], site_ids=[site.id])
    assert alone.operation is not None and alone.operation.file_number == "LEADER-23-042"
    everywhere = app.reports.compute(period_start=MARCH[0], period_end=MARCH[1])
    assert everywhere.operation is None
