"""The journal: what the desk did and what went wrong, in a file the host can send (issue 18).

The window's error message asks for « le journal »; a Windows build has no console, so the
records go to a file in the user's log folder (``platformdirs.user_log_path``:
``~/.local/state/comptoir/log`` on Linux, ``%LOCALAPPDATA%\\comptoir\\Logs`` on Windows,
``~/Library/Logs/comptoir`` on macOS; ``TIERS_LIEU_LOG_DIR`` names another folder, as the
tests do). The file is ``comptoir.log``, 0600 in a 0700 folder, rotated at
:data:`MAX_BYTES` with :data:`BACKUPS` older files kept (5 MB at most). Times are UTC.

Nothing personal goes in: the file is meant to be sent to whoever helps. Every line passes
through :mod:`tiers_lieu.redaction` (:class:`PrivateFormatter`); the record itself is left
as it came, so the console still shows the desk its own data.

:func:`install_hooks` makes every exception nobody caught (``sys.excepthook``, which PySide
calls for an exception in a slot, and ``threading.excepthook``) a logged traceback, then
hands it to the window's reporter (the calm dialog of ``ui/errors.py``).

This module imports nothing heavy (no Qt, no SQLAlchemy, not even sqlite3 until the file is
opened): the command line sets it up too.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tiers_lieu import __version__
from tiers_lieu.redaction import (
    ExcInfo,
    exception_message,
    format_exception,
    redact,
    redact_exception,
)

# As tiers_lieu.private_files, which is imported only when the file is opened (it loads
# sqlite3, and a command that logs nothing should not pay for it).
FILE_MODE = 0o600
POSIX = os.name == "posix"
BINARY = getattr(os, "O_BINARY", 0)

APP_DIR_NAME = "comptoir"  # as db.APP_DIR_NAME (db.py is not imported here: SQLAlchemy)
ENV_VAR = "TIERS_LIEU_LOG_DIR"
FILE_NAME = "comptoir.log"
CRASH_FILE_NAME = "plantages.log"  # Python's own last words on a hard crash (faulthandler)
MAX_BYTES = 1_000_000
BACKUPS = 4
CRASH_FILE_MAX = 256_000
TAIL_BYTES = 200_000  # what Aide › Journal shows of the file
REPEAT_WINDOW = 60.0  # seconds: the same failure again is one short line, not a traceback

log = logging.getLogger("tiers_lieu.journal")


# -- where --------------------------------------------------------------------------------
def log_dir() -> Path:
    """The folder of the journal: ``TIERS_LIEU_LOG_DIR``, else the user's log folder."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    from platformdirs import user_log_path

    return user_log_path(APP_DIR_NAME, appauthor=False)


