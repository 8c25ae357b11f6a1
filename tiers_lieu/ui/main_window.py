"""The main window: navigation on the left, the current section on the right, and around them
the menus, keyboard shortcuts and a status bar naming the place and who is signed in.

It only assembles: what each section is and how it is built lives in :mod:`.sections`, so
this module stays small as the areas fill in. Sections are built on first visit and thrown
away when the current place changes, since every section shows one place's data.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QSignalBlocker,
    Qt,
    Signal,
    SignalInstance,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.labels import role_label
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui import connection, leaving, mnemonic_select, ops, options, tab_keys
from tiers_lieu.ui.audit_check import TILL_JOURNAL, ChainCheck, warn_if_broken
from tiers_lieu.ui.data_changed import DataChanged
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.help_menu import HelpMenu
from tiers_lieu.ui.lock import DeskLock
from tiers_lieu.ui.sections import SECTIONS, SectionContext, section_index
from tiers_lieu.ui.settings.backups_tab import BackupsTab
from tiers_lieu.ui.window_geometry import place_on_screen, remember_geometry

log = logging.getLogger(__name__)


def window_title(site: SiteInfo | None) -> str:
    if site is None:
        return _("Comptoir — aucun lieu configuré")
    return _("Comptoir — {place}").format(place=site.name)


TILL_KEY = "F12"  # F1–F9 are the till's own (favourites, pay)


SECTION_PAGE = "sectionPage"  # the scroll area around each section


def section_shortcut(index: int) -> QKeySequence:
    return QKeySequence(f"Ctrl+{index + 1}")


def shown_site(
    site: SiteInfo | None, sites: list[SiteInfo], user: UserInfo | None
) -> SiteInfo | None:
    """``site`` if it is among the places the account may see, else the account's own
    place, else the first one."""
    ids = [s.id for s in sites]
    if site is not None and site.id in ids:
        return site
    own = None if user is None else user.site_id
    return next((s for s in sites if s.id == own), sites[0] if sites else None)


class MainWindow(QMainWindow):
    """One place at a time; ``site_changed`` tells sections built later which one."""

    site_changed = Signal(object)
    section_shown = Signal(str)

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo | None,
        user: UserInfo | None,
        *,
        remember_geometry: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._user = user
        self._remember_geometry = remember_geometry
        self._sites = app.sites.list_sites()  # those the account signed in may see
        self._site = shown_site(site, self._sites, user)
        self._built: dict[int, QWidget] = {}
        self.data_changed = DataChanged(self)  # what one section writes, the others read
        self._page_layouts: list[QVBoxLayout] = []

        self.nav = QListWidget(self)
        self.nav.setObjectName("sectionNavigation")
        self.nav.setAccessibleName(_("Sections"))
        self.stack = QStackedWidget(self)
        self.section_actions: list[QAction] = []
        for index, section in enumerate(SECTIONS):
            title = _(section.title)
            shortcut = section_shortcut(index).toString(QKeySequence.SequenceFormat.NativeText)
            item = QListWidgetItem(title, self.nav)
            item.setToolTip(_("{section} ({shortcut})").format(section=title, shortcut=shortcut))
            # Each section scrolls rather than forcing its minimum size on the window: the
            # desk's laptop may have a small screen.
            page = QScrollArea(self.stack)
            page.setObjectName(SECTION_PAGE)
            page.setWidgetResizable(True)
            page.setFrameShape(QFrame.Shape.NoFrame)
            inner = QWidget(page)
            page_layout = QVBoxLayout(inner)
            page_layout.setContentsMargins(0, 0, 0, 0)
            page.setWidget(inner)
            self._page_layouts.append(page_layout)
            self.stack.addWidget(page)
            action = QAction(title, self)
            action.setShortcut(section_shortcut(index))
            action.triggered.connect(lambda _checked=False, i=index: self.go_to_section(i))
            self.section_actions.append(action)
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.nav.setFont(font)
        self.nav.setStyleSheet("QListWidget#sectionNavigation::item { padding: 8px 14px; }")
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 40)
        self.nav.currentRowChanged.connect(self.on_nav_current_row_changed)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # The lock screen stacked over the content; someone else unlocking takes the desk.
        self.desk_lock = DeskLock(
            app, self, user=lambda: self._user, site=lambda: self._site, home=self.nav
        )
        self.desk_lock.user_switched.connect(self.set_user)
        self.desk_lock.locked.connect(self.on_desk_locked)
        self.site_changed.connect(self.desk_lock.on_window_site_changed)
        mnemonic_select.install()  # Alt+letter on a label selects its field's text

        self._build_menus()
        self._build_status_bar()
        self._show_site()
        self._apply_permissions()
        place_on_screen(self, remember=self._remember_geometry)
        self.show_section(self._first_allowed())
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)  # arrow keys move between sections
        self.check_audit_log()
        self.check_till_journal()

    # -- public -----------------------------------------------------------------------------
    @property
    def site(self) -> SiteInfo | None:
        return self._site

    @property
    def user(self) -> UserInfo | None:
        return self._user

    def current_section_key(self) -> str:
        return SECTIONS[self.stack.currentIndex()].key

    def section_widget(self, key: str) -> QWidget | None:
        """The built widget of a section, or ``None`` if it was not visited yet."""
        return self._built.get(section_index(key))

    def allowed(self, index: int) -> bool:
        """Whether the person signed in may open the section (the services decide the rest)."""
        return self._app.access.allows(SECTIONS[index].permission)

    def set_user(self, user: UserInfo) -> None:
        """Another person took the desk: sign them in and rebuild every section for their role,
        so nothing built for the previous person stays on screen."""
        self._app.access.sign_in(user)
        self._user = user
        self._show_user()
        previous = self._site
        self._reload_sites()  # an account bound to one place sees that place only
        self._discard_sections(keep=None)
        self._show_site()
        if self._site is not None and (previous is None or previous.id != self._site.id):
            self.site_changed.emit(self._site)
        self._apply_permissions()
        current = self.stack.currentIndex()
        self.go_to_section(current if self.allowed(current) else self._first_allowed())
        self.check_audit_log()
        self.check_till_journal()

    def check_audit_log(self) -> None:
        """For whoever may read the audit log: check its hash chains in the background and
        warn (dialog, status bar) if they are broken."""
        previous: ChainCheck | None = getattr(self, "audit_check", None)
        if previous is not None:
            previous.deleteLater()  # a check still running then tells nobody
        self.audit_check = warn_if_broken(self._app, self, self.audit_label)

    def check_till_journal(self) -> None:
        """For whoever may read the till: check what its journal got since this desk last
        verified it, in the background, and warn (dialog, status bar) if it is broken (issue
        21)."""
        previous: ChainCheck | None = getattr(self, "till_check", None)
        if previous is not None:
            previous.deleteLater()
        self.till_check = warn_if_broken(self._app, self, self.till_label, TILL_JOURNAL)

    def show_section(self, which: int | str) -> QWidget:
        """Show a section, building it on first visit; errors propagate to the caller."""
        index = section_index(which) if isinstance(which, str) else which
        self._app.access.require(SECTIONS[index].permission)
        widget = self._built.get(index)
        if widget is None:
            context = SectionContext(self._app, self._site, self.data_changed)
            widget = SECTIONS[index].build(context)
            self._page_layouts[index].addWidget(widget)
            self._built[index] = widget
            site_updated = getattr(widget, "site_updated", None)
            if isinstance(site_updated, SignalInstance):
                site_updated.connect(self.on_section_site_updated)
            for tab in widget.findChildren(BackupsTab):
                tab.database_restored.connect(self.on_database_restored)
        elif SECTIONS[index].refresh_on_show:
            refresh = getattr(widget, "refresh", None)
            if callable(refresh):
                refresh()
        self.stack.setCurrentIndex(index)
        with QSignalBlocker(self.nav):
            self.nav.setCurrentRow(index)
        self.section_shown.emit(SECTIONS[index].key)
        return widget

    def go_to_section(self, index: int) -> None:
        """Show a section for the user: a failure is reported, not raised."""
        try:
            self.show_section(index)
        except Exception as exc:
            show_error(self, exc, _("Cette section n'a pas pu s'ouvrir"))
            with QSignalBlocker(self.nav):
                self.nav.setCurrentRow(self.stack.currentIndex())

    def set_site(self, site: SiteInfo) -> None:
        """Switch the current place: every section is rebuilt for it on its next visit."""
        if self._site is not None and site.id == self._site.id:
            return
        self._site = site
        options.LAST_SITE.set(str(site.id))
        self._discard_sections(keep=None)
        self._show_site()
        self.site_changed.emit(site)
        self.go_to_section(self.stack.currentIndex())

    def _reload_sites(self) -> None:
        """Read the places again; the current one stays if the account may still see it."""
        self._sites = self._app.sites.list_sites()
        self._site = shown_site(self._site, self._sites, self._user)
        with QSignalBlocker(self.site_combo):
            self.site_combo.clear()
            self.site_combo.addItems([s.name for s in self._sites])
        several = len(self._sites) > 1
        self.site_combo.setVisible(several)
        self.change_site_action.setVisible(several)

    def _first_allowed(self) -> int:
        return next((i for i in range(len(SECTIONS)) if self.allowed(i)), 0)

    def _apply_permissions(self) -> None:
        """Hide the sections the role may not open; their shortcuts keep their numbers."""
        for index in range(len(SECTIONS)):
            allowed = self.allowed(index)
            item = self.nav.item(index)
            if item is not None:
                item.setHidden(not allowed)
            self.section_actions[index].setEnabled(allowed)
            self.section_actions[index].setVisible(allowed)
        till = self.allowed(section_index("epicerie")) and self._app.access.allows(Permission.SALES)
        self.till_action.setEnabled(till)
        self.till_action.setVisible(till)

    def _discard_sections(self, keep: int | None) -> None:
        for index in [i for i in self._built if i != keep]:
            widget = self._built.pop(index)
            widget.hide()
            widget.deleteLater()

    # -- slots ------------------------------------------------------------------------------
    @Slot(int)
    def on_nav_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.go_to_section(row)

    @Slot(object)
    def on_section_site_updated(self, site: SiteInfo) -> None:
        """The place was renamed or moved: follow it, and rebuild the other sections (what
        they hold unsaved is saved first, or dropped, as the person chooses)."""
        leaving.may_leave(self, self.stack, can_stay=False)
        self._site = site
        self._sites = self._app.sites.list_sites()
        with QSignalBlocker(self.site_combo):
            self.site_combo.clear()
            self.site_combo.addItems([s.name for s in self._sites])
        self._discard_sections(keep=self.stack.currentIndex())
        self._show_site()

    @Slot(object)
    def on_database_restored(self, _kept: object) -> None:
        """A backup replaced the base: every section is rebuilt from it, the place is looked
        up again, and the desk locks: the restored base has its own accounts and codes."""
        self._reload_sites()
        ids = [s.id for s in self._sites]
        if self._site is not None:  # the restored base's own copy of the place
            self._site = self._sites[ids.index(self._site.id)]
        current = self.stack.currentIndex()
        self._discard_sections(keep=None)
        self._show_site()
        self.show_backup_warning()
        if self._site is not None:
            self.site_changed.emit(self._site)
        self.go_to_section(current if self.allowed(current) else self._first_allowed())
        self.desk_lock.lock()

    @Slot(int)
    def on_site_combo_activated(self, index: int) -> None:
        chosen = self._sites[index]
        changing = self._site is not None and chosen.id != self._site.id
        if changing and not leaving.may_leave(self, self.stack):
            self._show_site()  # the list shows the place still open
            return
        self.set_site(chosen)

    @Slot()
    def on_desk_locked(self) -> None:
        """Saved while the person who typed it is still the one signed in: someone else
        unlocking gets every section rebuilt for them."""
        leaving.save_quietly(self.stack)

    @Slot()
    def on_change_site_triggered(self) -> None:
        self.site_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.site_combo.showPopup()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """F1 opens the guide when nothing else took it: at the till F1–F8 add the favourites
        (their shortcuts come first), and a window shortcut F1 beside them would make both
        ambiguous, so neither would work."""
        if (
            event.key() == Qt.Key.Key_F1
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.guide_action.isEnabled()  # not while the desk is locked
        ):
            event.accept()
            self.guide_action.trigger()
            return
        super().keyPressEvent(event)

    @Slot()
    def on_till_triggered(self) -> None:
        self.go_to_till()

    def go_to_till(self) -> bool:
        """Épicerie › Caisse, the focus in its article field, from any section."""
        from tiers_lieu.ui.grocery.cash_desk import CashDeskTab  # built on first visit

        if not self.till_action.isEnabled():
            return False
        self.go_to_section(section_index("epicerie"))
        if self.current_section_key() != "epicerie":
            return False
        return tab_keys.show_tab(self._built.get(self.stack.currentIndex()), CashDeskTab)

    # -- building ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&Fichier"))
        self.change_site_action = QAction(_("Changer de &lieu…"), self)
        self.change_site_action.setShortcut(QKeySequence("Ctrl+L"))
        self.change_site_action.triggered.connect(self.on_change_site_triggered)
        self.change_site_action.setVisible(len(self._sites) > 1)
        file_menu.addAction(self.change_site_action)
        file_menu.addAction(self.desk_lock.lock_action)
        file_menu.addAction(self.desk_lock.switch_action)
        file_menu.addSeparator()
        quit_action = QAction(_("&Quitter"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = bar.addMenu(_("&Aller à"))
        for action in self.section_actions:
            go_menu.addAction(action)
        go_menu.addSeparator()
        self.next_tab_action, self.previous_tab_action = tab_keys.install(
            self, lambda: self._built.get(self.stack.currentIndex())
        )
        self.till_action = QAction(_("&Caisse de l'épicerie"), self)
        self.till_action.setShortcut(QKeySequence(TILL_KEY))
        self.till_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.till_action.triggered.connect(self.on_till_triggered)
        for action in (self.next_tab_action, self.previous_tab_action, self.till_action):
            go_menu.addAction(action)

        help_menu = HelpMenu(self, self._app)  # F1 is handled by keyPressEvent
        self.guide_action = help_menu.guide_action
        self.journal_action = help_menu.journal_action
        self.about_action = help_menu.about_action

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.place_label = QLabel(self)
        self.site_combo = QComboBox(self)
        self.site_combo.setAccessibleName(_("Lieu"))
        self.site_combo.setToolTip(_("Changer de lieu (Ctrl+L)"))
        for site in self._sites:
            self.site_combo.addItem(site.name)
        self.site_combo.activated.connect(self.on_site_combo_activated)
        status.addWidget(self.place_label)
        status.addWidget(self.site_combo)
        self.site_combo.setVisible(len(self._sites) > 1)
        self.backup_label = QLabel(self)
        self.backup_label.setStyleSheet("color: #a65f00;")
        status.addPermanentWidget(self.backup_label)
        self.audit_label = QLabel(self)  # « Journal d'audit altéré… », hidden when intact
        self.audit_label.hide()
        status.addPermanentWidget(self.audit_label)
        self.till_label = QLabel(self)  # « Journal de caisse altéré… », hidden when intact
        self.till_label.hide()
        status.addPermanentWidget(self.till_label)
        self.show_backup_warning()
        self.user_label = QLabel(self)
        status.addPermanentWidget(self.user_label)
        self._show_user()
        # PostgreSQL only: « Serveur injoignable… » and the visits kept until it answers.
        self.connection_monitor, self.connection_status = connection.install(self, self._app)
        status.addPermanentWidget(self.connection_status)
        self.connection_status.on_state_changed()

    def _show_user(self) -> None:
        if self._user is None:
            self.user_label.setText(_("Personne n'est connecté"))
        else:
            self.user_label.setText(
                _("Connecté : {name} ({role})").format(
                    name=self._user.display_name, role=role_label(self._user.role)
                )
            )

    def show_backup_warning(self) -> None:
        """Say so when the external copy (USB key, NAS) is missing or more than a week old
        (PostgreSQL: backups are the server's)."""
        backups = self._app.backups
        warning = None if backups is None else backups.external_backup_warning()
        self.backup_label.setText(warning or "")
        self.backup_label.setVisible(bool(warning))

    def _show_site(self) -> None:
        site = self._site
        self.setWindowTitle(window_title(site))
        if site is None:
            self.place_label.setText(_("Aucun lieu configuré"))
        elif len(self._sites) > 1:
            self.place_label.setText(_("Lieu :"))
            ids = [s.id for s in self._sites]
            if site.id in ids:
                with QSignalBlocker(self.site_combo):
                    self.site_combo.setCurrentIndex(ids.index(site.id))
        else:
            self.place_label.setText(_("Lieu : {place}").format(place=site.name))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not ops.may_close(self, event):  # an export at work: wait for it, or stay
            return
        if not leaving.may_leave(self, self.stack):  # hours typed, not saved: save or stay
            event.ignore()
            return
        if self._remember_geometry:
            remember_geometry(self)
        super().closeEvent(event)
