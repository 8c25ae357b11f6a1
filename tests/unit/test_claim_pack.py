"""The LEADER payment-claim pack, read back as a GAL's instructor would: the folder holds the
activity report (PDF and XLSX), the time sheets, the attendance sheets, the poster and the
notice, with a contents page naming each with its pages, and the zip holds the same files;
a piece with nothing for the period is named missing with the reason; a refusal or a failure
half-way leaves no folder, no partial folder and no zip; on the command line too."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdftext import pdf_pages, pdf_text

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.cli import export
from tiers_lieu.cli.export import ExportRequest
from tiers_lieu.errors import ComptoirError
from tiers_lieu.reports.documents.claim_pack import (
    CONTENTS_FILE,
    PIECES,
    REPORT,
    folder_name,
    write_claim_pack,
)
from tiers_lieu.reports.pdf_parts.text import period_text
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.payment_claims import ClaimInfo
from tiers_lieu.services.readmodels import SiteInfo

TODAY = date(2026, 6, 15)
ALL_FILES = [
    "00-sommaire.pdf",
    "01-rapport-activite.pdf",
    "02-rapport-activite.xlsx",
    "03-feuilles-de-temps.pdf",
    "04-feuilles-emargement.pdf",
    "05-affiche-A3.pdf",
    "06-notice-A4.pdf",
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("claim-pack") / "demo.sqlite"
    with build(str(db)) as app:
        app.demo.generate(scale="small", seed=2, today=TODAY)
    return db


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db, copy)
    with build(str(copy)) as app:
        yield app


def place_and_claim(app: Comptoir) -> tuple[SiteInfo, ClaimInfo]:
    [site] = app.sites.list_sites()
    [claim] = app.organisation.list_claims(site.id)
    return site, claim


def leftovers(folder: Path) -> list[str]:
    """What the pack's folder holds besides the database and this test's own files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("demo.sqlite"))


def test_the_pack_of_a_claim_holds_every_piece_and_a_contents_page_naming_them(
    demo: Comptoir, tmp_path: Path
) -> None:
    site, claim = place_and_claim(demo)
    operation = demo.organisation.get_operation(site.id)
    assert operation is not None
    steps: list[tuple[int, int]] = []
    out = tmp_path / "dossiers"
    out.mkdir()
    name = folder_name(claim.number, claim.period_start, claim.period_end)
    assert name == f"Dossier-demande-paiement-{claim.number}"
    pack = write_claim_pack(
        demo,
        site,
        claim.period_start,
        claim.period_end,
        out / f"{name}.zip",
        claim_number=claim.number,
        progress=lambda done, total: steps.append((done, total)),
    )
    folder = out / name
    assert pack.folder == folder and pack.zip_path == out / f"{name}.zip"
    assert sorted(p.name for p in out.iterdir()) == [name, f"{name}.zip"]  # no partial left
    assert sorted(p.name for p in folder.iterdir()) == ALL_FILES
    assert steps[-1] == (len(PIECES) + 2, len(PIECES) + 2)

    # The zip holds the same files, under the folder's name, deflated.
    with zipfile.ZipFile(pack.zip_path) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [f"{name}/{file}" for file in ALL_FILES]
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert archive.read(info) == (out / info.filename).read_bytes()

    # The contents page: the operation, the claim, the place, every piece with its pages.
    text = pdf_text(folder / CONTENTS_FILE)
    assert len(pdf_pages(folder / CONTENTS_FILE)) == 1
    assert f"Dossier de demande de paiement n° {claim.number}" in text
    assert "Cofinancé par l'Union européenne" in text
    for fact in (operation.title, operation.file_number, operation.gal_name, site.name):
        assert " ".join(fact.split()) in text
    assert period_text(claim.period_start, claim.period_end) in text
    for piece in PIECES:
        assert piece.title in text and piece.file_name in text
    for file in ALL_FILES[1:]:
        if file.endswith(".pdf"):
            pages = len(pdf_pages(folder / file))
            entry = next(e for e in pack.contents.entries if e.file_name == file)
            assert entry.pages == pages
            label = f"{pages} page" if pages == 1 else f"{pages} pages"
            assert f"{entry.title} {file} {label}" in text
    assert "Manquante" not in text and pack.contents.missing == ()

    # Each piece is the export it names: the report for the claim, the period's sheets.
    report = pdf_text(folder / "01-rapport-activite.pdf")
    assert claim.number in report and operation.title.split(" :")[0] in report
    workbook = load_workbook(folder / "02-rapport-activite.xlsx", read_only=True)
    direct = tmp_path / "direct.xlsx"
    data = demo.reports.compute(
        period_start=claim.period_start,
        period_end=claim.period_end,
        site_ids=[site.id],
        claim_number=claim.number,
    )
    demo.reports.write(data, fmt="xlsx", path=direct, site_id=site.id)
    assert workbook.sheetnames == load_workbook(direct, read_only=True).sheetnames
    sheets = demo.events.attendance_sheets(site.id, claim.period_start, claim.period_end)
    attendance = pdf_text(folder / "04-feuilles-emargement.pdf")
    assert sheets and all(sheet.title in attendance for sheet in sheets)
    assert "Cofinancé par l'Union européenne" in pdf_text(folder / "05-affiche-A3.pdf")
    assert operation.title in pdf_text(folder / "06-notice-A4.pdf")