class PrivateFormatter(logging.Formatter):
    """One line per record (``2025-06-01 08:30:00Z ERROR tiers_lieu.x: …``, UTC), then the
    traceback; message and traceback pass through :func:`redact`. The record is left as it
    came, so another handler (the console) formats it its own way."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(record.created))
        line = f"{stamp}Z {record.levelname} {record.name}: {self.message_of(record)}"
        if record.exc_info and record.exc_info[1] is not None:
            line += "\n" + format_exception(record.exc_info)  # type: ignore[arg-type]
        if record.stack_info:
            line += "\n" + redact(record.stack_info)
        return line

    @staticmethod
    def message_of(record: logging.LogRecord) -> str:
        if isinstance(record.msg, BaseException):
            return redact_exception(exception_message(record.msg))
        args = record.args
        if isinstance(args, tuple):
            args = tuple(
                redact_exception(exception_message(a)) if isinstance(a, BaseException) else a
                for a in args
            )
        try:
            message = str(record.msg) % args if args else str(record.msg)
        except (TypeError, ValueError):
            message = f"{record.msg} {args!r}"
        return redact(message)


# -- the file -----------------------------------------------------------------------------
class JournalHandler(logging.Handler):
    """``comptoir.log`` in ``folder``, opened at the first record (a command that logs
    nothing creates nothing), 0600, appended to; past ``max_bytes`` it becomes
    ``comptoir.log.1`` (the older ones shift, the oldest beyond ``backups`` is dropped)."""

    def __init__(self, folder: Path, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        super().__init__(logging.INFO)
        self.folder = folder
        self.max_bytes = max_bytes
        self.backups = backups
        self._stream: IO[bytes] | None = None
        self.failed = False  # the file could not be written: said once, then left alone
        self.setFormatter(PrivateFormatter())

    @property
    def path(self) -> Path:
        return self.folder / FILE_NAME

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed:
            return
        try:
            data = (self.format(record) + "\n").encode("utf-8", "replace")
            if self._stream is None:
                self._stream = self._open()
            if self._stream.tell() and self._stream.tell() + len(data) > self.max_bytes:
                self._rotate()
            assert self._stream is not None
            self._stream.write(data)
            self._stream.flush()
        except Exception:
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """A read-only or full disk: one line on stderr (if there is one), not a traceback
        per record; the desk goes on without its journal."""
        self.failed = True
        error = sys.exc_info()[1]
        with suppress(Exception):
            from tiers_lieu.i18n import _

            if sys.stderr is not None:
                sys.stderr.write(
                    _("Journal non écrit ({path}) : {error}").format(path=self.path, error=error)
                    + "\n"
                )

    def _open(self) -> IO[bytes]:
        from tiers_lieu.private_files import private_folder

        private_folder(self.folder)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | BINARY, FILE_MODE)
        if POSIX:
            with suppress(OSError):
                os.fchmod(fd, FILE_MODE)  # a file left 0644 by hand: ours, tightened
        return os.fdopen(fd, "ab")

    def _rotate(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        try:
            for n in range(self.backups, 0, -1):
                source = self.path.with_name(f"{FILE_NAME}.{n - 1}") if n > 1 else self.path
                if source.exists():
                    os.replace(source, self.path.with_name(f"{FILE_NAME}.{n}"))
            if self.backups == 0:
                self.path.unlink(missing_ok=True)
        except OSError:
            pass  # Windows: another Comptoir holds the file; this one writes on
        self._stream = self._open()

    def close(self) -> None:
        self.acquire()
        try:
            if self._stream is not None:
                self._stream.close()
                self._stream = None
        finally:
            self.release()
        super().close()


_handler: JournalHandler | None = None
_console: logging.Handler | None = None


def start(*, folder: Path | None = None) -> JournalHandler:
    """Records of Comptoir (INFO and above) and of the libraries (WARNING and above) to the
    journal file; the console, if any, keeps showing warnings only, as before. Called again
    (the tests run ``main`` many times), it keeps one journal, moved if the folder changed."""
    global _handler, _console
    folder = log_dir() if folder is None else folder
    root = logging.getLogger()
    # Warnings on stderr, as logging.basicConfig did; a windowed Windows build has no stderr.
    if not root.handlers and sys.stderr is not None:
        _console = logging.StreamHandler()
        _console.setLevel(logging.WARNING)
        _console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(_console)
    root.setLevel(min(root.level or logging.WARNING, logging.WARNING))
    ours = logging.getLogger("tiers_lieu")
    if ours.level == logging.NOTSET or ours.level > logging.INFO:
        ours.setLevel(logging.INFO)
    if _handler is not None and _handler.folder == folder and _handler in root.handlers:
        return _handler
    stop()
    _handler = JournalHandler(folder)
    root.addHandler(_handler)
    return _handler


def stop() -> None:
    """The journal file closed and detached (tests)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def current_folder() -> Path:
    """Where this process writes its journal (``log_dir()`` if it writes none)."""
    return _handler.folder if _handler is not None else log_dir()


def current_file() -> Path:
    return current_folder() / FILE_NAME


def tail(file: Path | None = None, limit: int = TAIL_BYTES) -> str:
    """The end of the journal (at most ``limit`` bytes, from a line start), or ``""``."""
    file = current_file() if file is None else file
    try:
        with open(file, "rb") as stream:
            size = stream.seek(0, os.SEEK_END)
            stream.seek(max(0, size - limit))
            data = stream.read(limit)
    except OSError:
        return ""
    if len(data) == limit and b"\n" in data:
        data = data[data.index(b"\n") + 1 :]
    return data.decode("utf-8", "replace")


