"""The one hierarchy of expected errors; each carries a translated message for the user.

Services raise these; the command line prints the message on stderr and exits 2; the UI
shows it through ``ui.errors.show_error``. Anything else is unexpected and logged.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass

from tiers_lieu.i18n import N_, _, ngettext


class ComptoirError(Exception):
    """An expected failure whose message can be shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ComptoirError):
    """A value a user typed does not fit; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(_("{field} : {message}").format(field=field, message=message))
        self.field = field


class NotFoundError(ComptoirError):
    pass


class ConflictError(ComptoirError):
    pass


class NoSiteError(ComptoirError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Aucun lieu n'est configuré dans cette base. Lancez d'abord "
                "« tiers-lieu init --site NOM » ou ouvrez l'application."
            )
        )


class AmbiguousSiteError(ComptoirError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(
            _("Cette base contient plusieurs lieux ; précisez --site parmi : {names}.").format(
                names=", ".join(names)
            )
        )


class AuthenticationError(ComptoirError):
    pass


class DatabaseInUseError(ComptoirError):
    """Another program (a desk, a command, a database viewer) has the base open."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "La base est ouverte par un autre programme (Comptoir sur ce poste ou un autre, "
                "une commande tiers-lieu, un logiciel de bases de données) : fermez-le, puis "
                "recommencez. Rien n'a été modifié."
            )
        )


class StorageError(ComptoirError):
    """The disk refused a write: full, read-only, or not allowed. ``kind`` is one of
    :data:`FULL`, :data:`READ_ONLY`, :data:`CANNOT_OPEN`, :data:`IO`."""

    FULL, READ_ONLY, CANNOT_OPEN, IO = "full", "read-only", "cannot-open", "io"

    def __init__(self, kind: str, path: str | os.PathLike[str] | None = None) -> None:
        self.kind = kind
        self.path = None if path is None else os.fspath(path)
        super().__init__(_storage_message(kind, self.path))


def _storage_message(kind: str, path: str | None) -> str:
    if kind == StorageError.FULL:
        return _(
            "Le disque est plein : rien n'a été enregistré. Libérez de la place sur le disque "
            "(videz la corbeille, déplacez ou supprimez des fichiers dont vous n'avez plus "
            "besoin), puis recommencez."
        )
    if kind == StorageError.IO:
        return _(
            "Le disque a refusé l'écriture (disque plein, retiré ou défectueux) : rien n'a été "
            "enregistré. Vérifiez la place libre et le disque, puis recommencez."
        )
    if kind == StorageError.CANNOT_OPEN:
        if path is None:
            return _(
                "La base de données ne peut pas être ouverte en écriture : son dossier n'existe "
                "pas, est en lecture seule, ou Comptoir n'a pas le droit d'y créer ses fichiers "
                "de travail (-wal, -shm). Vérifiez les droits du dossier, puis recommencez. "
                "Rien n'a été enregistré."
            )
        return _(
            "« {path} » ne peut pas être ouvert en écriture : son dossier n'existe pas, est en "
            "lecture seule, ou Comptoir n'a pas le droit d'y écrire. Vérifiez les droits du "
            "dossier, puis recommencez. Rien n'a été enregistré."
        ).format(path=path)
    if path is None:
        return _(
            "La base de données ou son dossier est en lecture seule (ou Comptoir n'a pas le "
            "droit d'y écrire) : rien n'a été enregistré. Vérifiez les droits d'écriture du "
            "fichier et de son dossier, et que le disque n'est pas protégé en écriture, puis "
            "recommencez."
        )
    return _(
        "« {path} » est en lecture seule (ou Comptoir n'a pas le droit d'y écrire) : rien n'a "
        "été enregistré. Vérifiez les droits d'écriture du fichier et de son dossier, et que "
        "le disque n'est pas protégé en écriture, puis recommencez."
    ).format(path=path)


_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite's messages (the standard library's and SQLCipher's, which lacks the codes).
_SQLITE_MESSAGES = (
    ("database or disk is full", StorageError.FULL),
    ("attempt to write a readonly database", StorageError.READ_ONLY),
    ("unable to open database file", StorageError.CANNOT_OPEN),
    ("disk i/o error", StorageError.IO),
)


