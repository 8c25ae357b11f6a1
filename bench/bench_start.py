"""Benchmark of a start on an up-to-date base: imports and the opening of the services (issue 17).

Each run is a fresh interpreter (imports are what is measured): it imports the application,
builds its services on a base already at the newest schema (``tiers_lieu.app.build``) and
asks for this year's public holidays, as the home screen's « en un coup d'œil » does. It
prints the median wall time of each step and which heavy packages the start loaded
(Alembic, Mako, Pygments, the ``holidays`` countries' modules), then the ``-X importtime``
figures of those packages (with their submodules) in one extra run.

Then, beside a floor measured in the same run (each figure's ratio to it is what holds on a
shared machine), in fresh child processes taking turns, the median of ``--runs`` runs of:

- FLOOR: a bare PySide6 window: ``import PySide6.QtWidgets``, a ``QApplication``, a
  ``QMainWindow`` shown, until its first paint is done;
- the normal start (``tiers-lieu --db COPY``, the real ``run_gui`` path, not the smoke test)
  until its first window is painted (the sign-in window, the base having an account), on a
  copy of each ``--db`` base (``/tmp/large.sqlite``, ``/tmp/scale10.sqlite``): target ≤ 3×,
  the same on both;
- ``tiers-lieu --db COPY_OF_SMALL_DEMO --smoke-test``, the whole process, beside the bare
  window's whole process: target ≤ 5×.

Both sides are timed the same way: an application-wide event filter sees the first ``Paint``
event of a top-level window, and a zero timer then (once that paint is done) writes the
system's monotonic clock and ends the process; the parent subtracts its clock read just
before starting the child. Comptoir's child gets that filter without any hook in the
application: an import hook wraps ``make_qapplication`` when ``tiers_lieu.ui.application`` is
imported, so nothing is imported in another order than in a real start. Children run with
byte-code caches (in a temporary ``PYTHONPYCACHEPREFIX``, filled by one untimed run), as an
installed Comptoir has them, and with their own settings folder. Bases are copied with
SQLite's online backup, opened once (migrated) and given an account when they have none.

Run: ``.venv/bin/python bench/bench_start.py [--runs N] [--db FILE ...] [--small FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from tiers_lieu.app import build
from tiers_lieu.services.public_holidays import public_holidays
t1 = time.perf_counter()
app = build(sys.argv[1])
t2 = time.perf_counter()
public_holidays(2026)
t3 = time.perf_counter()
app.close()
countries = sorted(m for m in sys.modules if m.startswith("holidays.countries."))
print(json.dumps({
    "import_ms": (t1 - t0) * 1000,
    "build_ms": (t2 - t1) * 1000,
    "holidays_ms": (t3 - t2) * 1000,
    "total_ms": (t3 - t0) * 1000,
    "alembic": "alembic" in sys.modules,
    "mako": "mako" in sys.modules,
    "pygments": "pygments" in sys.modules,
    "countries": len(countries),
}))
"""

WATCHED = ("alembic", "mako", "pygments", "holidays", "holidays.countries")


def run_child(db: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, *flags, "-c", CHILD, str(db)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )


def importtime(db: Path) -> dict[str, int]:
    """Import time (µs) of each watched package and its submodules (sum of their own
    times, from ``-X importtime``), wherever they were imported from."""
    figures = dict.fromkeys(WATCHED, 0)
    for line in run_child(db, "-X", "importtime").stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        for name in WATCHED:
            if parts[2] == name or parts[2].startswith(name + "."):
                figures[name] += int(parts[0])
    return figures


# -- first window painted, beside a bare PySide6 window --------------------------------------

# The filter both sides install: the first paint of a top-level window, then (once that paint
# is done) the monotonic clock on stdout and the end of the process.
PAINT_FILTER = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer

WAIT_FOR = {"PAINTED"}  # what the child reports before it ends
SEEN = set()

def seen(what, name=""):
    SEEN.add(what)
    sys.stdout.write(f"{what} {time.monotonic()!r} {name}\n")
    sys.stdout.flush()
    if WAIT_FOR <= SEEN:
        os._exit(0)

