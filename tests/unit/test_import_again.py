"""A file imported twice counted its visits twice, silently: now a second import of the same bytes
(under any name) is refused with when the first came in and what it counted, unless asked for."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_imports import count

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry, ImportedFile, Visit
from tiers_lieu.services.imports import AlreadyImportedError
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.tabular import fingerprint

DATA = Path(__file__).parent.parent / "data" / "imports"
VISITS = DATA / "visites_utf8_bom.csv"


def visitors(app: Comptoir) -> int:
    with app.uow() as uow:
        return int(uow.session.execute(select(func.sum(Visit.count))).scalar() or 0)


def test_the_same_file_imported_twice_is_refused_the_second_time(
    app: Comptoir, site: SiteInfo
) -> None:
    app.imports.import_visits(site.id, VISITS)

    with pytest.raises(AlreadyImportedError) as caught:
        app.imports.import_visits(site.id, VISITS)

    message = caught.value.message
    assert message.startswith("Le fichier « visites_utf8_bom.csv » a déjà été importé le ")
    assert "(4 lignes, 9 visites) : l'importer de nouveau compterait tout deux fois." in message
    assert message.endswith("Si c'est bien voulu, relancez avec --again.")
    assert visitors(app) == 9
    assert count(app, ImportedFile) == 1


def test_a_copy_under_another_name_is_the_same_file(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    app.imports.import_visits(site.id, VISITS)
    copy = shutil.copy(VISITS, tmp_path / "export-mars.csv")

    with pytest.raises(AlreadyImportedError) as caught:
        app.imports.import_visits(site.id, Path(copy), dry_run=True)

    assert "sous le nom « visites_utf8_bom.csv »" in caught.value.message
    assert visitors(app) == 9


def test_asked_again_the_file_is_imported_again_and_it_is_said(
    app: Comptoir, site: SiteInfo
) -> None:
    app.imports.import_visits(site.id, VISITS)

    result = app.imports.import_visits(site.id, VISITS, again=True)

    assert visitors(app) == 18
    assert "Ce fichier avait déjà été importé le " in result.describe()
    assert "importé de nouveau, comme demandé." in result.describe()
    assert count(app, ImportedFile) == 2
    with app.uow() as uow:
        details = uow.session.execute(
            select(AuditEntry.details).order_by(AuditEntry.at.desc()).limit(1)
        ).scalar_one()
    assert '"again": true' in details


def test_a_dry_run_or_a_refused_file_leaves_no_fingerprint(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    app.imports.import_visits(site.id, VISITS, dry_run=True)
    bad = tmp_path / "faux.csv"
    bad.write_text("date;service\n03/02/2025;Boulangerie\n", encoding="utf-8")
    with pytest.raises(Exception, match="Boulangerie"):
        app.imports.import_visits(site.id, bad)

    assert count(app, ImportedFile) == 0
    app.imports.import_visits(site.id, VISITS)  # not refused: nothing was imported before
    assert visitors(app) == 9


def test_the_refusal_gives_the_time_of_the_place(app: Comptoir, site: SiteInfo) -> None:
    with app.uow() as uow:
        uow.session.add(
            ImportedFile(
                site_id=site.id,
                kind="visits",
                sha256=fingerprint(VISITS),
                file_name=VISITS.name,
                imported_at=datetime(2026, 7, 1, 12, 5, tzinfo=UTC),
                rows=4,
                amount=9,
            )
        )
        uow.commit()

    with pytest.raises(AlreadyImportedError) as caught:
        app.imports.import_visits(site.id, VISITS)

    assert "a déjà été importé le 01/07/2026 à 14:05 (4 lignes, 9 visites)" in (
        caught.value.message
    )


def test_an_assistance_file_imported_twice_is_refused_too(app: Comptoir, site: SiteInfo) -> None:
    app.imports.import_assistance(site.id, DATA / "demarches.csv")
    with pytest.raises(AlreadyImportedError, match=r"\(3 lignes, 3 démarches\)"):
        app.imports.import_assistance(site.id, DATA / "demarches.csv")


def test_a_second_import_is_refused_on_postgresql_too(pg_url: str) -> None:
    from tiers_lieu.app import build

    pg = build(pg_url)
    try:
        place = pg.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
        pg.imports.import_visits(place.id, VISITS)
        with pytest.raises(AlreadyImportedError, match=r"\(4 lignes, 9 visites\)"):
            pg.imports.import_visits(place.id, VISITS)
        assert visitors(pg) == 9
        pg.imports.import_visits(place.id, DATA / "visites_classeur.ods")
        assert visitors(pg) == 16
    finally:
        pg.close()
