"""The national listing of digital-inclusion places (issue 20, § 3): the place's card in the
schema « Lieux de médiation numérique » (LaMednum/standard-mediation-num v1.0.2).

The CSV is read back with ``csv`` and validated against the schema itself
(``tests/data/standard-mediation-num/schema.json``): field names and order, required fields,
each field's pattern (the value lists), numbers, dates, ``maxLength``, unique ``id``. The
validator is first shown to accept the schema's own valid example and to refuse it spoilt.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.models import AuditEntry, SiteSetting
from tiers_lieu.reports.documents.listing import (
    listing_csv_text,
    suggested_name,
    write_listing_csv,
)
from tiers_lieu.services import public_card as pc
from tiers_lieu.services import public_card_checks as checks
from tiers_lieu.services import public_card_vocabulary as vocabulary
from tiers_lieu.services.public_card import PublicCard, osm_opening_hours
from tiers_lieu.services.readmodels import OpeningRange, SiteInfo

DATA = Path(__file__).parents[1] / "data" / "standard-mediation-num"
SCHEMA: dict[str, Any] = json.loads((DATA / "schema.json").read_text(encoding="utf-8"))
FIELDS: list[dict[str, Any]] = SCHEMA["fields"]
LIST_PATTERN = re.compile(r"\(\?:\(\?:\^\|\\\|\)\((?P<values>.*)\)\)\+\$")

EVERY_VALUE: dict[str, Any] = {name: tuple(values) for name, values in vocabulary.CHOICES.items()}
#: A card using every field, every value of every list (the schema's patterns must take them).
FULL = PublicCard(
    pivot="434 933 123 00029",
    telephone="05 55 66 77 88",
    courriels=("contact@comptoir.example.org", "accueil@comptoir.example.org"),
    site_web=("www.comptoir.example.org", "https://m.facebook.com/comptoir/"),
    code_postal="23500",
    complement_adresse="Rez-de-chaussée, porte verte",
    latitude="45,8873",
    longitude="2.1744",
    presentation_resume="Tiers-lieu rural : démarches, ateliers numériques, café, épicerie.",
    presentation_detail='Accueil « sans rendez-vous », le matin ;\nateliers, "le jeudi", 14 h.',
    source="Réseau des tiers-lieux de la Creuse",
    structure_parente="Communauté de communes Creuse Grand Sud",
    autres_formations_labels="Label Numérique inclusif",
    fiche_acces_libre="https://acceslibre.beta.gouv.fr/app/23-felletin/a/tiers-lieu/erp/x/",
    prise_rdv="https://www.rdv-solidarites.fr/",
    **EVERY_VALUE,
)


def schema_values(name: str) -> list[str]:
    """The value list of a field, read from its pattern in the schema."""
    field = next(f for f in FIELDS if f["name"] == name)
    found = LIST_PATTERN.fullmatch(field["constraints"]["pattern"])
    assert found, name
    return [
        value.replace("\\(", "(").replace("\\)", ")")
        for value in re.split(r"(?<!\\)\|", found["values"])
    ]


def problems(text: str) -> list[str]:
    """What a validator of the schema says of ``text`` (a CSV): [] when it is valid."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    said: list[str] = []
    names = [f["name"] for f in FIELDS]
    if rows[0] != names:
        return [f"header {rows[0]}"]
    ids: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(names):
            said.append(f"line {line}: {len(row)} fields")
            continue
        for field, value in zip(FIELDS, row, strict=True):
            where = f"line {line}, {field['name']} {value!r}"
            rules = field.get("constraints", {})
            if value == "":
                if rules.get("required"):
                    said.append(f"{where}: required")
                continue
            if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
                said.append(f"{where}: pattern")
            if "maxLength" in rules and len(value) > rules["maxLength"]:
                said.append(f"{where}: too long")
            if field["type"] == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                said.append(f"{where}: not a number")
            if field["type"] == "date":
                try:
                    date.fromisoformat(value)
                except ValueError:
                    said.append(f"{where}: not a date")
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    said.append(f"{where}: not YYYY-MM-DD")
            if rules.get("unique"):
                if value in ids:
                    said.append(f"{where}: not unique")
                ids.add(value)
    return said