class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if (not FirstPaint.seen and event.type() == QEvent.Type.Paint
                and watched.isWidgetType() and watched.isWindow()):
            FirstPaint.seen = True
            name = type(watched).__name__
            QTimer.singleShot(0, lambda: seen("PAINTED", name))
        return False

def watch(qapp):
    qapp._first_paint = FirstPaint(qapp)
    qapp.installEventFilter(qapp._first_paint)
"""

FLOOR_CHILD = r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
qapp = QApplication(sys.argv[:1])
watch(qapp)
window = QMainWindow()
window.show()
qapp.exec()
"""

# The real start (``tiers-lieu --db FILE``): an import hook wraps make_qapplication once
# tiers_lieu.ui.application is imported, wherever and whenever the start imports it, and
# notes when the application built behind the sign-in is handed to the GUI thread
# (DeskStart._on_built): from then on « Se connecter » signs in at once.
DESK_CHILD = r"""
import importlib.machinery, sys  # already loaded by Python's start (importlib.abc is not)

WAIT_FOR.add("BUILT")

def wrap_application(module):
    made = module.make_qapplication

    def make_qapplication(*args, **kwargs):
        qapp = made(*args, **kwargs)
        watch(qapp)
        return qapp

    module.make_qapplication = make_qapplication

def wrap_startup_checks(module):
    handed = module.DeskStart._on_built

    def _on_built(self, outcome):
        handed(self, outcome)
        seen("BUILT")

    module.DeskStart._on_built = _on_built

WRAPS = {"tiers_lieu.ui.application": wrap_application,
         "tiers_lieu.ui.startup_checks": wrap_startup_checks}

class Wrap:
    def find_spec(self, name, path, target=None):
        if name not in WRAPS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            WRAPS[name](module)

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Wrap())
from tiers_lieu.__main__ import main
sys.exit(main(sys.argv[1:]))
"""

SMOKE_CHILD = "import sys; from tiers_lieu.__main__ import main; sys.exit(main())"  # as the command


def child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env["XDG_CONFIG_HOME"] = str(folder / "config")  # the desk's settings (QSettings)
    env["XDG_DATA_HOME"] = str(folder / "data")
    env.pop("TIERS_LIEU_DB", None)
    return env


def painted(code: str, args: list[str], env: dict[str, str]) -> tuple[float, str, float | None]:
    """Seconds from the start of the child to its first window painted, that window, and
    (Comptoir) seconds until the application built behind it reached the GUI thread."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    marks: dict[str, tuple[float, str]] = {}
    for line in done.stdout.splitlines():
        tag, _space, rest = line.partition(" ")
        if tag in ("PAINTED", "BUILT"):
            when, _space, name = rest.partition(" ")
            marks[tag] = (float(when) - started, name.strip())
    if "PAINTED" not in marks:
        raise RuntimeError(f"no window painted (exit {done.returncode}):\n{done.stderr[-3000:]}")
    built = marks["BUILT"][0] if "BUILT" in marks else None
    return marks["PAINTED"][0], marks["PAINTED"][1], built


def whole(code: str, args: list[str], env: dict[str, str]) -> float:
    """Seconds the whole child process took (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}:\n{done.stderr[-3000:]}")
    return elapsed


PREPARE = r"""
import sys
from tiers_lieu.app import build
from tiers_lieu.models.enums import Role
app = build(sys.argv[1])
try:
    if not app.accounts.has_users():
        app.accounts.create_user(
            username="banc", display_name="Banc d'essai", role=Role.ADMIN,
            password="banc-d-essai-2026",
        )
finally:
    app.close()
"""


def copy_base(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup (the shared base is never opened
    for writing), then opened once (migrated to the newest schema) and given an account."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    subprocess.run([sys.executable, "-c", PREPARE, str(target)], check=True)


def small_demo(target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "tiers_lieu", "--db", str(target), "demo", "--scale", "small"],
        check=True,
        capture_output=True,
    )


