"""A full disk at the desk (issue 14, point 7): the visit that cannot be written is said so
in French, through the one error function, with what to do; the visits counted before stay,
and the button shows the figure the database holds."""

from __future__ import annotations

import errno
from typing import Any

from accueil_window import shown_accueil
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Visit
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.errors import show_error


def stored(app: Comptoir) -> int:
    with app.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(Visit)).scalar_one())


def test_a_full_disk_while_counting_is_said_in_french(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    section = shown_accueil(qtbot, app, site)
    welcome = app.config.list_services(site.id)[0]

    def full_soon(connection: Any, _record: Any) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    event.listen(app.engine, "connect", full_soon)
    app.engine.dispose()
    pressed = 0
    while not message_boxes and pressed < 3000:
        qtbot.keyClick(section.focusWidget() or section, Qt.Key.Key_1)
        pressed += 1
    assert message_boxes, "le disque plein n'a jamais été atteint"
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Écriture impossible")
    assert text.startswith("Le disque est plein : rien n'a été enregistré.")
    event.remove(app.engine, "connect", full_soon)
    app.engine.dispose()
    assert stored(app) == pressed - 1  # every visit but the refused one, none half-written
    button = section.pad.button(welcome.id)
    assert button is not None and button.count_label.text() == str(pressed - 1)


def test_an_os_error_of_a_full_or_read_only_disk_is_said_too(
    message_boxes: list[tuple[str, str, str]],
) -> None:
    show_error(None, OSError(errno.ENOSPC, "No space left on device", "/media/cle/a.pdf"))
    show_error(None, PermissionError(errno.EROFS, "Read-only file system", "/media/cle/a.pdf"))
    assert [box[0] for box in message_boxes] == ["warning", "warning"]
    assert message_boxes[0][2].startswith("Le disque est plein")
    assert message_boxes[1][2].startswith("« /media/cle/a.pdf » est en lecture seule")