def read_back(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte order mark
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


# -- the validator and the lists, from the schema ----------------------------------------------
def test_the_validator_accepts_the_schemas_example_and_refuses_it_spoilt() -> None:
    example = (DATA / "exemple-valide.csv").read_text(encoding="utf-8")
    assert problems(example) == []
    for old, new, field in [
        ("|Loisirs et créations numériques", "|Loisirs", "services"),
        ('"+33180059880"', '"01 80 05 98 80"', "telephone"),
        ('"51100"', '""', "code_postal"),
        ('"2024-04-02"', '"02/04/2024"', "date_maj"),
        ('"43.52609"', '"43,52609"', "latitude"),
        ('"Gratuit sous condition|Payant"', '"Gratuit;Payant"', "frais_a_charge"),
    ]:
        spoilt = problems(example.replace(old, new))
        assert any(f", {field} " in said for said in spoilt), (field, spoilt)


def test_the_cards_vocabularies_are_the_schemas() -> None:
    assert list(pc.SCHEMA_FIELDS) == [f["name"] for f in FIELDS]
    assert SCHEMA["version"] == "v" + vocabulary.SCHEMA_VERSION
    for name, values in vocabulary.CHOICES.items():
        if name == "typologie":  # no list in the schema: data.inclusion's typologies
            continue
        assert sorted(values) == sorted(schema_values(name)), name
    assert vocabulary.DEFAULT_TYPOLOGY == "TIERS_LIEUX" and "TIERS_LIEUX" in vocabulary.TYPOLOGIES
    # The read model's attributes follow the schema's order: the CSV's columns do.
    assert list(pc.ListingEntry.__dataclass_fields__) == list(pc.SCHEMA_FIELDS)


# -- the card: checks and refusals -------------------------------------------------------------
def test_a_full_card_is_kept_the_schemas_way(app: Comptoir, site: SiteInfo) -> None:
    saved = app.config.save_public_card(site.id, FULL)
    assert saved.pivot == "43493312300029"
    assert saved.telephone == "+33555667788"
    assert saved.site_web[0] == "https://www.comptoir.example.org"
    assert (saved.latitude, saved.longitude) == ("45.8873", "2.1744")
    assert saved.updated_at is not None
    again = app.config.public_card(site.id)
    assert again == saved and again.updated_at == saved.updated_at
    # One audit line naming the fields, not their values.
    with app.uow() as uow:
        details = uow.session.exec(
            select(AuditEntry.details).where(AuditEntry.entity == "public_card")
        ).one()
    assert "pivot" in details and "43493312300029" not in details
    # Saving the same card again writes nothing.
    app.config.save_public_card(site.id, FULL)
    with app.uow() as uow:
        lines = uow.session.exec(select(AuditEntry).where(AuditEntry.entity == "public_card"))
        assert len(list(lines)) == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"pivot": "43493312300028"}, "SIRET ou RNA", "chiffre de contrôle"),
        ({"pivot": "4349331230002"}, "SIRET ou RNA", "14 chiffres (13 reçus)"),
        ({"pivot": "W12345"}, "SIRET ou RNA", "W suivi de 9 chiffres"),
        ({"pivot": "ABC"}, "SIRET ou RNA", "SIRET (14 chiffres) ou un numéro RNA"),
        (
            {"courriels": ("contact@comptoir.fr", "accueil-at-comptoir.fr")},
            "Courriels",
            "« accueil-at-comptoir.fr » n'est pas une adresse électronique",
        ),
        ({"telephone": "05 55 66"}, "Téléphone", "n'est pas un numéro de téléphone"),
        ({"site_web": ("ftp://x.fr",)}, "Site web", "n'est pas une adresse web"),
        ({"prise_rdv": "rdv chez nous"}, "Prise de rendez-vous en ligne", "adresse web"),
        ({"latitude": "145", "longitude": "2"}, "Latitude", "entre -90 et 90"),
        ({"latitude": "45.9", "longitude": ""}, "Longitude", "ou aucune des deux"),
        ({"code_postal": "2350"}, "Code postal", "5 chiffres"),
        ({"presentation_resume": "x" * 281}, "Présentation résumée", "280 caractères au plus"),
        ({"services": ("Cours de cuisine",)}, "Services", "« Cours de cuisine »"),
        ({"source": "a\x00b"}, "Source des données", "caractère de contrôle"),
    ],
)
def test_a_bad_field_is_refused_naming_it_and_nothing_is_written(
    app: Comptoir, site: SiteInfo, change: dict[str, Any], field: str, words: str
) -> None:
    before = app.config.save_public_card(site.id, PublicCard(pivot="W231000123"))
    with pytest.raises(ValidationError) as refused:
        app.config.save_public_card(site.id, replace(FULL, **change))
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field} : ")
    assert words in refused.value.message
    assert app.config.public_card(site.id) == before


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("05 55 66 77 88", "+33555667788"),
        ("05.55.66.77.88", "+33555667788"),
        ("+33 5 55 66 77 88", "+33555667788"),
        ("+33 (0)5 55 66 77 88", "+33555667788"),
        ("0033 5 55 66 77 88", "+33555667788"),
        ("0590 12 34 56", "+590590123456"),
        ("0692 12 34 56", "+262692123456"),
        ("+687 12 34 56", "+687123456"),
    ],
)
def test_a_telephone_typed_the_french_way_is_published_the_schemas_way(
    typed: str, kept: str
) -> None:
    assert checks.check_phone(typed) == kept
    telephone = next(f for f in FIELDS if f["name"] == "telephone")
    assert re.fullmatch(telephone["constraints"]["pattern"], kept)


