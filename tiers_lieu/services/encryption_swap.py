"""Putting an encrypted copy in place of a plain file, in steps that a crash may cut anywhere,
and what the next start (or a new ``tiers-lieu encrypt``) does with each state.

Encrypting the base writes a small journal beside it (``….sqlite.chiffrement.json``,
replaced atomically) naming the step reached:

``copie``
    the encrypted copy ``….sqlite.chiffrement`` is being written and verified; its key file
    waits beside it (``….sqlite.chiffrement.cle.json``), so the plain base stays usable. A cut
    here is **rolled back**: the copy goes, the base stays plain. The recovery code may have
    been printed already: it opens nothing.
``prete``
    the copy is whole and verified, its recovery code was shown, and the journal holds the
    fingerprint of the plain base at that moment. A cut here is **rolled forward**, by
    :func:`swap_in` again (every sub-step of it can be redone), as long as the plain base has
    not changed since; otherwise rolled back.
``sauvegardes``
    the base is encrypted; the plain backups are being re-made encrypted. A cut here leaves
    at most one backup half done, which the folder clean-up puts back as it was.

:func:`swap_in` keeps the plain bytes under a second name (``….en-clair``, a hard link) until
the encrypted file has taken the first one, then writes zeros over them. A ``.en-clair`` that
is still the same file as the base (a cut before the swap) only loses its extra name; any
other is plaintext left behind and is overwritten, journal or not.

``TIERS_LIEU_TEST_CRASH_AT`` names a step boundary at which the process kills itself: the
tests use it to cut a real process at each step. Nothing else sets it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.encryption import key_file_for
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.private_files import private_folder, sync_folder, write_whole

CRASH_ENV = "TIERS_LIEU_TEST_CRASH_AT"
JOURNAL_SUFFIX = ".chiffrement.json"
PARTIAL_SUFFIX = ".chiffrement"
PLAIN_SUFFIX = ".en-clair"
SIDE_FILES = ("-journal", "-wal", "-shm")
COPY, READY, BACKUPS = "copie", "prete", "sauvegardes"


def crash_point(step: str) -> None:
    """Tests only: die here, as a power cut would, when ``TIERS_LIEU_TEST_CRASH_AT`` names
    ``step``."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


# -- files ----------------------------------------------------------------------------------
def partial_for(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL_SUFFIX)


def plain_copy_for(path: Path) -> Path:
    return path.with_name(path.name + PLAIN_SUFFIX)


def journal_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + JOURNAL_SUFFIX)


