"""The activity report as a service: compute the figures once, write them as PDF, XLSX or CSV.

:meth:`ReportService.compute` returns a :class:`~tiers_lieu.reports.model.ReportData` built
in one unit of work; :meth:`ReportService.write` renders that same object in the asked
format, so the three files of one period always carry the same figures. Renderers import
their heavy libraries (reportlab, openpyxl) when called, never at start-up.

The cover's operation is the one of the payment claim named, else the operation of the
single site whose dates overlap the period; a report over several sites without a claim has
no operation block.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from sqlalchemy import Table, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, _
from tiers_lieu.models import Operation, PaymentClaim, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.reports.model import OperationInfo, ReportData
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires

if TYPE_CHECKING:
    from tiers_lieu.services.census import CensusData

ReportFormat = Literal["pdf", "xlsx", "csv"]
Progress = Callable[[int, int], None]
FORMATS: tuple[ReportFormat, ...] = ("pdf", "xlsx", "csv")


class ReportService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.REPORTS)
    def compute(
        self,
        *,
        period_start: date,
        period_end: date,
        site_ids: list[uuid.UUID] | None = None,
        claim_number: str = "",
        summary_text: str = "",
    ) -> ReportData:
        """Every indicator for the sites (None = all sites) over the period, dates inclusive."""
        if period_end < period_start:
            raise ValidationError(_("Période"), _("la fin précède le début"))
        # Imported here: the computation modules are not needed to open the windows.
        from tiers_lieu.reports.indicators import compute as compute_indicators
        from tiers_lieu.reports.indicators.time_spent import time_spent

        with self._uow(read_only=True) as uow:
            names, indicators = compute_indicators(
                uow.session, start=period_start, end=period_end, site_ids=site_ids
            )
            operation = _operation(uow, site_ids, period_start, period_end, claim_number.strip())
            zone = _zone_name(uow, site_ids)
            spent = time_spent(uow.session, start=period_start, end=period_end, site_ids=site_ids)
            uow.commit()
        return ReportData(
            period_start=period_start,
            period_end=period_end,
            site_names=names,
            generated_at=datetime.now(UTC),
            operation=operation,
            claim_number=claim_number.strip(),
            summary_text=summary_text.strip(),
            indicators=indicators,
            time_zone=zone,
            time_spent=spent,
        )

    @requires(Permission.REPORTS)
    def write(
        self,
        data: ReportData,
        *,
        fmt: ReportFormat,
        path: Path,
        site_id: uuid.UUID | None = None,
        progress: Progress | None = None,
    ) -> Path:
        """Render ``data`` to ``path`` and note the export in the audit log. Each format is
        written aside and renamed once whole: a failure leaves what ``path`` held.

        ``progress(done, total)`` is called as the PDF's pages are built (the CSV and the
        XLSX take a fraction of a second: they report once, when written).
        """
        if fmt == "csv":
            from tiers_lieu.reports.csv_export import write_csv

            write_csv(data, path)
        elif fmt == "xlsx":
            from tiers_lieu.reports.xlsx_export import write_xlsx

            write_xlsx(data, path)
        elif fmt == "pdf":
            from tiers_lieu.private_files import writing_whole_by_name
            from tiers_lieu.reports.pdf import render_pdf

            with writing_whole_by_name(path, mode=None) as partial:
                render_pdf(data, partial, progress=progress)
        else:
            raise ValidationError(_("Format"), _("pdf, xlsx ou csv"))
        if progress is not None and fmt != "pdf":
            progress(1, 1)
        self._note_export("report", data, fmt, site_id)
        return path

    @requires(Permission.REPORTS)
    def export(
        self,
        *,
        period_start: date,
        period_end: date,
        fmt: ReportFormat,
        path: Path,
        site_ids: list[uuid.UUID] | None = None,
        claim_number: str = "",
        summary_text: str = "",
        progress: Progress | None = None,
    ) -> ReportData:
        """:meth:`compute` then :meth:`write`; returns the figures written."""
        data = self.compute(
            period_start=period_start,
            period_end=period_end,
            site_ids=site_ids,
            claim_number=claim_number,
            summary_text=summary_text,
        )
        site_id = site_ids[0] if site_ids and len(site_ids) == 1 else None
        self.write(data, fmt=fmt, path=path, site_id=site_id, progress=progress)
        return data

    @requires(Permission.REPORTS)
    def census(
        self,
        *,
        period_start: date,
        period_end: date,
        site_ids: list[uuid.UUID] | None = None,
    ) -> CensusData:
        """The Observatoire des tiers-lieux census figures of the sites (None = all sites)
        over the period, dates inclusive (:mod:`tiers_lieu.services.census`)."""
        if period_end < period_start:
            raise ValidationError(_("Période"), _("la fin précède le début"))
        from tiers_lieu.services.census import compute_census

        with self._uow(read_only=True) as uow:
            data = compute_census(
                uow.session, start=period_start, end=period_end, site_ids=site_ids
            )
            uow.commit()
        return data

    @requires(Permission.REPORTS)
    def note_census_export(
        self, data: CensusData, *, fmt: str, site_id: uuid.UUID | None = None
    ) -> None:
        """Note in the audit log that the census of ``data`` was written, as a report is."""
        self._note_export("census", data, fmt, site_id)

    def _note_export(
        self,
        entity: str,
        data: ReportData | CensusData,
        fmt: str,
        site_id: uuid.UUID | None,
    ) -> None:
        """The audit line of an export: what (``entity``), its format, period and places."""
        with self._uow() as uow:
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity=entity,
                entity_id=None,
                site_id=site_id,
                details={
                    "format": fmt,
                    "from": data.period_start.isoformat(),
                    "to": data.period_end.isoformat(),
                    "sites": len(data.site_names),
                },
            )
            uow.commit()


def _zone_name(uow: UnitOfWork, site_ids: list[uuid.UUID] | None) -> str:
    """The clock the report's dates are read on: its site's zone (the first site by name
    when several are consolidated, they are the same in practice)."""
    site_table = cast(Table, Site.__table__)  # type: ignore[attr-defined]
    query = select(site_table.c.timezone).order_by(site_table.c.name).limit(1)
    if site_ids is not None:
        query = query.where(site_table.c.id.in_(site_ids))
    return uow.session.execute(query).scalar() or DEFAULT_TIME_ZONE


def _operation(
    uow: UnitOfWork,
    site_ids: list[uuid.UUID] | None,
    start: date,
    end: date,
    claim_number: str,
) -> OperationInfo | None:
    operation = cast(Table, Operation.__table__)  # type: ignore[attr-defined]
    claim = cast(Table, PaymentClaim.__table__)  # type: ignore[attr-defined]
    query = select(operation)
    if claim_number:
        query = query.join(claim, claim.c.operation_id == operation.c.id).where(
            claim.c.number == claim_number
        )
        if site_ids is not None:
            query = query.where(claim.c.site_id.in_(site_ids))
        row = uow.session.execute(query.limit(1)).first()
        if row is None:
            raise NotFoundError(
                _("Aucune demande de paiement ne porte le numéro « {number} ».").format(
                    number=claim_number
                )
            )
    else:
        if site_ids is None:
            # "All sites" of a base that holds one site is that site: its operation applies.
            site_table = cast(Table, Site.__table__)  # type: ignore[attr-defined]
            site_ids = list(uow.session.execute(select(site_table.c.id).limit(2)).scalars())
        if len(site_ids) != 1:
            return None
        row = uow.session.execute(
            query.where(
                operation.c.site_id == site_ids[0],
                operation.c.start_date.is_(None) | (operation.c.start_date <= end),
                operation.c.end_date.is_(None) | (operation.c.end_date >= start),
            )
            .order_by(operation.c.start_date.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
    m = row._mapping
    return OperationInfo(
        title=m["title"],
        file_number=m["file_number"],
        gal_name=m["gal_name"],
        region=m["region"],
        cofunders=m["cofunders"],
        emblem_path=m["emblem_path"],
        leader_logo_path=m["leader_logo_path"],
        region_logo_path=m["region_logo_path"],
        gal_logo_path=m["gal_logo_path"],
    )
