"""A forged zip-bomb bundle (3 MB inflating to 3 GB, the file of issue 14 that took 6.4 GB of
memory before its signature was checked) is refused in seconds, by a real process whose peak
memory is measured, and the coordinator's base is untouched: in the name of a place the
coordinator trusts, by its signature before anything is inflated; in the old format (the
shared network key), from its header alone.

A legitimate bundle is merged as it is read, a batch at a time: importing one of 30 000 rows
grows the process by about 20 MB (it grew by 148 MB when every record was held; a large place's
three years, 106 000 rows, peaked at 490 MB; ``bench/bench_bundle_import.py`` measures it)."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import uuid
from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from bundlebomb import FORGED_SITE, Refusal, refuse_in_child, write_bomb
from sqlalchemy import func, select

from tiers_lieu.app import build
from tiers_lieu.models import metadata
from tiers_lieu.services.bundles import fileformat
from tiers_lieu.services.bundles.placekeys import (
    PlaceKeyService,
    PublicKeyFile,
    Signer,
    fingerprint,
)

BUDGET_MIB = 300  # the whole process, Python and the application included
MEDIUM_VISITS = 30_000


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Path]]:
    folder = tmp_path_factory.mktemp("bombes")
    made = {version: folder / f"bombe-v{version}.bundle" for version in (2, 3)}
    for version, path in made.items():
        size = write_bomb(path, version=version)
        assert size < 4_000_000
    yield made
    shutil.rmtree(folder, ignore_errors=True)


def counts(db: Path) -> dict[str, int]:
    app = build(str(db))
    try:
        with app.engine.connect() as connection:
            return {
                t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
            }
    finally:
        app.close()


def trust(db: Path, key: PublicKeyFile) -> None:
    app = build(str(db))
    try:
        PlaceKeyService(app.uow).trust(key)
    finally:
        app.close()


def public(signer: Signer, label: str = "Le Comptoir de Felletin") -> PublicKeyFile:
    return PublicKeyFile(
        signer.site_id, label, signer.public_key(), fingerprint(signer.public_raw())
    )


def refused(db: Path, bomb: Path) -> Refusal:
    # The bomb claims a place this base trusts: its signature is what refuses it.
    trust(db, public(Signer.generate(FORGED_SITE)))
    before = counts(db)
    result = refuse_in_child(db, bomb)
    assert counts(db) == before
    print(  # the figures issue 14 asks for (pytest -s shows them)
        f"{bomb.name}: refused in {result.seconds:.2f} s, peak {result.peak_mib:.0f} MiB "
        f"({result.peak_mib - result.baseline_mib:+.0f} MiB during the import)"
    )
    return result


def test_a_forged_bomb_is_refused_by_its_signature_before_inflating(
    db_path: Path, bombs: dict[int, Path]
) -> None:
    result = refused(db_path, bombs[3])
    assert "signature ne correspond pas" in result.message
    assert "Rien n'a été importé" in result.message
    assert result.seconds < 5
    assert result.peak_mib - result.baseline_mib < 20
    assert result.peak_mib < BUDGET_MIB


def test_a_bomb_of_the_old_format_is_refused_from_its_header(
    db_path: Path, bombs: dict[int, Path]
) -> None:
    result = refused(db_path, bombs[2])
    assert "ancienne clé commune du réseau" in result.message
    assert result.seconds < 5
    assert result.peak_mib - result.baseline_mib < 20
    assert result.peak_mib < BUDGET_MIB


@pytest.fixture(scope="module")
def medium_bundle(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> tuple[Path, PublicKeyFile]:
    """A place's signed full bundle with 30 000 visits (15 MB inflated, 2 MB on disk), and
    the place's public key."""
    folder = tmp_path_factory.mktemp("moyen")
    db = folder / "lieu.sqlite"
    shutil.copyfile(template_db, db)
    app = build(str(db))
    try:
        site = app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin")
        service = app.config.list_services(site.id)[0]
        app.visits.count(
            site_id=site.id,
            service_id=service.id,
            activity_date=date(2025, 3, 4),
            activity_time=time(10, 30),
        )
        exported = folder / "export.bundle"
        app.bundles.export_bundle(site.id, exported, since=None, mode="full")
        signer = PlaceKeyService(app.uow).signer(site.id)
    finally:
        app.close()
    lines = gzip.decompress(exported.read_bytes()).splitlines()[1:]
    records = [json.loads(line) for line in lines]
    at = next(i for i, r in enumerate(records) if r.get("table") == "visit")
    visit = records[at]["row"]
    rng = random.Random(14)
    first = date(2023, 1, 2)
    more = [
        {
            "kind": "row",
            "table": "visit",
            "row": {
                **visit,
                "id": uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                "activity_date": (first + timedelta(days=n % 1000)).isoformat(),
            },
        }
        for n in range(MEDIUM_VISITS - 1)
    ]
    bundle = folder / "moyen.bundle"
    payload = fileformat.encode_lines(iter([*records[: at + 1], *more, *records[at + 1 :]]))
    fileformat.write(bundle, payload, signer)
    return bundle, public(signer)


def test_a_large_legitimate_bundle_is_merged_in_bounded_memory(
    db_path: Path, medium_bundle: tuple[Path, PublicKeyFile]
) -> None:
    bundle, key = medium_bundle
    trust(db_path, key)
    result = refuse_in_child(db_path, bundle)
    assert result.message == ""
    assert counts(db_path)["visit"] == MEDIUM_VISITS
    growth = result.peak_mib - result.baseline_mib
    print(
        f"{MEDIUM_VISITS} rows merged in {result.seconds:.2f} s, peak {result.peak_mib:.0f} MiB "
        f"({growth:+.0f} MiB during the import)"
    )
    assert growth < 40  # 148 MiB when every record was held
    assert result.peak_mib < BUDGET_MIB
