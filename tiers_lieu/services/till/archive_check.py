"""Checking a till archive (:mod:`.archive` writes them) with bounded memory.

A known set of members, each with a ceiling on its size and on its compression ratio (a zip
bomb is refused before it is inflated), the journal read a line at a time with a ceiling on
a line's length, malformed JSON refused: what cannot be read is
:class:`UnreadableArchiveError` (exit 2 on the command line), with a French message. Then:
the signature (against the key the base knows for the place, else the one inside, and the
report says which), the manifest's digests, the chain, and each closure's totals recomputed
from the journal's tickets and payments (:mod:`.archive_tally`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from tiers_lieu import held_files
from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _, format_number, ngettext
from tiers_lieu.services.bundles.placekeys import verify as verify_signature
from tiers_lieu.services.till.archive import (
    CLOSURES,
    FORMAT,
    JOURNAL,
    LIMITS,
    MANIFEST,
    README,
    SIGNATURE,
    VERSION,
)
from tiers_lieu.services.till.archive_tally import _Tally
from tiers_lieu.services.till.chain import GENESIS, line_hash
from tiers_lieu.services.till.verify import kind_label

MOST_RATIO = 200
"""A member inflating more than this many times its compressed size is refused (a bomb)."""
MOST_LINE = 4 * 1024**2
MOST_ARCHIVE = 4 * 1024**3
MOST_PROBLEMS = 50
MOST_DIRECTORY = 64 * 1024
"""Bytes of the zip's central directory (five entries take a few hundred)."""
CHUNK = 1024**2


# -- reading --------------------------------------------------------------------------------
class UnreadableArchiveError(ComptoirError):
    """Not an archive this verifier can read (exit 2): damaged, foreign, too large."""


@dataclass
class ArchiveReport:
    place: str = ""
    period: str = ""
    lines: int = 0
    closures: int = 0
    key_source: str = ""
    problems: list[str] = field(default_factory=list)
    omitted: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems and not self.omitted

    def add(self, problem: str) -> None:
        if len(self.problems) >= MOST_PROBLEMS:
            self.omitted += 1
        else:
            self.problems.append(problem)

    def summary(self) -> str:
        head = _("Archive de caisse de « {place} », {period}").format(
            place=self.place, period=self.period
        )
        said = [head, self.key_source]
        if self.intact:
            said.append(
                _(
                    "Archive intacte : signature, empreintes, chaîne et totaux vérifiés "
                    "({lines}, {closures})."
                ).format(
                    lines=ngettext("{n} ligne", "{n} lignes", self.lines).format(
                        n=format_number(self.lines)
                    ),
                    closures=ngettext("{n} clôture", "{n} clôtures", self.closures).format(
                        n=format_number(self.closures)
                    ),
                )
            )
            return "\n".join(said)
        said.append(_("L'archive a été altérée :"))
        said += [f"- {p}" for p in self.problems]
        if self.omitted:
            said.append(
                ngettext(
                    "… et {n} autre anomalie.", "… et {n} autres anomalies.", self.omitted
                ).format(n=format_number(self.omitted))
            )
        return "\n".join(said)


def _unreadable(detail: str) -> UnreadableArchiveError:
    return UnreadableArchiveError(
        _("Ce fichier n'est pas une archive de caisse lisible : {detail}.").format(detail=detail)
    )


