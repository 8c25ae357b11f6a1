"""Two bases kept in one folder (a coordinator's Documents) keep their own backups: one base's
thinning, listing and external copies never touch the other's, and the copies an older
Comptoir left in the shared ``sauvegardes`` folder go, once, to the base they copy."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from tiers_lieu.app import build
from tiers_lieu.services import backup_adoption
from tiers_lieu.services.backup_adoption import adopt_shared_backups
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.leftovers import tidy_at_start


def make_base(template_db: Path, path: Path, place: str) -> Path:
    shutil.copyfile(template_db, path)
    app = build(str(path))
    app.sites.init_site(name=place, commune_name="Felletin", insee_code="23079")
    app.close()
    return path


@pytest.fixture
def bases(template_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "Documents"
    folder.mkdir()
    return (
        make_base(template_db, folder / "comptoir.sqlite", "Le Comptoir de Felletin"),
        make_base(template_db, folder / "la-grange.sqlite", "La Grange d'Aubusson"),
    )


def service(path: Path) -> BackupService:
    return BackupService(f"sqlite:///{path}")


def names(service: BackupService) -> list[str]:
    return sorted(info.path.name for info in service.list_backups())


def test_one_base_thinning_never_removes_the_other_base_backups(
    bases: tuple[Path, Path],
) -> None:
    felletin, grange = bases
    grange_copy = service(grange).backup(now=datetime(2026, 1, 5, 18, 0)).path

    # Months later, the other base is backed up: its thinning keeps one copy a week for
    # three months, of its own copies only.
    felletin_copy = service(felletin).backup(now=datetime(2026, 6, 1, 18, 0)).path

    assert grange_copy.is_file()
    assert felletin_copy.parent != grange_copy.parent
    assert names(service(grange)) == [grange_copy.name]
    assert names(service(felletin)) == [felletin_copy.name]


def test_two_bases_with_one_usb_key_keep_their_own_copies_on_it(
    bases: tuple[Path, Path], tmp_path: Path
) -> None:
    felletin, grange = bases
    key = tmp_path / "cle-usb"
    key.mkdir()
    for base in bases:
        service(base).set_external_folder(key)
    service(grange).backup(now=datetime(2026, 1, 5, 18, 0))
    service(felletin).backup(now=datetime(2026, 6, 1, 18, 0))

    assert sorted(path.name for path in key.iterdir()) == ["comptoir", "la-grange"]
    assert [p.name for p in (key / "la-grange").glob("*.sqlite")] == [
        "comptoir-20260105-180000.sqlite"
    ]
    assert [(info.path.name, info.external) for info in service(grange).list_backups()] == [
        ("comptoir-20260105-180000.sqlite", False),
        ("comptoir-20260105-180000.sqlite", True),
    ]


def shared_copy(base: Path, name: str) -> Path:
    """A copy as an older Comptoir made it: loose in the ``sauvegardes`` folder beside the
    base, whatever the base."""
    shared = base.parent / "sauvegardes"
    return BackupService(f"sqlite:///{base}", folder=shared).backup(shared / name).path


def test_copies_left_in_the_shared_folder_go_to_their_own_base(
    bases: tuple[Path, Path], tmp_path: Path
) -> None:
    felletin, grange = bases
    shared = felletin.parent / "sauvegardes"
    shared.mkdir()
    (shared / "sauvegardes.json").write_text(
        json.dumps({"external_folder": str(tmp_path / "cle-usb")}), encoding="utf-8"
    )
    shared_copy(felletin, "comptoir-20260301-120000.sqlite")
    shared_copy(felletin, "avant-migration-0031-20260302-090000.sqlite")
    shared_copy(grange, "comptoir-20260303-120000.sqlite")

    tidy_at_start(f"sqlite:///{felletin}")

    assert names(service(felletin)) == [
        "avant-migration-0031-20260302-090000.sqlite",
        "comptoir-20260301-120000.sqlite",
    ]
    # The choice of a USB key made when the folder was shared holds for each base.
    assert service(felletin).external_folder() == tmp_path / "cle-usb"
    assert (shared / "comptoir-20260303-120000.sqlite").is_file()
    assert names(service(grange)) == []

    tidy_at_start(f"sqlite:///{grange}")

    assert names(service(grange)) == ["comptoir-20260303-120000.sqlite"]
    assert service(grange).external_folder() == tmp_path / "cle-usb"
    assert sorted(p.name for p in shared.glob("*.sqlite")) == []


def test_a_base_alone_in_its_folder_takes_every_shared_copy(
    template_db: Path, tmp_path: Path
) -> None:
    desk = make_base(template_db, tmp_path / "comptoir.sqlite", "Le Comptoir de Felletin")
    shared = tmp_path / "sauvegardes"
    copy = shared_copy(desk, "comptoir-20260301-120000.sqlite")
    key_file = copy.with_name(copy.name + ".cle.json")
    key_file.write_text("{}", encoding="utf-8")  # as an encrypted copy has: moves with it

    moved = adopt_shared_backups(desk)

    own = service(desk).folder
    assert moved == [own / copy.name]
    assert own == shared / "comptoir"
    assert sorted(p.name for p in own.iterdir() if ".sqlite" in p.name) == [
        "comptoir-20260301-120000.sqlite",
        "comptoir-20260301-120000.sqlite.cle.json",
    ]
    assert not key_file.exists()


def test_a_copy_that_cannot_be_told_stays_where_it_is(
    bases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    felletin, grange = bases
    copy = shared_copy(felletin, "comptoir-20260301-120000.sqlite")
    copy.with_name(copy.name + ".cle.json").write_text("{}", encoding="utf-8")  # "encrypted"

    for base in bases:
        tidy_at_start(f"sqlite:///{base}")

    assert copy.is_file()
    assert names(service(felletin)) == names(service(grange)) == []

    # The next starts do not open it (nor the bases beside) again.
    def no_reading(_path: Path) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(backup_adoption, "_site_ids", no_reading)
    for base in bases:
        assert adopt_shared_backups(base) == []
