"""Nothing in Comptoir opens a base with ``open()`` while a connection of the process holds
it (issue 14, point 1): closing such a handle drops SQLite's locks, and another program then
deletes the WAL the desk still writes to. Every check and copy the desk makes while it runs
(automatic backup, integrity check, the key checks) is run here with ``open`` watched.
``tests/integration/test_live_database.py`` shows the loss itself, with real processes."""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tiers_lieu import encryption, held_files
from tiers_lieu import encryption_keys as keys
from tiers_lieu.app import Comptoir, build
from tiers_lieu.encryption import integrity_problems
from tiers_lieu.services.backups import BackupService, backups_for
from tiers_lieu.services.encryption import EncryptionService
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], list[str]]]:
    """Records every file opened by Python code; returns those of a base and its WAL,
    shared-memory and journal files."""
    seen: list[str] = []

    def watch(real: Any) -> Any:
        def wrapper(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, os.PathLike)):
                seen.append(os.path.realpath(os.fspath(file)))
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", watch(builtins.open))
    monkeypatch.setattr(io, "open", watch(io.open))
    monkeypatch.setattr(os, "open", watch(os.open))

    def of_base(db_path: Path) -> list[str]:
        base = os.path.realpath(db_path)
        names = {base + suffix for suffix in ("", "-wal", "-shm", "-journal")}
        return [name for name in seen if name in names]

    yield of_base


def desk_checks(app: Comptoir, db_path: Path, tmp_path: Path) -> None:
    """What a running desk does on its own file."""
    encryption.has_plain_header(db_path)
    encryption.lacks_key_file(db_path)
    encryption.check_not_interrupted(db_path)
    encryption.database_key(db_path)
    encryption.engine_key(db_path)  # a second engine on the same file (a restore reopening)
    encryption.copy_database(db_path, tmp_path / "copie.sqlite")
    service = BackupService(app.url)
    service.backup()
    app.sites.list_sites()
    service.maybe_backup("timer")
    service.maybe_backup("import")
    integrity_problems(db_path)
    service.quick_check()
    service.latest_good_backup()


def test_a_running_desk_never_opens_its_plain_base(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    opened: Callable[[Path], list[str]],
) -> None:
    assert held_files.held_here(db_path)  # the engine's connection, left in its pool
    desk_checks(app, db_path, tmp_path)
    assert opened(db_path) == []


@pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")
def test_nor_its_encrypted_base(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: Callable[[Path], list[str]],
) -> None:
    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    app.close()  # encrypting needs the base closed
    EncryptionService(backups_for(f"sqlite:///{db_path}")).encrypt("le lavoir de Felletin")
    app = build(str(db_path))
    try:
        app.sites.list_sites()
        before = len(opened(db_path))  # opening the engine checked the bytes once, first
        desk_checks(app, db_path, tmp_path)
        assert opened(db_path)[before:] == []
    finally:
        app.close()
        encryption.forget_keys()


def test_the_header_is_still_read_when_nothing_holds_the_file(
    app: Comptoir, site: SiteInfo, db_path: Path, opened: Callable[[Path], list[str]]
) -> None:
    app.close()
    assert not held_files.held_here(db_path)
    # A base whose key file was lost is still explained at start.
    with db_path.open("r+b") as handle:
        handle.write(b"\x8f" * 16)
    before = len(opened(db_path))
    assert encryption.lacks_key_file(db_path)
    assert len(opened(db_path)) > before


def test_wiping_or_copying_the_bytes_of_a_held_base_is_refused(
    app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path
) -> None:
    assert held_files.held_here(db_path)
    with pytest.raises(RuntimeError):
        encryption.overwrite_and_remove(db_path.with_name(db_path.name + "-wal"))
    with pytest.raises(RuntimeError):
        encryption.overwrite_and_remove(db_path)
    assert db_path.is_file()
    app.close()
    assert not held_files.held_here(db_path)


def test_every_connection_is_counted_until_closed(db_path: Path) -> None:
    connection = encryption.connect(db_path, read_only=True)
    assert held_files.held_here(db_path)
    assert held_files.held_here(db_path.with_name(db_path.name + "-shm"))
    connection.close()
    assert not held_files.held_here(db_path)
    app = build(str(db_path))
    app.sites.list_sites()
    assert held_files.held_here(db_path)
    app.close()
    assert not held_files.held_here(db_path)


