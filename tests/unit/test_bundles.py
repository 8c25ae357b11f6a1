"""Bundles between two databases: a site's export merged into a coordinator's base gives the
same report; a tampered file is refused; twice = once; last writer wins with a conflict
logged; tombstones delete; the anonymous and aggregates modes carry what they promise."""

from __future__ import annotations

import gzip
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import BundleConflict, BundleImport, Person, Tombstone, Visit, metadata
from tiers_lieu.reports.csv_export import csv_text
from tiers_lieu.services.bundles import BundleService, install_tombstone_listener
from tiers_lieu.services.bundles.tables import travelling_tables

KEY = b"k" * 32
TODAY = date(2026, 6, 30)
PERIOD = (date(2024, 1, 1), date(2026, 12, 31))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    install_tombstone_listener()
    app = build(str(path))
    app.demo.generate(scale="small", seed=3, today=TODAY)
    app.close()
    return path


@pytest.fixture
def site_a(demo_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    target = tmp_path / "site_a.sqlite"
    shutil.copyfile(demo_db, target)
    install_tombstone_listener()
    app = build(str(target))
    yield app
    app.close()


@pytest.fixture
def coordinator(template_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    target = tmp_path / "coordination.sqlite"
    shutil.copyfile(template_db, target)
    app = build(str(target))
    yield app
    app.close()


def _report(app: Comptoir, site_id: uuid.UUID) -> str:
    data = app.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1], site_ids=[site_id])
    return csv_text(data)


def _counts(app: Comptoir) -> dict[str, int]:
    with app.uow() as uow:
        return {
            t.name: uow.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def _export(app: Comptoir, site_id: uuid.UUID, out: Path, **kw: object) -> Path:
    BundleService(app.uow).export_bundle(
        site_id,
        out,
        since=kw.get("since"),
        mode=kw.get("mode", "full"),
        key=KEY,  # type: ignore[arg-type]
    )
    return out


def _first_site(app: Comptoir) -> uuid.UUID:
    return app.sites.list_sites()[0].id


def test_full_round_trip_gives_the_same_report(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    site_id = _first_site(site_a)
    bundle = _export(site_a, site_id, tmp_path / "a.bundle")
    result = BundleService(coordinator.uow).import_bundle(bundle, key=KEY)
    assert result.inserted > 100 and result.conflicts == 0
    assert [s.name for s in coordinator.sites.list_sites()] == [site_a.sites.list_sites()[0].name]
    before = _report(site_a, site_id)
    assert "Accueil" in before or len(before.splitlines()) > 10
    assert _report(coordinator, site_id) == before


def test_every_site_of_a_network_merges_and_reports_cover_them_all(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    sites = site_a.sites.list_sites()
    for index, site in enumerate(sites):
        bundle = _export(site_a, site.id, tmp_path / f"{index}.bundle")
        BundleService(coordinator.uow).import_bundle(bundle, key=KEY)
    ids = [s.id for s in sites]
    a = site_a.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1], site_ids=ids)
    b = coordinator.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1], site_ids=ids)
    assert csv_text(a) == csv_text(b)


