"""A closed period of the till archived and signed (issue 21), then checked by
``tiers-lieu caisse verifier ARCHIVE.zip``: an intact archive passes (exit 0); one byte of the
journal changed, or a signature by another key, is refused (exit 1); what is not an archive —
not a zip, a member missing, malformed JSON, a zip bomb — is said in French (exit 2), never
with a traceback; an open period is not archived."""

from __future__ import annotations

import base64
import json
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import TillJournal
from tiers_lieu.services.bundles.placekeys import PlaceKeyService, Signer
from tiers_lieu.services.grocery import sales as sales_module
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till import closures as closures_module
from tiers_lieu.services.till.archive import JOURNAL, MANIFEST, SIGNATURE, Period
from tiers_lieu.services.till.archive_check import UnreadableArchiveError, verify_archive

Clock = Callable[[datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(sales_module, "utcnow", lambda: moment)
        monkeypatch.setattr(closures_module, "utcnow", lambda: moment)

    return set_now


@pytest.fixture
def october(app: Comptoir, site: SiteInfo, clock: Clock) -> None:
    """Sales on two days of October 2026 (one reversed), then October closed in November."""
    eggs = app.grocery.products.create(
        site.id, ProductFields(name="Œufs", price_cents=320, vat_rate_bp=550)
    )
    beer = app.grocery.products.create(
        site.id, ProductFields(name="Bière", price_cents=350, vat_rate_bp=2000)
    )
    for item in (eggs, beer):
        app.grocery.stock.receive(
            site_id=site.id, product_id=item.id, quantity_milli=100000, unit_cost_cents=None
        )

    def sell(item_qty: list[tuple[ProductInfo, int]], method: str) -> uuid.UUID:
        total = sum(item.price_cents * qty for item, qty in item_qty)
        return app.grocery.sales.record(
            site_id=site.id,
            lines=[LineInput(item.id, qty * 1000) for item, qty in item_qty],
            payments=[PaymentInput(method, total)],
        ).id

    clock(datetime(2026, 10, 5, 9, tzinfo=UTC))
    sell([(eggs, 2)], "cash")
    mistaken = sell([(beer, 1), (eggs, 1)], "card")
    app.grocery.sales.cancel(mistaken)
    clock(datetime(2026, 10, 6, 9, tzinfo=UTC))
    sell([(beer, 3)], "card")
    clock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    sell([(eggs, 1)], "cash")  # November: outside the archive's period
    app.till_closures.close_month(site_id=site.id, year=2026, month=10)


def archive(app: Comptoir, site: SiteInfo, folder: Path) -> Path:
    return app.till_journal.archive(site.id, Period.month("2026-10"), folder=folder).path


def rewrite(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    """The archive written again with each member passed through ``change``."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            target.writestr(name, change(name, data))


def run(*args: str, db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), "caisse", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("october")
def test_an_archive_round_trip(
    app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "archives"
    folder.mkdir()  # a missing folder is refused (tests/integration/test_cli_edges.py)
    code, out, err = run(
        "archiver", "--mois", "2026-10", "--dossier", str(folder), db=db_path, capsys=capsys
    )
    assert (code, err) == (0, "")
    path = folder / "caisse_le-comptoir-de-felletin_2026-10.zip"
    assert out.startswith(f"Archive écrite : {path}\n")
    with zipfile.ZipFile(path) as zipped:
        assert sorted(zipped.namelist()) == sorted(
            ["journal.jsonl", "clotures.json", "LISEZMOI.txt", "manifeste.json", "signature"]
        )
        lines = [json.loads(x) for x in zipped.read(JOURNAL).decode().splitlines()]
        manifest = json.loads(zipped.read(MANIFEST))
        closures = json.loads(zipped.read("clotures.json"))
        readme = zipped.read("LISEZMOI.txt").decode()
    # October's tickets, payments, reversal and closures, up to the month's closure line
    # (November's first sale came before it: the chain has no hole)
    kinds = [line["kind"] for line in lines]
    assert kinds[0] == "ticket" and kinds[-1] == "closure"
    assert kinds.count("ticket") == 4 and kinds.count("reversal") == 1
    assert kinds.count("closure") == 3
    assert manifest["lines"] == len(lines) and manifest["place"] == "Le Comptoir de Felletin"
    assert sorted(c["kind"] for c in closures) == ["day", "day", "month"]
    assert "SHA-256" in readme and "prev_hash" in readme
    code, out, _err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert code == 0, out
    assert "Signature vérifiée avec la clé du lieu connue de cette base." in out
    assert "Archive intacte" in out
    # the archive is itself in the journal, which stays whole
    with app.uow(read_only=True) as uow:
        last = uow.session.exec(
            select(TillJournal).order_by(col(TillJournal.seq).desc()).limit(1)
        ).one()
        assert (last.kind, last.number) == ("archive", "2026-10")
    assert app.till_journal.verify().intact


@pytest.mark.usefixtures("october")
def test_without_the_base_the_key_inside_is_said(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    report = verify_archive(archive(app, site, tmp_path))
    assert report.intact
    assert "clé contenue dans l'archive seulement" in report.summary()


@pytest.mark.usefixtures("october")
def test_one_byte_of_the_journal_changed_is_refused(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = archive(app, site, tmp_path)

    def one_byte(name: str, data: bytes) -> bytes:
        if name != JOURNAL:
            return data
        at = data.index(b'"amount_cents":640')
        return data[:at] + data[at:].replace(b"640", b"540", 1)

    rewrite(path, one_byte)
    code, out, err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert code == 1 and err == ""
    assert "L'archive a été altérée" in out
    assert "« journal.jsonl » a été modifié depuis l'écriture de l'archive" in out
    assert "le contenu ne correspond plus à son empreinte" in out
    assert "Clôture du jour n° 1 (05/10/2026) : le total" in out


@pytest.mark.usefixtures("october")
def test_a_signature_of_another_key_is_refused(
    app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = archive(app, site, tmp_path)
    stranger = Signer.generate(site.id)

    def resigned(name: str, data: bytes) -> bytes:
        if name == MANIFEST:
            manifest = json.loads(data)
            manifest["public_key"] = stranger.public_key()
            return json.dumps(manifest).encode()
        return data

    rewrite(path, resigned)
    with zipfile.ZipFile(path) as zipped:
        manifest_bytes = zipped.read(MANIFEST)
    rewrite(
        path,
        lambda name, data: (
            base64.b64encode(stranger.sign(manifest_bytes)) if name == SIGNATURE else data
        ),
    )
    code, out, _err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert code == 1
    assert "La signature n'a pas pu être vérifiée avec la clé du lieu connue de cette base." in out
    assert "l'archive n'a pas été signée avec la clé de ce lieu" in out
    assert "la signature ne correspond pas au manifeste" not in out  # the reason, once
    # alone, it is consistent with its own key: which is why the base's key matters
    assert verify_archive(path).intact


@pytest.mark.usefixtures("october")
def test_a_changed_manifest_is_never_said_signed(
    app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest changed after it was signed: the report said « Signature vérifiée avec la
    clé du lieu » above « la signature ne correspond pas au manifeste ». The signature is said
    not verified, and why, once; with the base's key or the one inside."""
    path = archive(app, site, tmp_path)

    def renamed(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["place"] = "Un autre lieu"
        return json.dumps(manifest).encode()

    rewrite(path, renamed)
    code, out, err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert (code, err) == (1, "")
    alone = verify_archive(path).summary()
    for said, key in ((out, "la clé du lieu connue de cette base"), (alone, "la clé contenue")):
        assert "ignature vérifiée" not in said and "intacte" not in said
        assert f"La signature n'a pas pu être vérifiée avec {key}" in said
        assert said.count("ne correspond pas") == 1
        assert "- la signature ne correspond pas au manifeste : il a été modifié" in said
    # Signed again by the place itself, still naming a stranger's key: the signature holds,
    # the manifest does not.
    stranger, own = Signer.generate(site.id), PlaceKeyService(app.uow).signer(site.id)

    def other_key(name: str, data: bytes) -> bytes:
        return json.dumps({**json.loads(data), "public_key": stranger.public_key()}).encode()

    rewrite(path, lambda name, data: other_key(name, data) if name == MANIFEST else data)
    with zipfile.ZipFile(path) as zipped:
        signed = base64.b64encode(own.sign(zipped.read(MANIFEST)))
    rewrite(path, lambda name, data: signed if name == SIGNATURE else data)
    code, out, _err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert code == 1
    assert "Signature vérifiée avec la clé du lieu connue de cette base." in out
    assert "- la clé que nomme le manifeste n'est pas celle de ce lieu" in out
    assert "ne correspond pas" not in out


def test_an_open_month_is_not_archived(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        "archiver", "--mois", "2026-10", "--dossier", str(tmp_path), db=db_path, capsys=capsys
    )
    assert code == 2 and out == ""
    assert err.startswith(
        "Erreur : Le mois « octobre 2026 » n'est pas clôturé à « Le Comptoir de Felletin » : "
        "on n'archive"
    )
    code, _out, err = run("archiver", "--mois", "2026-13", db=db_path, capsys=capsys)
    assert code == 2 and "Mois : « 2026-13 » n'est pas un mois au format AAAA-MM" in err
    assert list(tmp_path.glob("*.zip")) == []


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def bomb(path: Path) -> Path:
    """A journal of 64 MB of zeros, a few hundred kB once compressed."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        with target.open(JOURNAL, "w") as member:
            for _n in range(64):
                member.write(b"\0" * 1024**2)
        for name in ("clotures.json", "LISEZMOI.txt", "manifeste.json", "signature"):
            target.writestr(name, b"{}")
    return path


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_bytes(b"pas un zip") and p, "ce n'est pas un fichier zip"),
        (lambda p: p.write_bytes(b"") or p, "ce n'est pas un fichier zip"),
        (lambda p: make_zip(p, {"journal.jsonl": b""}), "il y manque clotures.json"),
        (
            lambda p: make_zip(
                p,
                {
                    "journal.jsonl": b"",
                    "clotures.json": b"[]",
                    "LISEZMOI.txt": b"",
                    "manifeste.json": b'{"format": ',
                    "signature": b"",
                },
            ),
            "« manifeste.json » n'est pas du JSON valide",
        ),
        (
            lambda p: make_zip(p, {"../../etc/passwd": b"x"}),
            "fichier inattendu « ../../etc/passwd »",
        ),
        (bomb, "« journal.jsonl » se décompresse en beaucoup trop de données"),
        (
            lambda p: make_zip(p, {f"f{n}": b"" for n in range(2000)}),
            "elle contient trop de fichiers",
        ),
    ],
)
def test_what_is_not_an_archive_is_said(
    tmp_path: Path,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], object],
    said: str,
) -> None:
    path = tmp_path / "archive.zip"
    make(path)
    with pytest.raises(UnreadableArchiveError) as refused:
        verify_archive(path)
    assert said in refused.value.message
    code, out, err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert (code, out) == (2, "")
    assert said in err and "Traceback" not in err


def test_a_missing_file_is_said(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run("verifier", str(tmp_path / "absente.zip"), db=db_path, capsys=capsys)
    assert code == 2 and err.startswith("Erreur : Fichier introuvable")


@pytest.mark.usefixtures("october")
def test_a_malformed_journal_line_is_unreadable(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = archive(app, site, tmp_path)
    rewrite(path, lambda name, data: data + b"[1, 2\n" if name == JOURNAL else data)
    with pytest.raises(UnreadableArchiveError, match="n'est pas du JSON valide"):
        verify_archive(path)


def test_periods_are_read_in_french() -> None:
    assert Period.month("2026-11").start == date(2026, 11, 1)
    assert Period.month("2026-12").end == date(2027, 1, 1)
    assert Period.year("2026").label() == "l'année 2026"
    with pytest.raises(ComptoirError, match="Année"):
        Period.year("26")


@pytest.mark.usefixtures("october")
def test_a_closed_year_is_archived_with_its_months_and_days(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock(datetime(2027, 1, 5, 9, tzinfo=UTC))
    app.till_closures.close_year(site_id=site.id, year=2026)
    code, out, _err = run(
        "archiver", "--annee", "2026", "--dossier", str(tmp_path), db=db_path, capsys=capsys
    )
    assert code == 0, out
    path = tmp_path / "caisse_le-comptoir-de-felletin_2026.zip"
    with zipfile.ZipFile(path) as zipped:
        kinds = sorted(c["kind"] for c in json.loads(zipped.read("clotures.json")))
    assert kinds == ["day", "day", "day", "month", "month", "year"]
    code, out, _err = run("verifier", str(path), db=db_path, capsys=capsys)
    assert code == 0 and "Archive de caisse de « Le Comptoir de Felletin », l'année 2026" in out


@pytest.mark.usefixtures("october")
def test_a_member_compressed_another_way_is_unreadable(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = archive(app, site, tmp_path)
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_BZIP2) as target:
        for name, data in members:
            target.writestr(name, data)
    with pytest.raises(UnreadableArchiveError, match="n'est pas un fichier zip"):
        verify_archive(path)


def test_the_live_base_given_as_an_archive_is_refused_unopened(app: Comptoir) -> None:
    path = Path(str(app.engine.url.database))
    with pytest.raises(ComptoirError) as refused:
        verify_archive(path)
    assert "est la base de données ouverte par Comptoir" in str(refused.value)
