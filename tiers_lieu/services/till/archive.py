"""The signed archive of a closed period of the till, and its verification.

An archive is a zip file written whole (:func:`~tiers_lieu.private_files.writing_whole`) to
the backup folder, once the month or year is closed (a ``till_closure`` row of that kind for
that period), with:

- ``journal.jsonl``: the period's journal lines, one JSON object a line with their hashes,
  preceded by the line before the period (``"anchor": true``) that the first one chains to;
- ``clotures.json``: the period's closures (days, months, the year) as stored;
- ``LISEZMOI.txt``: the format and how to check it by hand, in French;
- ``manifeste.json``: the SHA-256 of each of those files, the place, the period, the chain's
  ends and the place's public key;
- ``signature``: the Ed25519 signature of ``manifeste.json``'s bytes, by the place's key
  (:meth:`~tiers_lieu.services.bundles.placekeys.PlaceKeyService.signer`), in base64.

The journal gets an ARCHIVE line naming the file and the manifest's digest.

:mod:`.archive_check` reads and checks them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import Table, func, or_, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _, month_name
from tiers_lieu.models import Site, TillClosure, TillJournal, utcnow
from tiers_lieu.models.enums import AuditAction, ClosureKind, JournalKind
from tiers_lieu.private_files import writing_whole
from tiers_lieu.services import audit
from tiers_lieu.services.bundles.placekeys import Signer, fingerprint
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till.chain import GENESIS, canonical
from tiers_lieu.services.till.journal import append
from tiers_lieu.services.till.verify import naive_utc

FORMAT = "comptoir-archive-caisse"
VERSION = 1
JOURNAL, CLOSURES, README, MANIFEST, SIGNATURE = (
    "journal.jsonl",
    "clotures.json",
    "LISEZMOI.txt",
    "manifeste.json",
    "signature",
)
#: Ceilings of each member once inflated (bytes).
LIMITS = {
    JOURNAL: 2 * 1024**3,
    CLOSURES: 8 * 1024**2,
    README: 1024**2,
    MANIFEST: 1024**2,
    SIGNATURE: 1024,
}

_J = cast(Table, TillJournal.__table__)  # type: ignore[attr-defined]
_C = cast(Table, TillClosure.__table__)  # type: ignore[attr-defined]
_KIND_ORDER = {ClosureKind.DAY: 0, ClosureKind.MONTH: 1, ClosureKind.YEAR: 2}


# -- the period -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    kind: ClosureKind  # month or year
    start: date
    end: date
    """The day after the period's last."""

    @classmethod
    def month(cls, text: str) -> Period:
        """« 2026-11 » (the field's name in messages: ``--mois``)."""
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
            raise ValidationError(
                _("Mois"), _("« {text} » n'est pas un mois au format AAAA-MM").format(text=text)
            )
        year, month = int(found.group(1)), int(found.group(2))
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls(ClosureKind.MONTH, date(year, month, 1), end)

    @classmethod
    def year(cls, text: str) -> Period:
        found = re.fullmatch(r"\s*(\d{4})\s*", text or "")
        if found is None or not 2000 <= int(found.group(1)) <= 2100:
            raise ValidationError(
                _("Année"), _("« {text} » n'est pas une année (AAAA)").format(text=text)
            )
        year = int(found.group(1))
        return cls(ClosureKind.YEAR, date(year, 1, 1), date(year + 1, 1, 1))

    def label(self) -> str:
        if self.kind == ClosureKind.YEAR:
            return _("l'année {year}").format(year=self.start.year)
        return _("{month} {year}").format(month=month_name(self.start.month), year=self.start.year)

    def not_closed(self, place: str) -> str:
        if self.kind == ClosureKind.YEAR:
            said = _("L'année {year} n'est pas clôturée à « {place} »")
        else:
            said = _("Le mois « {month} {year} » n'est pas clôturé à « {place} »")
        return _(
            "{said} : on n'archive qu'une période close (Caisse et factures › Clôtures)."
        ).format(
            said=said.format(month=month_name(self.start.month), year=self.start.year, place=place)
        )

    def stem(self) -> str:
        if self.kind == ClosureKind.YEAR:
            return f"{self.start.year}"
        return f"{self.start.year}-{self.start.month:02d}"


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "lieu"


def archive_name(place: str, period: Period) -> str:
    """``caisse_le-comptoir_2026-11.zip``."""
    return f"caisse_{_slug(place)}_{period.stem()}.zip"


# -- writing --------------------------------------------------------------------------------
@dataclass(frozen=True)
class WrittenArchive:
    path: Path
    lines: int
    closures: int
    first_seq: int
    last_seq: int
    fingerprint: str