def remove_copy(path: Path) -> None:
    """Remove a copy that no connection uses (a partial one), with its SQLite side files
    and its key file."""
    for suffix in ("", *SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    key_file_for(path).unlink(missing_ok=True)


def wipe_plain_copy(copy: Path, main: Path) -> bool:
    """Remove ``copy``, plain bytes a swap kept under a second name. Still a second name of
    ``main`` (a cut before the swap): only that name goes. ``main`` encrypted, its key file
    beside it (a cut after the swap): the bytes are overwritten first, ``True``. Anything
    else (``main`` gone or plain and different) leaves it: it may be the only copy."""
    try:
        if main.exists() and os.path.samefile(copy, main):
            copy.unlink()
            return False
    except FileNotFoundError:
        return False
    if main.is_file() and encryption.is_encrypted(main) and not starts_plain(main):
        encryption.overwrite_and_remove(copy)
        return True
    return False


def starts_plain(path: Path) -> bool:
    """A whole plain SQLite header (an encrypted file starts with random bytes)."""
    return path.is_file() and encryption.has_plain_header(path)


def fingerprint(path: Path) -> str:
    """Size and modification time of a base, and the size of its WAL and journal (absent
    counts as empty: the swap removes empty ones): any commit changes one of them."""
    parts = []
    for suffix in ("", "-wal", "-journal"):
        try:
            stat = path.with_name(path.name + suffix).stat()
        except FileNotFoundError:
            parts.append("0")
            continue
        parts.append(f"{stat.st_size}:{stat.st_mtime_ns}" if suffix == "" else str(stat.st_size))
    return "/".join(parts)


# -- the swap -----------------------------------------------------------------------------
def swap_in(encrypted: Path, plain: Path, *, crash_label: str = "") -> None:
    """Put the verified ``encrypted`` copy (its key file beside it) in place of ``plain``,
    then overwrite the plain bytes. Safe to call again after a cut at any point: a step
    already done is skipped."""
    old = plain_copy_for(plain)
    if encrypted.exists():
        for suffix in SIDE_FILES:
            # Empty here (the fingerprint said so); left over, a plain WAL would be replayed
            # into the encrypted file.
            encryption.overwrite_and_remove(plain.with_name(plain.name + suffix))
        if old.exists():  # a link from a cut just before, or plaintext of an older run
            if os.path.samefile(old, plain):
                old.unlink()
            else:
                encryption.overwrite_and_remove(old)
        with contextlib.suppress(OSError):  # no hard links on a FAT key: blocks only freed
            os.link(plain, old)
        crash_point("lien" + crash_label)
        # The key file first: an encrypted file never stands without its key.
        encryption.move_copy(encrypted, plain)
        sync_folder(plain.parent)
        crash_point("echange" + crash_label)
    wipe_plain_copy(old, plain)
    sync_folder(plain.parent)


# -- the journal ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Journal:
    """Where an encryption of the base got to, and who runs it."""

    step: str
    key_id: str
    pid: int
    host: str
    started: str  # the process's start time, so that a reused pid is not taken for it
    fingerprint: str = ""

    @classmethod
    def begin(cls, key_id: str) -> Journal:
        pid = os.getpid()
        return cls(COPY, key_id, pid, socket.gethostname(), _process_start(pid))

    def at(self, step: str, fingerprint: str = "") -> Journal:
        return Journal(step, self.key_id, self.pid, self.host, self.started, fingerprint)

    def save(self, db_path: Path) -> None:
        data = json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")
        private_folder(db_path.parent)
        write_whole(journal_for(db_path), data)

    @classmethod
    def load(cls, db_path: Path) -> Journal | None:
        """The journal beside ``db_path``; an unreadable one reads as a cut copy (rolled
        back: the roll-back only removes what is not the base's)."""
        path = journal_for(db_path)
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_bytes()[:4096].decode("utf-8"))
            return cls(
                str(data["step"]),
                str(data["key_id"]),
                int(data["pid"]),
                str(data["host"]),
                str(data["started"]),
                str(data.get("fingerprint", "")),
            )
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return cls(COPY, "", 0, "", "")

    def running_elsewhere(self) -> bool:
        """Whether the process that wrote it is still at work (on this computer)."""
        if self.pid in (0, os.getpid()) or self.host != socket.gethostname():
            return False
        if os.name != "posix":
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        started = _process_start(self.pid)
        return started != "mort" and (not started or started == self.started)