def test_a_period_without_workshop_or_time_names_those_pieces_missing(
    demo: Comptoir, tmp_path: Path
) -> None:
    """No claim covers this month: the folder is named by the period, the contents page has
    no claim number, and what has nothing to show is named missing, not refused."""
    site, _claim = place_and_claim(demo)
    start, end = date(2020, 1, 1), date(2020, 1, 31)
    assert not demo.events.attendance_sheets(site.id, start, end)
    name = folder_name("", start, end)
    assert name == "Dossier-demande-paiement-2020-01-01_2020-01-31"
    pack = write_claim_pack(demo, site, start, end, tmp_path / f"{name}.zip")
    present = [f for f in ALL_FILES if f[:2] not in ("03", "04")]
    assert sorted(p.name for p in pack.folder.iterdir()) == present
    with zipfile.ZipFile(pack.zip_path) as archive:
        assert archive.namelist() == [f"{name}/{file}" for file in present]
    text = pdf_text(pack.folder / CONTENTS_FILE)
    assert "(FEADER) Dossier de demande de paiement Opération" in text  # no number
    assert "Demande de paiement n°" not in text
    assert (
        "Feuilles de temps Manquante : Aucun temps de travail saisi sur la période : pas de "
        "feuille de temps."
    ) in text
    assert (
        "Feuilles d'émargement Manquante : Aucun atelier sur la période : pas de feuille "
        "d'émargement."
    ) in text
    assert "4 pièces dans le dossier" in text and "2 manquantes" in text
    assert [e.file_name for e in pack.contents.missing] == [
        "03-feuilles-de-temps.pdf",
        "04-feuilles-emargement.pdf",
    ]


