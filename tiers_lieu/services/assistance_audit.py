"""The audit lines of the assistance desk's records (démarches, their follow-ups and the
public writer's letters), each committed with the change it tells of; ``details`` name no
one. Shared by :mod:`tiers_lieu.services.assistance` and :mod:`tiers_lieu.services.letters`
(which the first imports, hence a module of their own)."""

from __future__ import annotations

import uuid

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import AssistanceRecord
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit


def audit_read(uow: UnitOfWork, site_id: uuid.UUID, details: dict[str, object]) -> None:
    """A list naming the people helped was read: one audit line, committed with nothing else."""
    audit.record(
        uow,
        action=AuditAction.READ,
        entity="assistance_record",
        entity_id=None,
        site_id=site_id,
        details=details,
    )
    uow.commit()


def commit_change(uow: UnitOfWork, record: AssistanceRecord, details: dict[str, object]) -> None:
    """``record`` changed (its follow-up closed or moved): kept, audited, committed."""
    uow.session.add(record)
    audit.record(
        uow,
        action=AuditAction.UPDATE,
        entity="assistance_record",
        entity_id=record.id,
        site_id=record.site_id,
        details=details,
    )
    uow.commit()
