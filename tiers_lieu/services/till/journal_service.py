"""``app.till_journal``: reading the till journal a page at a time, verifying it, archiving a
closed period and verifying an archive.

The verification (:mod:`.verify`) and the archives (:mod:`.archive`) do the work; this is
where the permissions are: reading and verifying the journal belong to whoever invoices
(``BILLING``, the « Caisse et factures » section), archiving a closed period to coordination
(``TILL_CLOSE``). Checking an archive file needs no permission: it reads no data of the base
but a place's public key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, func, select

from tiers_lieu.db import UowFactory
from tiers_lieu.i18n import format_instant
from tiers_lieu.models import TillJournal
from tiers_lieu.services.access import Permission, access_of, requires
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till.verify import TillReport, kind_label, verify

if TYPE_CHECKING:
    from tiers_lieu.services.backups import BackupService
    from tiers_lieu.services.bundles.placekeys import PlaceKeyService
    from tiers_lieu.services.till.archive import Period, WrittenArchive
    from tiers_lieu.services.till.archive_check import ArchiveReport

_J = cast(Table, TillJournal.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class JournalLineInfo:
    seq: int
    at: datetime
    """On the place's clock."""
    when: str
    kind: str
    kind_label: str
    number: str
    amount_cents: int
    actor: str
    line_hash: str


class TillJournalService:
    def __init__(
        self,
        uow: UowFactory,
        *,
        place_keys: PlaceKeyService | None = None,
        backups: BackupService | None = None,
    ) -> None:
        self._uow = uow
        self._place_keys = place_keys
        self._backups = backups

    @requires(Permission.BILLING)
    def verify(self) -> TillReport:
        """Whether each place's journal (of the places the account sees) is whole, agrees
        with the tickets, payments and closures, and whether the guards are in place: the
        whole walk. Each place must still hold the last line this desk found whole, and the
        newest line of each place found without a break is kept for the next time
        (:mod:`tiers_lieu.services.audit_witness`)."""
        return self._verify(new_only=False)

    @requires(Permission.BILLING)
    def verify_new(self) -> TillReport:
        """The check after a sign-in: like :meth:`verify`, but of what was written since the
        last line this desk found whole in each place (a place it never verified is walked
        whole); the kept line must still be there, with its hash."""
        return self._verify(new_only=True)

    def _verify(self, *, new_only: bool) -> TillReport:
        from tiers_lieu.services import audit_witness

        url = self._uow.engine.url
        witness = audit_witness.witness_path(url)
        report = verify(
            self._uow,
            sites=access_of(self).sites,
            seen=audit_witness.read_seen(witness, audit_witness.TILL),
            new_only=new_only,
        )
        audit_witness.record_seen(
            witness,
            report.heads,
            database=url.render_as_string(hide_password=True),
            section=audit_witness.TILL,
        )
        return report

    @requires(Permission.BILLING)
    def count(self, site_id: uuid.UUID) -> int:
        with self._uow(read_only=True) as uow:
            return int(
                uow.session.execute(
                    select(func.count()).select_from(_J).where(_J.c.site_id == site_id)
                ).scalar_one()
            )

    @requires(Permission.BILLING)
    def page(
        self, site_id: uuid.UUID, *, before_seq: int | None = None, limit: int = 200
    ) -> list[JournalLineInfo]:
        """The place's lines, newest first, ``limit`` at a time: those numbered below
        ``before_seq`` (the last one held), from the newest when None."""
        j = _J
        query = (
            select(
                j.c.seq,
                j.c.occurred_at,
                j.c.kind,
                j.c.number,
                j.c.amount_cents,
                j.c.actor,
                j.c.line_hash,
            )
            .where(j.c.site_id == site_id)
            .order_by(j.c.seq.desc())
            .limit(limit)
        )
        if before_seq is not None:
            query = query.where(j.c.seq < before_seq)
        with self._uow(read_only=True) as uow:
            zone = site_zone(uow, site_id)
            rows = uow.session.execute(query).all()
        return [
            JournalLineInfo(
                seq=row.seq,
                at=row.occurred_at.astimezone(zone),
                when=format_instant(row.occurred_at, zone),
                kind=row.kind,
                kind_label=kind_label(row.kind),
                number=row.number,
                amount_cents=row.amount_cents,
                actor=row.actor,
                line_hash=row.line_hash,
            )
            for row in rows
        ]

    @requires(Permission.TILL_CLOSE)
    def archive(
        self, site_id: uuid.UUID, period: Period, *, folder: Path | None = None
    ) -> WrittenArchive:
        """Write the signed archive of a closed period (a month or a year) to ``folder``
        (the backup folder by default) and its ARCHIVE line to the journal."""
        from tiers_lieu.services.till import archive

        assert self._place_keys is not None
        signer = self._place_keys.signer(site_id)
        return archive.write_archive(
            self._uow, site_id, period, signer=signer, folder=folder or self._archive_folder()
        )

    def _archive_folder(self) -> Path:
        """Where archives go: the base's backup folder (the data folder's for a server)."""
        from tiers_lieu.db_location import data_dir
        from tiers_lieu.services.backup_folder import FOLDER_NAME

        if self._backups is not None:
            return self._backups.folder
        return data_dir() / FOLDER_NAME

    def verify_archive(self, path: Path) -> ArchiveReport:
        """Check an archive file: its signature (against the place's key this base knows,
        else the key inside it), its manifest, its chain and its closures' totals."""
        from tiers_lieu.services.till.archive_check import verify_archive

        return verify_archive(path, known_key=self._known_key)

    def _known_key(self, site_id: uuid.UUID) -> str | None:
        from tiers_lieu.services.bundles.placekeys import trusted_public_key

        with self._uow(read_only=True) as uow:
            return trusted_public_key(uow.session, site_id)