def _process_start(pid: int) -> str:
    """The start time of ``pid`` as Linux tells it ("" elsewhere, "mort" for a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[-1].split()
    if fields and fields[0] in ("Z", "X"):
        return "mort"
    return fields[19] if len(fields) > 19 else ""


def end_journal(db_path: Path) -> None:
    journal_for(db_path).unlink(missing_ok=True)
    sync_folder(db_path.parent)


def encryption_running_message(db_path: Path, pid: int) -> str:
    return _(
        "Un chiffrement de la base « {path} » est en cours (processus {pid}) : attendez qu'il "
        "se termine."
    ).format(path=db_path, pid=pid)


# -- what the next start does ---------------------------------------------------------------
def roll_back(db_path: Path, key_id: str) -> None:
    """Undo an encryption that did not reach its swap: the base stays plain."""
    partial = partial_for(db_path)
    remove_copy(partial)
    if not starts_plain(db_path):
        return
    wipe_plain_copy(plain_copy_for(db_path), db_path)  # only a second name of the base here
    key_file = key_file_for(db_path)
    if key_file.is_file():
        # Only a key file written by this encryption (or unreadable) beside a plain base.
        try:
            ours = not key_id or keys.KeyFile.load(key_file).key_id == key_id
        except ComptoirError:
            ours = True
        if ours:
            key_file.unlink()


def can_roll_forward(db_path: Path, journal: Journal) -> bool:
    """The verified copy is there with its key, and the plain base has not changed since."""
    partial = partial_for(db_path)
    if not partial.is_file():
        return False
    for key_file in (key_file_for(partial), key_file_for(db_path)):
        try:
            if keys.KeyFile.load(key_file).key_id == journal.key_id:
                break
        except ComptoirError:
            continue
    else:
        return False
    return starts_plain(db_path) and fingerprint(db_path) == journal.fingerprint


def swapped_already(db_path: Path, journal: Journal) -> bool:
    """The encrypted copy has taken the base's name, with its key file."""
    if partial_for(db_path).exists() or not db_path.is_file() or starts_plain(db_path):
        return False
    try:
        return keys.KeyFile.load(key_file_for(db_path)).key_id == journal.key_id
    except ComptoirError:
        return False


def finish_interrupted(db_path: Path, *, running_is_error: bool = False) -> list[str]:
    """Finish or undo an encryption of ``db_path`` cut short; returns what was done, in
    French. Must run before anything opens the base (start-up, or ``encrypt`` itself)."""
    journal = Journal.load(db_path)
    if journal is None:  # an older Comptoir's leftovers: never an encryption under way
        remove_copy(partial_for(db_path))
        old = plain_copy_for(db_path)
        return [plain_copy_wiped_message(old)] if wipe_plain_copy(old, db_path) else []
    if journal.running_elsewhere():
        message = encryption_running_message(db_path, journal.pid)
        if running_is_error:
            raise ComptoirError(message)
        return [message]
    notes: list[str] = []
    if journal.step == READY and (
        swapped_already(db_path, journal) or can_roll_forward(db_path, journal)
    ):
        swap_in(partial_for(db_path), db_path)
        notes.append(rolled_forward_message(db_path))
    elif journal.step in (COPY, READY) and db_path.is_file() and not starts_plain(db_path):
        # Encrypted, but not with this run's key: nothing is touched, the journal stays.
        return [
            _(
                "Un chiffrement interrompu de la base « {path} » a laissé un état inattendu "
                "(la base est chiffrée, mais pas avec la clé de ce chiffrement) : rien n'a été "
                "touché. Demandez de l'aide avant de supprimer « {copy} »."
            ).format(path=db_path, copy=plain_copy_for(db_path).name)
        ]
    elif journal.step in (COPY, READY):
        roll_back(db_path, journal.key_id)
        notes.append(
            _(
                "Un chiffrement interrompu de la base « {path} » a été annulé : la base est "
                "restée en clair et rien n'est perdu. Un code de secours affiché alors ne sert "
                "pas ; relancez « tiers-lieu encrypt »."
            ).format(path=db_path)
        )
    else:
        notes.append(
            _(
                "Le chiffrement des sauvegardes de la base « {path} » avait été interrompu (la "
                "base elle-même est chiffrée)."
            ).format(path=db_path)
        )
    end_journal(db_path)
    return notes


def rolled_forward_message(db_path: Path) -> str:
    return _(
        "Un chiffrement interrompu de la base « {path} » a été terminé : la base est chiffrée, "
        "avec la phrase de passe et le code de secours donnés alors, et sa copie en clair a "
        "été effacée."
    ).format(path=db_path)


def plain_copy_wiped_message(path: Path) -> str:
    return _(
        "Une copie en clair laissée par un chiffrement interrompu (« {path} ») a été effacée."
    ).format(path=path)
