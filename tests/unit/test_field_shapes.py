"""Field shapes are checked on the way in, whatever the way: a year 0001 or 9999 date, a NUL
byte in a note, a 100 000-character commune name are refused with a French message naming
the field and the limit, and nothing of the refused operation is written. The services say
so early where natural; the ``before_flush`` net (``tiers_lieu.validation``) catches any
other write through the ORM."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ImportFileError, ValidationError
from tiers_lieu.models import AssistanceRecord, Booking, Commune, Person, Site, Visit, metadata
from tiers_lieu.models.enums import CategoryKind, ResourceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.validation import check_columns, check_row, field_label

PARIS = ZoneInfo("Europe/Paris")
LONG = "Saint-Martin-" + "x" * 99_987  # 100 000 characters


def rows(app: Comptoir, model: Any) -> int:
    with app.uow(read_only=True) as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


# -- through the services --------------------------------------------------------------------
def test_a_commune_name_past_120_characters_is_refused(app: Comptoir, site: SiteInfo) -> None:
    before = rows(app, Commune)
    with pytest.raises(ValidationError) as typed:
        app.communes.add_commune(site.id, name=LONG)
    assert typed.value.field == "Nom de la commune"
    assert "120 caractères au plus (100\u202f000 reçus)" in typed.value.message
    with pytest.raises(ValidationError, match="120 caractères au plus"):
        app.communes.find_or_add(site.id, LONG)  # typed at the desk: no silent cut any more
    with pytest.raises(ValidationError) as created:
        app.sites.init_site(name="Le Relais", commune_name=LONG)
    assert created.value.message == "Commune : 120 caractères au plus (100\u202f000 reçus)"
    assert rows(app, Commune) == before
    assert [s.name for s in app.sites.list_sites()] == [site.name]  # no half-made place


def test_a_commune_file_with_a_name_too_long_names_the_line(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    source = tmp_path / "communes.csv"
    name = "Saint-" + "x" * 194  # past the model's 120, well under a spreadsheet cell's limit
    source.write_text(f"code_insee;nom\n23079;Felletin\n23096;{name}\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as refused:
        app.communes.import_csv(site.id, source)
    assert "Ligne 3 : nom : 120 caractères au plus (200 reçus)" in refused.value.message
    assert rows(app, Commune) == 1  # the site's own commune only


def test_a_nul_byte_in_a_note_is_refused_and_nothing_is_written(
    app: Comptoir, site: SiteInfo
) -> None:
    before = rows(app, Visit)
    with pytest.raises(ValidationError) as refused:
        app.assistance.create(
            site.id,
            AssistanceInput(
                activity_date=date(2026, 3, 10),
                activity_time=time(10, 30),
                operator_id=category(app, site, CategoryKind.OPERATOR, "CAF"),
                theme_id=category(app, site, CategoryKind.THEME, "Logement"),
                help_type_id=category(
                    app, site, CategoryKind.HELP_TYPE, "Aide à une démarche en ligne"
                ),
                duration_min=15,
                outcome_id=category(app, site, CategoryKind.OUTCOME, "Finalisée"),
                note="Dossier APL\x00 à rappeler",
            ),
        )
    assert refused.value.field == "Note"
    assert "caractère de contrôle interdit (U+0000, position 12)" in refused.value.message
    assert rows(app, AssistanceRecord) == 0
    assert rows(app, Visit) == before  # the desk visit of the record is not counted either


def test_tabs_and_line_breaks_stay_allowed(app: Comptoir, site: SiteInfo) -> None:
    with app.uow() as uow:
        uow.session.add(
            Person(site_id=site.id, first_name="Lucie", last_name="M", note="a\tb\r\nc\nd")
        )
        uow.commit()
    assert rows(app, Person) == 1


@pytest.mark.parametrize("year", [1, 1899, 2101, 9999])
def test_a_visit_dated_outside_1900_to_2100_is_refused(
    app: Comptoir, site: SiteInfo, year: int
) -> None:
    service = app.config.list_services(site.id)[0]
    with pytest.raises(ValidationError) as refused:
        app.visits.count(site_id=site.id, service_id=service.id, activity_date=date(year, 3, 2))
    assert refused.value.field == "Date de l'activité"
    assert f"les dates vont de 1900 à 2100 (année {year} reçue)" in refused.value.message
    assert rows(app, Visit) == 0


@pytest.mark.parametrize(
    "start",
    [
        datetime(1, 3, 6, 10, tzinfo=PARIS),
        datetime(1, 1, 1, 0, 10, tzinfo=PARIS),  # before year 1 in UTC: OverflowError before
        datetime(9999, 12, 31, 22, tzinfo=PARIS),
    ],
)
def test_a_booking_in_year_one_or_9999_is_refused(
    app: Comptoir, site: SiteInfo, start: datetime
) -> None:
    room = app.agenda.resources.create(
        site.id,
        ResourceFields(name="Salle du conseil", kind=ResourceKind.MEETING_ROOM, capacity=12),
    )
    with pytest.raises(ValidationError) as refused:
        app.agenda.bookings.create(
            site.id,
            BookingRequest(
                resource_id=room.id,
                start=start,
                end=start.replace(hour=start.hour + 1),
                organisation="Comité des fêtes",
            ),
        )
    assert refused.value.field == "Début"
    assert f"les dates vont de 1900 à 2100 (année {start.year} reçue)" in refused.value.message
    assert rows(app, Booking) == 0


# -- the net under every ORM write -----------------------------------------------------------
def test_any_orm_write_is_checked_and_rolled_back_whole(app: Comptoir, site: SiteInfo) -> None:
    service = app.config.list_services(site.id)[0]
    with pytest.raises(ValidationError) as refused, app.uow() as uow:
        uow.session.add(Commune(site_id=site.id, name="Gentioux"))
        uow.session.add(Visit(site_id=site.id, service_id=service.id, activity_date=date(1, 1, 1)))
        uow.commit()
    assert refused.value.message.startswith("Date de l'activité : ")
    assert rows(app, Visit) == 0
    assert [c.name for c in app.communes.list_communes(site.id)] == ["Felletin"]


def test_a_changed_row_is_checked_on_what_changed(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError) as refused, app.uow() as uow:
        stored = uow.session.get(Site, site.id)
        assert stored is not None
        stored.address = "1 place de la Mairie\x07"
        uow.commit()
    assert refused.value.field == "Adresse"
    # A value stored before these checks existed does not block editing another field.
    with app.uow() as uow:
        uow.session.execute(update(Site).where(Site.id == site.id).values(commune_name=LONG))  # type: ignore[arg-type]
        uow.commit()
    with app.uow() as uow:
        stored = uow.session.get(Site, site.id)
        assert stored is not None
        stored.address = "1 place de la Mairie"
        uow.commit()
    assert app.sites.list_sites()[0].address == "1 place de la Mairie"


def test_rows_written_around_the_orm_are_checked_by_the_writer() -> None:
    table = metadata.tables["commune"]
    check_row(table, {"name": "Felletin", "created_at": datetime.now(UTC)})
    with pytest.raises(ValidationError, match="Commune : 120 caractères au plus"):
        check_row(table, {"name": LONG})
    with pytest.raises(ValidationError, match="U\\+001B"):
        check_columns(table, {"name": ["Felletin", "Gentioux\x1b"]})
    with pytest.raises(ValidationError, match="année 2101"):
        check_columns(metadata.tables["visit"], {"activity_date": [date(2101, 1, 1)]})
    assert field_label("person", "note") == "Note"
    assert field_label("visit", "colonne_inconnue") == "colonne_inconnue"


def test_the_bundle_and_import_writers_use_core_inserts_which_the_net_does_not_see(
    app: Comptoir, site: SiteInfo
) -> None:
    """Why ``check_row``/``check_columns`` exist: a Core insert skips ``before_flush``."""
    with app.uow() as uow:
        uow.session.execute(
            insert(Commune).values(  # type: ignore[arg-type]
                id=uuid.uuid4(),
                site_id=site.id,
                name="x\x00",
                in_territory=False,
                created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
            )
        )
        uow.commit()
    assert rows(app, Commune) == 2


def test_an_import_writing_around_the_orm_is_checked_too(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    source = tmp_path / "visites.csv"
    source.write_text(
        "date;service;commune\n03/02/2025;Accueil / information;Gentioux\x01\n", encoding="utf-8"
    )
    communes = rows(app, Commune)
    with pytest.raises(ComptoirError, match="Commune : caractère de contrôle interdit"):
        app.imports.import_file("visits", site.id, source)
    assert (rows(app, Visit), rows(app, Commune)) == (0, communes)