def test_a_piece_this_version_does_not_make_is_named_missing(
    demo: Comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, claim = place_and_claim(demo)
    kinds = dict(export.KINDS)
    del kinds["feuilles-temps"]
    monkeypatch.setattr(export, "KINDS", kinds)
    pack = write_claim_pack(
        demo, site, claim.period_start, claim.period_end, tmp_path / "dossier.zip"
    )
    text = pdf_text(pack.folder / CONTENTS_FILE)
    assert "Feuilles de temps Manquante : Cette version de Comptoir ne produit pas" in text


def test_every_piece_of_the_pack_is_an_export_kind() -> None:
    """The pack is built on ``tiers-lieu export``'s kinds; the report is its own writer."""
    assert {p.kind for p in PIECES} - {REPORT} <= set(export.KINDS)
    assert export.KINDS["dossier-paiement"].formats == ("zip",)
    assert export.KINDS["dossier-paiement"].period


@dataclass(frozen=True)
class FakeKind:
    """A kind of ``tiers-lieu export`` whose writer is given, not named."""

    writer: Callable[[Comptoir, ExportRequest], str]

    def load(self) -> Callable[[Comptoir, ExportRequest], str]:
        return self.writer


@pytest.mark.parametrize(
    "where", ["sheets refused", "sheets broken", "report broken", "zip broken"]
)
def test_a_failure_half_way_leaves_no_folder_no_partial_and_no_new_zip(
    demo: Comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    site, claim = place_and_claim(demo)
    out = tmp_path / "dossiers"
    out.mkdir()
    zip_path = out / "Dossier-DP1.zip"
    zip_path.write_bytes(b"the zip written last month")

    def half_then(fail: Exception) -> Callable[..., None]:
        def write(*args: object, path: Path | None = None, **kwargs: object) -> None:
            target = path if path is not None else args[-1]
            assert isinstance(target, Path)
            target.write_bytes(b"%PDF-1.4 half")
            raise fail

        return write

    if where == "sheets refused":
        fail: Exception = ComptoirError("Atelier : la salle n'existe plus.")
    else:
        fail = OSError(28, "No space left on device")
    if where.startswith("sheets"):
        broken = half_then(fail)

        def sheets(_app: Comptoir, request: ExportRequest) -> str:
            broken(request.out)
            return ""

        monkeypatch.setitem(export.KINDS, "emargement", FakeKind(sheets))
    elif where == "report broken":
        monkeypatch.setattr(demo.reports, "write", half_then(fail))
    else:
        original = zipfile.ZipFile.write
        written: list[str] = []

        def write_then_fail(self: zipfile.ZipFile, filename: object, arcname: str) -> None:
            if arcname.startswith("Dossier-DP1/"):  # the pack's, not the workbook's parts
                written.append(arcname)
                if len(written) == 3:
                    raise fail
            original(self, filename, arcname)  # type: ignore[arg-type]

        monkeypatch.setattr(zipfile.ZipFile, "write", write_then_fail)

    with pytest.raises((ComptoirError, OSError)) as raised:
        write_claim_pack(
            demo, site, claim.period_start, claim.period_end, zip_path, claim_number="DP1"
        )
    if where == "sheets refused":
        assert str(raised.value) == (
            "Feuilles d'émargement : Atelier : la salle n'existe plus. Le dossier de demande "
            "de paiement n'a pas été écrit."
        )
    else:
        assert raised.value is fail
    assert sorted(p.name for p in out.iterdir()) == ["Dossier-DP1.zip"]
    assert zip_path.read_bytes() == b"the zip written last month"
    if where == "zip broken":
        assert written[-1] == "Dossier-DP1/02-rapport-activite.xlsx"  # the folder was whole


def test_an_operation_not_filled_in_is_refused_before_anything_is_written(
    demo: Comptoir, tmp_path: Path
) -> None:
    site, claim = place_and_claim(demo)
    operation = demo.organisation.get_operation(site.id)
    assert operation is not None
    demo.organisation.save_operation(
        site.id, OperationFields(title=operation.title, gal_name=operation.gal_name)
    )
    with pytest.raises(ComptoirError) as raised:
        write_claim_pack(demo, site, claim.period_start, claim.period_end, tmp_path / "d.zip")
    assert raised.value.message == (
        "Opération LEADER : renseignez « N° de dossier », « Description (affiche) » dans "
        "Rapports, onglet « Opération LEADER », avant de préparer le dossier de demande de "
        "paiement."
    )
    # A logo named but gone: the poster's own refusal, with the piece's title.
    demo.organisation.save_operation(
        site.id,
        OperationFields(
            title=operation.title,
            file_number=operation.file_number,
            description=operation.description,
            leader_logo_path=str(tmp_path / "leader.png"),
        ),
    )
    with pytest.raises(ComptoirError) as raised:
        write_claim_pack(demo, site, claim.period_start, claim.period_end, tmp_path / "d.zip")
    assert raised.value.message.startswith("Affiche A3 de l'opération : Logo LEADER : ")
    assert raised.value.message.endswith("Le dossier de demande de paiement n'a pas été écrit.")
    assert leftovers(tmp_path) == []


def test_the_folder_is_never_replaced_and_an_interrupted_one_is_cleared(
    demo: Comptoir, tmp_path: Path
) -> None:
    site, claim = place_and_claim(demo)
    folder = tmp_path / "Dossier-DP1"
    folder.mkdir()
    (folder / "scan-signé.pdf").write_bytes(b"signed")
    with pytest.raises(ComptoirError, match="existe déjà"):
        write_claim_pack(
            demo, site, claim.period_start, claim.period_end, tmp_path / "Dossier-DP1.zip"
        )
    assert [p.name for p in folder.iterdir()] == ["scan-signé.pdf"]
    assert not (tmp_path / "Dossier-DP1.zip").exists()

    # A partial folder a killed run left (the pack's own files) is cleared and re-made...
    partial = tmp_path / "Autre.partiel"
    partial.mkdir()
    (partial / "05-affiche-A3.pdf").write_bytes(b"%PDF")
    (partial / "01-rapport-activite.pdf.partiel").write_bytes(b"%PDF half")
    pack = write_claim_pack(
        demo, site, claim.period_start, claim.period_end, tmp_path / "Autre.zip"
    )
    assert not partial.exists() and sorted(p.name for p in pack.folder.iterdir()) == ALL_FILES
    # ...but one holding anything else is the user's: refused, left alone.
    partial = tmp_path / "Troisième.partiel"
    partial.mkdir()
    (partial / "notes.txt").write_text("mes notes")
    with pytest.raises(ComptoirError, match="ne vient pas d'un dossier interrompu"):
        write_claim_pack(
            demo, site, claim.period_start, claim.period_end, tmp_path / "Troisième.zip"
        )
    assert [p.name for p in partial.iterdir()] == ["notes.txt"]


# -- the command line ------------------------------------------------------------------------
def test_the_command_line_writes_the_pack_beside_the_zip(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db, db)
    with build(str(db)) as app:
        _site, claim = place_and_claim(app)
    out = tmp_path / "dossier-DP1.zip"
    argv = ["export", "dossier-paiement", "--db", str(db), "--out", str(out)]
    period = ["--from", claim.period_start.isoformat(), "--to", claim.period_end.isoformat()]
    code = main([*argv, *period])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    folder = tmp_path / "dossier-DP1"
    assert printed.out.strip() == (
        f"Dossier de demande de paiement écrit dans {folder} (6 pièces et le sommaire) et {out}."
    )
    assert sorted(p.name for p in folder.iterdir()) == ALL_FILES
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [f"dossier-DP1/{file}" for file in ALL_FILES]
    # The claim whose period this is gives its number to the contents page and the report.
    assert f"Dossier de demande de paiement n° {claim.number}" in pdf_text(folder / CONTENTS_FILE)

    # Refusals: exit 2, a French message, nothing written.
    before = leftovers(tmp_path)
    cases = {
        "exists": ([*argv, *period], "existe déjà"),
        "not a zip": (
            [
                "export",
                "dossier-paiement",
                "--db",
                str(db),
                "--out",
                str(tmp_path / "d.pdf"),
                *period,
            ],
            "--out : le nom de l'archive doit finir par .zip",
        ),
        "format": ([*argv, *period, "--format", "pdf"], "--format : « pdf » n'est pas possible"),
        "no period": (argv, "--from et --to"),
    }
    for case, (args, message) in cases.items():
        assert main(args) == 2, case
        assert message in capsys.readouterr().err, case
        assert leftovers(tmp_path) == before, case


def test_the_command_line_asks_which_place_when_there_are_several(
    two_sites_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dossier.zip"
    argv = ["export", "dossier-paiement", "--db", str(two_sites_db), "--out", str(out)]
    assert main([*argv, "--from", "2026-01-01", "--to", "2026-06-30"]) == 2
    assert capsys.readouterr().err == (
        "Erreur : Cette base contient plusieurs lieux ; précisez --site parmi : La Fabrique "
        "d'Aubusson, Le Comptoir de Felletin.\n"
    )
    assert not out.exists() and not (tmp_path / "dossier").exists()
