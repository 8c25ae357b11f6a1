"""The first-run assistant: a new desk goes from an empty database to a place and
an administration account in four pages, without the command line.

Nothing is written before « Terminer ». Then the account is created first, because its
rules (unique username, password length) can only be checked by the service; the place,
whose fields the first page has already checked, follows. If the account is refused the
assistant returns to its page with the reason, and the database is as it was. Demonstration
data, if asked for, loads in the background behind a progress dialog.

The pages shown depend on what the database already holds: a place made by
``tiers-lieu init`` skips the place and services pages; accounts without any place (rare)
skip the account page, and the desk then signs in as usual. A place that already holds
visits or people is not offered demonstration data. Escape, « Annuler » and closing the
window ask « Quitter l'assistant ? » first: what was typed would be lost.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.first_run.pages import AccountPage, DemoPage, PlacePage, ServicesPage
from tiers_lieu.ui.ops import Progress, run_op


class FirstRunAssistant(QWizard):
    """``site`` and ``user`` hold what was created (or found) once the assistant is accepted."""

    demo_loaded = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        *,
        site: SiteInfo | None = None,
        ask_account: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self.site = site
        self.user: UserInfo | None = None
        self._busy = False
        self.setWindowTitle(_("Comptoir — premier démarrage"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Suivant >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< &Précédent"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("&Terminer"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Annuler"))
        self.setMinimumSize(640, 500)

        self.place_page: PlacePage | None = None
        self.services_page: ServicesPage | None = None
        self.account_page: AccountPage | None = None
        if site is None:
            self.place_page = PlacePage(self)
            self.services_page = ServicesPage(self)
            self.addPage(self.place_page)
            self.addPage(self.services_page)
        if ask_account:
            self.account_page = AccountPage(site.name if site else None, self)
            self.addPage(self.account_page)
        self.demo_page: DemoPage | None = None
        if site is None or not app.demo.has_data(site.id) or not self.pageIds():
            self.demo_page = DemoPage(self)
            self.addPage(self.demo_page)
        self.currentIdChanged.connect(self.on_current_id_changed)

    # -- what the pages collected -----------------------------------------------------------
    def _summary(self) -> str:
        lines: list[str] = []
        if self.place_page is not None and self.services_page is not None:
            n = len(self.services_page.chosen())
            lines.append(
                ngettext(
                    "Comptoir va créer le lieu « {place} » avec {n} service.",
                    "Comptoir va créer le lieu « {place} » avec {n} services.",
                    n,
                ).format(place=self.place_page.name_edit.text().strip(), n=n)
            )
        if self.account_page is not None:
            lines.append(
                _(
                    "Le compte d'administration « {username} » pourra ensuite se connecter et "
                    "créer les comptes de l'équipe."
                ).format(username=self.account_page.username_edit.text().strip().casefold())
            )
        return "\n".join(lines)

    @Slot(int)
    def on_current_id_changed(self, page_id: int) -> None:
        if self.demo_page is not None and self.page(page_id) is self.demo_page:
            self.demo_page.set_summary(self._summary())

    # -- finishing --------------------------------------------------------------------------
    def accept(self) -> None:
        """« Terminer »: write the account, then the place, then load demo data if asked."""
        if self._busy:
            return
        if self.account_page is not None and self.user is None:
            page = self.account_page
            try:
                self.user = self._app.accounts.create_user(
                    username=page.username_edit.text(),
                    display_name=page.display_name_edit.text(),
                    password=page.password_edit.text(),
                    role=Role.ADMIN,
                )
            except ComptoirError as exc:
                self._back_to(page)
                show_error(self, exc)
                if isinstance(exc, ValidationError):
                    page.field_widget(exc.field).setFocus()
                return
        if self.site is None and self.place_page is not None and self.services_page is not None:
            place = self.place_page
            try:
                self.site = self._app.sites.init_site(
                    name=place.name_edit.text(),
                    commune_name=place.commune_edit.text(),
                    insee_code=place.insee_edit.text(),
                    services=self.services_page.chosen(),
                )
            except ComptoirError as exc:
                self._back_to(place)
                show_error(self, exc)
                return
        demo = self.demo_page is not None and self.demo_page.demo_check.isChecked()
        if demo and self.site is not None:
            self._load_demo(self.site)
            return
        super().accept()

    def reject(self) -> None:
        """Escape, « Annuler » or the window's close button: quit only once confirmed."""
        if self._busy:
            return
        answer = QMessageBox.question(
            self,
            _("Quitter l'assistant ?"),
            _(
                "Rien n'a encore été enregistré : ce que vous avez saisi sera perdu et "
                "l'assistant reviendra au prochain démarrage.\n\nQuitter l'assistant ?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            super().reject()

    def _back_to(self, page: QWidget) -> None:
        while self.currentPage() is not page and self.currentId() != self.startId():
            self.back()

    def _load_demo(self, site: SiteInfo) -> None:
        self._busy = True  # the progress dialog is window-modal; this guards a second click
        demo = self._app.demo

        def work(progress: Progress) -> object:
            return demo.generate(scale="small", seed=1, site_name=site.name, progress=progress)

        run_op(
            self,
            work,
            self.on_demo_succeeded,
            label=_("Chargement des données de démonstration…"),
            on_failure=self.on_demo_failed,
        )

    def on_demo_succeeded(self, summary: object) -> None:
        self._busy = False
        self.demo_loaded.emit(summary)
        super().accept()

    def on_demo_failed(self, exc: BaseException) -> None:
        # The place and the account exist already: say so, and open the application anyway.
        self._busy = False
        show_error(self, exc, _("Données de démonstration non chargées"))
        super().accept()
