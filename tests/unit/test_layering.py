"""The layering the design relies on: the core never imports Qt, and opening the windows
does not load the heavy report libraries (start-up time on the desk's old laptop)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import tiers_lieu

PACKAGE = Path(tiers_lieu.__file__).parent
CORE = [PACKAGE / "services", PACKAGE / "models", PACKAGE / "reports", PACKAGE / "db.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE:
        if entry.is_dir():
            files.extend(sorted(entry.rglob("*.py")))
        elif entry.exists():
            files.append(entry)
    return files


def test_the_core_never_imports_qt() -> None:
    files = core_files()
    assert len(files) > 10  # the scan really looks at the services and models
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "PySide6"
        )
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_scan_would_see_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in imported_modules(sample)


def test_opening_the_windows_loads_neither_qt_in_the_core_nor_report_libraries() -> None:
    script = (
        "import sys\n"
        "import tiers_lieu.app\n"
        "assert 'PySide6' not in sys.modules, 'tiers_lieu.app imports PySide6'\n"
        "import tiers_lieu.ui.application, tiers_lieu.ui.main_window\n"
        "heavy = sorted({'reportlab', 'openpyxl'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
