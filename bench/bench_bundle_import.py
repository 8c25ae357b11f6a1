"""Benchmark of a large place's bundle: its export, its import into a coordinator's empty base,
and the floor of both, reading and inflating the same file without merging anything.

The place is the largest of the large demo (three years, 112 000 rows: 6.6 MB on disk,
53 MB inflated). Each step runs in a child process of its own, which reports its own peak
resident memory (``VmHWM``: a child's ``ru_maxrss`` on Linux starts at its parent's size at
the fork). Issue 14 asks for any import to stay under about 300 MB.

Printed, one line per step: what · seconds · CPU seconds · peak MB · what the command said.
After the first import, the same place exported again (a new bundle whose every row is
known) is imported into the same base, then that file once more (already done: nothing changes).

Measured on the 2-core machine (CPU seconds; peak MB), before → after streaming both ways:

    export                            5.4 s; 359 MB  →  5.2 s; 103 MB
    floor (read, inflate, parse)      1.2 s;  67 MB  (the reader alone, no application)
    import into an empty base         9.5 s; 511 MB  →  7.6 s; 111 MB
    import again, every row known     5.8 s; 447 MB  →  5.4 s; 106 MB
    the same file twice               2.4 s; 369 MB  →  1.9 s;  89 MB

Of the 111 MB, about 80 are Python and the application loaded before the import begins.

With each place's Ed25519 key (issue 15), the rows checked against the signing place, the
tombstones looked up before inserting, and a verified backup of the coordinator's base before
each import (2026-12-06, same machine; CPU seconds; peak MB):

    export                            4.9 s; 114 MB
    floor (read, inflate, parse)      1.2 s;  77 MB
    import into an empty base         7.7 s; 123 MB
    import again, every row known     5.6 s; 117 MB  (the backup copies the 112 000 rows)
    the same file twice               1.7 s;  99 MB  (known: no backup, nothing merged)

With every reference of an incoming row checked as well (a row of the signing place may not
point at another place's: one lookup per table referred to and batch, up to 20 000 ids found
fine remembered with their table), the code before and after run alternately, four runs each
(2026-12-06, CPU seconds; peak MB); the check itself takes 0.4 s of the import:

    import into an empty base         7.2–7.9 s; 124 MB  →  7.7–8.9 s; 128 MB
    import again, every row known     5.0–5.8 s; 119 MB  →  5.4–5.9 s; 123 MB
    the same file twice               1.5–1.8 s; 100 MB  →  1.5–1.6 s; 100 MB

The place's key is made in the base exported: with ``--db`` the benchmark works on a copy.

Run: ``.venv/bin/python bench/bench_bundle_import.py [--db LARGE_DEMO.sqlite] [--site NAME]``
(without ``--db`` the large demo is generated first, about 30 s).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from tiers_lieu.db import backup_sqlite
from tiers_lieu.services.bundles.placekeys import read_public_file

_CHILD = """
import io, json, sys, time
from contextlib import redirect_stdout
from pathlib import Path

def peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource
    unit = 1024 if sys.platform == "darwin" else 1
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // unit

report, mode, *rest = sys.argv[1:]
started, cpu = time.perf_counter(), time.process_time()
said = io.StringIO()
if mode == "floor":
    from tiers_lieu.services.bundles import fileformat
    records = 0
    with fileformat.opened(Path(rest[0]), lambda _site: rest[1]) as stream:
        for _record in stream:
            records += 1
    code, said = 0, io.StringIO(f"{records} enregistrements lus")
else:
    from tiers_lieu.__main__ import main
    with redirect_stdout(said):
        code = main(rest)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
Path(report).write_text(json.dumps({
    "code": code, "seconds": seconds, "cpu": cpu, "peak": peak_kib(),
    "said": said.getvalue().strip(),
}))
"""


@dataclass(frozen=True)
class Step:
    code: int
    seconds: float
    cpu_seconds: float  # user + system: steadier than ``seconds`` on a shared machine
    peak_mb: float
    said: str


def measured(folder: Path, mode: str, *arguments: str) -> Step:
    """Run one step in a fresh Python process; what it did and what it cost."""
    report = folder / "mesure.json"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(report), mode, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if not report.exists():
        raise RuntimeError(f"the child failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(report.read_text())
    report.unlink()
    said = result["said"] or done.stderr.strip()
    return Step(
        result["code"],
        result["seconds"],
        result["cpu"],
        result["peak"] / 1024,
        said.splitlines()[0],
    )


def largest_site(db: Path) -> str:
    from tiers_lieu.app import build
    from tiers_lieu.models import Site, Visit

    app = build(str(db))
    try:
        with app.engine.connect() as connection:
            query = (
                select(Site.name)  # type: ignore[call-overload]
                .join(Visit, Visit.site_id == Site.id)  # type: ignore[arg-type]
                .group_by(Site.name)
                .order_by(func.count().desc())
                .limit(1)
            )
            return str(connection.execute(query).scalar_one())
    finally:
        app.close()


def empty_base(path: Path) -> None:
    from tiers_lieu.app import build

    build(str(path)).close()


def cli(*arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "tiers_lieu", *arguments], check=True, stdout=subprocess.DEVNULL
    )


def show(what: str, step: Step) -> None:
    print(
        f"{what:40} {step.seconds:>7.2f} {step.cpu_seconds:>7.2f} {step.peak_mb:>8.0f}  "
        f"{step.said[:60]}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="a large demo to export from")
    parser.add_argument("--site", default=None, help="the place exported (default: the largest)")
    parser.add_argument("--folder", type=Path, default=None, help="where to write the files")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        folder = Path(tmp)
        source = args.db
        if source is None:
            source = folder / "demo.sqlite"
            print("generating the large demo…", flush=True)
            cli("--db", str(source), "demo", "--scale", "large", "--seed", "1")
        else:  # the place's key is made in the base exported: work on a copy
            source = backup_sqlite(source, folder / "lieu.sqlite")
        site = args.site or largest_site(source)
        public = folder / "lieu.cle-publique.txt"
        cli("--db", str(source), "bundle", "key", "--site", site, "--out", str(public))
        key = read_public_file(public)
        bundle, again = folder / "lieu.bundle", folder / "lieu-2.bundle"
        coordinator = folder / "coordination.sqlite"
        print(f"place: {site}")
        print(f"{'step':40} {'seconds':>7} {'cpu s':>7} {'peak MB':>8}  said")
        export = ("--db", str(source), "bundle", "export", "--site", site)
        show("export", measured(folder, "cli", *export, "--out", str(bundle)))
        print(f"  bundle: {bundle.stat().st_size / 1e6:.1f} MB on disk")
        floor = measured(folder, "floor", str(bundle), key.public_key)
        show("floor: read and inflate, nothing merged", floor)
        empty_base(coordinator)
        trust = ("--db", str(coordinator), "bundle", "trust", str(public))
        cli(*trust, "--fingerprint", key.fingerprint)
        imports = ("--db", str(coordinator), "bundle", "import")
        show("import into an empty base", measured(folder, "cli", *imports, str(bundle)))
        measured(folder, "cli", *export, "--out", str(again))
        show("import again, every row known", measured(folder, "cli", *imports, str(again)))
        show("the same file twice", measured(folder, "cli", *imports, str(again)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
