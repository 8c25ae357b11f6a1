"""Issue 15, point 1: a bundle speaks only for the place that signed it, on SQLite and on
PostgreSQL coordinators.

Two places, A and B, each in its own SQLite file with its own key; the coordinator trusts
both and holds B's people and visits. Place A (a holder of a trusted key, as any place of the
network is) then forges bundles with its own key: a tombstone on B's ``site`` row, B's people
renamed, B's row taken over under A's name, B's visit deleted, a row dated in the future, A's
rows pointing at B's (a visit of B's person, a booking of B's room, a sale line of B's bread).
Each is refused whole, naming the table and the row (and the column pointing), and the
coordinator's base is unchanged. An older bundle imported after a deletion does not bring the
row back; a place not trusted, a byte changed (refused before anything is inflated) and a
bundle of the old shared key are refused; a backup of the base is taken before each import
(SQLite; a PostgreSQL server keeps its own).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pgtest import missing_server, new_database, server_url
from sqlalchemy import func, select
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import (
    Booking,
    Category,
    Person,
    Product,
    Resource,
    Sale,
    SaleLine,
    Service,
    Site,
    Visit,
    metadata,
)
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.bundles import fileformat
from tiers_lieu.services.bundles.placekeys import (
    PlaceKeyService,
    PublicKeyFile,
    Signer,
)
from tiers_lieu.services.bundles.tables import to_json

PEOPLE = 4
VISITS = 6


@dataclass
class Place:
    path: Path
    site_id: uuid.UUID
    name: str

    def app(self) -> Comptoir:
        return build(str(self.path))


def _make_place(folder: Path, template: Path, name: str) -> Place:
    path = folder / f"{name}.sqlite"
    shutil.copyfile(template, path)
    app = build(str(path))
    try:
        site = app.sites.init_site(name=name)
        with app.uow() as uow:
            service = Service(site_id=site.id, name="Accueil libre", kind="welcome")
            uow.session.add(service)
            uow.session.add(Resource(site_id=site.id, name="Salle du haut", kind="meeting_room"))
            uow.session.add(Product(site_id=site.id, name="Pain de seigle", price_cents=450))
            uow.session.flush()
            for n in range(PEOPLE):
                uow.session.add(
                    Person(
                        site_id=site.id,
                        first_name=f"Prénom{n}",
                        last_name=f"Nom{n}",
                        note="à rappeler",
                    )
                )
            for n in range(VISITS):
                uow.session.add(
                    Visit(
                        site_id=site.id,
                        service_id=service.id,
                        activity_date=date(2026, 3, 2 + n),
                        count=1,
                    )
                )
            uow.commit()
        PlaceKeyService(app.uow).own_key(site.id)  # the place's key, made once
    finally:
        app.close()
    return Place(path, site.id, name)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> dict[str, Place]:
    folder = tmp_path_factory.mktemp("reseau")
    return {
        name: _make_place(folder, template_db, name)
        for name in ("La Grange", "Le Fournil", "Inconnu")
    }


@pytest.fixture
def places(network: dict[str, Place], tmp_path: Path) -> dict[str, Place]:
    """This test's own copies of the places' files (same sites, same keys)."""
    copies = {}
    for name, place in network.items():
        target = tmp_path / place.path.name
        shutil.copyfile(place.path, target)
        copies[name] = Place(target, place.site_id, name)
    return copies


@pytest.fixture(params=["sqlite", "postgresql"])
def coordinator(
    request: pytest.FixtureRequest, template_db: Path, tmp_path: Path
) -> Iterator[Comptoir]:
    if request.param == "sqlite":
        target = tmp_path / "coordination.sqlite"
        shutil.copyfile(template_db, target)
        app = build(str(target))
        yield app
        app.close()
        return
    if (why := missing_server()) is not None:
        pytest.skip(why)
    template = request.getfixturevalue("pg_template")
    with new_database(server_url(), template=template) as url:
        app = build(url)
        try:
            yield app
        finally:
            app.close()


def public_key(place: Place) -> PublicKeyFile:
    app = place.app()
    try:
        info = PlaceKeyService(app.uow).own_key(place.site_id)
    finally:
        app.close()
    return PublicKeyFile(place.site_id, info.label, info.public_key, info.fingerprint)


def signer(place: Place) -> Signer:
    app = place.app()
    try:
        return PlaceKeyService(app.uow).signer(place.site_id)
    finally:
        app.close()


def export(place: Place, out: Path, *, since: datetime | None = None) -> Path:
    app = place.app()
    try:
        app.bundles.export_bundle(place.site_id, out, since=since, mode="full")
    finally:
        app.close()
    return out


def records(bundle: Path) -> list[dict[str, Any]]:
    lines = gzip.decompress(bundle.read_bytes()).splitlines()[1:]
    return [json.loads(line) for line in lines]


def forge(place: Place, out: Path, lines: list[dict[str, Any]]) -> Path:
    """A bundle written by ``place`` with its own (trusted) key: any content it likes."""
    fileformat.write(out, fileformat.encode_lines(iter(lines)), signer(place))
    return out


def meta(place: Place) -> dict[str, Any]:
    return {
        "kind": "meta",
        "bundle_id": uuid.uuid4().hex,
        "site_id": place.site_id.hex,
        "site_name": place.name,
        "mode": "full",
        "since": None,
        "created_at": datetime.now(UTC).isoformat(),
    }


def counts(app: Comptoir) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def importing(app: Comptoir, bundle: Path) -> Any:
    return app.bundles.import_bundle(bundle)


@pytest.fixture
def trusted(coordinator: Comptoir, places: dict[str, Place], tmp_path: Path) -> Comptoir:
    """The coordinator trusting La Grange (A) and Le Fournil (B), holding B's data."""
    keys = PlaceKeyService(coordinator.uow)
    for name in ("La Grange", "Le Fournil"):
        assert keys.trust(public_key(places[name])) == "added"
    result = importing(coordinator, export(places["Le Fournil"], tmp_path / "b.bundle"))
    assert result.inserted > PEOPLE + VISITS
    return coordinator