def _line_record(row: Any, site_id: uuid.UUID, *, anchor: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "seq": row.seq,
        "id": str(uuid.UUID(str(row.id))),
        "site_id": str(site_id),
        "kind": row.kind,
        "occurred_at": naive_utc(row.occurred_at),
        "actor": row.actor,
        "ref_id": None if row.ref_id is None else str(uuid.UUID(str(row.ref_id))),
        "number": row.number,
        "amount_cents": int(row.amount_cents),
        "payload": row.payload,
        "prev_hash": row.prev_hash,
        "line_hash": row.line_hash,
    }
    if anchor:
        record["anchor"] = True
    return record


def _closure_record(row: Any) -> dict[str, Any]:
    try:
        totals = json.loads(row.totals)
    except ValueError:
        totals = row.totals
    return {
        "id": str(uuid.UUID(str(row.id))),
        "kind": row.kind,
        "number": row.number,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "first_ticket": row.first_ticket,
        "last_ticket": row.last_ticket,
        "tickets": row.tickets,
        "reversals": row.reversals,
        "total_cents": int(row.total_cents),
        "reversed_cents": int(row.reversed_cents),
        "grand_total_cents": int(row.grand_total_cents),
        "totals": totals,
        "closed_at": naive_utc(row.closed_at),
        "closed_by": row.closed_by,
    }


class _Hashing:
    """A writable member that also computes its SHA-256."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.target.write(data)


def write_archive(
    uow: UowFactory, site_id: uuid.UUID, period: Period, *, signer: Signer, folder: Path
) -> WrittenArchive:
    """Write the archive of ``period`` (closed) to ``folder``, then its ARCHIVE line."""
    with uow(read_only=True) as work:
        connection = work.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        site = work.session.get(Site, site_id)
        if site is None:
            raise ComptoirError(_("Ce lieu n'existe pas."))
        place = site.name
        zone = site_zone(work, site_id)
        closed = connection.execute(
            select(_C.c.id).where(
                _C.c.site_id == site_id,
                _C.c.kind == str(period.kind),
                _C.c.period_start == period.start,
            )
        ).first()
        if closed is None:
            raise ComptoirError(period.not_closed(place))
        start = datetime.combine(period.start, time(), zone).astimezone(UTC)
        end = datetime.combine(period.end, time(), zone).astimezone(UTC)
        closures = connection.execute(
            select(_C)
            .where(
                _C.c.site_id == site_id,
                or_(
                    _C.c.id == closed.id,
                    (_C.c.period_start >= period.start) & (_C.c.period_end < period.end),
                ),
            )
            .order_by(_C.c.period_start, _C.c.kind)
        ).all()
        closures = sorted(closures, key=lambda c: (_KIND_ORDER.get(c.kind, 3), c.period_start))
        in_period = (_J.c.occurred_at >= start) & (_J.c.occurred_at < end)
        closure_lines = (_J.c.kind == str(JournalKind.CLOSURE)) & _J.c.ref_id.in_(
            [c.id for c in closures]
        )
        first, last = connection.execute(
            select(func.min(_J.c.seq), func.max(_J.c.seq)).where(
                _J.c.site_id == site_id, in_period | closure_lines
            )
        ).one()
        if first is None:
            raise ComptoirError(
                _("Le journal de « {place} » n'a aucune ligne pour {period}.").format(
                    place=place, period=period.label()
                )
            )
        name = archive_name(place, period)
        path = folder / name
        folder.mkdir(parents=True, exist_ok=True)
        with (
            writing_whole(path) as handle,
            zipfile.ZipFile(
                handle, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
            ) as archive,
        ):
            digests: dict[str, str] = {}
            anchor_hash = GENESIS
            last_hash = GENESIS
            lines = 0
            with archive.open(JOURNAL, "w", force_zip64=True) as raw:
                member = _Hashing(raw)
                query = (
                    select(_J)
                    .where(_J.c.site_id == site_id, _J.c.seq >= first - 1, _J.c.seq <= last)
                    .order_by(_J.c.seq)
                )
                for row in connection.execution_options(yield_per=2000).execute(query):
                    is_anchor = row.seq == first - 1
                    if is_anchor:
                        anchor_hash = row.line_hash
                    else:
                        lines += 1
                        last_hash = row.line_hash
                    record = _line_record(row, site_id, anchor=is_anchor)
                    member.write((canonical(record) + "\n").encode("utf-8"))
                digests[JOURNAL] = member.digest.hexdigest()
            records = [_closure_record(c) for c in closures]
            for member_name, data in (
                (CLOSURES, json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")),
                (README, readme_text().encode("utf-8")),
            ):
                archive.writestr(member_name, data)
                digests[member_name] = hashlib.sha256(data).hexdigest()
            public = signer.public_key()
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "site_id": str(site_id),
                "place": place,
                "period": {
                    "kind": str(period.kind),
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "label": period.label(),
                },
                "first_seq": first,
                "last_seq": last,
                "lines": lines,
                "anchor_hash": anchor_hash,
                "last_hash": last_hash,
                "closures": len(records),
                "files": digests,
                "algorithm": "Ed25519",
                "public_key": public,
                "fingerprint": fingerprint(signer.public_raw()),
                "written_at": naive_utc(utcnow()),
            }
            manifest_bytes = (
                json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            ).encode("utf-8")
            archive.writestr(MANIFEST, manifest_bytes)
            signature = signer.sign(manifest_bytes)
            archive.writestr(SIGNATURE, base64.b64encode(signature) + b"\n")
    with uow() as work:
        append(
            work,
            site_id=site_id,
            kind=JournalKind.ARCHIVE,
            payload={
                "period": period.stem(),
                "file": name,
                "first_seq": first,
                "last_seq": last,
                "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
            },
            number=period.stem(),
        )
        audit.record(
            work,
            action=AuditAction.EXPORT,
            entity="till_journal",
            entity_id=None,
            site_id=site_id,
            details={"file": name, "lines": lines},
        )
        work.commit()
    return WrittenArchive(path, lines, len(records), first, last, manifest["fingerprint"])


def readme_text() -> str:
    """``LISEZMOI.txt``: the format, how each hash is computed, how to check it by hand."""
    return _(
        """Archive de caisse Comptoir