def test_siret_checks_follow_luhn_with_la_postes_exception() -> None:
    assert checks.check_pivot("434 933 123 00029") == "43493312300029"
    assert checks.check_pivot("35600000000048") == "35600000000048"  # La Poste, Luhn
    assert checks.check_pivot("35600000049837") == "35600000049837"  # La Poste, sum of 5
    with pytest.raises(ValidationError):
        checks.check_pivot("35600000049838")
    assert checks.check_pivot("w231000123") == "W231000123"
    assert checks.check_pivot("") == ""


# -- the hours -------------------------------------------------------------------------------
def week(*days: tuple[int, int, int, int, int]) -> list[OpeningRange]:
    return [OpeningRange(d, time(h1, m1), time(h2, m2)) for d, h1, m1, h2, m2 in days]


@pytest.mark.parametrize(
    ("ranges", "osm"),
    [
        (
            week(*[(d, 9, 0, 12, 0) for d in range(6)], *[(d, 14, 0, 18, 0) for d in range(5)]),
            "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
        ),
        (
            week((0, 9, 0, 12, 0), (2, 9, 0, 12, 0), (4, 9, 0, 12, 0), (1, 14, 0, 18, 30)),
            "Mo,We,Fr 09:00-12:00; Tu 14:00-18:30; PH off",
        ),
        (
            week(*[(d, 8, 30, 12, 0) for d in (0, 1, 3, 4, 5)], (6, 10, 0, 12, 0)),
            "Mo,Tu,Th-Sa 08:30-12:00; Su 10:00-12:00; PH off",
        ),
        ([], ""),
    ],
)
def test_opening_hours_are_written_in_openstreetmaps_syntax(
    ranges: list[OpeningRange], osm: str
) -> None:
    assert osm_opening_hours(ranges) == osm