def b_rows(app: Comptoir, place: Place) -> tuple[int, int, list[str]]:
    with app.uow() as uow:
        people = uow.session.execute(
            select(col(Person.first_name)).where(col(Person.site_id) == place.site_id)
        ).scalars()
        names = sorted(people)
        visits = uow.session.execute(
            select(func.count()).select_from(Visit).where(col(Visit.site_id) == place.site_id)
        ).scalar_one()
    return len(names), visits, names


# -- refused whole, naming the row -----------------------------------------------------------
def test_a_tombstone_on_another_place_is_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    a, b = places["La Grange"], places["Le Fournil"]
    before = counts(trusted)
    stone = {
        "kind": "tombstone",
        "table": "site",
        "row_id": b.site_id.hex,
        "deleted_at": datetime.now(UTC).isoformat(),
    }
    with pytest.raises(ComptoirError) as refused:
        importing(trusted, forge(a, tmp_path / "f.bundle", [meta(a), stone]))
    assert "un paquet ne supprime jamais un lieu" in refused.value.message
    assert b.site_id.hex in refused.value.message
    assert "rien n'a été importé" in refused.value.message
    assert counts(trusted) == before
    assert b_rows(trusted, b)[:2] == (PEOPLE, VISITS)
    # Not even its own site row: the place's row is never deleted by a bundle.
    own = {**stone, "row_id": a.site_id.hex}
    with pytest.raises(ComptoirError, match="jamais un lieu"):
        importing(trusted, forge(a, tmp_path / "g.bundle", [meta(a), own]))
    # Nor one of B's visits.
    with trusted.uow() as uow:
        visit_id = uow.session.execute(
            select(col(Visit.id)).where(col(Visit.site_id) == b.site_id).limit(1)
        ).scalar_one()
    stone = {**stone, "table": "visit", "row_id": visit_id.hex}
    with pytest.raises(ComptoirError) as refused:
        importing(trusted, forge(a, tmp_path / "h.bundle", [meta(a), stone]))
    assert f"la ligne {visit_id.hex} de la table « visit » appartient à un autre lieu" in (
        refused.value.message
    )
    assert counts(trusted) == before


