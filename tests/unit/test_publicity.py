"""The LEADER operation's poster (A3) and notice (A4), read back as a funder's controller
would: the EU emblem drawn to its official construction with « Cofinancé par l'Union
européenne » beside it, the operation's title and description, the logos never larger than
the emblem; refusals name the field, on the command line too (exit 2, nothing written)."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pdftext import pdf_text
from PIL import Image
from pypdf import PdfReader

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ValidationError
from tiers_lieu.reports.documents.publicity import write_publicity
from tiers_lieu.services.organisation import OperationDetail, OperationFields
from tiers_lieu.services.readmodels import SiteInfo

MM = 72 / 25.4
TITLE = "Le Comptoir de Felletin : accueil, services au public et circuits courts"
DESCRIPTION = (
    "Un accueil de proximité : France Services, ateliers numériques, épicerie locale.\n"
    "Objectifs : rapprocher les services publics des habitants des communes rurales."
)
YELLOW = "1 .8 0 rg"  # #FFCC00
BLUE = "0 .2 .6 rg"  # #003399
NUMBER = r"(-?[\d.]+)"


def logo(path: Path, size: tuple[int, int] = (600, 300)) -> Path:
    Image.new("RGB", size, (40, 120, 60)).save(path)
    return path


def operation(app: Comptoir, site: SiteInfo, **paths: str | None) -> OperationDetail:
    return app.organisation.save_operation(
        site.id,
        OperationFields(
            title=TITLE,
            description=DESCRIPTION,
            file_number="LEADER-NA-23-2025-417",
            gal_name="GAL Sud Creusois",
            region="Nouvelle-Aquitaine",
            cofunders="Département de la Creuse",
            start_date=date(2025, 1, 1),
            end_date=date(2027, 12, 31),
            **paths,
        ),
    )


def page_stream(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(str(path))
    contents = reader.pages[0].get_contents()
    assert contents is not None
    return reader, contents.get_data().decode("latin-1")


def drawn_emblem(stream: str) -> tuple[tuple[float, float], list[list[tuple[float, float]]]]:
    """The blue rectangle's size and each gold star's vertices, as the page draws them."""
    rect = re.search(re.escape(BLUE) + r"[^f]*?n 0 0 " + NUMBER + " " + NUMBER + " re f", stream)
    assert rect is not None, "no blue rectangle"
    stars = []
    for block in stream.split(YELLOW)[1:]:
        path = block.split("f*")[0]
        stars.append(
            [(float(x), float(y)) for x, y in re.findall(NUMBER + " " + NUMBER + " [ml]", path)]
        )
    return (float(rect.group(1)), float(rect.group(2))), stars


@pytest.mark.parametrize(("size", "paper"), [("A3", (297, 420)), ("A4", (210, 297))])
def test_the_poster_and_notice_carry_the_eu_block_the_operation_and_its_description(
    app: Comptoir, site: SiteInfo, tmp_path: Path, size: str, paper: tuple[int, int]
) -> None:
    target = tmp_path / "affiche.pdf"
    write_publicity(target, operation(app, site), site, size=size)

    reader = PdfReader(str(target))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == paper
    text = pdf_text(target)
    assert "Cofinancé par l'Union européenne" in text
    assert "programme européen LEADER" in text
    assert TITLE in text
    assert "Objectifs : rapprocher les services publics" in text
    assert "du 1er janvier 2025 au 31 décembre 2027" in text
    for fact in ("GAL Sud Creusois", "Nouvelle-Aquitaine", "LEADER-NA-23-2025-417"):
        assert fact in text
    assert "Le Comptoir de Felletin, Felletin" in text  # the place, with its commune


def test_the_emblem_follows_its_geometric_description(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    """3:2 blue rectangle, twelve upright gold stars on a circle of a third of the height,
    each star's points on a circle of an eighteenth, placed like the hours of a clock."""
    target = tmp_path / "affiche.pdf"
    write_publicity(target, operation(app, site), site, size="A3")
    (width, height), stars = drawn_emblem(page_stream(target)[1])

    assert width / height == pytest.approx(1.5)
    assert height == pytest.approx(42 * MM, rel=1e-3)  # larger than any other logo
    assert len(stars) == 12
    centre = (width / 2, height / 2)
    angles = []
    for points in stars:
        assert len(points) == 10  # five points, five inner corners
        cx = sum(x for x, _y in points) / 10
        cy = sum(y for _x, y in points) / 10
        assert math.dist((cx, cy), centre) == pytest.approx(height / 3, rel=1e-3)
        tips = points[0::2]
        assert all(math.dist(p, (cx, cy)) == pytest.approx(height / 18, rel=1e-3) for p in tips)
        assert tips[0][0] == pytest.approx(cx, abs=0.01) and tips[0][1] > cy  # upright
        angles.append(round(math.degrees(math.atan2(cy - centre[1], cx - centre[0]))) % 360)
    assert sorted(angles) == list(range(0, 360, 30))


