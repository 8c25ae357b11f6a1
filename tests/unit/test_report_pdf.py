"""The PDF activity report as a funder reads it: text extracted (pypdf) from a
report built on figures known by construction, the EU emblem's geometry, fonts embedded, an
empty period, missing logos."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pdftext import pdf_pages, pdf_text

from tiers_lieu.i18n import _
from tiers_lieu.reports.model import INDICATORS, SECTIONS, Indicator, OperationInfo, ReportData
from tiers_lieu.reports.pdf import render_pdf


def indicator(code: str, value: int | float, dimension: str = "") -> Indicator:
    definition = INDICATORS[code]
    return Indicator(code, _(definition.label), dimension, value, definition.unit)


def operation(**paths: str | None) -> OperationInfo:
    return OperationInfo(
        title="Tiers-lieu du plateau : services au public",
        file_number="LEADER-NA-23-2026-042",
        gal_name="GAL Sud Creusois",
        region="Nouvelle-Aquitaine",
        cofunders="Département de la Creuse",
        **paths,  # type: ignore[arg-type]
    )


def known_report(**changes: object) -> ReportData:
    """One year: 1 234 visits, 12,5 % coworking occupancy, 1 234,50 € of grocery sales…"""
    rows = [
        indicator("opening.days", 230),
        indicator("visits.total", 1234),
        indicator("visits.by_month", 1000, "2026-01"),
        indicator("visits.by_month", 234, "2026-02"),
        indicator("visits.by_service", 934, "Accueil / information"),
        indicator("visits.by_service", 300, "Épicerie"),
        indicator("visits.by_commune", 1200, "Felletin"),
        indicator("visits.by_commune", 34, "Non communiqué"),
        indicator("coworking.occupancy_rate", 12.5),
        indicator("grocery.sales_eur", 1234.5),
        indicator("assistance.total", 87),
        indicator("assistance.by_operator", 80, "CAF"),
        indicator("assistance.by_operator", 7, "Non communiqué"),
        indicator("jobs.fte_new", 1.5),
        indicator("results.population_served", 4321),
    ]
    values: dict[str, object] = {
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        "site_names": ["Le Comptoir de Felletin"],
        "generated_at": datetime(2027, 1, 10, 9, 0, tzinfo=UTC),
        "operation": operation(),
        "claim_number": "DP-2",
        "summary_text": "Une année d'ouverture réussie.",
        "indicators": rows,
    }
    values.update(changes)
    return ReportData(**values)  # type: ignore[arg-type]


def test_the_report_shows_the_publicity_block_period_figures_and_sections(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    render_pdf(known_report(), path)
    text = pdf_text(path)

    assert "Cofinancé par l'Union européenne" in text
    assert "Tiers-lieu du plateau : services au public" in text
    assert "LEADER-NA-23-2026-042" in text
    assert "du 1er janvier 2026 au 31 décembre 2026" in text
    assert "DP-2" in text
    assert "Une année d'ouverture réussie." in text
    assert "1 234" in text
    assert "12,5 %" in text
    assert "1 234,50 €" in text
    assert "1,50" in text  # FTE with two decimals
    assert "4 321" in text
    assert "estimation" in text  # the population figure says what it is
    for number, (_key, title, _codes) in enumerate(SECTIONS, start=1):
        assert f"{number}. {_(title)}" in text
    assert "Annexe : tableau des indicateurs" in text
    assert "Page 1 / " in text
    assert "Généré le 10/01/2027" in text


def test_every_page_carries_its_number_out_of_the_total(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    render_pdf(known_report(), path)
    pages = [" ".join(page.split()) for page in pdf_pages(path) if page.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in page


def test_an_empty_period_gives_a_valid_report_with_zeros(tmp_path: Path) -> None:
    zeros = [indicator(code, 0) for code, d in INDICATORS.items() if not d.breakdown]
    path = tmp_path / "vide.pdf"
    render_pdf(known_report(indicators=zeros, summary_text=""), path)

    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    assert "Aucune donnée sur la période" in text
    assert "Aucune synthèse n'a été rédigée pour cette période." in text
    assert "0,00 €" in text


def test_fonts_are_embedded_not_helvetica(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    render_pdf(known_report(), path)
    content = path.read_bytes()
    assert b"DejaVuSans" in content
    assert b"DejaVuSans-Bold" in content
    assert b"/FontFile2" in content  # the TrueType program itself, not a reference
    assert b"/Helvetica" not in content


def test_missing_logos_are_left_out_and_present_ones_drawn(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "region.png"
    Image.new("RGB", (300, 120), (200, 30, 30)).save(logo)
    with_logo = tmp_path / "avec.pdf"
    render_pdf(
        known_report(
            operation=operation(
                leader_logo_path=str(tmp_path / "absent.png"), region_logo_path=str(logo)
            )
        ),
        with_logo,
    )
    without = tmp_path / "sans.pdf"
    render_pdf(known_report(), without)
    assert with_logo.read_bytes().count(b"/Subtype /Image") == 1
    assert without.read_bytes().count(b"/Subtype /Image") == 0


def test_without_an_operation_the_cover_claims_no_cofinancing(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    render_pdf(known_report(operation=None), path)
    text = pdf_text(path)
    assert "Cofinancé par l'Union européenne" not in text
    assert "Aucune opération LEADER n'est renseignée" in text


def test_progress_reaches_its_end(tmp_path: Path) -> None:
    steps: list[tuple[int, int]] = []
    render_pdf(known_report(), tmp_path / "r.pdf", progress=lambda d, t: steps.append((d, t)))
    assert steps[-1][0] == steps[-1][1]
    assert [d for d, _t in steps] == sorted(d for d, _t in steps)


def test_the_eu_emblem_follows_the_official_construction() -> None:
    from reportlab.graphics.shapes import Polygon, Rect

    from tiers_lieu.reports.pdf_parts.emblem import eu_emblem

    height = 90.0
    drawing = eu_emblem(height)
    rects = [s for s in drawing.contents if isinstance(s, Rect)]
    stars = [s for s in drawing.contents if isinstance(s, Polygon)]
    assert len(rects) == 1
    assert (rects[0].width, rects[0].height) == (135.0, 90.0)
    blue = rects[0].fillColor
    assert (round(blue.red * 255), round(blue.green * 255), round(blue.blue * 255)) == (0, 51, 153)
    assert len(stars) == 12
    for star in stars:
        xs, ys = star.points[0::2], star.points[1::2]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        assert math.hypot(cx - 67.5, cy - 45) == pytest.approx(height / 3, abs=0.01)
        outer = max(math.hypot(x - cx, y - cy) for x, y in zip(xs, ys, strict=True))
        assert outer == pytest.approx(height / 18, abs=0.01)
        gold = star.fillColor
        assert (round(gold.red * 255), round(gold.green * 255), round(gold.blue * 255)) == (
            255,
            204,
            0,
        )
    # Upright stars: the top point of the star at twelve o'clock is straight above its centre.
    top = max(stars, key=lambda s: max(s.points[1::2]))
    top_y = max(top.points[1::2])
    top_x = top.points[top.points.index(top_y) - 1]
    assert top_x == pytest.approx(67.5, abs=0.01)


def test_importing_the_pdf_module_does_not_load_reportlab() -> None:
    code = "import sys, tiers_lieu.reports.pdf; print('reportlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_consolidated_report_names_its_sites(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    sites = ["Le Comptoir de Felletin", "La Grange de Vallière"]
    render_pdf(known_report(operation=None, site_names=sites), path)
    text = pdf_text(path)
    assert "Rapport consolidé de 2 lieux" in text
    assert "Lieux : Le Comptoir de Felletin, La Grange de Vallière" in text


FIVE_SITES = [
    "Le Comptoir de Felletin",
    "La Grange de Vallière",
    "Tiers-lieu du Plateau de Millevaches",
    "L'Atelier partagé d'Aubusson",
    "La Maison des services de Crocq",
]
CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")  # an indicator code: visits.by_month


def three_year_report() -> ReportData:
    """Three years, five places, every indicator: what a consolidated final claim holds."""
    rows: list[Indicator] = []
    for code, definition in INDICATORS.items():
        if not definition.breakdown:
            value: int | float = {"hours": 511 + 50 / 60, "minutes": 30710}.get(
                definition.unit, 1234
            )
            rows.append(indicator(code, value))
        elif code == "visits.by_month":
            for year in (2024, 2025, 2026):
                for month in range(1, 13):
                    rows.append(indicator(code, 800 + 37 * month + year % 7, f"{year}-{month:02d}"))
        elif code == "assistance.by_duration_bucket":
            for bucket, n in (("0-29", 40), ("30-59", 30), ("60-119", 12), ("120+", 5)):
                rows.append(indicator(code, n, bucket))
        else:
            rows += [indicator(code, 60, "Première catégorie"), indicator(code, 40, "Autre")]
    return known_report(
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
        site_names=FIVE_SITES,
        indicators=rows,
    )


def test_the_annex_names_indicators_in_french_never_by_code(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    render_pdf(three_year_report(), path)
    text = pdf_text(path)
    assert CODE.findall(text) == []
    annex = text[text.index("Annexe : tableau des indicateurs") :]
    assert "Visites par mois" in annex and "janv. 2024" in annex
    assert "Jours d'ouverture" in annex


def test_durations_read_in_hours_and_minutes(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    render_pdf(three_year_report(), path)
    text = pdf_text(path)
    assert "511 h 50" in text  # hours and minutes, as the screens show durations
    assert "30 710 min" not in text and "30 710" not in text
    assert "511,8 h" not in text


def _text_boxes(drawing: object) -> list[tuple[str, float, float, float, float, float]]:
    """Every text of a chart: (text, font size, x0, y0, x1, y1) on the drawing, rotation
    included."""
    from reportlab.graphics.shapes import Group, String

    boxes = []
    for item in drawing.contents:  # type: ignore[attr-defined]
        strings = (
            [s for s in item.contents if isinstance(s, String)]
            if isinstance(item, Group)
            else [item]
            if isinstance(item, String)
            else []
        )
        for string in strings:
            boxes.append((string.text, string.fontSize, *item.getBounds()))
    return boxes


def test_a_three_year_month_chart_keeps_every_label_and_value_readable() -> None:
    from tiers_lieu.reports.pdf_parts.charts import month_bars
    from tiers_lieu.reports.pdf_parts.fonts import register_fonts
    from tiers_lieu.reports.pdf_parts.styles import CONTENT_WIDTH

    register_fonts()
    series = three_year_report().series("visits.by_month")
    assert len(series) == 36
    boxes = _text_boxes(month_bars(series, CONTENT_WIDTH))
    texts = [text for text, *_rest in boxes]
    for year in ("2024", "2025", "2026"):
        assert year in texts
    for _dim, value in series:  # each month's figure is written on the chart
        assert f"{value:,}".replace(",", "\u202f") in texts
    assert min(size for _text, size, *_box in boxes) >= 6.5
    for index, (text, _size, x0, y0, x1, y1) in enumerate(boxes):
        for other, _s, a0, b0, a1, b1 in boxes[index + 1 :]:
            overlap = min(x1, a1) - max(x0, a0) > 0.5 and min(y1, b1) - max(y0, b0) > 0.5
            assert not overlap, f"« {text} » overlaps « {other} »"


def test_the_footer_is_entire_on_every_page_of_a_five_place_report(tmp_path: Path) -> None:
    from tiers_lieu.reports.pdf_parts.text import period_text

    path = tmp_path / "rapport.pdf"
    render_pdf(three_year_report(), path)
    pages = [" ".join(page.split()) for page in pdf_pages(path)]
    period = period_text(date(2024, 1, 1), date(2026, 12, 31))
    footer = "Rapport d'activité — {} — {}".format(", ".join(FIVE_SITES), period)
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert footer in page, f"page {number}"
        assert f"Page {number} / {len(pages)}" in page
