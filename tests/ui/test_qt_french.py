"""Qt's own dialogs speak the interface language: file dialogs (« Voir dans », « Fichiers de
type », sizes in « Kio »/« octets »), standard buttons (« Annuler »), even on a computer left
in English or ``C``; ``--lang en`` keeps them English.

Each case runs in a fresh process: Qt reads the system locale once, when ``QApplication`` is
made, which the test session did long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tiers_lieu.ui import application

SCRIPT = """
import json, sys
from tiers_lieu.i18n import set_language
set_language(sys.argv[1])
from tiers_lieu.ui.application import make_qapplication, install_qt_translations
qapp = make_qapplication()
install_qt_translations(qapp)
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QMessageBox
box = QMessageBox()
box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
print(json.dumps({
    "look_in": QCoreApplication.translate("QFileDialog", "Look in:"),
    "files_of_type": QCoreApplication.translate("QFileDialog", "Files of type:"),
    "buttons": sorted(button.text() for button in box.buttons()),
    "size": QLocale.system().formattedDataSize(200 * 1024),
    "bytes": QLocale.system().formattedDataSize(12),
}))
"""


def qt_texts(language: str) -> dict[str, object]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LC_", "LANG"))  # a computer left in C
    }
    env.update(LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, language],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_qt_dialogs_are_french_on_a_computer_left_in_english() -> None:
    texts = qt_texts("fr")
    assert texts["look_in"] == "Voir dans\u00a0:"
    assert texts["files_of_type"] == "Fichiers de type\u00a0:"
    assert texts["buttons"] == ["Annuler", "OK"]
    assert str(texts["size"]).endswith("Kio")
    assert texts["bytes"] == "12 octets"


def test_english_interface_keeps_qt_in_english() -> None:
    texts = qt_texts("en")
    assert texts["look_in"] == "Look in:"
    assert texts["buttons"] == ["Cancel", "OK"]
    assert str(texts["size"]).endswith("KiB")
    assert texts["bytes"] == "12 bytes"


def test_the_wheel_ships_qtbase_fr() -> None:
    from PySide6.QtCore import QLibraryInfo

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    assert os.path.isfile(os.path.join(folder, "qtbase_fr.qm")), folder
    assert application.QT_LANGUAGES["fr"].startswith("fr")
