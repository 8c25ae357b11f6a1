"""The People search done by the database (issue 17): what a user types finds the same people
as the matching in Python did before (every word in the name, the organisation, the phone or
the e-mail, accents and case ignored), page after page, on SQLite and PostgreSQL; a volunteer
finds people by name only; a search never waits for another desk's write."""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import Person
from tiers_lieu.models.enums import Role
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.people_search import FOLD_FUNCTION, fold
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.tabular import normalise

PEOPLE = [
    ("Hélène", "Dupont-Moreau", "", "06 38 66 93 85", "helene.dupont@example.org"),
    ("HELENE", "DUPONT", "", "", ""),
    ("Élodie", "Lefèvre", "", "+33 6 11 22 33 44", ""),
    ("Anaïs", "Girard", "", "", "anais.girard25@example.org"),
    ("Inès", "Bourdeau", "", "", ""),
    ("Jean-Pierre", "Œuvray", "", "", ""),
    ("Françoise", "Straße", "", "", ""),
    ("Zoé", "Ångström", "", "", "zoe@exemple.fr"),
    ("", "", "Les Amis du Plateau", "05 55 00 00 00", "contact@amis-plateau.fr"),
    ("Lukasz", "Łukasiewicz", "", "", ""),
    ("Noël", "Mañé", "Atelier ﬁl & co", "", ""),
    ("E\u0301milie", "Decomposée", "", "", ""),  # e + combining acute, as some keyboards send
    ("Marie\u00a0Claire", "Nbsp", "", "", ""),
    ("Ιωάννης", "Παπαδόπουλος", "", "", ""),
    ("İlker", "Çelik", "", "", ""),
    ("Luc", "Martin_Dubois", "", "", "luc_martin@example.org"),
]

TYPED = [
    "helene",
    "Hélène",
    "HÉLÈNE dupont",
    "dupont moreau",
    "dupont-moreau",
    "elodie lefevre",
    "anais",
    "ines",
    "oeuvray",
    "œuvray",
    "strasse",
    "straße",
    "angstrom",
    "amis plateau",
    "0638",
    "06 38",
    "93 85",
    "example",
    "@example.org",
    "girard25",
    "łukasiewicz",
    "LUKASIEWICZ",
    "mane",
    "fil",
    "emilie",
    "émilie",
    "marie claire",
    "ιωαννης",
    "παπαδοπουλος",
    "ilker",
    "celik",
    "martin dubois",
    "luc_martin",
    "%",
    "_",
    "'",
    "zzz",
    "e",
    "a e",
]


def old_matching(
    people: list[tuple[uuid.UUID, tuple[str, ...]]], text: str, contacts: bool
) -> list[uuid.UUID]:
    """The search as it was done in Python before issue 17, kept here as the reference."""
    words = [w for w in normalise(text).split("_") if w]
    if not words:
        return []
    found = []
    for person_id, (first, last, organisation, phone, email) in people:
        fields = [first, last, organisation] + ([phone, email] if contacts else [])
        haystack = normalise(" ".join(fields)).replace("_", " ")
        if all(word in haystack for word in words):
            found.append(person_id)
    return found


def registered(app: Comptoir, site: SiteInfo) -> list[tuple[uuid.UUID, tuple[str, ...]]]:
    people: list[tuple[uuid.UUID, tuple[str, ...]]] = []
    with app.uow() as uow:
        for fields in PEOPLE:
            first, last, organisation, phone, email = fields
            person = Person(
                site_id=site.id,
                first_name=first,
                last_name=last,
                organisation=organisation,
                phone=phone,
                email=email,
            )
            uow.session.add(person)
            people.append((person.id, fields))
        uow.commit()
    return people


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, app: Comptoir) -> Iterator[Comptoir]:
    if request.param == "sqlite":
        yield app
        return
    comptoir = build(request.getfixturevalue("pg_url"))
    try:
        yield comptoir
    finally:
        comptoir.close()


def test_what_is_typed_finds_the_same_people_as_before(any_app: Comptoir) -> None:
    site = any_app.sites.init_site(name="Le Relais", commune_name="Felletin")
    people = registered(any_app, site)
    for text in TYPED:
        found = {p.id for p in any_app.people.search(site.id, text, limit=500)}
        assert found == set(old_matching(people, text, contacts=True)), text