def file_error(message: str, path: str | os.PathLike[str], exc: OSError) -> ComptoirError:
    """``message`` (translated, with ``{path}`` and ``{reason}``) about the file ``path`` the
    system refused with ``exc``, its reason in French (:func:`os_reason`)."""
    return ComptoirError(message.format(path=path, reason=os_reason(exc)))


_OS_REASONS = {
    errno.ENOENT: N_("fichier ou dossier introuvable"),
    errno.EISDIR: N_("c'est un dossier"),
    errno.ENOTDIR: N_("un élément du chemin n'est pas un dossier"),
    errno.EEXIST: N_("existe déjà"),
    errno.ENAMETOOLONG: N_("nom trop long"),
    errno.EACCES: N_("accès refusé"),
    errno.EPERM: N_("opération non permise"),
    errno.EROFS: N_("disque en lecture seule"),
    errno.ENOSPC: N_("disque plein"),
    errno.EBUSY: N_("fichier occupé par un autre programme"),
    errno.EINVAL: N_("nom ou opération invalide"),
}


def os_reason(exc: OSError) -> str:
    """Why the system refused, in the interface's language (its own words for a reason not
    listed)."""
    known = _OS_REASONS.get(exc.errno or -1)
    return _(known) if known else str(exc.strerror or exc)


def storage_error(
    exc: BaseException, path: str | os.PathLike[str] | None = None
) -> StorageError | None:
    """The :class:`StorageError` behind ``exc`` (a SQLite error, as such or wrapped by
    SQLAlchemy, or an ``OSError``: no space, file too large, read-only, not allowed), else
    ``None``. ``path`` names the base when the error does not say which file it is."""
    for current in _behind(exc):
        if isinstance(current, StorageError):
            return current
        kind = _storage_kind(current)
        if kind is not None:
            filename = current.filename if isinstance(current, OSError) else None
            return StorageError(kind, filename or path)
    return None


def _behind(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every error behind it: the DB-API error SQLAlchemy wraps (``orig``), the
    cause and the context, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None]
        todo += [current.__cause__, current.__context__]


def _storage_kind(exc: BaseException) -> str | None:
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return StorageError.FULL
        if exc.errno in _READ_ONLY_ERRNOS:
            return StorageError.READ_ONLY
        return None
    if type(exc).__module__.split(".")[0] not in ("sqlite3", "sqlcipher3"):
        return None
    text = str(exc).lower()
    return next((kind for message, kind in _SQLITE_MESSAGES if message in text), None)


@dataclass(frozen=True)
class LineError:
    """A problem on one line of an imported file (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("Ligne {line} : {message}").format(line=self.line, message=self.message)


class ImportFileError(ComptoirError):
    """An import refused as a whole; ``lines`` lists every problem found."""

    def __init__(self, lines: list[LineError]) -> None:
        shown = "\n".join(str(e) for e in lines[:50])
        more = len(lines) - 50
        if more > 0:
            shown += "\n" + ngettext(
                "… et {n} autre erreur.", "… et {n} autres erreurs.", more
            ).format(n=more)
        super().__init__(
            _("Import refusé, rien n'a été enregistré :\n{errors}").format(errors=shown)
        )
        self.lines = lines


_UNREADABLE = ("file is not a database", "database disk image is malformed")


def database_refusal(exc: BaseException, database: str) -> str | None:
    """What to say, in French, when ``database`` could not be used at all: a file that is not
    a base (or a damaged one), a PostgreSQL server that does not answer; else ``None``."""
    for current in _behind(exc):
        module = type(current).__module__.split(".")[0]
        text = str(current).lower()
        if module in ("sqlite3", "sqlcipher3") and any(m in text for m in _UNREADABLE):
            return _(
                "« {database} » n'est pas une base Comptoir lisible : c'est un fichier d'un "
                "autre type, ou la base est endommagée (restaurez une sauvegarde avec "
                "« tiers-lieu restore »)."
            ).format(database=database)
        if module == "psycopg" and type(current).__name__ == "OperationalError":
            return _(
                "Le serveur PostgreSQL de « {database} » ne répond pas ou refuse la connexion : "
                "vérifiez l'adresse, le réseau et le serveur, puis recommencez."
            ).format(database=database)
    return None