# -- the report the user sends ------------------------------------------------------------
def crash_report(exc_info: ExcInfo, *, details: dict[str, str] | None = None) -> str:
    """What « Copier le rapport » puts in the clipboard: version, system, time, where the
    journal is, and the redacted traceback."""
    import platform

    from tiers_lieu.i18n import _

    lines = [
        _("Rapport d'erreur de Comptoir"),
        _("Version : {version}").format(version=__version__),
        _("Système : {system}").format(
            system=f"{platform.platform()} ; Python {platform.python_version()}"
        ),
    ]
    lines += [f"{name} : {value}" for name, value in (details or {}).items()]
    lines += [
        _("Heure (UTC) : {time}").format(time=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())),
        _("Journal : {path}").format(path=current_file()),
        "",
        format_exception(exc_info),
    ]
    return "\n".join(lines)


# -- the hooks ----------------------------------------------------------------------------
Reporter = Callable[[ExcInfo], None]
_reporter: Reporter | None = None
_recent: dict[tuple[str, ...], tuple[float, int]] = {}


def _signature(exc: BaseException) -> tuple[str, ...]:
    frames = traceback.extract_tb(exc.__traceback__)[-3:] if exc.__traceback__ else []
    return (type(exc).__qualname__, *(f"{f.filename}:{f.lineno}" for f in frames))


def record_unexpected(exc_info: ExcInfo, *, where: str = "") -> bool:
    """Log an exception nobody caught; ``False`` when the same one was logged less than
    :data:`REPEAT_WINDOW` seconds ago (a paint handler failing at each repaint): it is then
    counted in one short line, and not shown again."""
    key = _signature(exc_info[1])
    now = time.monotonic()
    last, count = _recent.get(key, (0.0, 0))
    if last and now - last < REPEAT_WINDOW:
        _recent[key] = (last, count + 1)
        if count + 1 in (1, 10, 100, 1000):
            log.error("Même erreur inattendue, encore (%d fois) : %s", count + 1, key[0])
        return False
    if len(_recent) > 100:
        _recent.clear()
    _recent[key] = (now, 0)
    suffix = f" ({where})" if where else ""
    log.error("Erreur inattendue%s", suffix, exc_info=exc_info)
    return True


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    try:
        if record_unexpected((exc_type, exc, tb)) and _reporter is not None:
            _reporter((exc_type, exc, tb))
    except Exception:  # the hook must never raise: Python would print both and go on
        sys.__excepthook__(exc_type, exc, tb)


def _thread_excepthook(args: Any) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    name = getattr(args.thread, "name", "") or ""
    try:
        exc_info = (args.exc_type, args.exc_value, args.exc_traceback)
        if record_unexpected(exc_info, where=f"fil {name}") and _reporter is not None:
            _reporter(exc_info)
    except Exception:
        threading.__excepthook__(args)


def install_hooks(reporter: Reporter | None = None) -> None:
    """Every exception nobody caught is logged with its traceback, then handed to
    ``reporter`` (which must accept being called from any thread)."""
    global _reporter
    _reporter = reporter
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def uninstall_hooks() -> None:
    global _reporter
    _reporter = None
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__


_crash_stream: IO[bytes] | None = None


def catch_hard_crashes(folder: Path | None = None) -> Path | None:
    """A crash no hook sees (a fault in Qt's C++) leaves Python's tracebacks of every thread
    in ``plantages.log`` beside the journal (code positions only, no data)."""
    global _crash_stream
    import faulthandler

    from tiers_lieu.private_files import private_folder

    path = (current_folder() if folder is None else folder) / CRASH_FILE_NAME
    try:
        private_folder(path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | BINARY
        if path.exists() and path.stat().st_size > CRASH_FILE_MAX:
            flags |= os.O_TRUNC
        fd = os.open(path, flags, FILE_MODE)
        stream = os.fdopen(fd, "ab", buffering=0)
        faulthandler.enable(stream, all_threads=True)
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("Plantages non notés : %s", exc)
        return None
    if _crash_stream is not None:
        _crash_stream.close()
    _crash_stream = stream
    return path


def journal_files(folder: Path | None = None) -> Iterator[Path]:
    """The journal and its older parts that exist, newest first."""
    folder = current_folder() if folder is None else folder
    yield from (
        p
        for p in [folder / FILE_NAME, *(folder / f"{FILE_NAME}.{n}" for n in range(1, 10))]
        if p.exists()
    )
