"""The desk's service buttons: one large button per active service, with its number key and
the day's count, laid out in a grid that keeps the desk order.

The buttons only show and emit: counting belongs to the section, which calls the service and
hands the new counts back through :meth:`ServicePad.set_counts`. A button flashes briefly when
its visit is saved, so that a host who pressed a key without looking sees which one it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from tiers_lieu.i18n import _, format_number, ngettext
from tiers_lieu.services.readmodels import ServiceInfo

COLUMNS = 3
FLASH_MS = 400


class CountLabel(QLabel):
    """A button's count, held at the size of its text: a new count of as many digits redraws
    the label alone, without laying out the button and the pad again (issue 17: after each
    key press, that layout cost more than committing the visit)."""

    def show_count(self, text: str) -> None:
        self.setText(text)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        hint = self.sizeHint()
        if self.minimumSize() != hint or self.maximumSize() != hint:
            self.setFixedSize(hint)  # (a fixed size: Qt skips the layout at each setText)


class ServiceButton(QPushButton):
    """A large button: the key in a badge, the count big on the right, the name below."""

    def __init__(self, service: ServiceInfo, key: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.key = key
        self._count = 0
        self.setObjectName("serviceButton")
        self.setMinimumHeight(76)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.key_label = QLabel("" if key is None else str(key), self)
        self.key_label.setObjectName("serviceKey")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setMinimumWidth(26)
        self.key_label.setVisible(key is not None)
        self.count_label = CountLabel("0", self)
        self.count_label.setObjectName("serviceCount")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.name_label = QLabel(service.name, self)
        self.name_label.setObjectName("serviceName")
        self.name_label.setWordWrap(True)
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        for label in (self.key_label, self.count_label, self.name_label):
            # Clicks go to the button underneath.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        count_font = self.count_label.font()
        count_font.setPointSizeF(count_font.pointSizeF() * 1.9)
        count_font.setBold(True)
        self.count_label.setFont(count_font)
        name_font = self.name_label.font()
        name_font.setPointSizeF(name_font.pointSizeF() * 1.15)
        name_font.setBold(True)
        self.name_label.setFont(name_font)
        key_font = self.key_label.font()
        key_font.setBold(True)
        self.key_label.setFont(key_font)

        layout = QGridLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.key_label, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(
            self.count_label, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        )
        layout.addWidget(self.name_label, 1, 0, 1, 2)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(1, 1)
        self._describe()

    @property
    def count(self) -> int:
        return self._count

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click arrives as press, release, double click, release; Qt takes the
        double click for a second press, so the button would be clicked twice. One click
        counts one visit: the second half of a double click is ignored (by its kind, not by
        a delay, so quick single clicks each count)."""
        event.accept()

    def set_count(self, count: int) -> None:
        if count == self._count:
            return  # nothing to redraw (the other buttons, after a key press)
        self._count = count
        self.count_label.show_count(format_number(count))
        self._describe()

    def flash(self) -> None:
        self.setProperty("flash", True)
        self._restyle()
        QTimer.singleShot(FLASH_MS, self._end_flash)

    def _end_flash(self) -> None:
        self.setProperty("flash", False)
        self._restyle()

    def _restyle(self) -> None:
        self.style().unpolish(self)
        self.style().polish(self)

    def _describe(self) -> None:
        counted = ngettext("{n} personne comptée", "{n} personnes comptées", self._count).format(
            n=format_number(self._count)
        )
        if self.key is None:
            text = _("{service} : {counted}. Cliquez pour compter une visite.").format(
                service=self.service.name, counted=counted
            )
        else:
            text = _("{service} : {counted}. Touche {key} pour compter une visite.").format(
                service=self.service.name, counted=counted, key=self.key
            )
        self.setToolTip(text)
        self.setAccessibleName(text)


STYLE = """
QPushButton#serviceButton {
    text-align: left;
    border: 1px solid palette(mid);
    border-radius: 8px;
    background: palette(base);
}
QPushButton#serviceButton:hover { background: palette(alternate-base); }
QPushButton#serviceButton:focus { border: 2px solid palette(highlight); }
QPushButton#serviceButton[flash="true"] { background: #cfe8cf; border: 2px solid #2e7d32; }
QLabel#serviceKey {
    border-radius: 5px;
    padding: 1px 6px;
    background: palette(highlight);
    color: palette(highlighted-text);
}
QLabel#serviceCount { color: palette(text); }
"""


class ServicePad(QWidget):
    """The grid of service buttons; emits ``service_clicked(service_id)``."""

    service_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        self._buttons: dict[uuid.UUID, ServiceButton] = {}
        self._signature: tuple[object, ...] = ()

    def set_services(self, services: Sequence[ServiceInfo], keys: Mapping[uuid.UUID, int]) -> None:
        """Show one button per service (already in desk order); rebuilt only on change."""
        signature = tuple((s.id, s.name, keys.get(s.id)) for s in services)
        if signature == self._signature:
            return
        self._signature = signature
        counts = {sid: b.count for sid, b in self._buttons.items()}
        for button in self._buttons.values():
            self._grid.removeWidget(button)
            button.deleteLater()
        self._buttons.clear()
        columns = COLUMNS if len(services) <= 12 else COLUMNS + 1
        for index, service in enumerate(services):
            button = ServiceButton(service, keys.get(service.id), self)
            button.set_count(counts.get(service.id, 0))
            button.clicked.connect(
                lambda _checked=False, sid=service.id: self.service_clicked.emit(sid)
            )
            self._grid.addWidget(button, index // columns, index % columns)
            self._buttons[service.id] = button
        for column in range(columns):
            self._grid.setColumnStretch(column, 1)

    def set_counts(self, counts: Mapping[uuid.UUID, int]) -> None:
        for service_id, button in self._buttons.items():
            button.set_count(counts.get(service_id, 0))

    def set_count(self, service_id: uuid.UUID, count: int) -> None:
        """One button's count (the one whose visit was just counted)."""
        button = self._buttons.get(service_id)
        if button is not None:
            button.set_count(count)

    def button(self, service_id: uuid.UUID) -> ServiceButton | None:
        return self._buttons.get(service_id)

    def buttons(self) -> list[ServiceButton]:
        return list(self._buttons.values())

    def flash(self, service_id: uuid.UUID) -> None:
        button = self._buttons.get(service_id)
        if button is not None:
            button.flash()

    def focus_first(self) -> None:
        """Give the focus to the pad, so that the next number key counts again."""
        buttons = self.buttons()
        if buttons:
            buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)