# -- the listing -----------------------------------------------------------------------------
def test_the_listing_of_a_place_is_valid_and_holds_its_card(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    app.sites.update_site(
        site.id,
        name=site.name,
        commune_name="Felletin",
        insee_code="23079",
        address="4 place Quinault",
    )
    app.config.save_public_card(site.id, replace(FULL, code_postal=""))
    listing = app.config.national_listing()
    assert listing.left_out == ()
    out = tmp_path / "lieux.csv"
    assert write_listing_csv(listing.entries, out) == 1
    text = out.read_bytes().decode("utf-8")
    assert problems(text) == []
    assert text.startswith(",".join(pc.SCHEMA_FIELDS) + "\r\n")
    [row] = read_back(out)
    assert row["id"] == str(site.id)
    assert (row["nom"], row["commune"], row["code_insee"]) == (site.name, "Felletin", "23079")
    assert row["adresse"] == "4 place Quinault"
    assert row["code_postal"] == "23500"  # Felletin has one: from the official list
    assert row["pivot"] == "43493312300029" and row["telephone"] == "+33555667788"
    assert row["courriels"] == "contact@comptoir.example.org|accueil@comptoir.example.org"
    assert row["horaires"] == osm_opening_hours(app.config.opening_hours(site.id))
    assert row["horaires"].startswith("Mo-Fr ")
    assert row["presentation_detail"] == FULL.presentation_detail
    assert row["services"] == "|".join(vocabulary.SERVICES)
    assert row["typologie"].split("|")[0] == "TIERS_LIEUX"
    assert row["latitude"] == "45.8873" and float(row["longitude"]) == 2.1744
    stored = app.config.public_card(site.id)
    assert stored.updated_at is not None
    assert row["date_maj"] == stored.updated_at.astimezone(site.zone).date().isoformat()
    assert suggested_name(listing.entries, date(2026, 12, 7)) == (
        "2026-12-07_43493312300029_lieux-de-mediation-numerique_Felletin.csv"
    )


def test_a_formula_typed_in_the_card_reaches_the_file_as_text(
    app: Comptoir, site: SiteInfo
) -> None:
    app.sites.update_site(
        site.id,
        name='=HYPERLINK("http://x")',
        commune_name="Felletin",
        insee_code="23079",
        address="@SUM(1+1)",
    )
    app.config.save_public_card(
        site.id,
        replace(
            FULL,
            presentation_resume="=cmd|' /C calc'!A0",
            source="+1+1",
            latitude="-1.5",
            longitude="-0.25",
        ),
    )
    listing = app.config.national_listing()
    [row] = list(csv.DictReader(io.StringIO(listing_csv_text(listing.entries), newline="")))
    assert row["nom"] == '\'=HYPERLINK("http://x")'
    assert row["adresse"] == "'@SUM(1+1)"
    assert row["presentation_resume"] == "'=cmd|' /C calc'!A0"
    assert row["source"] == "'+1+1"
    # Plain numbers stay numbers: the schema needs them so.
    assert (row["latitude"], row["longitude"], row["telephone"]) == (
        "-1.5",
        "-0.25",
        "+33555667788",
    )


def test_a_place_without_a_complete_card_is_left_out_with_the_reason(app: Comptoir) -> None:
    a = app.sites.init_site(name="La Fabrique d'Aubusson", commune_name="Aubusson")
    b = app.sites.init_site(name="Le Relais du plateau", commune_name="Gentioux-Pigerolles")
    for place in (a, b):
        app.sites.update_site(
            place.id,
            name=place.name,
            commune_name=place.commune_name,
            insee_code=None,
            address="Le bourg",
        )
    app.config.save_public_card(a.id, replace(FULL, code_postal="23200"))
    listing = app.config.national_listing()
    assert [e.nom for e in listing.entries] == [a.name]
    assert [(p.site_name, "Paramètres › Fiche publique" in p.reason) for p in listing.left_out] == [
        (b.name, True)
    ]
    app.config.save_public_card(b.id, PublicCard(telephone="05 55 66 77 88"))
    listing = app.config.national_listing()
    assert [p.reason for p in listing.left_out] == ["SIRET ou RNA : ce champ est obligatoire"]
    # A card spoilt in the base (a bundle from an older version, say) is checked again.
    with app.uow() as uow:
        row = uow.session.exec(select(SiteSetting).where(SiteSetting.site_id == b.id)).one()
        row.value = json.dumps({"pivot": "W231000123", "services": ["Inconnu"]})
        uow.commit()
    listing = app.config.national_listing(site_ids=[b.id])
    assert listing.entries == ()
    assert listing.left_out[0].reason.startswith("Services : « Inconnu »")


def test_the_demo_places_have_a_valid_card(app: Comptoir, tmp_path: Path) -> None:
    app.demo.generate(scale="small", seed=1, today=date(2026, 6, 15))
    listing = app.config.national_listing()
    assert listing.left_out == () and len(listing.entries) == 1
    out = tmp_path / "demo.csv"
    write_listing_csv(listing.entries, out)
    assert problems(out.read_text(encoding="utf-8")) == []
    [row] = read_back(out)
    assert row["nom"] == "Le Comptoir de Felletin" and row["adresse"] == "4 place Quinault"
    assert row["horaires"] == "Mo-Fr 09:00-12:30,14:00-18:00; Sa 09:00-12:00; PH off"
    assert row["presentation_resume"].startswith("Le Comptoir de Felletin : tiers-lieu")
    assert row["telephone"].startswith("+3353649")  # ARCEP's numbers for fiction
    assert row["courriels"].endswith(".example.org")
    with pytest.raises(ComptoirError):  # the demo's SIRET passes the checksum
        checks.check_pivot(row["pivot"][:-1] + str((int(row["pivot"][-1]) + 1) % 10))
    assert checks.check_pivot(row["pivot"]) == row["pivot"]


def test_an_account_of_one_place_lists_that_place_only(two: Comptoir) -> None:
    from twosites import PASSWORD, PLACE_A, PLACE_B

    from tiers_lieu.services.access import AccessDeniedError, SiteAccessDeniedError

    # Both demo places have a card; the network sees both.
    assert [e.nom for e in two.config.national_listing().entries] == [PLACE_B, PLACE_A]
    b = next(s for s in two.sites.list_sites() if s.name == PLACE_B)
    two.access.sign_in(two.accounts.authenticate("a.coordinator", PASSWORD))
    assert [e.nom for e in two.config.national_listing().entries] == [PLACE_A]
    with pytest.raises(SiteAccessDeniedError):
        two.config.national_listing(site_ids=[b.id])
    two.access.sign_in(two.accounts.authenticate("a.volunteer", PASSWORD))
    with pytest.raises(AccessDeniedError):
        two.config.national_listing()


def test_the_listing_on_postgresql(pg_url: str) -> None:
    from tiers_lieu.app import build

    with build(pg_url) as app:
        app.demo.generate(scale="small", seed=1, today=date(2026, 6, 15))
        [site] = app.sites.list_sites()
        app.config.save_public_card(site.id, replace(FULL, code_postal=""))
        listing = app.config.national_listing()
    assert len(listing.entries) == 1 and listing.left_out == ()
    assert problems(listing_csv_text(listing.entries)) == []
    assert listing.entries[0].code_postal == "23500"
