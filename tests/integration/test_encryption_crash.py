"""An encryption killed at every step, by a real ``SIGKILL`` of the ``tiers-lieu encrypt``
process: the next start, or ``encrypt`` run again, finishes or undoes it, says so in French,
and no plaintext is left behind (``….en-clair``, a half-made copy), neither of the base nor of
a backup being re-made encrypted."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import crashing
import pytest

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.cli.encrypt import NEW_PASSPHRASE_ENV
from tiers_lieu.encryption import PASSPHRASE_ENV, SQLITE_HEADER, key_file_for
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.encryption_swap import CRASH_ENV

pytestmark = [
    pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent"),
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX"),
]

PASSPHRASE = "le lavoir de Felletin"
CODE_RE = re.compile(r"\b[2-9A-Z]{5}(?:-[2-9A-Z]{5}){5}\b")
# Where the kill lands, and what the next start must make of it.
ROLLED_BACK = ["debut", "copie", "verifiee", "code"]
ROLLED_FORWARD = ["prete", "lien", "echange"]
BACKUPS_CUT = ["base-chiffree", "sauvegarde-copiee", "lien-sauvegarde", "echange-sauvegarde"]


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash-demo") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    app = build(str(path))
    app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079")
    app.demo.generate(scale="small", seed=5, today=date(2026, 3, 15))
    app.close()
    return path


@pytest.fixture
def desk(demo_db: Path, tmp_path: Path) -> Path:
    """A plain base with one plain backup in its backup folder."""
    path = tmp_path / "comptoir.sqlite"
    shutil.copyfile(demo_db, path)
    BackupService(f"sqlite:///{path}").backup(
        path.parent / "sauvegardes" / "comptoir" / "comptoir-20260301-120000.sqlite"
    )
    return path


@pytest.fixture(autouse=True)
def clean_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv(NEW_PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv(CRASH_ENV, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    encryption.forget_keys()
    yield
    encryption.forget_keys()


def killed_encrypt(path: Path, step: str) -> str:
    return crashing.killed_encrypt(path, step, PASSPHRASE)


def a_last_name(path: Path) -> bytes:
    connection = encryption.connect(path, read_only=True)
    try:
        row = connection.execute(
            "SELECT last_name FROM person WHERE length(last_name) > 6 ORDER BY last_name LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return str(row[0]).encode()


def files_holding(folder: Path, secret: bytes) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and secret in p.read_bytes()
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if re.search(r"\.(en-clair|chiffrement|partiel)", p.name)
    )


def site_names(path: Path) -> list[str]:
    connection = encryption.connect(path, read_only=True)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM site ORDER BY name")]
    finally:
        connection.close()


def cli(*argv: str) -> int:
    return main(list(argv))


@pytest.mark.parametrize("step", ROLLED_BACK + ROLLED_FORWARD + BACKUPS_CUT)
def test_a_start_after_a_kill_finishes_or_undoes_the_encryption(
    desk: Path, step: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = a_last_name(desk)
    backup = desk.parent / "sauvegardes" / "comptoir" / "comptoir-20260301-120000.sqlite"
    printed = killed_encrypt(desk, step)
    witness = None
    if step in ("echange", "echange-sauvegarde"):
        # A second name on the plain bytes, to see them overwritten rather than only unlinked.
        cut = desk if step == "echange" else backup
        witness = desk.parent / "temoin"
        os.link(cut.with_name(cut.name + ".en-clair"), witness)

    # The next start: any command, here the report, with the passphrase when one was set.
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = desk.parent / "rapport.csv"
    assert cli("--db", str(desk), "report", "--from", "2025-01-01", "--to", "2026-03-15",
               "--format", "csv", "--out", str(out)) == 0  # fmt: skip
    said = capsys.readouterr().err  # told the user, in French, before the report ran

    assert leftovers(desk.parent) == []
    assert not (desk.parent / "comptoir.sqlite.chiffrement.json").exists()
    if witness is not None:
        assert secret not in witness.read_bytes() and not witness.read_bytes().strip(b"\0")
        witness.unlink()
    if step in ROLLED_BACK:
        assert "a été annulé" in said
        assert desk.read_bytes().startswith(SQLITE_HEADER)
        assert not key_file_for(desk).exists()
        assert files_holding(desk.parent, secret) == sorted(
            ["comptoir.sqlite", "sauvegardes/comptoir/comptoir-20260301-120000.sqlite"]
        )
        return
    # Rolled forward: encrypted, the code printed before the kill is the right one.
    assert not desk.read_bytes().startswith(SQLITE_HEADER)
    match = CODE_RE.search(printed)
    assert match is not None, printed
    if step in ROLLED_FORWARD:
        assert "a été terminé" in said
    if step == "echange-sauvegarde":  # the backup was swapped already: nothing is plain
        assert files_holding(desk.parent, secret) == []
    else:
        assert "1 sauvegarde reste en clair : relancez « tiers-lieu encrypt »" in said
        assert files_holding(desk.parent, secret) == [
            "sauvegardes/comptoir/comptoir-20260301-120000.sqlite"
        ]
        assert not key_file_for(backup).exists()  # still plain, so still to re-make
    encryption.forget_keys()
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "une phrase toute neuve")
    assert cli("--db", str(desk), "encrypt", "--recover", match.group(0)) == 0
    encryption.forget_keys()
    encryption.unlock(desk, "une phrase toute neuve")
    assert site_names(desk) == ["Le Comptoir de Felletin"]


@pytest.mark.parametrize("step", ROLLED_BACK + ROLLED_FORWARD + BACKUPS_CUT)
def test_encrypt_run_again_after_a_kill_says_what_it_did_and_finishes(
    desk: Path, step: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = a_last_name(desk)
    killed_encrypt(desk, step)

    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert cli("--db", str(desk), "encrypt") == 0
    out = capsys.readouterr().out

    if step in ROLLED_BACK:
        assert "a été annulé" in out and "est maintenant chiffrée" in out
    elif step in ROLLED_FORWARD:
        assert "a été terminé" in out and "déjà chiffrée" in out
    elif step == "echange-sauvegarde":
        assert "déjà chiffrée" in out and "refaite" not in out
    else:
        assert "déjà chiffrée" in out and "1 sauvegarde en clair a été refaite chiffrée" in out
    assert leftovers(desk.parent) == []
    assert files_holding(desk.parent, secret) == []
    for path in (
        desk,
        desk.parent / "sauvegardes" / "comptoir" / "comptoir-20260301-120000.sqlite",
    ):
        assert key_file_for(path).exists()
        assert site_names(path) == ["Le Comptoir de Felletin"]


def test_a_start_leaves_an_encryption_under_way_alone(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal of a live process: nothing is rolled back under its feet."""
    from tiers_lieu.services import encryption_swap as swap
    from tiers_lieu.services.leftovers import tidy_at_start

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        journal = swap.Journal.begin("0" * 32)
        alive = swap.Journal(
            journal.step,
            journal.key_id,
            sleeper.pid,
            journal.host,
            swap._process_start(sleeper.pid),
        )
        alive.save(desk)
        partial = swap.partial_for(desk)
        partial.write_bytes(b"\x01" * 4096)

        notes = tidy_at_start(f"sqlite:///{desk}")

        assert any("est en cours" in note for note in notes)
        assert partial.exists() and swap.journal_for(desk).exists()
        monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
        assert cli("--db", str(desk), "encrypt") == 2
    finally:
        sleeper.kill()
        sleeper.wait()
    # Its process gone, the same journal is a cut copy: rolled back.
    assert any("a été annulé" in note for note in tidy_at_start(f"sqlite:///{desk}"))
    assert not partial.exists() and not swap.journal_for(desk).exists()
