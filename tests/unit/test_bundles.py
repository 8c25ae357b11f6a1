"""Bundles between two databases: a site's export merged into a coordinator's base gives the
same report; a tampered file is refused; twice = once; last writer wins with a conflict
logged; tombstones delete; the anonymous and aggregates modes carry what they promise.

Each place signs with its own key, which the coordinator trusts (``coordinator`` fixture); what
a place may not do with its key is in ``tests/integration/test_bundle_trust.py``."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bundlebomb import write_bomb
from sqlalchemy import func, select, update
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import BundleConflict, BundleImport, Person, Tombstone, Visit, metadata
from tiers_lieu.reports.csv_export import csv_text
from tiers_lieu.services.bundles import (
    fileformat,
    install_tombstone_listener,
    merge,
    vocabularies,
)
from tiers_lieu.services.bundles.placekeys import (
    PlaceKeyService,
    PublicKeyFile,
    Signer,
    verify,
)
from tiers_lieu.services.bundles.tables import travelling_tables
from tiers_lieu.services.people import PersonInput
from tiers_lieu.validation import checked_columns

TODAY = date(2026, 6, 30)
PERIOD = (date(2024, 1, 1), date(2026, 12, 31))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    install_tombstone_listener()
    app = build(str(path))
    app.demo.generate(scale="small", seed=3, today=TODAY)
    for site in app.sites.list_sites():  # made at first use: once here, the same in every copy
        PlaceKeyService(app.uow).own_key(site.id)
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
def coordinator(site_a: Comptoir, template_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    """A coordinator's base that trusts the keys of every place of ``site_a``."""
    target = tmp_path / "coordination.sqlite"
    shutil.copyfile(template_db, target)
    app = build(str(target))
    _trust_places(app, site_a)
    yield app
    app.close()


@pytest.fixture(scope="module")
def first_bundle(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole bundle of the demo's first place, exported once for the module (an export
    takes about a second): the tests that read or merge it unchanged share it."""
    folder = tmp_path_factory.mktemp("first-bundle")
    with _opened(demo_db, folder) as app:
        return _export(app, _first_site(app), folder / "a.bundle")


@pytest.fixture(scope="module")
def merged_db(demo_db: Path, first_bundle: Path, template_db: Path, tmp_path_factory) -> Path:
    """A coordinator's base trusting the demo's places, with :func:`first_bundle` merged."""
    folder = tmp_path_factory.mktemp("merged")
    target = folder / "coordination.sqlite"
    shutil.copyfile(template_db, target)
    with _opened(demo_db, folder) as place, build(str(target)) as app:
        _trust_places(app, place)
        app.bundles.import_bundle(first_bundle)
    return target


@pytest.fixture
def merged(merged_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    """The coordinator's base once the first place's whole bundle was merged (a copy)."""
    with _opened(merged_db, tmp_path) as app:
        yield app


@contextmanager
def _opened(source: Path, folder: Path) -> Iterator[Comptoir]:
    """The application on a copy of ``source`` in ``folder``."""
    target = folder / source.name
    shutil.copyfile(source, target)
    app = build(str(target))
    try:
        yield app
    finally:
        app.close()


def _trust_places(coordinator: Comptoir, place: Comptoir) -> None:
    keys = PlaceKeyService(coordinator.uow)
    for site in place.sites.list_sites():
        info = PlaceKeyService(place.uow).own_key(site.id)
        keys.trust(PublicKeyFile(site.id, info.label, info.public_key, info.fingerprint))


def _signer(app: Comptoir, site_id: uuid.UUID | None = None) -> Signer:
    """The place's own key: what a place can sign anything with."""
    return PlaceKeyService(app.uow).signer(site_id or _first_site(app))


def _delete_visit(app: Comptoir, visit_id: uuid.UUID) -> None:
    with app.uow() as uow:
        visit = uow.session.get(Visit, visit_id)
        assert visit is not None
        uow.session.delete(visit)  # the listener leaves a tombstone
        uow.commit()


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
    app.bundles.export_bundle(
        site_id,
        out,
        since=kw.get("since"),
        mode=kw.get("mode", "full"),  # type: ignore[arg-type]
    )
    return out


def _first_site(app: Comptoir) -> uuid.UUID:
    return app.sites.list_sites()[0].id


