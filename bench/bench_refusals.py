"""Benchmark of the refusals: the largest hostile inputs, each given to ``tiers-lieu`` in a child
process against a fresh database, with what it answered, how long it took and its peak memory.

Before the readers were bounded, a 1 MB XLSX with one huge cell took 8 GB, a 6 MB XLSX ran five
minutes and a 200 MB CSV took 3 GB. Each case below writes its file into a temporary folder as
a stream (the compression attacks stay small on disk), then runs the command and prints:

    case · exit code · seconds · peak MB (os.wait4, ru_maxrss) · first line of the message

The cases are a list: other inputs (``.ics`` calendars, bundles) are added as more ``Case``
entries, each with its file writer and its command. The last case is the largest file an
import accepts, to show the memory of a successful import too.

Run: ``.venv/bin/python bench/bench_refusals.py [--only TEXT] [--folder DIR]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import bundlebomb  # noqa: E402
import hostile_imports as hostile  # noqa: E402
from bench_import import write_csv  # noqa: E402
from unit import ics_hostile  # noqa: E402

MIB = hostile.MIB


def import_visits(path: Path) -> list[str]:
    return ["import", "visits", str(path)]


@dataclass(frozen=True)
class Case:
    """One input: how to write it into a folder, and the command that reads it."""

    name: str
    write: Callable[[Path], Path]
    command: Callable[[Path], list[str]] = field(default=import_visits)
    prepare: Callable[[Path], None] = field(default=lambda db: None)  # on the fresh base


def import_bookings(path: Path) -> list[str]:
    return ["import", "bookings", str(path), "--resource", "Salle de réunion"]


def _add_room(db: Path) -> None:
    ics_hostile.add_room(str(db))


def _ics(name: str, data: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return write


def _big_ics(folder: Path) -> Path:
    """10 Mio and one byte: refused on its size before it is parsed."""
    path = folder / "enorme.ics"
    with path.open("wb") as out:
        out.write(ics_hostile.calendar("UID:x@example.org\r\nDTSTART:20260302T090000Z\r\n"))
        out.truncate(10 * MIB + 1)
    return path


def _trust_the_forged_place(db: Path) -> None:
    """The fresh base trusts a key for the place a forged bomb names: its signature is then
    what refuses it (an unknown place is refused before that)."""
    from tiers_lieu.app import build
    from tiers_lieu.services.bundles.placekeys import (
        PlaceKeyService,
        PublicKeyFile,
        Signer,
        fingerprint,
    )

    signer = Signer.generate(bundlebomb.FORGED_SITE)
    app = build(str(db))
    try:
        PlaceKeyService(app.uow).trust(
            PublicKeyFile(
                signer.site_id, "Lieu", signer.public_key(), fingerprint(signer.public_raw())
            )
        )
    finally:
        app.close()


def _bomb(version: int) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / f"bombe-v{version}.comptoir"
        bundlebomb.write_bomb(path, inflated=3_000 * MIB, version=version)
        return path

    return write


def import_bundle(path: Path) -> list[str]:
    return ["bundle", "import", str(path)]


CASES: list[Case] = [
    Case(
        "XLSX, one cell of 1 GB compressed to 1 MB",
        lambda folder: hostile.huge_cell_xlsx(folder / "cellule.xlsx", 1024 * MIB),
    ),
    Case(
        "XLSX, one cell of 40 MB of random letters",
        lambda folder: hostile.long_cell_xlsx(folder / "cellule-longue.xlsx", 40 * MIB),
    ),
    Case(
        "XLSX zip bomb, 2 GB of empty rows",
        lambda folder: hostile.bomb_xlsx(folder / "bombe.xlsx", 2000 * MIB),
    ),
    Case(
        "XLSX, 250 MB of empty rows (under every check)",
        lambda folder: hostile.empty_rows_xlsx(folder / "vides.xlsx", 250 * MIB),
    ),
    Case(
        "XLSX of 1 000 000 rows",
        lambda folder: hostile.many_rows_xlsx(folder / "lignes.xlsx", 1_000_000),
    ),
    Case(
        "XLSX, a cell at XFD1048576",
        lambda folder: hostile.corner_xlsx(folder / "coin.xlsx"),
    ),
    Case(
        "XLSX with entity expansion",
        lambda folder: hostile.entity_bomb_xlsx(folder / "rires.xlsx"),
    ),
    Case(
        "ODS, a row repeated 1 000 000 × 1 000",
        lambda folder: hostile.repeated_ods(folder / "repetee.ods", 1_000_000, 1000),
    ),
    Case(
        "CSV of 200 MB",
        lambda folder: hostile.big_csv(folder / "enorme.csv", 200 * MIB),
    ),
    Case(
        "CSV of 63 MB (just under the size limit)",
        lambda folder: hostile.big_csv(folder / "grand.csv", 63 * MIB),
    ),
    Case(
        ".ics of 248 bytes, RRULE:FREQ=MINUTELY",
        _ics("minutes.ics", ics_hostile.MINUTELY),
        import_bookings,
        _add_room,
    ),
    Case(
        ".ics, FREQ=SECONDLY;BYSETPOS=2 (the whole budget)",
        _ics("secondes.ics", ics_hostile.HOSTILE["BYSETPOS out of reach, every second"]),
        import_bookings,
        _add_room,
    ),
    Case(".ics of 10 Mio and one byte", _big_ics, import_bookings, _add_room),
    Case(
        "bundle bomb, forged, 3 GB inflated (format 3)",
        _bomb(3),
        import_bundle,
        _trust_the_forged_place,
    ),
    Case("bundle bomb, old network key, 3 GB inflated (format 2)", _bomb(2), import_bundle),
    Case(
        "CSV of 200 000 good lines (accepted)",
        lambda folder: _good_csv(folder / "visites.csv", 200_000),
    ),
]


def _good_csv(path: Path, rows: int) -> Path:
    write_csv(path, rows, seed=1)
    return path


def fresh_database(folder: Path) -> Path:
    db = folder / "base.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    init = ["init", "--site", "Le Comptoir", "--commune", "Felletin", "--insee", "23079"]
    subprocess.run(
        [sys.executable, "-m", "tiers_lieu", "--db", str(db), *init],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="only the cases whose name holds this text")
    parser.add_argument("--folder", type=Path, default=None, help="where to write the files")
    args = parser.parse_args()
    cases = [case for case in CASES if args.only.casefold() in case.name.casefold()]
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        folder = Path(tmp)
        print(f"{'case':52} {'exit':>4} {'s':>6} {'peak MB':>8}  message")
        for case in cases:
            path = case.write(folder)
            size = path.stat().st_size
            db = fresh_database(folder)
            case.prepare(db)
            run = hostile.run_measured(["--db", str(db), *case.command(path)], folder)
            name = f"{case.name} ({size / MIB:.1f} MB)"
            print(
                f"{name:52} {run.code:>4} {run.seconds:>6.1f} {run.peak_mb:>8.0f}  "
                f"{run.message or '(rien sur stderr)'}",
                flush=True,
            )
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
