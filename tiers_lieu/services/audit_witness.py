"""What this desk last saw of the audit log: the newest line of each chain, in a file of its own.

A hash chain without a secret cannot tell that its newest lines were removed (with the
append-only triggers put back exactly as they were): what is left is a whole chain, only
shorter. So each time the verifier (:mod:`.audit_verify`) finds a chain whole, the desk writes
down the number, hash, instant and action of that chain's last line, in a file readable by the
desk's account only (0600, :mod:`tiers_lieu.private_files`); the next verification says so
when the chain now ends before that line, or when that line no longer has that hash (the
chain was rewritten up to it).

The file sits next to a SQLite base (``comptoir.sqlite.audit-vu.json``); for a server base it
is in the desk's data directory, named after the server and database (without the
password), so each desk keeps its own.

What this does not see, and the messages never claim: lines written and removed between two
verifications at this desk; a removal by someone who also edits or deletes this file (with a
SQLite base, whoever holds the base's folder holds the file too: the file only raises the
bar); a desk that never verifies (only accounts allowed to read the log do). A restore from a
backup takes the log back on purpose: it forgets the file (:func:`forget_beside`).

The till journal (issue 21) keeps its own heads in the same file, in a section of its own
(:data:`TILL`; the audit log's is :data:`AUDIT`): the last line of each place's chain that a
verification at this desk found whole, with everything it records. The check after a sign-in
starts from there (:mod:`.till.verify`); a restore forgets both.

Nothing here ever stops a verification: a file that cannot be read counts as empty, one that
cannot be written is left as it was, and both are logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from tiers_lieu.private_files import private_folder, write_whole

log = logging.getLogger(__name__)

SUFFIX = ".audit-vu.json"
FOLDER_NAME = "journal-audit"
FORMAT = 1
AUDIT = "chains"
"""The file's section of the audit log's chains."""
TILL = "caisse"
"""The file's section of the till journal's chains (one a place)."""
_NO_PLACE = ""  # the key of the chain of the lines without a site
_lock = threading.Lock()  # one read-merge-write at a time in this process


@dataclass(frozen=True)
class SeenHead:
    """The last line of a chain, as a verification found it."""

    seq: int
    line_hash: str
    at: datetime
    """Aware UTC."""
    action: str


Heads = Mapping[uuid.UUID | None, SeenHead]


def witness_path(url: URL) -> Path | None:
    """Where the desk keeps what it saw of the log at ``url`` (``None``: a base in memory)."""
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return witness_beside(Path(url.database))
    from tiers_lieu.db import data_dir

    shown = url.render_as_string(hide_password=True)
    digest = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]
    return data_dir() / FOLDER_NAME / f"audit-vu-{digest}.json"


def witness_beside(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SUFFIX)


def forget_beside(db_path: Path) -> None:
    """After a restore: the log went back on purpose, what was seen no longer holds."""
    with _lock, suppress(FileNotFoundError):
        witness_beside(db_path).unlink()


def read_seen(path: Path | None, section: str = AUDIT) -> dict[uuid.UUID | None, SeenHead]:
    """What the file says in ``section`` (:data:`AUDIT` or :data:`TILL`); empty when there is
    none, or when it cannot be read (logged)."""
    if path is None:
        return {}
    return _heads(path, _read(path), section)


def _read(path: Path) -> dict[str, object]:
    """The file's whole content (every section); empty when missing or unreadable (logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Témoin du journal d'audit illisible (%s) : %s", path, exc)
        return {}


def _heads(path: Path, data: dict[str, object], section: str) -> dict[uuid.UUID | None, SeenHead]:
    chains = data.get(section)
    if chains is None:
        return {}
    try:
        return {
            (None if key == _NO_PLACE else uuid.UUID(key)): SeenHead(
                int(head["seq"]),
                str(head["hash"]),
                datetime.fromisoformat(head["at"]).astimezone(UTC),
                str(head["action"]),
            )
            for key, head in chains.items()  # type: ignore[attr-defined]
        }
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("Témoin du journal d'audit illisible (%s) : %s", path, exc)
        return {}


def record_seen(
    path: Path | None, heads: Heads, *, database: str = "", section: str = AUDIT
) -> None:
    """Keep ``heads`` in the file's ``section``, each chain's newer line winning over
    the one kept; the other sections are kept as they were."""
    if path is None or not heads:
        return
    with _lock:
        data = _read(path)
        kept = _heads(path, data, section)
        for chain, head in heads.items():
            if chain not in kept or head.seq >= kept[chain].seq:
                kept[chain] = head
        data.update({"format": FORMAT, "database": database})
        data[section] = {
            (_NO_PLACE if chain is None else str(chain)): {
                "seq": head.seq,
                "hash": head.line_hash,
                "at": head.at.astimezone(UTC).isoformat(),
                "action": head.action,
            }
            for chain, head in kept.items()
        }
        try:
            private_folder(path.parent)
            write_whole(path, json.dumps(data, indent=1).encode("utf-8"))
        except OSError as exc:
            log.warning("Témoin du journal d'audit non écrit (%s) : %s", path, exc)