def _open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in chunks, refused past its ceiling whatever its header says."""
    limit = min(LIMITS[info.filename], info.file_size)
    seen = 0
    with archive.open(info) as member:
        while True:
            chunk = member.read(CHUNK)
            if not chunk:
                return
            seen += len(chunk)
            if seen > limit:
                raise _unreadable(
                    _("« {name} » est plus grand qu'annoncé").format(name=info.filename)
                )
            yield chunk


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    return b"".join(_open_member(archive, info))


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > 2 * len(LIMITS):
        raise _unreadable(_("elle contient trop de fichiers"))
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name not in LIMITS:
            raise _unreadable(_("fichier inattendu « {name} »").format(name=name[:80]))
        if name in found:
            raise _unreadable(_("« {name} » y figure deux fois").format(name=name))
        if info.flag_bits & 0x1:
            raise _unreadable(_("« {name} » est chiffré").format(name=name))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # What Comptoir writes; another method is refused before zipfile tries it.
            raise _unreadable(_("ce n'est pas un fichier zip, ou il est abîmé"))
        if info.file_size > LIMITS[name]:
            raise _unreadable(_("« {name} » est trop grand").format(name=name))
        if info.file_size > 1024**2 and info.file_size > MOST_RATIO * max(info.compress_size, 1):
            raise _unreadable(
                _("« {name} » se décompresse en beaucoup trop de données").format(name=name)
            )
        found[name] = info
    missing = [name for name in LIMITS if name not in found]
    if missing:
        raise _unreadable(_("il y manque {names}").format(names=", ".join(missing)))
    return found


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _unreadable(_("« {name} » n'est pas du JSON valide").format(name=name)) from None


def verify_archive(
    path: Path, *, known_key: Callable[[uuid.UUID], str | None] | None = None
) -> ArchiveReport:
    """Check the archive at ``path``; :class:`UnreadableArchiveError` when it cannot be read."""
    try:
        if path.stat().st_size > MOST_ARCHIVE:
            raise _unreadable(_("le fichier est trop grand"))
        # Opened once, through the one door for input files (a base this process holds is
        # refused unopened: closing a handle on it would drop SQLite's locks).
        with held_files.open_input(path) as handle:
            _check_directory(handle)
            with zipfile.ZipFile(handle) as archive:
                return _verify(archive, known_key)
    except UnreadableArchiveError:
        raise
    except FileNotFoundError:
        raise UnreadableArchiveError(_("Fichier introuvable : {path}").format(path=path)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise _unreadable(_("ce n'est pas un fichier zip, ou il est abîmé")) from None
    except OSError as exc:
        raise UnreadableArchiveError(
            _("Lecture impossible de {path} : {error}").format(path=path, error=os_reason(exc))
        ) from None


def _check_directory(handle: BinaryIO) -> None:
    """Refuse a zip whose central directory is large before :mod:`zipfile` reads it whole
    (an archive has five members): its end record says how many entries and how many bytes
    it has."""
    end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
    if end is None:
        raise _unreadable(_("ce n'est pas un fichier zip, ou il est abîmé"))
    entries = end[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]
    size = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if entries > 2 * len(LIMITS) or size > MOST_DIRECTORY:
        raise _unreadable(_("elle contient trop de fichiers"))


def _manifest(data: Any) -> dict[str, Any]:
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("files"), dict)
        or not isinstance(data.get("public_key"), str)
    ):
        raise _unreadable(_("son manifeste n'est pas celui d'une archive de caisse"))
    if data.get("version") != VERSION:
        raise _unreadable(
            _("format {version} inconnu de cette version de Comptoir").format(
                version=data.get("version")
            )
        )
    try:
        uuid.UUID(str(data.get("site_id")))
    except ValueError:
        raise _unreadable(_("son manifeste ne nomme pas de lieu")) from None
    return data


def _verify(
    archive: zipfile.ZipFile, known_key: Callable[[uuid.UUID], str | None] | None
) -> ArchiveReport:
    members = _members(archive)
    manifest_bytes = _read_small(archive, members[MANIFEST])
    manifest = _manifest(_json(manifest_bytes, MANIFEST))
    report = ArchiveReport(
        place=str(manifest.get("place", "?")),
        period=str((manifest.get("period") or {}).get("label", "?"))
        if isinstance(manifest.get("period"), dict)
        else "?",
    )
    site_id = uuid.UUID(str(manifest["site_id"]))
    try:
        signature = base64.b64decode(
            _read_small(archive, members[SIGNATURE]).strip(), validate=True
        )
    except (binascii.Error, ValueError):
        raise _unreadable(_("sa signature n'est pas lisible")) from None
    report.key_source = _signature(report, manifest, manifest_bytes, signature, known_key)
    files = manifest["files"]
    for name in (CLOSURES, README):
        digest = hashlib.sha256(_read_small(archive, members[name])).hexdigest()
        if files.get(name) != digest:
            report.add(
                _("« {name} » a été modifié depuis l'écriture de l'archive").format(name=name)
            )
    closures_data = _json(_read_small(archive, members[CLOSURES]), CLOSURES)
    if not isinstance(closures_data, list) or not all(isinstance(c, dict) for c in closures_data):
        raise _unreadable(_("« {name} » n'est pas une liste de clôtures").format(name=CLOSURES))
    tally = _Tally(closures_data)
    journal_digest = _walk_journal(archive, members[JOURNAL], manifest, site_id, report, tally)
    if files.get(JOURNAL) != journal_digest:
        report.add(
            _("« {name} » a été modifié depuis l'écriture de l'archive").format(name=JOURNAL)
        )
    report.closures = len(closures_data)
    for problem in tally.problems():
        report.add(problem)
    return report


def _signature(
    report: ArchiveReport,
    manifest: dict[str, Any],
    manifest_bytes: bytes,
    signature: bytes,
    known_key: Callable[[uuid.UUID], str | None] | None,
) -> str:
    """The report's line on the signature, checked first: « vérifiée » only when it holds;
    otherwise why is added to the problems, once (another key than the place's, or a manifest
    changed after it was signed)."""
    inside = manifest["public_key"]
    known = known_key(uuid.UUID(str(manifest["site_id"]))) if known_key is not None else None
    holds = verify_signature(known or inside, signature, manifest_bytes)
    if known is not None and known != inside:
        report.add(
            _("la clé que nomme le manifeste n'est pas celle de ce lieu")
            if holds  # signed by the place, naming another key: its manifest was changed
            else _("l'archive n'a pas été signée avec la clé de ce lieu")
        )
    elif not holds:
        report.add(
            _(
                "la signature ne correspond pas au manifeste : il a été modifié ou signé "
                "par une autre clé"
            )
        )
    if known is None and holds:
        return _(
            "Cette base ne connaît pas la clé de ce lieu : signature vérifiée avec la clé "
            "contenue dans l'archive seulement (comparez son empreinte {fingerprint} avec celle "
            "que le lieu vous a donnée)."
        ).format(fingerprint=manifest.get("fingerprint", "?"))
    if known is None:
        return _(
            "Cette base ne connaît pas la clé de ce lieu. La signature n'a pas pu être "
            "vérifiée avec la clé contenue dans l'archive."
        )
    if holds:
        return _("Signature vérifiée avec la clé du lieu connue de cette base.")
    return _("La signature n'a pas pu être vérifiée avec la clé du lieu connue de cette base.")


def _lines(archive: zipfile.ZipFile, info: zipfile.ZipInfo, digest: Any) -> Iterator[bytes]:
    """The journal's lines, each at most :data:`MOST_LINE` bytes, hashing as it reads."""
    rest = b""
    for chunk in _open_member(archive, info):
        digest.update(chunk)
        rest += chunk
        *whole, rest = rest.split(b"\n")
        yield from whole
        if len(rest) > MOST_LINE:
            raise _unreadable(_("une ligne de « {name} » est trop longue").format(name=JOURNAL))
    if rest:
        yield rest