def first_window(runs: int, bases: list[Path], small: Path | None) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = child_env(folder)
        floor_code = PAINT_FILTER + FLOOR_CHILD
        desk_code = PAINT_FILTER + DESK_CHILD
        copies: dict[str, Path] = {}
        for base in bases:
            if not base.exists():
                print(f"{base}: missing, skipped")
                continue
            copy = folder / f"{base.stem}.sqlite"
            copy_base(base, copy)
            copies[base.name] = copy
        demo = folder / "petite.sqlite"
        if small is not None:
            copy_base(small, demo)
        else:
            small_demo(demo)
        # One untimed run of each kind fills the byte-code cache.
        painted(floor_code, [], env)
        for copy in copies.values():
            painted(desk_code, ["--db", str(copy)], env)
        whole(SMOKE_CHILD, ["--db", str(demo), "--smoke-test"], env)

        floor_paint: list[float] = []
        floor_whole: list[float] = []
        starts: dict[str, list[float]] = {name: [] for name in copies}
        opened: dict[str, list[float]] = {name: [] for name in copies}
        windows: dict[str, str] = {}
        smoke: list[float] = []
        for turn in range(max(1, runs)):  # taking turns: a busy moment hits every figure
            floor_paint.append(painted(floor_code, [], env)[0])
            floor_whole.append(whole(floor_code, [], env))
            # The base started right after another one is a little slower (the machine still
            # tears the previous process down): each goes first every other turn.
            order = list(copies.items())
            for label, copy in order if turn % 2 == 0 else reversed(order):
                seconds, windows[label], built = painted(desk_code, ["--db", str(copy)], env)
                starts[label].append(seconds)
                if built is not None:
                    opened[label].append(built)
            smoke.append(whole(SMOKE_CHILD, ["--db", str(demo), "--smoke-test"], env))

        paint_floor = statistics.median(floor_paint)
        whole_floor = statistics.median(floor_whole)
        print(f"\nfirst window painted, median of {len(floor_paint)} runs in turn")
        print(f"{'FLOOR bare PySide6 window painted':46} {paint_floor * 1000:8.0f} ms")
        for label, laps in starts.items():
            figure = statistics.median(laps)
            mb = copies[label].stat().st_size / 1e6
            print(
                f"{'normal start, ' + label + f' ({mb:.0f} MB)':46} {figure * 1000:8.0f} ms"
                f"   floor {paint_floor * 1000:6.0f} ms   ratio {figure / paint_floor:5.2f}×"
                f"  (target ≤ 3×)  first window: {windows[label]}"
            )
            if opened[label]:
                built = statistics.median(opened[label])
                print(
                    f"{'  … base open behind it (sign-in completes)':46} {built * 1000:8.0f} ms"
                    f"   floor {paint_floor * 1000:6.0f} ms   ratio {built / paint_floor:5.2f}×"
                )
        figure = statistics.median(smoke)
        print(f"{'FLOOR bare PySide6 window, whole process':46} {whole_floor * 1000:8.0f} ms")
        print(
            f"{'--smoke-test, small demo, whole process':46} {figure * 1000:8.0f} ms"
            f"   floor {whole_floor * 1000:6.0f} ms   ratio {figure / whole_floor:5.2f}×"
            f"  (target ≤ 5×)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--db",
        type=Path,
        nargs="*",
        default=[Path("/tmp/large.sqlite"), Path("/tmp/scale10.sqlite")],
        help="bases to start on (copied first)",
    )
    parser.add_argument(
        "--small", type=Path, default=None, help="small demo base (made when not given)"
    )
    parser.add_argument(
        "--only-window", action="store_true", help="skip the step-by-step import figures"
    )
    args = parser.parse_args()
    if not args.only_window:
        steps(args.runs)
    first_window(args.runs, args.db, args.small)


def steps(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench-start.sqlite"
        run_child(db)  # creates and migrates the base: later runs find it up to date
        results = [json.loads(run_child(db).stdout) for _ in range(max(1, runs))]
        for key in ("import_ms", "build_ms", "holidays_ms", "total_ms"):
            print(f"{key:12} median {statistics.median(r[key] for r in results):8.1f} ms")
        last = results[-1]
        print(
            f"loaded: alembic={last['alembic']} mako={last['mako']} "
            f"pygments={last['pygments']} holidays countries={last['countries']}"
        )
        for name, micros in sorted(importtime(db).items()):
            print(f"importtime {name:20} {micros / 1000:8.1f} ms")


if __name__ == "__main__":
    main()