def test_rows_of_another_place_are_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    a, b = places["La Grange"], places["Le Fournil"]
    b_bundle = records(export(b, tmp_path / "b2.bundle"))
    person = next(r for r in b_bundle if r.get("table") == "person")
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    renamed = {**person, "row": {**person["row"], "first_name": "Piraté", "updated_at": later}}
    before = counts(trusted)
    names = b_rows(trusted, b)
    person_id = person["row"]["id"]
    # B's person, renamed, in A's bundle.
    with pytest.raises(ComptoirError) as refused:
        importing(trusted, forge(a, tmp_path / "f.bundle", [meta(a), renamed]))
    assert refused.value.message == (
        "Ce paquet est refusé, rien n'a été importé : la ligne "
        f"{person_id} de la table « person » appartient à un autre lieu que celui qui a "
        "signé le paquet."
    )
    # The same row claimed for A: it would move B's person to A.
    taken = {**renamed, "row": {**renamed["row"], "site_id": a.site_id.hex}}
    with pytest.raises(ComptoirError, match=f"la ligne {person_id} de la table « person »"):
        importing(trusted, forge(a, tmp_path / "g.bundle", [meta(a), taken]))
    # A new row inserted into B.
    new = {
        **person,
        "row": {**person["row"], "id": uuid.uuid4().hex, "first_name": "Intrus", "note": "x"},
    }
    with pytest.raises(ComptoirError, match="appartient à un autre lieu"):
        importing(trusted, forge(a, tmp_path / "i.bundle", [meta(a), new]))
    # B's site row itself, renamed by A.
    site = next(r for r in b_bundle if r.get("table") == "site")
    site = {**site, "row": {**site["row"], "name": "Rebaptisé", "updated_at": later}}
    with pytest.raises(ComptoirError, match="de la table « site » appartient à un autre lieu"):
        importing(trusted, forge(a, tmp_path / "j.bundle", [meta(a), site]))
    assert counts(trusted) == before
    assert b_rows(trusted, b) == names
    with trusted.uow() as uow:
        assert uow.session.get(Site, b.site_id).name == "Le Fournil"  # type: ignore[union-attr]


def row_record(row: Any) -> dict[str, Any]:
    """The bundle record of a model instance, as an export writes it."""
    table = row.__table__
    return {
        "kind": "row",
        "table": table.name,
        "row": {column.name: to_json(getattr(row, column.name)) for column in table.c},
    }


def b_row_id(app: Comptoir, place: Place, model: Any) -> uuid.UUID:
    with app.uow() as uow:
        found: uuid.UUID = uow.session.execute(
            select(col(model.id)).where(col(model.site_id) == place.site_id).limit(1)
        ).scalar_one()
    return found