_FIELDS = ("seq", "id", "site_id", "kind", "occurred_at", "actor", "number", "payload")


def _walk_journal(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    manifest: dict[str, Any],
    site_id: uuid.UUID,
    report: ArchiveReport,
    tally: _Tally,
) -> str:
    digest = hashlib.sha256()
    previous: dict[str, Any] | None = None
    anchor_seen = False
    for number, raw in enumerate(_lines(archive, info, digest), start=1):
        record = _json(raw, JOURNAL)
        if not isinstance(record, dict) or any(k not in record for k in _FIELDS):
            raise _unreadable(
                _("la ligne {n} de « {name} » n'est pas une ligne du journal").format(
                    n=number, name=JOURNAL
                )
            )
        try:
            when = datetime.fromisoformat(str(record["occurred_at"]))
            expected = line_hash(
                prev_hash=str(record.get("prev_hash")),
                seq=int(record["seq"]),
                line_id=str(record["id"]),
                site_id=str(record["site_id"]),
                kind=str(record["kind"]),
                occurred_at=when,
                actor=str(record["actor"]),
                ref_id=record.get("ref_id"),
                number=str(record["number"]),
                amount_cents=int(record.get("amount_cents", 0)),
                payload=str(record["payload"]),
            )
        except (ValueError, TypeError):
            raise _unreadable(
                _("la ligne {n} de « {name} » n'est pas une ligne du journal").format(
                    n=number, name=JOURNAL
                )
            ) from None
        seq = int(record["seq"])
        kind = kind_label(str(record["kind"]))
        what = f"{kind} {record['number']}" if record["number"] else kind
        where = _("ligne n° {seq} ({what})").format(seq=seq, what=what)
        if record.get("line_hash") != expected:
            report.add(
                _("{where} : le contenu ne correspond plus à son empreinte").format(where=where)
            )
        if str(record["site_id"]) != str(site_id):
            report.add(_("{where} : elle est d'un autre lieu").format(where=where))
        if record.get("anchor") is True:
            if previous is not None or anchor_seen:
                report.add(_("{where} : une ancre au milieu du journal").format(where=where))
            anchor_seen = True
            if record.get("line_hash") != manifest.get("anchor_hash"):
                report.add(_("{where} : l'ancre n'est pas celle du manifeste").format(where=where))
            previous = record
            continue
        if previous is None:
            if seq != manifest.get("first_seq"):
                report.add(
                    _("{where} : le journal ne commence pas à la ligne annoncée").format(
                        where=where
                    )
                )
            if record.get("prev_hash") != manifest.get("anchor_hash") or (
                seq == 1 and record.get("prev_hash") != GENESIS
            ):
                report.add(_("{where} : elle ne suit pas l'ancre de l'archive").format(where=where))
        else:
            if seq != int(previous["seq"]) + 1:
                report.add(_("{where} : la ou les lignes précédentes manquent").format(where=where))
            elif record.get("prev_hash") != previous.get("line_hash"):
                report.add(_("{where} : elle ne suit pas la ligne précédente").format(where=where))
        report.lines += 1
        tally.count(record)
        previous = {"seq": seq, "line_hash": record.get("line_hash")}
    last_seq = None if previous is None else previous["seq"]
    if last_seq != manifest.get("last_seq") or report.lines != manifest.get("lines"):
        report.add(
            _(
                "le journal ne s'arrête pas à la ligne annoncée par le manifeste : des "
                "lignes ont été retirées ou ajoutées"
            )
        )
    elif previous is not None and previous.get("line_hash") != manifest.get("last_hash"):
        report.add(_("la dernière ligne n'est pas celle du manifeste"))
    return digest.hexdigest()
