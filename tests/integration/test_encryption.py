"""Encryption at rest on real files, through the ``tiers-lieu`` command: the encrypted file
hides the data and gives the same report, a wrong passphrase is refused with exit 2, the
recovery code sets a new passphrase, backups stay encrypted and restore, migrations run."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.cli.encrypt import NEW_PASSPHRASE_ENV
from tiers_lieu.encryption import PASSPHRASE_ENV, SQLITE_HEADER, key_file_for
from tiers_lieu.services.backups import BackupService

pytestmark = pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")

PASSPHRASE = "le lavoir de Felletin"
CODE_RE = re.compile(r"\b[2-9A-Z]{5}(?:-[2-9A-Z]{5}){5}\b")
TODAY = date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encryption-demo") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    app = build(str(path))
    app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079")
    app.demo.generate(scale="small", seed=5, today=TODAY)
    app.close()
    return path


@pytest.fixture
def plain(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "comptoir.sqlite"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(autouse=True)
def clean_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No key remembered from another test, no passphrase in the environment, no terminal,
    and a cheap key derivation (the real one costs a quarter of a second each time)."""
    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv(NEW_PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    encryption.forget_keys()
    yield
    encryption.forget_keys()


def cli(argv: Sequence[str]) -> int:
    return main(list(argv))


def encrypt(path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """Encrypt ``path`` with :data:`PASSPHRASE`; the recovery code printed. The process then
    forgets the key, as a new start would."""
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert cli(["--db", str(path), "encrypt"]) == 0
    out = capsys.readouterr().out
    monkeypatch.delenv(PASSPHRASE_ENV)
    encryption.forget_keys()
    match = CODE_RE.search(out)
    assert match is not None, out
    return match.group(0)


def report_lines(path: Path, out: Path) -> list[str]:
    assert cli(["--db", str(path), "report", "--from", "2025-01-01", "--to", "2026-03-15",
                "--format", "csv", "--out", str(out)]) == 0  # fmt: skip
    # The generation instant is the only line allowed to differ.
    return [line for line in out.read_text(encoding="utf-8").splitlines() if "énér" not in line]


def a_last_name(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(
            "SELECT last_name FROM person WHERE length(last_name) > 4 LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return str(row[0])


def site_names(path: Path) -> list[str]:
    connection = encryption.connect(path, read_only=True)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM site ORDER BY name")]
    finally:
        connection.close()


def add_site(path: Path, name: str) -> None:
    app = build(str(path))
    try:
        app.sites.init_site(name=name, commune_name="Aubusson", insee_code="23008")
    finally:
        app.close()


def assert_encrypted(path: Path, secret_text: str) -> None:
    data = path.read_bytes()
    assert not data.startswith(SQLITE_HEADER)
    assert secret_text.encode() not in data
    assert key_file_for(path).is_file()


def test_encrypted_base_hides_the_data_and_gives_the_same_report(
    plain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = a_last_name(plain)
    assert name.encode() in plain.read_bytes()
    before = report_lines(plain, tmp_path / "avant.csv")

    code = encrypt(plain, capsys, monkeypatch)

    assert_encrypted(plain, name)
    assert sorted(p.name for p in plain.parent.iterdir() if p.name.startswith(plain.name)) == [
        "comptoir.sqlite",
        "comptoir.sqlite.cle.json",
    ]
    key_text = key_file_for(plain).read_text(encoding="utf-8")
    assert PASSPHRASE not in key_text and code not in key_text
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    after = report_lines(plain, tmp_path / "apres.csv")
    assert after == before
    key = encryption.cached_key(plain)
    assert key is not None and key.hex() not in key_text


def test_the_recovery_code_is_printed_with_its_instructions(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert cli(["--db", str(plain), "encrypt"]) == 0
    out = capsys.readouterr().out
    assert "CODE DE SECOURS" in out and "imprimez-le" in out
    assert "loin de l'ordinateur" in out
    assert "comptoir.sqlite.cle.json" in out


def test_wrong_or_missing_passphrase_is_refused_with_exit_2(
    plain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    encrypt(plain, capsys, monkeypatch)
    out = tmp_path / "r.csv"
    argv = ["--db", str(plain), "report", "--from", "2025-01-01", "--to", "2025-12-31"]
    argv += ["--format", "csv", "--out", str(out)]

    monkeypatch.setenv(PASSPHRASE_ENV, "une autre phrase")
    assert cli(argv) == 2
    assert "Phrase de passe incorrecte pour la base « comptoir.sqlite »" in capsys.readouterr().err

    monkeypatch.delenv(PASSPHRASE_ENV)
    assert cli(argv) == 2
    assert PASSPHRASE_ENV in capsys.readouterr().err
    assert not out.exists()


def test_the_recovery_code_sets_a_new_passphrase(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = encrypt(plain, capsys, monkeypatch)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "la nouvelle phrase")

    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert cli(["--db", str(plain), "encrypt", "--recover", wrong]) == 2
    assert "Code de secours incorrect" in capsys.readouterr().err
    # Typed in small letters and with spaces, as read off the paper.
    typed = code.lower().replace("-", " ")
    assert cli(["--db", str(plain), "encrypt", "--recover", typed]) == 0
    assert "Nouvelle phrase de passe" in capsys.readouterr().out

    encryption.forget_keys()
    with pytest.raises(keys.WrongPassphraseError):
        encryption.unlock(plain, PASSPHRASE)
    encryption.unlock(plain, "la nouvelle phrase")
    assert site_names(plain) == ["Le Comptoir de Felletin"]


def test_change_passphrase_also_opens_the_backups(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    encrypt(plain, capsys, monkeypatch)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = plain.parent / "sauvegardes" / "comptoir" / "comptoir-20260314-180000.sqlite"
    out.parent.mkdir(parents=True, exist_ok=True)  # backup --out makes no folder
    assert cli(["--db", str(plain), "backup", "--out", str(out)]) == 0
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "phrase numéro deux")

    assert cli(["--db", str(plain), "encrypt", "--change-passphrase"]) == 0
    assert "Phrase de passe changée" in capsys.readouterr().out

    encryption.forget_keys()
    backup = plain.parent / "sauvegardes" / "comptoir" / "comptoir-20260314-180000.sqlite"
    with pytest.raises(keys.WrongPassphraseError):
        encryption.unlock(backup, PASSPHRASE)
    encryption.unlock(backup, "phrase numéro deux")
    assert site_names(backup) == ["Le Comptoir de Felletin"]

    encryption.forget_keys()
    monkeypatch.setenv(PASSPHRASE_ENV, "pas la bonne")
    assert cli(["--db", str(plain), "encrypt", "--change-passphrase"]) == 2
    assert "Phrase de passe incorrecte" in capsys.readouterr().err


def test_backups_stay_encrypted_and_restore(
    plain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = a_last_name(plain)
    old_plain = plain.parent / "sauvegardes" / "comptoir" / "comptoir-20260301-120000.sqlite"
    old_plain.parent.mkdir(parents=True, exist_ok=True)  # backup --out makes no folder
    assert cli(["--db", str(plain), "backup", "--out", str(old_plain)]) == 0
    encrypt(plain, capsys, monkeypatch)
    # The plain copy made before was re-made encrypted.
    assert_encrypted(old_plain, name)

    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    copy = tmp_path / "cle-usb" / "copie.sqlite"
    copy.parent.mkdir()
    assert cli(["--db", str(plain), "backup", "--out", str(copy)]) == 0
    assert_encrypted(copy, name)
    assert sorted(p.name for p in copy.parent.iterdir()) == [
        "copie.sqlite",
        "copie.sqlite.cle.json",
    ]
    add_site(plain, "Après la copie")
    capsys.readouterr()

    encryption.forget_keys()
    assert cli(["--db", str(plain), "restore", str(copy)]) == 0

    assert "Base restaurée" in capsys.readouterr().out
    assert_encrypted(plain, name)
    assert site_names(plain) == ["Le Comptoir de Felletin"]
    [kept] = (plain.parent / "sauvegardes" / "comptoir").glob("avant-restauration-*.sqlite")
    assert_encrypted(kept, name)
    assert site_names(kept) == ["Après la copie", "Le Comptoir de Felletin"]


def test_encrypting_a_base_leaves_another_base_backups_of_its_folder_alone(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = plain.with_name("la-grange.sqlite")
    shutil.copyfile(plain, other)
    other_copy = BackupService(f"sqlite:///{other}").backup().path
    before = other_copy.read_bytes()

    encrypt(plain, capsys, monkeypatch)

    # Still plain, readable by its own base, which has no key.
    assert other_copy.read_bytes() == before
    assert not key_file_for(other_copy).exists()


def test_restoring_an_old_plain_copy_keeps_the_base_encrypted(
    plain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = a_last_name(plain)
    outside = tmp_path / "ailleurs" / "ancienne.sqlite"
    outside.parent.mkdir()
    assert cli(["--db", str(plain), "backup", "--out", str(outside)]) == 0
    encrypt(plain, capsys, monkeypatch)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    add_site(plain, "Après le chiffrement")

    assert cli(["--db", str(plain), "restore", str(outside)]) == 0

    assert_encrypted(plain, name)
    assert site_names(plain) == ["Le Comptoir de Felletin"]


def test_migrations_run_on_an_encrypted_base(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    from tiers_lieu.db import _alembic_config, _current_and_head, make_engine

    encrypt(plain, capsys, monkeypatch)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    engine = make_engine(f"sqlite:///{plain}")
    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    current, head = _current_and_head(engine)
    engine.dispose()
    assert current != head

    app = build(str(plain))
    try:
        assert _current_and_head(app.engine) == (head, head)
        assert app.sites.list_sites()[0].name == "Le Comptoir de Felletin"
    finally:
        app.close()
    [before] = (plain.parent / "sauvegardes" / "comptoir").glob(
        f"avant-migration-{current}-*.sqlite"
    )
    assert_encrypted(before, a_last_name_encrypted(before))


def a_last_name_encrypted(path: Path) -> str:
    connection = encryption.connect(path, read_only=True)
    try:
        row = connection.execute(
            "SELECT last_name FROM person WHERE length(last_name) > 4 LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return str(row[0])


def test_a_missing_key_file_is_explained(
    plain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    encrypt(plain, capsys, monkeypatch)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    key_file_for(plain).rename(tmp_path / "ailleurs.json")

    assert cli(["--db", str(plain), "backup", "--out", str(tmp_path / "b.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "fichier de clé « comptoir.sqlite.cle.json » manque" in err


def test_encrypting_refuses_a_base_open_elsewhere(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another desk: another process with the base open (SQLite's locks are per process).
    script = (
        "import sqlite3, sys\n"
        f"c = sqlite3.connect({str(plain)!r})\n"
        "c.execute('SELECT count(*) FROM site').fetchone()\n"
        "print('ouverte', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    desk = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "ouverte"
        monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
        assert cli(["--db", str(plain), "encrypt"]) == 2
        assert "fermez Comptoir" in capsys.readouterr().err
    finally:
        desk.communicate("fin\n", timeout=30)
    assert plain.read_bytes().startswith(SQLITE_HEADER)
    assert not key_file_for(plain).exists()


def test_encrypting_twice_says_so_and_a_short_passphrase_is_refused(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "court")
    assert cli(["--db", str(plain), "encrypt"]) == 2
    assert "au moins 8 caractères" in capsys.readouterr().err
    assert plain.read_bytes().startswith(SQLITE_HEADER)

    encrypt(plain, capsys, monkeypatch)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert cli(["--db", str(plain), "encrypt"]) == 0
    out = capsys.readouterr().out
    assert "déjà chiffrée" in out and not CODE_RE.search(out)


def test_passphrases_typed_on_the_terminal_must_match(
    plain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["une première phrase", "une autre phrase"])
    monkeypatch.setattr("tiers_lieu.cli.encrypt._terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))

    assert cli(["--db", str(plain), "encrypt"]) == 2

    assert "diffèrent" in capsys.readouterr().err
    assert plain.read_bytes().startswith(SQLITE_HEADER)


def test_a_postgresql_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["--db", "postgresql+psycopg://comptoir@localhost/comptoir", "encrypt"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_an_interrupted_encryption_is_said_and_can_be_run_again(
    plain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A cut after the key file was written, before the swap: the base is still plain.
    other = tmp_path / "autre.sqlite"
    shutil.copyfile(plain, other)
    encrypt(other, capsys, monkeypatch)
    shutil.copyfile(key_file_for(other), key_file_for(plain))
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)

    argv = ["--db", str(plain), "report", "--from", "2025-01-01", "--to", "2025-12-31"]
    assert cli([*argv, "--format", "csv", "--out", str(tmp_path / "r.csv")]) == 2
    assert "chiffrement a été interrompu" in capsys.readouterr().err
    assert cli(["--db", str(plain), "backup", "--out", str(tmp_path / "b.sqlite")]) == 2
    assert "chiffrement a été interrompu" in capsys.readouterr().err

    assert cli(["--db", str(plain), "encrypt"]) == 0
    assert CODE_RE.search(capsys.readouterr().out)
    assert_encrypted(plain, a_last_name_encrypted(plain))


@pytest.mark.parametrize(
    ("damage", "shown"),
    [
        ({"memory_cost": 2**40}, "memory_cost = 1099511627776"),
        ({"time_cost": 10**9}, "time_cost = 1000000000"),
        ({"parallelism": 2**30}, "parallelism"),
    ],
)
def test_a_key_file_asking_an_absurd_cost_is_refused_at_once(
    plain: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    damage: dict[str, int],
    shown: str,
) -> None:
    import json
    import time

    encrypt(plain, capsys, monkeypatch)
    data = json.loads(key_file_for(plain).read_text(encoding="utf-8"))
    data["seals"]["passphrase"].update(damage)
    key_file_for(plain).write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)

    started = time.perf_counter()
    for argv in (["report", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv",
                  "--out", str(plain.parent / "r.csv")],
                 ["encrypt", "--change-passphrase"]):  # fmt: skip
        assert cli(["--db", str(plain), *argv]) == 2
        err = capsys.readouterr().err
        assert "coût de dérivation déraisonnable" in err and shown in err
        assert "Traceback" not in err
    assert time.perf_counter() - started < 5
    assert not (plain.parent / "r.csv").exists()


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (b"\x00\x01 pas du JSON", "n'est pas du JSON lisible"),
        (b'{"format": "comptoir-cle-base", "version": 1, "seals": {}}', "« key_id »"),
        (b"[" * 100_000, "trop volumineux"),
    ],
)
def test_a_malformed_key_file_is_a_french_message(
    plain: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    shown: str,
) -> None:
    encrypt(plain, capsys, monkeypatch)
    key_file_for(plain).write_bytes(content)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert cli(["--db", str(plain), "backup", "--out", str(plain.parent / "b.sqlite")]) == 2
    err = capsys.readouterr().err
    assert shown in err and "comptoir.sqlite.cle.json" in err
    assert not (plain.parent / "b.sqlite").exists()
