"""The window's « Aide » menu: the user guide, the window's keys, the journal and « À propos ».

F1 is shown beside « Guide d'utilisation » but is not the action's shortcut:
``MainWindow.keyPressEvent`` triggers it when nothing else took the key (at the till F1–F8 add
the favourites, and a second F1 shortcut would make both ambiguous). The dialogs are imported
when asked for. :func:`keys_help_text` lists the keys: a new window key goes there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _

GUIDE_KEY = "F1"  # everywhere but at the till (MainWindow.keyPressEvent)


def keys_help_text() -> str:
    """The window's keys, for Aide › Raccourcis clavier."""
    return "\n".join(
        (
            _("Ctrl+1 à Ctrl+8 : aller à une section (dans l'ordre de la liste)"),
            _("Ctrl+Tab ou Ctrl+Pg suiv. : onglet suivant de la section"),
            _("Ctrl+Maj+Tab ou Ctrl+Pg préc. : onglet précédent"),
            _("F12 : caisse de l'épicerie, depuis n'importe quelle section"),
            _("F1 : guide d'utilisation (à la caisse, F1 à F8 ajoutent les favoris)"),
            _("Accueil : touches 1 à 9 et 0 : compter une visite ; Ctrl+Z : l'annuler"),
            _(
                "Accueil : + : une personne entre (les services de la minute qui suit sont "
                "les siens)"
            ),
            _(
                "Accueil : la date et l'heure se modifient après un clic, Alt+D ou F2 ; "
                "Entrée revient aux touches des services"
            ),
            _(
                "Rapports › Temps passé : Tab ou Entrée : case suivante ; Alt+← / Alt+→ ou "
                "Pg préc. / Pg suiv. : semaine précédente ou suivante ; Ctrl+S : enregistrer"
            ),
            _(
                "Personnes › Planning bénévoles : flèches : jour et créneau ; Entrée : choisir "
                "le bénévole ; Ctrl+N : nouveau créneau ; Pg préc. / Pg suiv. : semaine ; "
                "Suppr : supprimer le créneau"
            ),
            _(
                "Démarches : Ctrl+Maj+E : courriers de l'écrivain public (Entrée : réponse "
                "reçue ; Ctrl+R : relancer)"
            ),
            _(
                "Visites et ateliers › Colis et courrier (Ctrl+3 puis Alt+U) : Ctrl+N : nouveau "
                "colis (Entrée après le n° de suivi passe au destinataire) ; Entrée sur un "
                "colis : le remettre (Espace : identité vérifiée, puis Entrée)"
            ),
            _("Alt+lettre soulignée : aller au champ ou au bouton"),
            _(
                "Ctrl+L : changer de lieu · Ctrl+Maj+L : verrouiller · Ctrl+Maj+C : changer "
                "d'utilisateur"
            ),
        )
    )


class HelpMenu(QObject):
    """Adds « Aide » to ``window``'s menu bar; ``guide_action``, ``journal_action`` and
    ``about_action`` are its entries."""

    def __init__(self, window: QMainWindow, app: Comptoir) -> None:
        super().__init__(window)
        self._window = window
        self._app = app
        menu = window.menuBar().addMenu(_("A&ide"))
        self.guide_action = QAction(_("&Guide d'utilisation") + "\t" + GUIDE_KEY, window)
        self.guide_action.triggered.connect(self.on_guide_triggered)
        menu.addAction(self.guide_action)
        keys_help = QAction(_("&Raccourcis clavier"), window)
        keys_help.triggered.connect(self.on_keys_help_triggered)
        menu.addAction(keys_help)
        menu.addSeparator()
        self.journal_action = QAction(_("&Journal"), window)
        self.journal_action.triggered.connect(self.on_journal_triggered)
        menu.addAction(self.journal_action)
        self.about_action = QAction(_("À &propos de Comptoir"), window)
        self.about_action.triggered.connect(self.on_about_triggered)
        menu.addAction(self.about_action)

    @Slot()
    def on_guide_triggered(self) -> None:
        from tiers_lieu.ui.guide import show_guide  # the bundled HTML guide, on demand

        show_guide(self._window)

    @Slot()
    def on_keys_help_triggered(self) -> None:
        QMessageBox.information(self._window, _("Raccourcis clavier"), keys_help_text())

    @Slot()
    def on_journal_triggered(self) -> None:
        from tiers_lieu.ui.journal_dialog import JournalDialog

        dialog = JournalDialog(self._window)
        dialog.exec()
        dialog.deleteLater()

    @Slot()
    def on_about_triggered(self) -> None:
        from tiers_lieu.ui.about import AboutDialog

        dialog = AboutDialog(self._app, self._window)
        dialog.exec()
        dialog.deleteLater()
