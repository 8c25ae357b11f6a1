"""Files written whole or not at all (``private_files.write_whole`` and its two forms): a
failure or a kill while writing leaves the old file as it was, a held base is never replaced,
and the mode asked for is the mode given."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tiers_lieu import encryption, private_files
from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.private_files import (
    partial_of,
    write_whole,
    writing_whole,
    writing_whole_by_name,
)
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_new_bytes_replace_the_old_and_nothing_is_left_beside(tmp_path: Path) -> None:
    target = tmp_path / "liste.json"
    target.write_bytes(b"ancien")
    write_whole(target, b"nouveau")
    assert target.read_bytes() == b"nouveau"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liste.json"]


def test_a_failure_while_writing_keeps_the_old_file_and_removes_the_partial(
    tmp_path: Path,
) -> None:
    target = tmp_path / "liste.json"
    target.write_bytes(b"ancien")
    with pytest.raises(OSError), writing_whole(target) as handle:
        handle.write(b"la moiti")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liste.json"]
    with pytest.raises(ValueError), writing_whole_by_name(target, hidden=True) as partial:
        partial.write_bytes(b"la moiti")
        raise ValueError("rendu interrompu")
    assert target.read_bytes() == b"ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liste.json"]


def test_a_write_killed_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "cle.json"
    target.write_bytes(b'{"ancien": true}')
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from tiers_lieu.private_files import writing_whole\n"
        "with writing_whole(Path(sys.argv[1])) as handle:\n"
        "    handle.write(b'{\"nouv')\n"
        "    handle.flush()\n"
        "    os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert done.returncode == 9
    assert target.read_bytes() == b'{"ancien": true}'
    # The next write takes the partial file's place and leaves nothing behind.
    assert partial_of(target).exists()
    write_whole(target, b"{}")
    assert target.read_bytes() == b"{}"
    assert not partial_of(target).exists()


@pytest.mark.skipif(os.name != "posix", reason="Unix permissions")
def test_the_mode_is_the_one_asked_for(tmp_path: Path, umask_022: None) -> None:
    private = tmp_path / "prive.json"
    partial_of(private).write_bytes(b"")
    os.chmod(partial_of(private), 0o644)  # left readable by a killed write
    write_whole(private, b"{}")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    document = tmp_path / "rapport.csv"
    write_whole(document, b"a;b\r\n", mode=None)
    assert stat.S_IMODE(document.stat().st_mode) == 0o644
    with writing_whole_by_name(tmp_path / "rapport.pdf", mode=None, hidden=True) as partial:
        assert partial.name == ".rapport.pdf.partiel"
        partial.write_bytes(b"%PDF-")
    assert stat.S_IMODE((tmp_path / "rapport.pdf").stat().st_mode) == 0o644


def test_a_base_this_process_holds_is_never_replaced(tmp_path: Path) -> None:
    base = tmp_path / "base.sqlite"
    connection = encryption.connect(base)
    try:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
        with pytest.raises(ComptoirError, match="est la base de données ouverte"):
            write_whole(base, b"pas une base")
        with pytest.raises(ComptoirError), writing_whole_by_name(base):
            pass
        assert connection.execute("SELECT count(*) FROM t").fetchone() == (0,)
    finally:
        connection.close()
    assert not partial_of(base).exists()


def test_a_folder_that_cannot_be_synced_is_no_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A network share answers EINVAL to fsync on a folder: the file is written all the same."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        real(fd)

    monkeypatch.setattr(private_files.os, "fsync", fsync)
    write_whole(tmp_path / "f.json", b"{}")
    assert (tmp_path / "f.json").read_bytes() == b"{}"


def test_a_pdf_report_that_fails_half_way_keeps_the_previous_one(
    app: Comptoir, site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's « Exporter » writes where the user chose, over last month's report."""
    from tiers_lieu.reports import pdf

    data = app.reports.compute(
        period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), site_ids=[site.id]
    )
    folder = tmp_path / "rapports"
    folder.mkdir()
    out = folder / "rapport.pdf"
    app.reports.write(data, fmt="pdf", path=out)
    before = out.read_bytes()
    assert before.startswith(b"%PDF")

    def half(_data: object, path: Path, **_kw: object) -> None:
        path.write_bytes(b"%PDF-1.4 la moiti")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "render_pdf", half)
    with pytest.raises(OSError):
        app.reports.write(data, fmt="pdf", path=out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["rapport.pdf"]
