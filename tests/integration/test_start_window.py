"""The first window of a real start (``tiers-lieu --db FILE``) does not wait for the heavy part
of the start (issue 17): the sign-in is painted while SQLAlchemy, the models and the services
are still being imported in the background (``bench/bench_start.py`` times it beside a bare
PySide6 window)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tiers_lieu.app import build
from tiers_lieu.models.enums import Role

# At the first paint of a top-level window: its class and the heavy packages then loaded.
CHILD = r"""
import os, sys, time

class SlowDatabaseLayer:  # SQLAlchemy takes 3 s to import: whoever needs it waits
    def find_spec(self, name, path, target=None):
        if name == "sqlalchemy":
            time.sleep(3)
        return None

sys.meta_path.insert(0, SlowDatabaseLayer())
from PySide6.QtCore import QEvent, QObject, QTimer
import tiers_lieu.ui.application as application

class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if (not FirstPaint.seen and event.type() == QEvent.Type.Paint
                and watched.isWidgetType() and watched.isWindow()):
            FirstPaint.seen = True
            heavy = sorted(
                name for name in ("sqlmodel", "tiers_lieu.models", "tiers_lieu.app", "babel.dates")
                if name in sys.modules
            )
            print(type(watched).__name__, *heavy, flush=True)
            QTimer.singleShot(0, lambda: os._exit(0))
        return False

made = application.make_qapplication

def make_qapplication():
    qapp = made()
    qapp._first_paint = FirstPaint(qapp)
    qapp.installEventFilter(qapp._first_paint)
    return qapp

application.make_qapplication = make_qapplication
from tiers_lieu.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_sign_in_is_painted_before_the_database_layer_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "comptoir.sqlite"
    app = build(str(path))
    site = app.sites.init_site(name="Felletin")
    app.accounts.create_user(
        username="lea", display_name="Léa", password="tilleul-2026", role=Role.COORDINATOR
    )
    app.close()
    assert site.name == "Felletin"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "reglages"),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--db", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["LoginDialog"]
