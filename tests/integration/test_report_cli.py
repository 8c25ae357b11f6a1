"""``tiers-lieu report --from … --to … [--site NAME] --format pdf|xlsx|csv --out FILE`` on a
real SQLite file: the figures written, exit 2 with a French message and no file on bad input.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from pdftext import pdf_text

from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.models import Service, Visit


def cli(argv: Sequence[str]) -> int:
    """As the ``tiers-lieu`` command runs it."""
    return main(list(argv))


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    folder = tmp_path / "sortie"
    folder.mkdir()
    return folder


@pytest.fixture
def db(db_path: Path) -> Path:
    """Two sites: 3 + 8 visits at Felletin in March 2026, 5 at La Grange."""
    app = build(str(db_path))
    try:
        felletin = app.sites.init_site(name="Le Comptoir de Felletin")
        grange = app.sites.init_site(name="La Grange")
        with app.uow() as uow:
            for site, day, count in [
                (felletin, date(2026, 3, 2), 3),
                (felletin, date(2026, 3, 31), 8),
                (felletin, date(2026, 4, 1), 100),
                (grange, date(2026, 3, 5), 5),
            ]:
                service = uow.session.exec(
                    Service.__table__.select().where(  # type: ignore[attr-defined]
                        Service.site_id == site.id, Service.name == "Accueil / information"
                    )
                ).first()
                uow.session.add(
                    Visit(site_id=site.id, service_id=service.id, activity_date=day, count=count)
                )
            uow.commit()
    finally:
        app.close()
    return db_path


def march(db: Path, out: Path, fmt: str, *extra: str) -> list[str]:
    return [
        "--db",
        str(db),
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        fmt,
        "--out",
        str(out),
        *extra,
    ]


def totals(path: Path) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";")
    return {r["code"]: r["valeur"] for r in rows if r["dimension"] == ""}


def test_csv_of_all_sites_by_default(
    db: Path, outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = outdir / "rapport.csv"
    assert cli(march(db, out, "csv")) == 0
    assert totals(out)["visits.total"] == "16"
    said = capsys.readouterr().out
    assert "La Grange" in said and "Le Comptoir de Felletin" in said and str(out) in said
    assert [p.name for p in outdir.iterdir()] == ["rapport.csv"]  # no partial file left


def test_one_site_by_name(db: Path, outdir: Path) -> None:
    out = outdir / "felletin.csv"
    assert cli(march(db, out, "csv", "--site", "le comptoir de felletin")) == 0
    assert totals(out)["visits.total"] == "11"


def test_xlsx(db: Path, outdir: Path) -> None:
    from openpyxl import load_workbook

    out = outdir / "rapport.xlsx"
    assert cli(march(db, out, "xlsx", "--site", "La Grange")) == 0
    rows = list(load_workbook(out)["Indicateurs"].iter_rows(values_only=True))
    assert ("visits.total", "Services rendus (visites)", None, 5) in [row[:4] for row in rows]


def test_pdf(db: Path, outdir: Path) -> None:
    out = outdir / "rapport.pdf"
    assert cli(march(db, out, "pdf")) == 0
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    assert "16" in text and "La Grange" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2026-13-01"], "--from : date invalide « 2026-13-01 » (attendu AAAA-MM-JJ)"),
        (["--to", "31/03/2026"], "--to : date invalide « 31/03/2026 » (attendu AAAA-MM-JJ)"),
        (["--from", "2026-04-01"], "--to : le 31/03/2026 précède le début de la période"),
        (["--site", "Nulle part"], "Aucun lieu ne s'appelle « Nulle part »"),
        (["--claim", "DP9"], "Aucune demande de paiement ne porte le numéro « DP9 »"),
    ],
)
def test_bad_input_exits_2_in_french_and_writes_nothing(
    db: Path,
    outdir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    out = outdir / "rapport.csv"
    args = march(db, out, "csv")
    for option, value in zip(argv[::2], argv[1::2], strict=True):
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    assert cli(args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert list(outdir.iterdir()) == []


def test_a_missing_output_folder_exits_2(
    db: Path, outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = outdir / "absent" / "rapport.csv"
    assert cli(march(db, out, "csv")) == 2
    assert "n'existe pas" in capsys.readouterr().err


def test_an_unknown_format_is_refused_by_the_parser(db: Path, outdir: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli(march(db, outdir / "r.odt", "odt"))
    assert exit_info.value.code == 2