==========================

Cette archive contient le journal inaltérable de la caisse d'un lieu pour une période
clôturée, les clôtures de cette période, et de quoi vérifier qu'aucune n'a été modifiée.

Fichiers
--------
- journal.jsonl : une ligne du journal par ligne de texte, en JSON (UTF-8), de la
  première ligne de la période à la dernière ligne de ses clôtures (la chaîne est
  continue : les quelques lignes de la période suivante écrites avant la clôture y sont
  aussi). La première, marquée "anchor": true, est la ligne qui précède la période : la
  première ligne de la période s'y enchaîne (elle manque si la période commence au début
  du journal).
  Champs : seq (numéro, continu), id, site_id, kind (opening, ticket, payment, reversal,
  closure, invoice, credit, receipt, print, duplicate, archive), occurred_at (instant en UTC,
  AAAA-MM-JJTHH:MM:SS.ffffff), actor (qui), ref_id (le ticket, le paiement ou la clôture
  enregistré), number (T000042…), amount_cents (montant en centimes), payload (texte JSON
  de ce que la ligne enregistre : lignes du ticket, TVA par taux, moyen de paiement…),
  prev_hash (empreinte de la ligne précédente) et line_hash (empreinte de la ligne).
- clotures.json : les clôtures de la période (jour, mois, année), numérotées, avec leurs
  totaux par moyen de paiement et par taux de TVA et le grand total perpétuel.
- manifeste.json : le lieu, la période, les numéros de la première et de la dernière
  ligne, l'empreinte SHA-256 de chacun des trois fichiers ci-dessus et la clé publique
  Ed25519 du lieu (base64) avec son empreinte courte.
- signature : la signature Ed25519 des octets exacts de manifeste.json, en base64.

Empreinte d'une ligne
---------------------
line_hash = SHA-256 (en hexadécimal minuscule) du texte UTF-8 du tableau JSON
  [prev_hash, seq, id, site_id, kind, occurred_at, actor, ref_id, number, amount_cents,
   payload]
écrit sans espaces (séparateurs "," et ":"), les caractères non ASCII tels quels, ref_id
valant null quand il n'y en a pas. La première ligne du journal d'un lieu a pour prev_hash
64 zéros. Chaque ligne a pour prev_hash le line_hash de la précédente et pour seq le numéro
suivant.

Vérifier à la main
------------------
1. sha256sum journal.jsonl clotures.json LISEZMOI.txt : comparer avec "files" du manifeste.
2. Vérifier la signature de manifeste.json avec la clé publique du lieu (celle que le lieu
   a communiquée, pas seulement celle du manifeste), par exemple en Python avec
   cryptography : Ed25519PublicKey.from_public_bytes(base64.b64decode(cle)).verify(
   base64.b64decode(signature), octets_du_manifeste).
3. Pour chaque ligne de journal.jsonl, recalculer line_hash comme ci-dessus et vérifier
   que prev_hash est le line_hash de la ligne précédente et que seq se suit.
4. Pour chaque clôture, additionner les montants des lignes ticket et reversal dont le
   numéro de ticket est entre first_ticket et last_ticket : c'est total_cents ; les lignes
   payment de ces tickets donnent les totaux par moyen de paiement.

La commande « tiers-lieu caisse verifier ARCHIVE.zip » fait tout cela.
"""
    )
