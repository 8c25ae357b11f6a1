"""The communes of a site's territory: listed, typed in, or imported from a CSV
``code_insee;nom;population`` (the INSEE tables' shape).

An import is all-or-nothing: every line is checked first and all problems are reported with
their line numbers; only a clean file is written, in one transaction. A commune already known
(same INSEE code) is updated, so importing a newer census replaces populations.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ImportFileError, LineError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Commune, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit, official_communes
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.imports.reading import read_table
from tiers_lieu.services.readmodels import CommuneInfo
from tiers_lieu.services.sites import INSEE_RE
from tiers_lieu.services.tabular import normalise
from tiers_lieu.validation import check_text

NAME_MAX = 120  # Commune.name


@dataclass(frozen=True)
class CommuneImportResult:
    created: int
    updated: int
    dry_run: bool


def _info(c: Commune) -> CommuneInfo:
    return CommuneInfo(c.id, c.insee_code, c.name, c.population, c.in_territory)


def _added(uow: UnitOfWork, row: Commune) -> CommuneInfo:
    """``row`` saved with its audit line (a commune added in the settings or at the desk)."""
    uow.session.add(row)
    audit.record(
        uow,
        action=AuditAction.CREATE,
        entity="commune",
        entity_id=row.id,
        site_id=row.site_id,
        details={"name": row.name},
    )
    uow.commit()
    return _info(row)


def _official(text: str, department: str | None) -> official_communes.OfficialCommune | None:
    """The one official commune ``text`` names (by INSEE code or name), if there is one."""
    if INSEE_RE.match(text.strip().upper()):
        return official_communes.by_code(text)
    named = official_communes.named(text)
    # A current commune of that name first; else the former one (« Arbignieu ») leads to
    # the commune it belongs to now.
    found = [c for c in named if c.former_name is None] or named
    if len(found) > 1:
        found = [c for c in found if c.department == department]
    return found[0] if len(found) == 1 else None


class CommuneService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def list_communes(
        self, site_id: uuid.UUID, *, territory_only: bool = False
    ) -> list[CommuneInfo]:
        with self._uow() as uow:
            query = select(Commune).where(Commune.site_id == site_id)
            if territory_only:
                query = query.where(col(Commune.in_territory).is_(True))
            return [_info(c) for c in uow.session.exec(query.order_by(col(Commune.name)))]

    @requires(Permission.SETTINGS)
    def add_commune(
        self,
        site_id: uuid.UUID,
        *,
        name: str,
        insee_code: str | None = None,
        population: int | None = None,
        in_territory: bool = True,
    ) -> CommuneInfo:
        name = name.strip()
        if not name:
            raise ValidationError(_("Nom de la commune"), _("ce champ est obligatoire"))
        check_text(_("Nom de la commune"), name, NAME_MAX)
        code = (insee_code or "").strip().upper() or None
        if code is not None and not INSEE_RE.match(code):
            raise ValidationError(_("Code INSEE"), _("un code INSEE a 5 caractères"))
        with self._uow() as uow:
            if (
                code
                and uow.session.exec(
                    select(Commune).where(Commune.site_id == site_id, Commune.insee_code == code)
                ).first()
            ):
                raise ConflictError(_("Le code INSEE {code} est déjà connu.").format(code=code))
            row = Commune(
                site_id=site_id,
                name=name,
                insee_code=code,
                population=population,
                in_territory=in_territory,
            )
            return _added(uow, row)

    @requires(Permission.DESK)
    def find_or_add(self, site_id: uuid.UUID, text: str) -> CommuneInfo:
        """The commune named (or coded) ``text``, accents and case ignored; a name the site
        does not know yet is added outside the territory (free entry at the desk, audited),
        with its INSEE code and population when the official list knows it (a homonym is
        taken in the place's department; several elsewhere leave the code empty)."""
        wanted = normalise(text)
        if not wanted:
            raise ValidationError(_("Commune"), _("ce champ est obligatoire"))
        with self._uow() as uow:
            rows = uow.session.exec(select(Commune).where(Commune.site_id == site_id)).all()
            for row in rows:
                if (row.insee_code or "").casefold() == wanted or normalise(row.name) == wanted:
                    return _info(row)
            site = uow.session.get(Site, site_id)
            official = _official(text, (site.insee_code or "")[:2] if site else None)
            if official is not None:
                for row in rows:
                    if row.insee_code == official.code:
                        return _info(row)
                row = Commune(
                    site_id=site_id,
                    name=official.name,
                    insee_code=official.code,
                    population=official.population,
                    in_territory=False,
                )
                return _added(uow, row)
            name = check_text(_("Commune"), text.strip(), NAME_MAX)
            row = Commune(site_id=site_id, name=name, in_territory=False)
            return _added(uow, row)

    @requires(Permission.SETTINGS)
    def import_csv(
        self, site_id: uuid.UUID, path: Path, *, dry_run: bool = False
    ) -> CommuneImportResult:
        table = read_table(path, ["code_insee", "nom"])
        errors: list[LineError] = []
        parsed: dict[str, tuple[str, int | None]] = {}
        for line, cells in zip(table.lines, table.rows, strict=True):
            code = cells.get("code_insee", "").upper()
            name = cells.get("nom", "")
            raw_population = cells.get("population", "").replace("\u202f", "").replace(" ", "")
            if not INSEE_RE.match(code):
                errors.append(
                    LineError(line, _("code INSEE invalide « {value} »").format(value=code))
                )
                continue
            if not name:
                errors.append(LineError(line, _("nom de commune manquant")))
                continue
            try:
                check_text(_("nom"), name, NAME_MAX)
            except ValidationError as exc:
                errors.append(LineError(line, exc.message))
                continue
            population: int | None = None
            if raw_population:
                if not raw_population.isdigit():
                    errors.append(
                        LineError(
                            line, _("population invalide « {value} »").format(value=raw_population)
                        )
                    )
                    continue
                population = int(raw_population)
            if code in parsed:
                errors.append(LineError(line, _("code INSEE {code} en double").format(code=code)))
                continue
            parsed[code] = (name, population)
        if errors:
            raise ImportFileError(errors)
        if not parsed:
            raise ImportFileError([LineError(2, _("aucune commune dans le fichier"))])
        with self._uow() as uow:
            existing = {
                c.insee_code: c
                for c in uow.session.exec(select(Commune).where(Commune.site_id == site_id))
                if c.insee_code
            }
            created = updated = 0
            for code, (name, population) in parsed.items():
                row = existing.get(code)
                if row is None:
                    uow.session.add(
                        Commune(
                            site_id=site_id,
                            insee_code=code,
                            name=name,
                            population=population,
                            in_territory=True,
                        )
                    )
                    created += 1
                else:
                    row.name = name
                    row.population = population if population is not None else row.population
                    row.in_territory = True
                    uow.session.add(row)
                    updated += 1
            if not dry_run:
                audit.record(
                    uow,
                    action=AuditAction.UPDATE,
                    entity="commune",
                    entity_id=None,
                    site_id=site_id,
                    details={"created": created, "updated": updated},
                )
                uow.commit()
        return CommuneImportResult(created=created, updated=updated, dry_run=dry_run)
