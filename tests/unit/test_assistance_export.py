"""The France Services table as a funder or a network opens it, in CSV and XLSX, with no name
and no note (the activity itself is the Coop's export: ``test_coop_export.py``)."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Person
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.documents.assistance import write_monthly_csv, write_monthly_xlsx
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.readmodels import SiteInfo

START, END = date(2026, 1, 1), date(2026, 3, 31)


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def fill(app: Comptoir, site: SiteInfo) -> None:
    """Four records over January–March (and one in April, outside the period)."""
    felletin = app.communes.find_or_add(site.id, "23079")
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name="Lucie",
            last_name="Marchand",
            consent_given_at=datetime(2026, 1, 2, tzinfo=UTC),
        )
        uow.session.add(person)
        uow.commit()
        person_id = person.id
    common: dict[str, Any] = {
        "help_type_id": category(app, site, CategoryKind.HELP_TYPE, "Aide à une démarche en ligne"),
        "theme_id": category(app, site, CategoryKind.THEME, "Logement"),
        "outcome_id": category(app, site, CategoryKind.OUTCOME, "Finalisée"),
    }
    caf = category(app, site, CategoryKind.OPERATOR, "CAF")
    msa = category(app, site, CategoryKind.OPERATOR, "MSA")
    app.assistance.create(
        site.id,
        AssistanceInput(
            **{**common, "outcome_id": category(app, site, CategoryKind.OUTCOME, "Orientée")},
            activity_date=date(2026, 1, 15),
            activity_time=time(9, 30),
            operator_id=caf,
            duration_min=25,
            place_id=category(app, site, CategoryKind.PLACE, "Sur place"),
            orientation_id=category(app, site, CategoryKind.ORIENTATION, "Organisme en charge"),
            commune_id=felletin.id,
            gender_id=category(app, site, CategoryKind.GENDER, "Féminin"),
            age_band_id=category(app, site, CategoryKind.AGE_BAND, "60-69"),
            status_id=category(app, site, CategoryKind.STATUS, "Retraité"),
            person_id=person_id,
            note="Dossier APL secret",
        ),
    )
    for day, operator, minutes in (
        (date(2026, 1, 20), msa, 10),
        (date(2026, 3, 2), caf, 45),
        (date(2026, 3, 31), caf, 5),
        (date(2026, 4, 1), caf, 5),
    ):
        app.assistance.create(
            site.id,
            AssistanceInput(
                **common, activity_date=day, operator_id=operator, duration_min=minutes
            ),
        )


def test_france_services_table_sums_to_the_records(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    fill(app, site)
    table = app.assistance.monthly_by_operator(site.id, start=START, end=END)

    assert table.months == ["2026-01", "2026-02", "2026-03"]
    by_operator = {line.operator: line.counts for line in table.lines}
    assert by_operator["CAF"] == [1, 0, 2]
    assert by_operator["MSA"] == [1, 0, 0]
    assert by_operator["La Poste"] == [0, 0, 0]  # every partner listed, even with no record
    assert table.total == 4 and table.month_totals() == [2, 0, 2]

    csv_path = tmp_path / "france-services.csv"
    assert write_monthly_csv(table, csv_path) == 4
    text = csv_path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(text.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Organisme", "2026-01", "2026-02", "2026-03", "Total"]
    assert rows[-1] == ["Total", "2", "0", "2", "4"]
    assert sum(int(row[-1]) for row in rows[1:-1]) == 4
    assert "Marchand" not in text.decode("utf-8-sig") and "APL" not in text.decode("utf-8-sig")

    xlsx_path = tmp_path / "france-services.xlsx"
    write_monthly_xlsx(table, xlsx_path)
    cells = list(openpyxl.load_workbook(xlsx_path).worksheets[0].iter_rows(values_only=True))
    assert cells[-1] == ("Total", 2, 0, 2, 4)
    assert sum(row[-1] for row in cells[1:-1]) == 4  # type: ignore[misc]
    flat = " ".join(str(v) for row in cells for v in row)
    assert "Marchand" not in flat and "APL" not in flat


def test_an_empty_period_exports_zeros(app: Comptoir, site: SiteInfo) -> None:
    table = app.assistance.monthly_by_operator(site.id, start=START, end=END)
    assert table.total == 0 and len(table.lines) == 10
