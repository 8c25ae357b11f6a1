"""The journal (issue 18): a file in the log folder that rotates, holds the traceback of what
went wrong, and nothing personal."""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiers_lieu import journal, redaction
from tiers_lieu.__main__ import main
from tiers_lieu.db import APP_DIR_NAME


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "journal"
    monkeypatch.setenv(journal.ENV_VAR, str(where))
    yield where
    journal.stop()


def written(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in journal.journal_files(folder))


def test_the_file_is_made_in_the_log_folder_at_the_first_record_only(folder: Path) -> None:
    handler = journal.start()
    assert handler.path == folder / "comptoir.log"
    assert not folder.exists()  # a command that logs nothing leaves nothing
    logging.getLogger("tiers_lieu.test").info("Sauvegarde faite")
    text = (folder / "comptoir.log").read_text(encoding="utf-8")
    assert "INFO tiers_lieu.test: Sauvegarde faite" in text
    if os.name == "posix":
        assert stat.S_IMODE((folder / "comptoir.log").stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_started_twice_it_writes_each_record_once(folder: Path) -> None:
    journal.start()
    journal.start()
    logging.getLogger("tiers_lieu.test").warning("une seule fois")
    assert written(folder).count("une seule fois") == 1


def test_the_user_log_folder_is_comptoirs_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(journal.ENV_VAR, raising=False)
    assert journal.APP_DIR_NAME == APP_DIR_NAME
    assert APP_DIR_NAME in journal.log_dir().parts


def number(line: str) -> int:
    found = re.search(r"ligne (\d{4})", line)
    assert found is not None
    return int(found.group(1))


def test_the_file_rotates_and_keeps_a_bounded_size(folder: Path) -> None:
    handler = journal.JournalHandler(folder, max_bytes=2_000, backups=3)
    logger = logging.getLogger("tiers_lieu.rotation")
    logger.addHandler(handler)
    try:
        for n in range(400):
            logger.warning("ligne %04d du journal", n)
    finally:
        logger.removeHandler(handler)
        handler.close()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["comptoir.log", "comptoir.log.1", "comptoir.log.2", "comptoir.log.3"]
    assert all(p.stat().st_size <= 2_000 for p in folder.iterdir())
    assert "ligne 0399" in (folder / "comptoir.log").read_text(encoding="utf-8")
    assert "ligne 0000" not in written(folder)  # the oldest part was dropped
    # the newest parts follow each other: .1 ends where comptoir.log begins
    last_of_older = (folder / "comptoir.log.1").read_text(encoding="utf-8").splitlines()[-1]
    first = (folder / "comptoir.log").read_text(encoding="utf-8").splitlines()[0]
    assert number(first) == number(last_of_older) + 1


def test_a_folder_that_cannot_be_written_is_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    handler = journal.JournalHandler(blocker / "journal")
    logger = logging.getLogger("tiers_lieu.readonly")
    logger.addHandler(handler)
    try:
        logger.error("un")
        logger.error("deux")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert err.count("Journal non écrit") == 1 and "Traceback" not in err


# -- nothing personal ----------------------------------------------------------------------
PERSONAL = [
    ("jeanne.martin@example.org", "<courriel>"),
    ("06 12 34 56 78", "<téléphone>"),
    ("0612345678", "<téléphone>"),
    ("06.12.34.56.78", "<téléphone>"),
    ("+33 6 12 34 56 78", "<téléphone>"),
    ("+44 20 7946 0958", "<téléphone>"),
]


@pytest.mark.parametrize(("value", "shown"), PERSONAL)
def test_addresses_and_phone_numbers_are_masked(value: str, shown: str) -> None:
    assert redaction.redact(f"joindre {value} demain") == f"joindre {shown} demain"


def test_passwords_and_keys_are_masked() -> None:
    text = redaction.redact(
        "postgresql+psycopg://comptoir:s3cret@serveur/base password=hunter2 "
        "PRAGMA key = \"x'00112233445566778899aabbccddeeff'\""
    )
    assert "s3cret" not in text and "hunter2" not in text and "0011223344" not in text
    assert "postgresql+psycopg://comptoir:***@serveur/base" in text


def test_what_is_technical_stays_readable() -> None:
    line = (
        "Sauvegarde /var/lib/x/avant-migration-2024-05-01-103000.sqlite le 2024-05-01 10:30, "
        "1234 lignes, https://sqlalche.me/e/20/gkpj"
    )
    assert redaction.redact(line) == line
    assert (
        redaction.redact_exception("No module named 'tiers_lieu.ui.agenda'")
        == "No module named 'tiers_lieu.ui.agenda'"
    )
    assert redaction.redact_exception("UNIQUE constraint failed: person.email") == (
        "UNIQUE constraint failed: person.email"
    )


def test_values_quoted_in_an_exception_are_masked() -> None:
    assert redaction.redact_exception("'Dupont'") == "'…'"
    assert redaction.redact_exception("input_value='Jeanne Martin'") == "input_value='…'"
    assert redaction.redact_exception("Personne « Jeanne Martin » introuvable") == (
        "Personne «…» introuvable"
    )


def test_database_errors_lose_their_values() -> None:
    from sqlalchemy.exc import IntegrityError

    error = IntegrityError(
        "INSERT INTO person (first_name, phone, email) VALUES (?, ?, ?)",
        ("Jeanne", "06 12 34 56 78", "jeanne.martin@example.org"),
        Exception("UNIQUE constraint failed: person.email"),
    )
    text = redaction.exception_text(error)
    assert "INSERT INTO person" in text and "person.email" in text
    assert "Jeanne" not in text and "06 12" not in text and "example.org" not in text
    detail = "DETAIL:  Key (lower(email))=(jeanne.martin@example.org) already exists."
    assert redaction.redact(detail) == "DETAIL:  Key (lower(email))=(…)"
    assert redaction.redact("Failing row contains (1, Jeanne, Martin).") == (
        "Failing row contains (…)"
    )


def raise_with_a_name() -> None:
    try:
        members: dict[str, int] = {}
        members["Martin"]
    except KeyError as exc:
        raise ValueError("Jeanne Martin (06 12 34 56 78) n'a pas d'adhésion") from exc


def test_a_logged_traceback_keeps_the_code_and_loses_the_data(folder: Path) -> None:
    journal.start()
    try:
        raise_with_a_name()
    except ValueError:
        logging.getLogger("tiers_lieu.test").exception("Erreur inattendue")
    text = written(folder)
    assert "Traceback (most recent call last)" in text
    assert "in raise_with_a_name" in text and 'raise ValueError("Jeanne Martin' in text
    # the code line is the program's own text; the exception's message is masked
    assert "KeyError: '…'" in text
    assert "direct cause of the following exception" in text
    assert "ValueError: Jeanne Martin (<téléphone>)" in text  # unquoted words stay (see NOTES)


def test_the_record_is_left_untouched_for_the_console(folder: Path) -> None:
    journal.start()
    record = logging.LogRecord(
        "tiers_lieu.x", logging.ERROR, __file__, 1, "écrire à %s", ("a@b.fr",), None
    )
    line = journal.PrivateFormatter().format(record)
    assert line.endswith("écrire à <courriel>") and line[19] == "Z"  # UTC
    assert record.getMessage() == "écrire à a@b.fr"


# -- the hooks -----------------------------------------------------------------------------
@pytest.fixture
def hooks() -> Iterator[list[journal.ExcInfo]]:
    reported: list[journal.ExcInfo] = []
    saved = sys.excepthook, threading.excepthook
    journal.install_hooks(reported.append)
    journal._recent.clear()
    yield reported
    journal.uninstall_hooks()
    sys.excepthook, threading.excepthook = saved


def failing_job() -> None:
    raise RuntimeError("panne du fil")


def test_an_exception_nobody_caught_is_logged_and_reported(
    folder: Path, hooks: list[journal.ExcInfo]
) -> None:
    journal.start()
    try:
        failing_job()
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    thread = threading.Thread(target=failing_job, name="sauvegarde")
    thread.start()
    thread.join()
    text = written(folder)
    assert text.count("in failing_job") == 2
    assert "Erreur inattendue (fil sauvegarde)" in text
    assert [type(e[1]) for e in hooks] == [RuntimeError, RuntimeError]


def test_the_same_failure_again_is_one_short_line(
    folder: Path, hooks: list[journal.ExcInfo]
) -> None:
    journal.start()
    for _n in range(50):  # a paint handler failing at each repaint
        try:
            failing_job()
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    text = written(folder)
    assert text.count("Traceback") == 1
    assert "encore (10 fois)" in text
    assert len(hooks) == 1


def test_the_command_line_logs_its_unexpected_errors(
    folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tiers_lieu.cli.init as command

    def broken(_args: object) -> int:
        raise RuntimeError("imprévu")

    monkeypatch.setattr(command, "run_init", broken)
    assert main(["--db", str(tmp_path / "x.sqlite"), "init", "--site", "Ici"]) == 1
    text = written(folder)
    assert "Erreur inattendue" in text and "RuntimeError: imprévu" in text


def test_a_hard_crash_leaves_its_traceback_beside_the_journal(tmp_path: Path) -> None:
    script = (
        "import faulthandler\n"
        "from tiers_lieu import journal\n"
        "journal.catch_hard_crashes()\n"
        "faulthandler._sigsegv()\n"
    )
    env = {**os.environ, journal.ENV_VAR: str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert done.returncode != 0
    crash = (tmp_path / journal.CRASH_FILE_NAME).read_text(encoding="utf-8")
    assert "Segmentation fault" in crash and 'File "<string>", line 4' in crash


def test_the_tail_starts_at_a_line_and_is_bounded(tmp_path: Path) -> None:
    file = tmp_path / "comptoir.log"
    file.write_text("".join(f"ligne {n}\n" for n in range(10_000)), encoding="utf-8")
    text = journal.tail(file, limit=1_000)
    assert len(text.encode()) <= 1_000
    assert text.startswith("ligne ") and text.endswith("ligne 9999\n")
    assert journal.tail(tmp_path / "absent.log") == ""
