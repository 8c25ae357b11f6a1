"""The blank paper tally sheet: a PDF naming the place and every active service, with boxes
over the opening hours."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from pdftext import pdf_pages

from tiers_lieu.app import Comptoir
from tiers_lieu.reports.documents.tally_sheet import TallyColumn, tally_columns, write_tally_sheet
from tiers_lieu.services.readmodels import OpeningRange, SiteInfo


def test_the_sheet_names_the_place_and_each_active_service(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    services = app.config.list_services(site.id)
    app.config.update_service(services[-1].id, name=services[-1].name, active=False)
    active = [s.name for s in app.config.list_services(site.id)]
    app.config.set_opening_hours(site.id, 1, [(time(9), time(12, 30)), (time(14), time(18))])

    target = write_tally_sheet(
        tmp_path / "feuille-de-comptage.pdf",
        place=site.name,
        services=active,
        ranges=app.config.opening_hours(site.id),
    )

    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data  # the font is embedded, so « é » and « ’ » print
    pages = pdf_pages(target)
    text = "\n".join(pages)
    assert "Le Comptoir de Felletin" in text
    for name in active:
        assert name in text
    assert services[-1].name not in text  # « Autre », deactivated
    assert "9 h – 10 h" in text and "17 h – 18 h" in text
    assert "13 h – 14 h" not in text  # closed for lunch every day
    assert "Total" in text and "Date" in text
    assert len(pages) == 1  # eleven services: one page


def test_columns_follow_the_opening_hours() -> None:
    short_days = [OpeningRange(d, time(9), time(12)) for d in range(5)]
    assert tally_columns(short_days) == [
        TallyColumn(9, 10),
        TallyColumn(10, 11),
        TallyColumn(11, 12),
    ]
    long_days = [OpeningRange(0, time(7, 30), time(20))]
    assert tally_columns(long_days) == [TallyColumn(7, 13), TallyColumn(13, 20)]
    assert tally_columns([]) == [TallyColumn(8, 13), TallyColumn(13, 19)]
    assert TallyColumn(9, 10).label == "9 h – 10 h"