def test_rows_pointing_at_another_places_rows_are_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    """A's rows are A's, but one of them refers to one of B's: a visit of B's person, a
    booking of B's room, a sale line of B's bread. Each refuses the whole bundle, naming the
    row, the column and the row it points at."""
    a, b = places["La Grange"], places["Le Fournil"]
    own = records(export(a, tmp_path / "a.bundle"))
    person = b_row_id(trusted, b, Person)
    resource = b_row_id(trusted, b, Resource)
    product = b_row_id(trusted, b, Product)
    before = counts(trusted)

    def refused_with(lines: list[dict[str, Any]], row: Any, column: str, target: str) -> None:
        with pytest.raises(ComptoirError) as refused:
            name = f"f{uuid.uuid4().hex[:6]}.bundle"
            importing(trusted, forge(a, tmp_path / name, [meta(a), *lines]))
        if isinstance(row, dict):
            table, row_id = row["table"], row["row"]["id"]
        else:
            table, row_id = row.__table__.name, row.id.hex
        pointed = {"person": person, "resource": resource, "product": product}[target]
        assert refused.value.message == (
            "Ce paquet est refusé, rien n'a été importé : la ligne "
            f"{row_id} de la table « {table} » (colonne {column}) désigne la ligne "
            f"{pointed.hex} de la table « {target} », qui appartient à un autre lieu que "
            "celui qui a signé le paquet."
        )
        assert counts(trusted) == before

    # A's visit, B's person.
    visit = next(r for r in own if r.get("table") == "visit")
    pointing = {**visit, "row": {**visit["row"], "person_id": person.hex}}
    rest = [r for r in own[1:] if r is not visit]
    refused_with([*rest, pointing], pointing, "person_id", "person")
    # A's booking of B's room.
    at = datetime(2026, 3, 3, 9, tzinfo=UTC)
    booking = Booking(
        site_id=a.site_id, resource_id=resource, start_at=at, end_at=at + timedelta(hours=1)
    )
    refused_with([*own[1:], row_record(booking)], booking, "resource_id", "resource")
    # A's sale, one line of B's bread.
    sale = Sale(site_id=a.site_id, sold_at=at, total_cents=450)
    line = SaleLine(
        site_id=a.site_id,
        sale_id=sale.id,
        product_id=product,
        quantity_milli=1000,
        unit_price_cents=450,
        vat_rate_bp=550,
        total_cents=450,
    )
    refused_with([*own[1:], row_record(sale), row_record(line)], line, "product_id", "product")
    # A's person merged into B's (a reference within one table, set after the others).
    mine = next(r for r in own if r.get("table") == "person")
    merged = {**mine, "row": {**mine["row"], "merged_into_id": person.hex}}
    rest = [r for r in own[1:] if r is not mine]
    refused_with([*rest, merged], merged, "merged_into_id", "person")
    # The same once A's rows are in: an update of A's visit pointing at B's person.
    assert importing(trusted, forge(a, tmp_path / "a2.bundle", [meta(a), *own[1:]])).inserted
    before = counts(trusted)
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    moved = {**pointing, "row": {**pointing["row"], "updated_at": later}}
    refused_with([moved], moved, "person_id", "person")
    # A's own references, to rows already here or in the same bundle, are taken.
    person_a = mine["row"]["id"]
    fine = {**moved, "row": {**moved["row"], "person_id": person_a}}
    new_person = {**mine, "row": {**mine["row"], "id": uuid.uuid4().hex}}
    new_visit = {**visit, "row": {**visit["row"], "id": uuid.uuid4().hex}}
    new_visit["row"]["person_id"] = new_person["row"]["id"]
    result = importing(
        trusted, forge(a, tmp_path / "a3.bundle", [meta(a), new_person, fine, new_visit])
    )
    assert (result.inserted, result.updated) == (2, 1)
    assert b_rows(trusted, b)[:2] == (PEOPLE, VISITS)