def test_a_volunteer_finds_by_name_what_they_found_before(app: Comptoir, site: SiteInfo) -> None:
    people = registered(app, site)
    volunteer = app.accounts.create_user(
        username="benevole",
        display_name="Jules",
        password="motdepasse-solide-42",
        role=Role.VOLUNTEER,
        site_id=site.id,
    )
    app.access.sign_in(volunteer)
    for text in TYPED:
        found = app.people.search(site.id, text, limit=500)
        assert {p.id for p in found} == set(old_matching(people, text, contacts=False)), text
        assert all(p.phone == "" and p.email == "" for p in found)
    assert app.people.search(site.id, "0638") == []  # a phone number finds nobody for them
    assert [p.display_name for p in app.people.search(site.id, "helene dupont")] == [
        "HELENE DUPONT",
        "Hélène Dupont-Moreau",
    ]


def test_results_are_alphabetical_and_pages_follow_each_other(
    app: Comptoir, site: SiteInfo
) -> None:
    rng = random.Random(7)
    names = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand"]
    with app.uow() as uow:
        for n in range(230):
            uow.session.add(
                Person(site_id=site.id, first_name=f"Marie{n % 9}", last_name=rng.choice(names))
            )
        uow.session.add(Person(site_id=site.id, first_name="Paul", last_name="Vidal"))
        uow.commit()
    first = app.people.browse(site.id, "marie", limit=100)
    pages = first + app.people.browse(site.id, "marie", offset=100, limit=100)
    pages += app.people.browse(site.id, "marie", offset=200, limit=100)
    assert len(pages) == 230 == len({p.id for p in pages})  # no one twice, no one left out
    keys = [(p.last_name, p.first_name) for p in pages]
    assert keys == sorted(keys)
    assert [p.id for p in app.people.search(site.id, "marie", limit=15)] == [
        p.id for p in first[:15]
    ]


def test_gone_people_and_other_places_are_not_found(app: Comptoir, site: SiteInfo) -> None:
    other = app.sites.init_site(name="Ailleurs", commune_name="Aubusson")
    kept = app.people.create(site.id, PersonInput(first_name="Rémi", last_name="Garnier"))
    gone = app.people.create(site.id, PersonInput(first_name="Rémi", last_name="Garnier"))
    app.people.merge(keep_id=kept.id, merge_id=gone.id)
    erased = app.people.create(site.id, PersonInput(first_name="Rémi", last_name="Efface"))
    from tiers_lieu.services.privacy import PrivacyService

    PrivacyService(app.uow).erase(person_id=erased.id)
    app.people.create(other.id, PersonInput(first_name="Rémi", last_name="Garnier"))
    assert [p.id for p in app.people.search(site.id, "remi")] == [kept.id]
    assert [p.id for p in app.people.browse(site.id)] == [kept.id]


def test_fold_keeps_what_normalise_matches(app: Comptoir) -> None:
    """Character by character: a typed word is in ``fold(text)`` exactly when it is in
    ``normalise(text)`` — on random texts of letters the register may hold."""
    pool = "aAeEéÉèêëÈçÇœŒæßẞﬁﬂİıŁłØøÅåñÑ-_ '’.@0123456789\u0301\u0308\u00a0ΣσςΑάДдЁё"
    rng = random.Random(17)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))
        typed = "".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
        words = [w for w in normalise(typed).split("_") if w]
        before = all(w in normalise(text).replace("_", " ") for w in words)
        assert all(w in fold(text) for w in words) == before, (text, typed)


def test_a_search_does_not_wait_for_another_desk_writing(
    app: Comptoir, site: SiteInfo, db_path: Path
) -> None:
    app.people.create(site.id, PersonInput(first_name="Léa", last_name="Roux"))
    other_desk = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    try:
        other_desk.execute("BEGIN IMMEDIATE")  # another desk in the middle of a write
        started = time.monotonic()
        assert [p.display_name for p in app.people.search(site.id, "roux")] == ["Léa Roux"]
        assert time.monotonic() - started < 2
    finally:
        other_desk.execute("ROLLBACK")
        other_desk.close()


def test_the_search_reads_the_place_in_name_order_without_sorting_it(
    app: Comptoir, site: SiteInfo
) -> None:
    """The register's page comes from the place's name index (migration 0008): the first
    letter typed stops at its hundredth match instead of sorting the place's people."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if statement.lstrip().startswith("SELECT person.id"):
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        app.people.browse(site.id)
        app.people.browse(site.id, "ma")
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    assert len(seen) == 2
    with app.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
        for statement, params in seen:
            plan = " / ".join(
                row[3] for row in driver.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            )
            assert "ix_person_site_name" in plan and "TEMP B-TREE" not in plan, plan