def test_full_round_trip_gives_the_same_report(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path
) -> None:
    site_id = _first_site(site_a)
    result = coordinator.bundles.import_bundle(first_bundle)
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
        coordinator.bundles.import_bundle(bundle)
    ids = [s.id for s in sites]
    a = site_a.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1], site_ids=ids)
    b = coordinator.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1], site_ids=ids)
    assert csv_text(a) == csv_text(b)


def test_a_tampered_bundle_is_refused_and_nothing_is_written(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    bundle = first_bundle
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
            coordinator.bundles.import_bundle(path)
    # Signed in the place's name by another key.
    stolen = tmp_path / "autre-cle.bundle"
    payload = gzip.decompress(bundle.read_bytes()).split(b"\n", 1)[1]
    fileformat.write(stolen, payload, Signer.generate(_first_site(site_a)))
    with pytest.raises(ComptoirError, match="signature ne correspond pas"):
        coordinator.bundles.import_bundle(stolen)
    assert _counts(coordinator) == before


def test_importing_twice_changes_nothing(
    site_a: Comptoir, merged: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    once = _counts(merged)
    assert once["bundle_import"] == 1
    again = merged.bundles.import_bundle(first_bundle)
    assert again.already_imported
    assert _counts(merged) == once
    # A second export of unchanged data is a new bundle whose rows are all known already.
    second = _export(site_a, _first_site(site_a), tmp_path / "b.bundle")
    result = merged.bundles.import_bundle(second)
    assert (result.inserted, result.updated, result.deleted) == (0, 0, 0)
    counts = _counts(merged)
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
    site_a: Comptoir, merged: Comptoir, tmp_path: Path
) -> None:
    coordinator = merged  # the first place's whole bundle merged
    site_id = _first_site(site_a)
    with site_a.uow() as uow:
        person_id = uow.session.execute(
            select(Person.id).where(Person.site_id == site_id).limit(1)  # type: ignore[arg-type]
        ).scalar_one()
    now = datetime.now(UTC)
    _rename(coordinator, person_id, "Coordination", now + timedelta(minutes=1))
    _rename(site_a, person_id, "Lieu", now + timedelta(minutes=2))
    result = coordinator.bundles.import_bundle(
        _export(site_a, site_id, tmp_path / "2.bundle", since=now),
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
    result = coordinator.bundles.import_bundle(
        _export(site_a, site_id, tmp_path / "3.bundle", since=now),
    )
    assert result.conflicts == 1 and result.updated == 0
    assert _person_name(coordinator, person_id) == "Plus tard"


def test_a_deletion_travels_as_a_tombstone(
    site_a: Comptoir, merged: Comptoir, tmp_path: Path
) -> None:
    coordinator = merged  # the first place's whole bundle merged
    site_id = _first_site(site_a)
    with site_a.uow() as uow:
        visit_id = uow.session.execute(
            select(Visit.id).where(Visit.site_id == site_id, Visit.event_id.is_(None)).limit(1)  # type: ignore[arg-type, union-attr]
        ).scalar_one()
    _delete_visit(site_a, visit_id)
    with site_a.uow() as uow:
        stone = uow.session.execute(select(Tombstone)).scalar_one()
        recorded = (stone.table_name, stone.row_id, stone.site_id)
    assert recorded == ("visit", visit_id, site_id)
    since = datetime.now(UTC) - timedelta(hours=1)
    result = coordinator.bundles.import_bundle(
        _export(site_a, site_id, tmp_path / "2.bundle", since=since),
    )
    assert result.deleted == 1
    with coordinator.uow() as uow:
        assert uow.session.get(Visit, visit_id) is None
    assert _report(coordinator, site_id) == _report(site_a, site_id)


def test_anonymous_mode_carries_no_personal_data(
    site_a: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    site_id = _first_site(site_a)
    with site_a.uow() as uow:
        query = select(Person.last_name, Person.phone, Person.email, Person.note).where(
            Person.site_id == site_id,  # type: ignore[arg-type]
            Person.last_name != "",  # type: ignore[arg-type]
        )
        people = [tuple(row) for row in uow.session.execute(query)]
    assert people
    full = gzip.decompress(first_bundle.read_bytes())
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
    site_a.bundles.export_bundle(
        site_id, out, since=None, mode="aggregates", indicators_csv=indicators
    )
    raw = gzip.decompress(out.read_bytes())
    assert b'"kind":"row"' not in raw and b'"table"' not in raw
    before = _counts(coordinator)
    result = coordinator.bundles.import_bundle(out)
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
    assert "place_key" not in names  # private keys never leave the base
    assert BundleImport.__tablename__ not in names


# -- the file: signature over the compressed payload, bounded reading, older bundles ----------
def _records(bundle: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in gzip.decompress(bundle.read_bytes()).splitlines()[1:]]


def test_the_signature_covers_the_compressed_payload_read_before_inflating(
    site_a: Comptoir, first_bundle: Path
) -> None:
    raw = first_bundle.read_bytes()
    head = gzip.decompress(raw).split(b"\n", 1)[0]
    header = json.loads(head)
    site_id = _first_site(site_a)
    assert (header["version"], header["site_id"]) == (3, site_id.hex)
    body = raw[len(gzip.compress(head + b"\n", mtime=0)) :]
    message = fileformat.signed_message(site_id, hashlib.sha256(body).hexdigest())
    key = PlaceKeyService(site_a.uow).own_key(site_id).public_key
    assert verify(key, base64.b64decode(header["signature"]), message)
    assert gzip.decompress(body).startswith(b'{"kind":"meta"')


def test_a_file_past_the_size_limit_is_refused_without_being_read(
    coordinator: Comptoir, tmp_path: Path
) -> None:
    huge = tmp_path / "enorme.bundle"
    with open(huge, "wb") as handle:  # sparse: takes no disk, stat says 65 MiB
        handle.truncate(fileformat.MAX_FILE_BYTES + 1024 * 1024)
    before = _counts(coordinator)
    with pytest.raises(ComptoirError) as refused:
        coordinator.bundles.import_bundle(huge)
    assert "Ce paquet pèse 65 Mo : au-delà de 64 Mo" in refused.value.message
    assert _counts(coordinator) == before


@pytest.mark.parametrize(
    ("filler", "expected"),
    [(b"\0", "une de ses lignes dépasse 1 Mo"), (b"\n", "il dépasserait 4 Mo")],
)
def test_even_a_signed_bomb_is_inflated_only_up_to_the_limits(
    site_a: Comptoir,
    coordinator: Comptoir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    filler: bytes,
    expected: str,
) -> None:
    monkeypatch.setattr(fileformat, "MAX_INFLATED_BYTES", 4 * fileformat.MIB)
    monkeypatch.setattr(fileformat, "MAX_LINE_BYTES", 1 * fileformat.MIB)
    bomb = tmp_path / "bombe.bundle"
    write_bomb(bomb, inflated=64 * fileformat.MIB, signer=_signer(site_a), filler=filler)
    before = _counts(coordinator)
    with pytest.raises(ComptoirError, match=expected):
        coordinator.bundles.import_bundle(bomb)
    assert _counts(coordinator) == before


def test_a_cut_or_padded_bundle_is_refused(
    coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    raw = first_bundle.read_bytes()
    cut = tmp_path / "coupe.bundle"
    cut.write_bytes(raw[: len(raw) - 100])
    added = tmp_path / "ajout.bundle"
    added.write_bytes(raw + gzip.compress(b'{"kind":"row"}\n'))
    for path in (cut, added, tmp_path / "vide.bundle"):
        path.touch()
        with pytest.raises(ComptoirError, match="signature ne correspond pas"):
            coordinator.bundles.import_bundle(path)


def test_a_signed_bundle_carrying_bad_field_shapes_is_refused_whole(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    records = _records(first_bundle)
    visit = next(r for r in records if r.get("table") == "visit")
    visit["row"]["activity_date"] = "0001-01-01"  # type: ignore[index]
    bad = tmp_path / "an1.bundle"
    fileformat.write(bad, fileformat.encode_lines(iter(records)), _signer(site_a))
    before = _counts(coordinator)
    with pytest.raises(ComptoirError) as refused:
        coordinator.bundles.import_bundle(bad)
    assert refused.value.message == (
        "Ce paquet est refusé, rien n'a été importé : Date de l'activité : les dates vont de "
        "1900 à 2100 (année 1 reçue)"
    )
    visit["row"]["activity_date"] = "2026-03-02"  # type: ignore[index]
    person = next(r for r in records if r.get("table") == "person")
    person["row"]["note"] = "rappeler\x00"  # type: ignore[index]
    fileformat.write(bad, fileformat.encode_lines(iter(records)), _signer(site_a))
    with pytest.raises(ComptoirError, match="Note : caractère de contrôle interdit"):
        coordinator.bundles.import_bundle(bad)
    assert _counts(coordinator) == before


def test_a_signed_bundle_with_a_value_of_the_wrong_type_is_refused_whole(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    """A bundle signed by a trusted place (its key stolen, or its program broken) still gets
    every value checked against its column's type: nothing of it is written. Each bundle
    holds the place's row, then the changed visit: the place is not written either."""
    records = _records(first_bundle)
    visit = next(r for r in records if r.get("table") == "visit")
    before = _counts(coordinator)
    for number, (column, value) in enumerate(
        (
            ("count", "x" * 1000),  # was stored as text in an integer column
            ("count", True),
            ("count", 10**30),  # was a traceback (SQLite's INTEGER overflows)
            ("count", {"a": 1}),
            ("source", -1),
            ("source", False),
        )
    ):
        changed = json.loads(json.dumps([records[0], records[1], visit]))  # meta, site, visit
        changed[-1]["row"][column] = value
        bad = tmp_path / f"type-{number}.bundle"
        fileformat.write(bad, fileformat.encode_lines(iter(changed)), _signer(site_a))
        with pytest.raises(ComptoirError, match=f"visit : valeur illisible .*, champ {column}$"):
            coordinator.bundles.import_bundle(bad)
        assert _counts(coordinator) == before, (column, value)


def test_a_signed_bundle_with_a_value_outside_its_columns_list_is_refused_whole(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    """A text column with a closed list (a visit's source, a booking's status, the Coop's
    keys, the place's time zone) takes none other: « 2026-02-30 » was stored as a source.
    A text longer than its column is refused too (by ``check_row``), naming the field. Each
    bundle holds the place's row, then the changed one: the place is not written either."""
    records = _records(first_bundle)
    before = _counts(coordinator)
    for table, column, value, refusal in (
        ("visit", "source", "2026-02-30", None),
        ("booking", "status", "annulé", None),
        ("assistance_record", "channel", "pigeon", None),
        ("event", "digital_themes", "email;2026-02-30", None),
        ("site", "timezone", "Mars/Olympus", None),
        ("person", "note", "x" * 281, "Note : 280 caractères au plus (281 reçus)"),
    ):
        changed = json.loads(json.dumps([records[0], records[1]]))  # meta, site
        if table != "site":
            changed.append(
                json.loads(json.dumps(next(r for r in records if r.get("table") == table)))
            )
        row = changed[-1]["row"]
        row[column] = value
        bad = tmp_path / f"{table}.bundle"
        fileformat.write(bad, fileformat.encode_lines(iter(changed)), _signer(site_a))
        with pytest.raises(ComptoirError) as refused:
            coordinator.bundles.import_bundle(bad)
        assert refused.value.message == "Ce paquet est refusé, rien n'a été importé : " + (
            refusal
            or f"{table} : valeur illisible ou hors de sa liste dans la ligne {row['id']}, "
            f"champ {column}"
        )
        assert _counts(coordinator) == before


def test_each_closed_list_names_a_text_column_that_travels() -> None:
    texts = {
        (table.name, name)
        for table in travelling_tables()
        for name, kind, _length, _table in checked_columns(table)
        if kind == "text"
    }
    listed = {*vocabularies.ONE_OF, *vocabularies.MANY_OF, ("site", "timezone")}
    assert listed - texts == set()
    assert all(vocabularies.allowed(*key) is not None for key in listed)


def test_a_signed_line_nested_beyond_pythons_stack_is_refused(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    records = _records(first_bundle)
    payload = fileformat.encode_lines(iter(records[:1])) + b"[" * 200_000 + b"]" * 200_000 + b"\n"
    bad = tmp_path / "profond.bundle"
    fileformat.write(bad, payload, _signer(site_a))
    before = _counts(coordinator)
    with pytest.raises(ComptoirError, match="Rien n'a été importé"):
        coordinator.bundles.import_bundle(bad)
    assert _counts(coordinator) == before


# -- merged as it is read: batches, order, refusals in the middle ------------------------------
def test_batches_of_any_size_give_the_same_base(
    site_a: Comptoir, coordinator: Comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_id = _first_site(site_a)
    # A merged person points at the kept one, which comes after it (rows go by id), in a
    # later batch: the reference is written once the kept one is in.
    a = site_a.people.create(site_id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    b = site_a.people.create(site_id, PersonInput(first_name="Aline", last_name="DUBREUIL"))
    low, high = sorted((a.id, b.id))
    site_a.people.merge(keep_id=high, merge_id=low)
    bundle = _export(site_a, site_id, tmp_path / "a.bundle")
    monkeypatch.setattr(merge, "BATCH", 7)
    monkeypatch.setattr(merge, "CHUNK", 3)
    result = coordinator.bundles.import_bundle(bundle)
    assert result.inserted == sum(1 for r in _records(bundle) if r.get("kind") == "row")
    assert _report(coordinator, site_id) == _report(site_a, site_id)

    def merged_into(app: Comptoir) -> tuple[uuid.UUID | None, datetime]:
        with app.uow() as uow:
            person = uow.session.get(Person, low)
            assert person is not None
            return person.merged_into_id, person.updated_at

    assert merged_into(site_a)[0] == high
    # Setting the reference once the kept one is in is not an edit: same updated_at.
    assert merged_into(coordinator) == merged_into(site_a)


def test_deletions_in_several_chunks_are_applied_once(
    site_a: Comptoir, merged: Comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge, "CHUNK", 2)
    coordinator = merged  # the first place's whole bundle merged
    site_id = _first_site(site_a)
    query = (
        select(col(Visit.id))
        .where(col(Visit.site_id) == site_id, col(Visit.event_id).is_(None))
        .limit(5)
    )
    with site_a.uow() as uow:
        visit_ids = uow.session.execute(query).scalars().all()
    since = datetime.now(UTC)  # the next bundles carry what changed from now on
    for visit_id in visit_ids:
        _delete_visit(site_a, visit_id)
    result = coordinator.bundles.import_bundle(
        _export(site_a, site_id, tmp_path / "2.bundle", since=since),
    )
    assert result.deleted == 5
    # A later bundle carries the same deletions again: nothing more to delete, no error.
    again = coordinator.bundles.import_bundle(
        _export(site_a, site_id, tmp_path / "3.bundle", since=since),
    )
    assert again.deleted == 0
    assert _counts(coordinator)["tombstone"] == 5
    assert _report(coordinator, site_id) == _report(site_a, site_id)


def test_a_bundle_written_in_another_order_merges_the_same(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    site_id = _first_site(site_a)
    records = _records(first_bundle)
    shuffled = [records[0], *reversed(records[1:])]  # children before their parents
    out = tmp_path / "desordre.bundle"
    fileformat.write(out, fileformat.encode_lines(iter(shuffled)), _signer(site_a))
    coordinator.bundles.import_bundle(out)
    assert _report(coordinator, site_id) == _report(site_a, site_id)


def test_a_refusal_after_thousands_of_rows_merged_leaves_nothing(
    site_a: Comptoir,
    coordinator: Comptoir,
    first_bundle: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fileformat, "MAX_LINE_BYTES", fileformat.MIB)
    records = _records(first_bundle)
    assert len(records) > 3 * merge.BATCH
    payload = fileformat.encode_lines(iter(records)) + b"x" * (2 * fileformat.MIB)
    bad = tmp_path / "fin-trop-longue.bundle"
    fileformat.write(bad, payload, _signer(site_a))
    before = _counts(coordinator)
    with pytest.raises(ComptoirError, match="une de ses lignes dépasse 1 Mo"):
        coordinator.bundles.import_bundle(bad)
    assert _counts(coordinator) == before


def test_a_reference_to_a_row_the_bundle_lacks_is_refused_in_french(
    site_a: Comptoir, coordinator: Comptoir, first_bundle: Path, tmp_path: Path
) -> None:
    records = _records(first_bundle)
    visit = next(r for r in records if r.get("table") == "visit")
    visit["row"]["service_id"] = uuid.uuid4().hex  # type: ignore[index]
    bad = tmp_path / "orphelin.bundle"
    fileformat.write(bad, fileformat.encode_lines(iter(records)), _signer(site_a))
    before = _counts(coordinator)
    with pytest.raises(ComptoirError, match=r"référence manquante.*Rien n'a été importé"):
        coordinator.bundles.import_bundle(bad)
    assert _counts(coordinator) == before