def test_a_tampered_bundle_is_refused_and_nothing_is_written(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    bundle = _export(site_a, _first_site(site_a), tmp_path / "a.bundle")
    raw = bytearray(bundle.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    flipped = tmp_path / "flipped.bundle"
    flipped.write_bytes(bytes(raw))
    # A cleverer forgery: the content changed and compressed again, signature kept.
    text = gzip.decompress(bundle.read_bytes()).replace(b'"count":1,', b'"count":9,', 1)
    forged = tmp_path / "forged.bundle"
    forged.write_bytes(gzip.compress(text))
    before = _counts(coordinator)
    for path in (flipped, forged):
        with pytest.raises(ComptoirError, match="signature ne correspond pas"):
            BundleService(coordinator.uow).import_bundle(path, key=KEY)
    with pytest.raises(ComptoirError, match="signature"):
        BundleService(coordinator.uow).import_bundle(bundle, key=b"x" * 32)
    assert _counts(coordinator) == before


def test_importing_twice_changes_nothing(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    bundle = _export(site_a, _first_site(site_a), tmp_path / "a.bundle")
    BundleService(coordinator.uow).import_bundle(bundle, key=KEY)
    once = _counts(coordinator)
    again = BundleService(coordinator.uow).import_bundle(bundle, key=KEY)
    assert again.already_imported
    assert _counts(coordinator) == once
    # A second export of unchanged data is a new bundle whose rows are all known already.
    second = _export(site_a, _first_site(site_a), tmp_path / "b.bundle")
    result = BundleService(coordinator.uow).import_bundle(second, key=KEY)
    assert (result.inserted, result.updated, result.deleted) == (0, 0, 0)
    counts = _counts(coordinator)
    assert counts["bundle_import"] == once["bundle_import"] + 1
    assert {k: v for k, v in counts.items() if k != "bundle_import"} == {
        k: v for k, v in once.items() if k != "bundle_import"
    }


def _person_name(app: Comptoir, person_id: uuid.UUID) -> str:
    with app.uow() as uow:
        person = uow.session.get(Person, person_id)
        assert person is not None
        return person.first_name


def _rename(app: Comptoir, person_id: uuid.UUID, name: str, at: datetime) -> None:
    with app.uow() as uow:
        uow.session.execute(
            update(Person).where(Person.id == person_id).values(first_name=name, updated_at=at)  # type: ignore[arg-type]
        )
        uow.commit()


def test_last_writer_wins_and_the_conflict_is_logged(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    site_id = _first_site(site_a)
    BundleService(coordinator.uow).import_bundle(
        _export(site_a, site_id, tmp_path / "1.bundle"), key=KEY
    )
    with site_a.uow() as uow:
        person_id = uow.session.execute(
            select(Person.id).where(Person.site_id == site_id).limit(1)  # type: ignore[arg-type]
        ).scalar_one()
    now = datetime.now(UTC)
    _rename(coordinator, person_id, "Coordination", now + timedelta(minutes=1))
    _rename(site_a, person_id, "Lieu", now + timedelta(minutes=2))
    result = BundleService(coordinator.uow).import_bundle(
        _export(site_a, site_id, tmp_path / "2.bundle"), key=KEY
    )
    assert result.conflicts == 1 and result.updated == 1
    assert _person_name(coordinator, person_id) == "Lieu"
    with coordinator.uow() as uow:
        conflict = uow.session.execute(select(BundleConflict)).scalar_one()
        logged = (conflict.table_name, conflict.row_id, conflict.kept)
    assert logged == ("person", person_id, "incoming")
    # The coordinator's later edit wins over an older incoming one, and is logged too.
    _rename(coordinator, person_id, "Plus tard", now + timedelta(minutes=5))
    _rename(site_a, person_id, "Avant", now + timedelta(minutes=3))
    result = BundleService(coordinator.uow).import_bundle(
        _export(site_a, site_id, tmp_path / "3.bundle"), key=KEY
    )
    assert result.conflicts == 1 and result.updated == 0
    assert _person_name(coordinator, person_id) == "Plus tard"


def test_a_deletion_travels_as_a_tombstone(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    site_id = _first_site(site_a)
    BundleService(coordinator.uow).import_bundle(
        _export(site_a, site_id, tmp_path / "1.bundle"), key=KEY
    )
    with site_a.uow() as uow:
        visit_id = uow.session.execute(
            select(Visit.id).where(Visit.site_id == site_id, Visit.event_id.is_(None)).limit(1)  # type: ignore[arg-type, union-attr]
        ).scalar_one()
    site_a.visit_log.delete(visit_id, user_id=None)
    with site_a.uow() as uow:
        stone = uow.session.execute(select(Tombstone)).scalar_one()
        recorded = (stone.table_name, stone.row_id, stone.site_id)
    assert recorded == ("visit", visit_id, site_id)
    since = datetime.now(UTC) - timedelta(hours=1)
    result = BundleService(coordinator.uow).import_bundle(
        _export(site_a, site_id, tmp_path / "2.bundle", since=since), key=KEY
    )
    assert result.deleted == 1
    with coordinator.uow() as uow:
        assert uow.session.get(Visit, visit_id) is None
    assert _report(coordinator, site_id) == _report(site_a, site_id)


def test_anonymous_mode_carries_no_personal_data(site_a: Comptoir, tmp_path: Path) -> None:
    site_id = _first_site(site_a)
    with site_a.uow() as uow:
        query = select(Person.last_name, Person.phone, Person.email, Person.note).where(
            Person.site_id == site_id,  # type: ignore[arg-type]
            Person.last_name != "",  # type: ignore[arg-type]
        )
        people = [tuple(row) for row in uow.session.execute(query)]
    assert people
    full = gzip.decompress(_export(site_a, site_id, tmp_path / "f.bundle").read_bytes())
    anon_bundle = _export(site_a, site_id, tmp_path / "a.bundle", mode="anonymous")
    anon = gzip.decompress(anon_bundle.read_bytes())
    checked = 0
    for fields in people:
        for value in fields:
            if len(value) > 3:
                checked += 1
                assert value.encode() in full
                assert f'"{value}"'.encode() not in anon, value
    assert checked >= len(people)
    assert b'"table":"visit"' in anon


def test_aggregates_mode_carries_only_the_indicators(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path
) -> None:
    site_id = _first_site(site_a)
    indicators = _report(site_a, site_id)
    out = tmp_path / "agg.bundle"
    BundleService(site_a.uow).export_bundle(
        site_id, out, since=None, mode="aggregates", key=KEY, indicators_csv=indicators
    )
    raw = gzip.decompress(out.read_bytes())
    assert b'"kind":"row"' not in raw and b'"table"' not in raw
    before = _counts(coordinator)
    result = BundleService(coordinator.uow).import_bundle(out, key=KEY)
    assert result.indicators_csv == indicators
    after = _counts(coordinator)
    assert after["visit"] == before["visit"] == 0
    assert after["bundle_import"] == 1


def test_the_tables_travel_parents_first() -> None:
    names = [t.name for t in travelling_tables()]
    assert names[0] == "site"
    for a, b in [
        ("category", "visit"),
        ("service", "visit"),
        ("commune", "person"),
        ("person", "visit"),
        ("resource", "booking"),
    ]:
        assert names.index(a) < names.index(b)
    assert "app_user" not in names and "audit_entry" not in names
    assert BundleImport.__tablename__ not in names
