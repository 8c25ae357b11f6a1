"""The files a place has imported, by fingerprint: a second import of the same bytes would
count everything twice, so it is refused unless asked for (``--again``, or « Importer quand
même » in the window), and the refusal says when the file came in and what it counted.

The fingerprint is the sha256 of the file's bytes: a copy under another name is the same file,
a file saved again after one cell was corrected is not.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.models import ImportedFile, utcnow
from tiers_lieu.services.imports.results import PreviousImport, Sheets
from tiers_lieu.services.sites import site_zone

NAME_LENGTH = 255
SHEETS_LENGTH = 2000


class AlreadyImportedError(ComptoirError):
    """The same bytes were imported into this place before; ``previous`` says when."""

    def __init__(self, path: Path, previous: PreviousImport) -> None:
        day, hour = previous.when()
        if previous.file_name == path.name:
            template = _(
                "Le fichier « {name} » a déjà été importé le {date} à {time} ({what}) : "
                "l'importer de nouveau compterait tout deux fois. Si c'est bien voulu, "
                "relancez avec --again."
            )
        else:
            template = _(
                "Le fichier « {name} » a déjà été importé le {date} à {time}, sous le nom "
                "« {previous} » ({what}) : l'importer de nouveau compterait tout deux fois. "
                "Si c'est bien voulu, relancez avec --again."
            )
        super().__init__(
            template.format(
                name=path.name,
                previous=previous.file_name,
                date=day,
                time=hour,
                what=previous.what(),
            )
        )
        self.path = path
        self.previous = previous


def previous_import(
    uow: UnitOfWork, site_id: uuid.UUID, kind: str, sha256: str
) -> PreviousImport | None:
    """The latest import of these bytes as ``kind`` into the site, in the site's time."""
    session: Session = uow.session
    row = session.execute(
        select(ImportedFile)
        .where(
            col(ImportedFile.site_id) == site_id,
            col(ImportedFile.sha256) == sha256,
            col(ImportedFile.kind) == kind,
        )
        .order_by(col(ImportedFile.imported_at).desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return PreviousImport(
        file_name=row.file_name,
        imported_at=row.imported_at.astimezone(site_zone(uow, site_id)),
        rows=row.rows,
        amount=row.amount,
        kind=row.kind,
    )


def remember(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    *,
    kind: str,
    sha256: str,
    path: Path,
    rows: int,
    amount: int,
    sheets: Sheets,
) -> None:
    """Record the import being written, in its transaction."""
    uow.session.add(
        ImportedFile(
            site_id=site_id,
            kind=kind,
            sha256=sha256,
            file_name=path.name[:NAME_LENGTH],
            imported_at=utcnow(),
            rows=rows,
            amount=amount,
            sheets="\n".join(sheet.name for sheet in sheets.read)[:SHEETS_LENGTH],
        )
    )
