"""The inactivity lock and the fast user switch at the desk.

:class:`InactivityWatcher` is an application-wide event filter: a key press, a click, a
shortcut or a wheel turn only notes the time (cheap, since the filter sees every event of the
application); its timer, when it fires, checks how long the desk has really been idle and
either waits the rest or locks.

:class:`DeskLock` puts the main window's content in a stack with the lock screen above it:
locking shows the lock screen instead of the sections (they are hidden, not destroyed, so the
same person finds their forms as they left them), hides the status bar (place, person signed
in) and disables the menus and shortcuts. Unlocking as someone else emits ``user_switched``,
which the main window connects to its ``set_user``: every section is rebuilt for that
person's role (while the lock screen still hides them), and the service records the switch in
the audit log. The lock knows its window only as a :class:`QMainWindow` and through what it
is given (who is signed in, the place, the widget to focus), so the window may import it.

A modal dialog open when the delay expires (a form, a progress dialog) holds the lock back:
it would keep the lock screen from receiving keys, and closing it would lose what was typed.
The desk locks as soon as the dialog closes if nobody touched anything in between.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import AuthenticationError
from tiers_lieu.i18n import _
from tiers_lieu.labels import role_label
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.errors import show_error

LOCK_SHORTCUT = "Ctrl+Shift+L"
SWITCH_SHORTCUT = "Ctrl+Shift+C"
MODAL_RETRY_MS = 1000

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class InactivityWatcher(QObject):
    """Emits ``timed_out`` once nobody has touched the application for the delay."""

    timed_out = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._delay_ms = 0
        self._last = time.monotonic()
        self._installed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.on_timer_timeout)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    @property
    def delay_ms(self) -> int:
        return self._delay_ms

    def start(self, delay_ms: int) -> None:
        """Watch from now on, locking after ``delay_ms`` milliseconds without activity."""
        app = QApplication.instance()
        if not self._installed and app is not None:
            app.installEventFilter(self)  # removed by Qt when this object is destroyed
            self._installed = True
        self._delay_ms = max(1, delay_ms)
        self.resume()

    def resume(self) -> None:
        if self._delay_ms:
            self._last = time.monotonic()
            self.timer.start(self._delay_ms)

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = time.monotonic()
        return False

    @Slot()
    def on_timer_timeout(self) -> None:
        idle_ms = int((time.monotonic() - self._last) * 1000)
        if idle_ms < self._delay_ms:
            self.timer.start(self._delay_ms - idle_ms)
        elif QApplication.activeModalWidget() is not None:
            self.timer.start(min(MODAL_RETRY_MS, self._delay_ms))  # see the module docstring
        else:
            self.timed_out.emit()


class LockScreen(QWidget):
    """« Comptoir est verrouillé »: the accounts, one field for a password or a PIN."""

    unlock_requested = Signal(object, str)
    """The chosen account's id and the secret typed."""

    def __init__(
        self, users: list[UserInfo], previous: UserInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        title = QLabel(_("Comptoir est verrouillé"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if previous is None:
            who = _("Personne n'était connecté.")
        else:
            who = _("Session de {name} ({role}).").format(
                name=previous.display_name, role=role_label(previous.role)
            )
        self.who_label = QLabel(who, self)
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(
            _(
                "Choisissez votre compte, puis tapez votre mot de passe ou votre code PIN "
                "et appuyez sur Entrée."
            ),
            self,
        )
        hint.setWordWrap(True)

        self.accounts = QListWidget(self)
        self.accounts.setAccessibleName(_("Comptes"))
        for user in users:
            item = QListWidgetItem(
                _("{name} — {role}").format(name=user.display_name, role=role_label(user.role)),
                self.accounts,
            )
            item.setData(Qt.ItemDataRole.UserRole, str(user.id))
        ids = [u.id for u in users]
        if previous is not None and previous.id in ids:
            self.accounts.setCurrentRow(ids.index(previous.id))
        elif users:
            self.accounts.setCurrentRow(0)
        self.accounts.setMaximumHeight(self.accounts.sizeHintForRow(0) * 7 + 8)
        accounts_label = QLabel(_("&Compte :"), self)
        accounts_label.setBuddy(self.accounts)

        self.secret_edit = QLineEdit(self)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText(_("Mot de passe ou code PIN"))
        secret_label = QLabel(_("&Mot de passe ou code PIN :"), self)
        secret_label.setBuddy(self.secret_edit)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("lockError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.unlock_button = QPushButton(_("&Déverrouiller"), self)
        self.unlock_button.setDefault(True)

        panel = QFrame(self)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMaximumWidth(460)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(title)
        inner.addWidget(self.who_label)
        inner.addSpacing(8)
        inner.addWidget(hint)
        inner.addWidget(accounts_label)
        inner.addWidget(self.accounts)
        inner.addWidget(secret_label)
        inner.addWidget(self.secret_edit)
        inner.addWidget(self.error_label)
        inner.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

        self.secret_edit.returnPressed.connect(self.on_unlock_clicked)
        self.unlock_button.clicked.connect(self.on_unlock_clicked)
        self.accounts.itemActivated.connect(self.on_accounts_item_activated)
        self.accounts.currentRowChanged.connect(self.on_accounts_current_row_changed)

    def chosen_id(self) -> uuid.UUID | None:
        item = self.accounts.currentItem()
        return None if item is None else uuid.UUID(str(item.data(Qt.ItemDataRole.UserRole)))

    def focus(self, *, on_list: bool) -> None:
        target = self.accounts if on_list else self.secret_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def refuse(self, message: str) -> None:
        """Say why on the screen itself (nothing to dismiss) and clear the field."""
        self.error_label.setText(message)
        self.error_label.show()
        self.secret_edit.clear()
        self.secret_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def on_unlock_clicked(self) -> None:
        chosen = self.chosen_id()
        if chosen is None:
            self.refuse(_("Choisissez votre compte dans la liste."))
        elif not self.secret_edit.text():
            self.refuse(_("Tapez votre mot de passe ou votre code PIN."))
        else:
            self.unlock_requested.emit(chosen, self.secret_edit.text())

    @Slot(QListWidgetItem)
    def on_accounts_item_activated(self, _item: QListWidgetItem) -> None:
        self.secret_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(int)
    def on_accounts_current_row_changed(self, _row: int) -> None:
        self.secret_edit.clear()
        self.error_label.hide()


class DeskLock(QObject):
    """Locks and unlocks one main window; ``locked``/``unlocked`` say when. ``user``: who is
    signed in at the window; ``site``: the place whose delay applies; ``home``: the widget
    that takes the focus when someone else unlocks. The window connects ``user_switched``
    and calls :meth:`on_window_site_changed` when its place changes."""

    locked = Signal()
    unlocked = Signal(object)
    """Carries the :class:`UserInfo` of whoever unlocked."""
    user_switched = Signal(object)
    """Someone else unlocked (their :class:`UserInfo`), before the lock screen goes: the
    window signs them in and rebuilds its sections for them."""

    def __init__(
        self,
        app: Comptoir,
        window: QMainWindow,
        *,
        user: Callable[[], UserInfo | None],
        site: Callable[[], SiteInfo | None],
        home: QWidget,
    ) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._user = user
        self._site = site
        self._home = home
        content = window.takeCentralWidget()
        assert content is not None, "the main window sets its content before its lock"
        self.content: QWidget = content
        self.stack = QStackedWidget(window)
        self.stack.addWidget(self.content)
        window.setCentralWidget(self.stack)
        self.screen: LockScreen | None = None
        self._disabled: list[QAction] = []
        self._focus: QWidget | None = None
        self._status_visible = True
        self.watcher = InactivityWatcher(self)
        self.watcher.timed_out.connect(self.lock)

        self.lock_action = QAction(_("&Verrouiller"), window)
        self.lock_action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        self.lock_action.triggered.connect(self.on_lock_triggered)
        self.switch_action = QAction(_("Changer d'&utilisateur…"), window)
        self.switch_action.setShortcut(QKeySequence(SWITCH_SHORTCUT))
        self.switch_action.triggered.connect(self.on_switch_triggered)

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def start_watching(self, delay_ms: int | None = None) -> None:
        """Lock after the place's delay (or ``delay_ms``) without a key press or a click."""
        if delay_ms is None:
            site = self._site()
            delay_ms = self._app.accounts.lock_minutes(None if site is None else site.id) * 60_000
        self.watcher.start(delay_ms)

    def set_delay_minutes(self, minutes: int) -> None:
        """The setting changed: follow it at once if the desk is being watched."""
        if self.watcher.delay_ms:
            self.watcher.start(minutes * 60_000)

    @Slot()
    def lock(self, *, on_list: bool = False) -> None:
        if self.screen is not None:
            self.screen.focus(on_list=on_list)
            return
        users = self._app.accounts.list_users()
        if not users:
            return  # nobody could unlock it
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and self.content.isAncestorOf(focus) else None
        self.watcher.stop()
        # Menus and shortcuts off (section switches, change of place…), the lock's own too.
        self._window.menuBar().setEnabled(False)
        self._disabled = [a for a in self._window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)
        status = self._window.statusBar()
        self._status_visible = not status.isHidden()
        status.hide()  # the place and the person signed in
        self.screen = LockScreen(users, self._user(), self.stack)
        self.screen.unlock_requested.connect(self.on_screen_unlock_requested)
        self.stack.addWidget(self.screen)
        self.stack.setCurrentWidget(self.screen)
        self.screen.focus(on_list=on_list)
        self.locked.emit()

    def switch_user(self) -> None:
        """The same lock screen, with the focus on the list of accounts."""
        self.lock(on_list=True)

    # -- slots ------------------------------------------------------------------------------
    @Slot()
    def on_lock_triggered(self) -> None:
        self.lock()

    @Slot()
    def on_switch_triggered(self) -> None:
        self.switch_user()

    @Slot(object)
    def on_window_site_changed(self, _site: object) -> None:
        if self.watcher.delay_ms and not self.is_locked:
            self.start_watching()

    @Slot(object, str)
    def on_screen_unlock_requested(self, user_id: uuid.UUID, secret: str) -> None:
        screen = self.screen
        if screen is None:
            return
        try:
            user = self._app.accounts.unlock(user_id, secret)
        except AuthenticationError as exc:
            screen.refuse(exc.message)
            return
        except Exception as exc:
            show_error(self._window, exc)
            return
        previous = self._user()
        same = previous is not None and previous.id == user.id
        for action in self._disabled:
            if shiboken6.isValid(action):
                action.setEnabled(True)
        self._disabled = []
        self._window.menuBar().setEnabled(True)
        if not same:
            self.user_switched.emit(user)  # the window rebuilds while still hidden
        self.stack.setCurrentWidget(self.content)
        self.stack.removeWidget(screen)
        screen.deleteLater()
        self.screen = None
        self._window.statusBar().setVisible(self._status_visible)
        focus = self._focus
        self._focus = None
        if same and focus is not None and shiboken6.isValid(focus):
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._home.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.watcher.delay_ms:
            self.watcher.resume()
        self.unlocked.emit(user)