# -- the scan: where the modules that handle database files open files ----------------------
PACKAGE = Path(__file__).resolve().parents[2] / "tiers_lieu"
DATABASE_MODULES = [
    "app.py",
    "db.py",
    "encryption.py",
    "encryption_keys.py",
    "held_files.py",
    "private_files.py",
    "cli/backup.py",
    "cli/encrypt.py",
    "services/backups.py",
    "services/backup_thinning.py",
    "services/encryption.py",
    "services/encryption_swap.py",
    "services/leftovers.py",
    "services/restore.py",
    "ui/passphrase.py",
    "ui/startup_checks.py",
    "ui/settings/backups_tab.py",
    "ui/main_window.py",
]
# (module, function): why opening a file there cannot touch a base held by this process.
ALLOWED = {
    ("encryption.py", "overwrite_and_remove"): "inside raw_access: refused if held",
    ("encryption.py", "keep_bytes"): "inside raw_access: refused if held",
    ("encryption.py", "copy_key_file"): "a key file (.cle.json), never a base",
    ("services/encryption_swap.py", "load"): "the encryption's journal (JSON)",
    ("private_files.py", "new_private_file"): "only a name nothing has (O_EXCL), in raw_access",
    ("private_files.py", "open_private"): "key files, journals, JSON files: never a base",
    ("private_files.py", "sync_folder"): "a folder, for fsync",
    ("private_files.py", "_open_partial"): "a file's partial twin; refused if the file is held",
    ("private_files.py", "writing_whole_by_name"): "that partial twin again, for fsync",
    ("services/leftovers.py", "backup_under_way"): "the lock file of the backup folder",
    ("services/leftovers.py", "no_backup_under_way"): "the lock file of the backup folder",
    ("held_files.py", "open_input"): "an input file, refused first when it is a held base",
    ("held_files.py", "read_head"): "inside raw_access: nothing holds the file",
}
COPIES = {"copy", "copy2", "copyfile", "copyfileobj", "move"}


def raw_opens(path: Path) -> list[tuple[str, int]]:
    """(function, line) of each place ``path`` opens a file by hand: ``open()``,
    ``Path.open("…")``, ``read_bytes``/``write_bytes``, ``os.open``, ``shutil`` copies."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = child.name
            if isinstance(child, ast.Call) and is_raw_open(child.func, child.args):
                found.append((name, child.lineno))
            visit(child, name)

    visit(tree, "<module>")
    return found


def is_raw_open(func: Any, args: list[Any]) -> bool:
    import ast

    if isinstance(func, ast.Name):
        return func.id == "open"
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    if func.attr in ("read_bytes", "write_bytes") or (owner, func.attr) == ("os", "open"):
        return True
    if owner == "shutil" and func.attr in COPIES:
        return True
    # Path.open("rb"): a mode as first argument (KeyFile.open takes a kind of secret).
    first = args[0] if args else None
    return (
        func.attr == "open"
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and set(first.value) <= set("rwabt+x")
    )


def test_modules_handling_bases_open_files_only_where_it_is_safe() -> None:
    offenders = []
    for module in DATABASE_MODULES:
        if not (PACKAGE / module).exists():
            continue
        for function, line in raw_opens(PACKAGE / module):
            if (module, function) not in ALLOWED:
                offenders.append(f"{module}:{line} ({function})")
    assert offenders == [], (
        "ouverture directe d'un fichier là où une base peut être ouverte : passez par "
        "tiers_lieu.encryption (raw_access) ou ajoutez la fonction à ALLOWED avec sa raison"
    )


def test_the_scan_would_see_a_raw_open(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import shutil\n"
        "def a(p):\n    return p.read_bytes()\n"
        "def b(p):\n    with p.open('rb') as h:\n        return h.read(16)\n"
        "def c(p, q):\n    shutil.copyfile(p, q)\n"
        "def d(k):\n    return k.open(KIND, 'secret')\n",
        encoding="utf-8",
    )
    assert [name for name, _line in raw_opens(sample)] == ["a", "b", "c"]


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_the_base_itself_picked_as_a_file_to_import_is_refused_unopened(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    opened: Callable[[Path], list[str]],
    suffix: str,
) -> None:
    """A host who picks comptoir.sqlite (or its -wal) in the import dialog: reading it, then
    closing it, would drop the desk's locks on its own base."""
    from tiers_lieu.errors import ComptoirError
    from tiers_lieu.services.agenda.ics_file import read_file
    from tiers_lieu.services.bundles.placekeys import read_public_file

    picked = Path(f"{db_path}{suffix}")
    picked.touch()  # a WAL may not exist yet at this moment
    attempts: list[Callable[[], object]] = [
        lambda: app.imports.import_visits(site.id, picked),
        lambda: app.imports.import_assistance(site.id, picked),
        lambda: read_file(picked),
        lambda: app.bundles.import_bundle(picked),
        lambda: read_public_file(picked),
        lambda: keys.KeyFile.load(picked),  # a key file given by hand (encrypt --key-file)
    ]
    for attempt in attempts:
        with pytest.raises(ComptoirError, match="base de données ouverte par Comptoir"):
            attempt()
    assert opened(db_path) == []
    assert app.sites.list_sites()  # the desk goes on