def test_another_places_id_given_to_a_row_of_another_table_does_not_open_the_way(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    """A's own category is given the id of B's person, and A's person refers to it (fine: the
    category is A's); A's visit then names that id as its person: B's person, refused."""
    a, b = places["La Grange"], places["Le Fournil"]
    own = records(export(a, tmp_path / "a.bundle"))
    person = b_row_id(trusted, b, Person)
    category = Category(site_id=a.site_id, kind="gender", label="Autre libellé")
    category.id = person
    mine = next(r for r in own if r.get("table") == "person")
    mine = {**mine, "row": {**mine["row"], "id": uuid.uuid4().hex, "gender_id": person.hex}}
    visit = next(r for r in own if r.get("table") == "visit")
    visit = {**visit, "row": {**visit["row"], "id": uuid.uuid4().hex, "person_id": person.hex}}
    before = counts(trusted)
    lines = [meta(a), *own[1:], row_record(category), mine, visit]
    with pytest.raises(ComptoirError) as refused:
        importing(trusted, forge(a, tmp_path / "f.bundle", lines))
    assert (
        f"la ligne {visit['row']['id']} de la table « visit » (colonne person_id) désigne la "
        f"ligne {person.hex} de la table « person », qui appartient à un autre lieu"
    ) in refused.value.message
    assert counts(trusted) == before


def test_a_reference_to_a_row_claimed_for_another_place_in_the_same_bundle_is_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    """B's row arriving in A's bundle, and A's row pointing at it: refused, whatever comes
    first in the file."""
    a, b = places["La Grange"], places["Le Fournil"]
    own = records(export(a, tmp_path / "a.bundle"))
    mine = next(r for r in own if r.get("table") == "person")
    theirs = {**mine, "row": {**mine["row"], "id": uuid.uuid4().hex, "site_id": b.site_id.hex}}
    visit = next(r for r in own if r.get("table") == "visit")
    pointing = {**visit, "row": {**visit["row"], "person_id": theirs["row"]["id"]}}
    rest = [r for r in own[1:] if r is not visit]
    before = counts(trusted)
    with pytest.raises(ComptoirError, match="appartient à un autre lieu"):
        importing(trusted, forge(a, tmp_path / "f.bundle", [meta(a), *rest, theirs, pointing]))
    assert counts(trusted) == before
    # The other way round (Comptoir never writes it): PostgreSQL refuses the visit as it
    # comes, before the person it names.
    with pytest.raises(ComptoirError, match=r"autre lieu|référence manquante"):
        importing(trusted, forge(a, tmp_path / "g.bundle", [meta(a), *rest, pointing, theirs]))
    assert counts(trusted) == before


def test_a_bundle_claiming_another_place_in_its_records_is_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    a, b = places["La Grange"], places["Le Fournil"]
    lines = records(export(b, tmp_path / "b2.bundle"))
    before = counts(trusted)
    with pytest.raises(ComptoirError, match="signé par un autre lieu que celui dont il porte"):
        importing(trusted, forge(a, tmp_path / "f.bundle", lines))  # B's records, A's key
    assert counts(trusted) == before


def test_a_row_dated_in_the_future_is_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    a = places["La Grange"]
    lines = records(export(a, tmp_path / "a.bundle"))
    person = next(r for r in lines if r.get("table") == "person")
    person["row"]["updated_at"] = "9999-12-31T00:00:00+00:00"
    before = counts(trusted)
    with pytest.raises(ComptoirError) as refused:
        importing(trusted, forge(a, tmp_path / "f.bundle", lines))
    assert refused.value.message == (
        "Ce paquet est refusé, rien n'a été importé : la ligne "
        f"{person['row']['id']} de la table « person » est datée du 31/12/9999 00:00 (UTC), "
        "plus tard que maintenant."
    )
    # An hour ahead is refused too; five minutes (a clock a little fast) is not.
    person["row"]["updated_at"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    with pytest.raises(ComptoirError, match="plus tard que maintenant"):
        importing(trusted, forge(a, tmp_path / "g.bundle", lines))
    assert counts(trusted) == before
    person["row"]["updated_at"] = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    lines[0]["bundle_id"] = uuid.uuid4().hex
    assert importing(trusted, forge(a, tmp_path / "h.bundle", lines)).inserted > PEOPLE


def test_an_older_bundle_never_brings_a_deleted_row_back(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    b = places["Le Fournil"]
    older = export(b, tmp_path / "plus-ancien.bundle")  # exported, sent late
    app = b.app()
    try:
        with app.uow() as uow:
            visit = uow.session.execute(
                select(Visit).where(col(Visit.site_id) == b.site_id).limit(1)
            ).scalar_one()
            visit_id = visit.id
            uow.session.delete(visit)  # leaves a tombstone
            uow.commit()
    finally:
        app.close()
    since = datetime.now(UTC) - timedelta(hours=1)
    deleted = importing(trusted, export(b, tmp_path / "suppression.bundle", since=since))
    assert deleted.deleted == 1
    replayed = importing(trusted, older)
    assert not replayed.already_imported
    assert replayed.inserted == 0 and replayed.kept_deleted == 1
    with trusted.uow() as uow:
        assert uow.session.get(Visit, visit_id) is None
    assert b_rows(trusted, b)[1] == VISITS - 1


# -- who signs, and what is read before the signature -------------------------------------------
def test_a_place_not_trusted_here_is_refused(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    stranger = places["Inconnu"]
    before = counts(trusted)
    with pytest.raises(ComptoirError) as refused:
        importing(trusted, export(stranger, tmp_path / "c.bundle"))
    assert "dont la clé n'est pas enregistrée dans cette base" in refused.value.message
    assert "Rien n'a été importé" in refused.value.message
    # Signed under A's name with another key (a stolen name, not A's key).
    a = places["La Grange"]
    lines = records(export(a, tmp_path / "a.bundle"))
    impostor = tmp_path / "imposteur.bundle"
    fileformat.write(impostor, fileformat.encode_lines(iter(lines)), Signer.generate(a.site_id))
    with pytest.raises(ComptoirError, match="signature ne correspond pas"):
        importing(trusted, impostor)
    assert counts(trusted) == before


def test_a_changed_byte_is_refused_before_anything_is_inflated(
    trusted: Comptoir,
    places: dict[str, Place],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundle = export(places["La Grange"], tmp_path / "a.bundle")
    raw = bytearray(bundle.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    flipped = tmp_path / "abime.bundle"
    flipped.write_bytes(bytes(raw))
    inflated: list[object] = []

    def inflate(*args: object) -> Iterator[bytes]:
        inflated.append(args)
        return iter(())

    monkeypatch.setattr(fileformat, "_inflate", inflate)
    before = counts(trusted)
    with pytest.raises(ComptoirError, match="signature ne correspond pas"):
        importing(trusted, flipped)
    assert inflated == []
    assert counts(trusted) == before


def test_a_bundle_signed_with_the_old_network_key_says_what_to_do(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    """Versions 1 and 2: signed with the HMAC key every place shared (cle-reseau.key)."""
    lines = records(export(places["La Grange"], tmp_path / "a.bundle"))
    payload = fileformat.encode_lines(iter(lines))
    key = b"k" * 32
    body = gzip.compress(payload, mtime=0)
    v2_head = {"format": "comptoir-bundle", "version": 2}
    v2_head["signature"] = hmac.new(key, body, hashlib.sha256).hexdigest()  # type: ignore[assignment]
    v2 = tmp_path / "v2.bundle"
    v2.write_bytes(gzip.compress(json.dumps(v2_head).encode() + b"\n", mtime=0) + body)
    v1_head = {"format": "comptoir-bundle", "version": 1}
    v1_head["signature"] = hmac.new(key, payload, hashlib.sha256).hexdigest()  # type: ignore[assignment]
    v1 = tmp_path / "v1.bundle"
    v1.write_bytes(gzip.compress(json.dumps(v1_head).encode() + b"\n" + payload))
    before = counts(trusted)
    for old in (v1, v2):
        with pytest.raises(ComptoirError) as refused:
            importing(trusted, old)
        message = refused.value.message
        assert "ancienne clé commune du réseau (cle-reseau.key)" in message
        assert "mettre Comptoir à jour et de refaire son export" in message
        assert "Rien n'a été importé" in message
    assert counts(trusted) == before


def test_a_backup_is_taken_before_each_import(
    trusted: Comptoir, places: dict[str, Place], tmp_path: Path
) -> None:
    if trusted.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL : les sauvegardes sont celles du serveur (pg_dump)")
    backups = BackupService(trusted.url)
    taken = backups.list_backups()
    assert len(taken) == 1  # the import of B's bundle by the fixture
    result = importing(trusted, export(places["La Grange"], tmp_path / "a.bundle"))
    assert result.inserted > PEOPLE
    newest = backups.list_backups()[0].path  # (the same name if within the same second)
    # The copy is the base as it was before the import: B's visits, none of A's.
    shutil.copyfile(newest, tmp_path / "copie.sqlite")
    copy = build(str(tmp_path / "copie.sqlite"))
    try:
        with copy.uow() as uow:
            sites = set(uow.session.execute(select(col(Visit.site_id))).scalars())
    finally:
        copy.close()
    assert sites == {places["Le Fournil"].site_id}


def test_keys_and_private_halves_never_travel(places: dict[str, Place], tmp_path: Path) -> None:
    bundle = export(places["La Grange"], tmp_path / "a.bundle")
    raw = gzip.decompress(bundle.read_bytes())
    assert b"place_key" not in raw and b"private_key" not in raw
