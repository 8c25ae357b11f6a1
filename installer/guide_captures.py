"""The captures of the user guide (``resources/guide/*.png``), taken from the real window.

The window is opened at 1024×600 (the smallest screen Comptoir must fit) on a demo base, in
the states the guide describes: visits counted, a sale at the till, a report computed, a
backup listed. The first capture is the whole window, scaled to 800 px; the others are the
section beside the navigation list at 1:1, so that their text stays legible in the guide's
dialog at 1024×600. Each gets a thin grey frame, so that a reader does not take it for the
window itself. Run on a Tuesday morning (faketime) so that the agenda has its permanences:

    apt-get install xvfb faketime pngquant optipng
    export FAKETIME_DONT_FAKE_MONOTONIC=1
    rm -f /tmp/guide.sqlite*
    faketime -f "@2026-12-08 09:40:00" .venv/bin/tiers-lieu --db /tmp/guide.sqlite demo
    faketime -f "@2026-12-08 09:40:00" xvfb-run -a -s "-screen 0 1024x600x24" \\
        .venv/bin/python installer/guide_captures.py /tmp/guide.sqlite resources/guide
    pngquant --force --skip-if-larger --quality 70-95 --speed 1 --ext .png resources/guide/*.png
    optipng -quiet -o5 resources/guide/*.png

``tests/ui/test_guide.py`` checks that every image the guide names exists, and its size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QThread
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from tiers_lieu.app import build
from tiers_lieu.models.enums import Role
from tiers_lieu.ui.application import install_qt_translations, make_qapplication

SIZE = (1024, 600)
WHOLE_WIDTH = 800
FRAME = QColor("#8a8a8a")


def settle(seconds: float = 0.3) -> None:
    for _round in range(max(1, int(seconds / 0.02))):
        QApplication.processEvents()
        QThread.msleep(20)  # not time.sleep: faketime breaks it


def save(image: QImage, target: Path) -> None:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setPen(FRAME)
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.end()
    if not image.save(str(target)):
        raise OSError(f"cannot write {target}")


def main() -> int:
    db, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    qapp = make_qapplication()
    install_qt_translations(qapp)
    app = build(db)
    from tiers_lieu.ui.main_window import MainWindow  # after QApplication, as Qt requires

    user = next((u for u in app.accounts.list_users() if u.role == Role.COORDINATOR), None)
    if user is None:
        user = app.accounts.create_user(
            username="lea", display_name="Léa Dupont", role=Role.COORDINATOR, password="x" * 12
        )
    app.access.sign_in(user)
    window = MainWindow(app, app.sites.list_sites()[0], user, remember_geometry=False)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*SIZE)
    window.show()
    settle()

    def whole(name: str) -> None:
        settle()
        image = window.grab().toImage()
        scaled = image.scaledToWidth(WHOLE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        save(scaled, out / name)

    def section(name: str, seconds: float = 0.3) -> None:
        settle(seconds)
        stack: QWidget = window.stack
        rect = QRect(stack.mapTo(window, stack.rect().topLeft()), stack.size())
        save(window.grab(rect).toImage(), out / name)

    accueil = window.show_section("accueil")
    for key in (1, 1, 4, 5, 1, 2):
        accueil.on_number_key_pressed(key)  # type: ignore[attr-defined]
    whole("fenetre.png")

    window.show_section("agenda")
    section("agenda.png")
    window.show_section("demarches")
    section("demarches.png")

    shop = window.show_section("epicerie")
    till = shop.widget(0).cash_desk  # type: ignore[attr-defined]
    for index in (0, 1, 3, 0):  # F3 is sold by weight: its question would wait
        till.favourite_buttons[index].click()
    section("caisse.png")
    shop.setCurrentIndex(1)  # type: ignore[attr-defined]
    section("distribution.png")

    reports = window.show_section("rapports")
    reports.report_tab.compute_button.click()  # type: ignore[attr-defined]
    section("rapport.png", 3.0)
    reports.tabs.setCurrentWidget(reports.bundles_tab)  # type: ignore[attr-defined]
    section("reseau.png")

    settings = window.show_section("parametres")
    backups = settings.backups_tab  # type: ignore[attr-defined]
    settings.tabs.setCurrentWidget(backups)  # type: ignore[attr-defined]
    backups.backup_button.click()
    settle(3.0)
    backups.refresh()
    section("sauvegardes.png")

    window.close()
    window.deleteLater()  # before the application goes (PySide crashes otherwise)
    QApplication.processEvents()
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
