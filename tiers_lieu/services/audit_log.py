"""Reading the audit log: a page of lines for the administration, and their CSV export.

The log is append-only (migration 0004: the database refuses an UPDATE, and a DELETE of a
line less than 28 days old), and this service has no method that changes it. Reading it is
not itself audited (it would write a line each time the list scrolls); exporting it is.

Instants are stored in UTC and shown in the time zone of the place the desk works for (the
``site_id`` given, Europe/Paris otherwise), which also decides where a day of the date filter
starts and ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, _, format_date, format_time
from tiers_lieu.models import AppUser, AuditEntry, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.reports.cells import write_csv  # the one formula-safe CSV of every export
from tiers_lieu.services import audit, audit_text
from tiers_lieu.services.access import Permission, access_of, requires
from tiers_lieu.services.audit_text import action_label, entity_label

if TYPE_CHECKING:
    from tiers_lieu.services.audit_verify import ChainReport


@dataclass(frozen=True)
class AuditFilter:
    """Which lines to show; ``None`` means no limit on that field. Dates are the place's."""

    start: date | None = None
    end: date | None = None
    user_id: uuid.UUID | None = None
    action: str | None = None


@dataclass(frozen=True)
class AuditLine:
    id: uuid.UUID
    at: datetime
    """The instant, in the place's time zone."""
    when: str
    account: str
    action: str
    action_label: str
    entity: str
    what: str
    entity_id: uuid.UUID | None
    details: str
    """The details as a French sentence."""
    raw_details: str = ""
    """The details as stored (JSON, English keys): the CSV keeps them for auditors."""


@dataclass(frozen=True)
class AuditAccount:
    id: uuid.UUID
    name: str
    active: bool


def describe_details(text: str, zone: ZoneInfo | None = None) -> str:
    """The stored JSON as a French sentence (:mod:`.audit_text`)."""
    return audit_text.describe(text, zone or ZoneInfo(DEFAULT_TIME_ZONE))


class AuditLogService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.AUDIT)
    def accounts(self) -> list[AuditAccount]:
        """Every account, deactivated ones included (their past lines stay in the log)."""
        with self._uow(read_only=True) as uow:
            rows = uow.session.exec(select(AppUser).order_by(col(AppUser.display_name))).all()
            return [AuditAccount(u.id, u.display_name, u.active) for u in rows]

    @requires(Permission.AUDIT)
    def page(
        self,
        filters: AuditFilter,
        *,
        site_id: uuid.UUID | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[AuditLine]:
        """Lines matching ``filters``, newest first, ``limit`` at a time (not audited)."""
        with self._uow(read_only=True) as uow:
            return self._lines(uow.session, filters, site_id, offset, limit)

    @requires(Permission.AUDIT)
    def export_csv(
        self, path: Path, filters: AuditFilter, *, site_id: uuid.UUID | None = None
    ) -> int:
        """Write every matching line to ``path`` (UTF-8 with BOM, ``;``); the export itself
        is audited. Returns the number of lines written."""
        with self._uow(read_only=True) as uow:
            lines = self._lines(uow.session, filters, site_id, 0, None)
        header = [_("Date"), _("Compte"), _("Action"), _("Objet"), _("Détails"), _("Données")]
        write_csv(  # written aside, then renamed: never half a file under the real name
            path,
            [
                header,
                *(
                    (x.when, x.account, x.action_label, x.what, x.details, x.raw_details)
                    for x in lines
                ),
            ],
        )
        with self._uow() as uow:
            account = None
            if filters.user_id is not None:
                user = uow.session.get(AppUser, filters.user_id)
                account = None if user is None else user.username
            details = {
                "lines": len(lines),
                "start": filters.start,
                "end": filters.end,
                "action": filters.action,
                "account": account,
            }
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="audit_entry",
                entity_id=None,
                site_id=site_id,
                details={key: value for key, value in details.items() if value is not None},
            )
            uow.commit()
        return len(lines)

    @requires(Permission.AUDIT)
    def verify(self) -> ChainReport:
        """Whether the log's hash chains are whole and the database still guards it; where
        it breaks otherwise (the chains of the places the account may read; not audited).
        Each chain must still reach the last line this desk saw of it, which is then kept
        for the next time (:mod:`.audit_witness`)."""
        from tiers_lieu.services import audit_witness
        from tiers_lieu.services.audit_verify import verify

        url = self._uow.engine.url
        witness = audit_witness.witness_path(url)
        report = verify(
            self._uow, sites=access_of(self).sites, seen=audit_witness.read_seen(witness)
        )
        audit_witness.record_seen(
            witness, report.heads, database=url.render_as_string(hide_password=True)
        )
        return report

    def _lines(
        self,
        session: Session,
        filters: AuditFilter,
        site_id: uuid.UUID | None,
        offset: int,
        limit: int | None,
    ) -> list[AuditLine]:
        zone = _zone(session, site_id)
        query = (
            select(AuditEntry, AppUser.display_name)
            .join(AppUser, col(AppUser.id) == AuditEntry.user_id, isouter=True)
            .where(*_conditions(filters, zone))
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .offset(offset)
        )
        allowed = access_of(self).sites
        if allowed is not None:  # an account of one place reads that place's lines only
            query = query.where(col(AuditEntry.site_id).in_(allowed))
        if limit is not None:
            query = query.limit(limit)
        lines = []
        for entry, name in session.exec(query).all():
            local = entry.at.astimezone(zone)
            lines.append(
                AuditLine(
                    id=entry.id,
                    at=local,
                    when=_("{date} à {time}").format(
                        date=format_date(local.date()), time=format_time(local.time())
                    ),
                    account=name if name is not None else _("Système"),
                    action=entry.action,
                    action_label=action_label(entry.action),
                    entity=entry.entity,
                    what=entity_label(entry.entity),
                    entity_id=entry.entity_id,
                    details=describe_details(entry.details, zone),
                    raw_details=entry.details,
                )
            )
        return lines


def _zone(session: Session, site_id: uuid.UUID | None) -> ZoneInfo:
    site = session.get(Site, site_id) if site_id is not None else None
    return ZoneInfo(site.timezone if site is not None and site.timezone else DEFAULT_TIME_ZONE)


def _conditions(filters: AuditFilter, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.start is not None:
        start = datetime.combine(filters.start, time(), zone).astimezone(UTC)
        where.append(col(AuditEntry.at) >= start)
    if filters.end is not None:
        end = datetime.combine(filters.end + timedelta(days=1), time(), zone).astimezone(UTC)
        where.append(col(AuditEntry.at) < end)
    if filters.user_id is not None:
        where.append(col(AuditEntry.user_id) == filters.user_id)
    if filters.action is not None:
        where.append(col(AuditEntry.action) == filters.action)
    return where