def test_the_logos_stand_at_the_foot_never_higher_than_the_emblem(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    tall = logo(tmp_path / "haut.png", (200, 800))
    wide = logo(tmp_path / "large.png", (900, 300))
    detail = operation(
        app, site, leader_logo_path=str(tall), region_logo_path=str(wide), gal_logo_path=None
    )
    target = tmp_path / "affiche.pdf"
    write_publicity(target, detail, site, size="A3")

    reader, stream = page_stream(target)
    images = reader.pages[0].images
    assert len(images) == 2
    (_w, emblem_height), _stars = drawn_emblem(stream)
    # Each image is drawn by « w 0 0 h x y cm /name Do »: its height on the page.
    drawn = re.findall(
        NUMBER + " 0 0 " + NUMBER + " " + NUMBER + " " + NUMBER + r" cm\s*/\S+ Do", stream
    )
    assert len(drawn) == 2
    for _width, drawn_height, _x, y in drawn:
        assert float(drawn_height) <= emblem_height + 0.01
        assert float(y) < 420 * MM / 4  # at the foot of the page


def test_an_emblem_image_replaces_the_drawn_one(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    image = logo(tmp_path / "embleme.png", (300, 200))
    target = tmp_path / "affiche.pdf"
    write_publicity(target, operation(app, site, emblem_path=str(image)), site, size="A4")
    reader, stream = page_stream(target)
    assert YELLOW not in stream
    assert len(reader.pages[0].images) == 1
    assert "Cofinancé par l'Union européenne" in pdf_text(target)


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("leader_logo_path", "Logo LEADER"),
        ("region_logo_path", "Logo de la Région"),
        ("gal_logo_path", "Logo du GAL"),
        ("emblem_path", "Emblème de l'Union européenne"),
    ],
)
def test_a_logo_file_gone_missing_is_refused_naming_its_field(
    app: Comptoir, site: SiteInfo, tmp_path: Path, field: str, label: str
) -> None:
    gone = str(tmp_path / "parti.png")
    out = tmp_path / "sortie"
    out.mkdir()
    target = out / "affiche.pdf"
    with pytest.raises(ValidationError) as raised:
        write_publicity(target, operation(app, site, **{field: gone}), site, size="A3")
    assert raised.value.field == label
    assert raised.value.message.startswith(f"{label} : le fichier « {gone} » est introuvable")
    assert not target.exists()
    assert list(out.iterdir()) == []  # no partial file left either


def test_a_file_that_is_not_an_image_is_refused_naming_its_field(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    text = tmp_path / "logo.png"
    text.write_text("pas une image", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"^Logo du GAL : .* n'est pas une image lisible"):
        write_publicity(
            tmp_path / "affiche.pdf",
            operation(app, site, gal_logo_path=str(text)),
            site,
            size="A3",
        )


def test_a_long_description_still_fits_one_page(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    detail = replace(operation(app, site), description="\n".join(["Une phrase longue. " * 12] * 8))
    target = tmp_path / "notice.pdf"
    write_publicity(target, detail, site, size="A4")
    assert len(PdfReader(str(target)).pages) == 1
    assert "Cofinancé par l'Union européenne" in pdf_text(target)


def test_the_description_is_saved_with_the_operation(app: Comptoir, site: SiteInfo) -> None:
    operation(app, site)
    saved = app.organisation.get_operation(site.id)
    assert saved is not None and saved.description == DESCRIPTION
    with pytest.raises(ValidationError, match=r"^Description de l'opération : 2000 caractères"):
        app.organisation.save_operation(
            site.id, OperationFields(title=TITLE, description="x" * 2001)
        )


# -- the command line -------------------------------------------------------------------------
@pytest.fixture
def db(db_path: Path) -> Path:
    app = build(str(db_path))
    try:
        app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin")
    finally:
        app.close()
    return db_path


def with_operation(db: Path, **paths: str | None) -> None:
    app = build(str(db))
    try:
        operation(app, app.sites.resolve(None), **paths)
    finally:
        app.close()


@pytest.mark.parametrize(("kind", "paper"), [("affiche", (297, 420)), ("notice", (210, 297))])
def test_the_command_writes_the_poster_and_the_notice(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, paper: tuple[int, int]
) -> None:
    with_operation(db)
    out = tmp_path / f"{kind}.pdf"
    assert main(["--db", str(db), "export", kind, "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == paper
    text = pdf_text(out)
    assert TITLE in text and "Cofinancé par l'Union européenne" in text


def test_the_command_refuses_without_an_operation(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "affiche.pdf"
    assert main(["--db", str(db), "export", "affiche", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Aucune opération LEADER n'est renseignée pour « Le Comptoir de Felletin »" in err
    assert "Opération LEADER" in err
    assert not out.exists()


def test_the_command_refuses_a_missing_logo_naming_the_field(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_operation(db, gal_logo_path=str(tmp_path / "gal.png"))
    out = tmp_path / "notice.pdf"
    assert main(["--db", str(db), "export", "notice", "--out", str(out)]) == 2
    assert "Erreur : Logo du GAL : le fichier" in capsys.readouterr().err
    assert not out.exists()


def test_the_command_asks_which_place_when_there_are_several(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build(str(db))
    try:
        app.sites.init_site(name="La Grange")
    finally:
        app.close()
    out = tmp_path / "affiche.pdf"
    assert main(["--db", str(db), "export", "affiche", "--out", str(out)]) == 2
    assert "précisez --site" in capsys.readouterr().err
    assert not out.exists()


def test_the_command_takes_pdf_only(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_operation(db)
    out = tmp_path / "affiche.xlsx"
    assert main(["--db", str(db), "export", "affiche", "--format", "xlsx", "--out", str(out)]) == 2
    assert "--format" in capsys.readouterr().err
    assert not out.exists()
