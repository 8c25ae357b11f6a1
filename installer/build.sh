#!/usr/bin/env bash
# Builds the Comptoir folder with PyInstaller, then runs the installer check: the built
# program must pass its own smoke test on a fresh database, with no display.
set -euo pipefail
cd "$(dirname "$0")/.."
make .venv/.installed tiers_lieu/locale/en/LC_MESSAGES/comptoir.mo
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10,<7"
.venv/bin/python - <<'PY'
# Windows wants an .ico beside the SVG icon; Qt renders one from the SVG.
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtGui import QGuiApplication, QIcon
app = QGuiApplication([])
QIcon("resources/icons/comptoir.svg").pixmap(256, 256).save("resources/icons/comptoir.ico")
PY
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build installer/comptoir.spec
check_db="$(mktemp -d)/verification.sqlite"
QT_QPA_PLATFORM=offscreen dist/comptoir/tiers-lieu --db "$check_db" init --site "Vérification"
QT_QPA_PLATFORM=offscreen dist/comptoir/tiers-lieu --db "$check_db" --smoke-test
echo "dist/comptoir/ est prêt et passe son test de démarrage."
