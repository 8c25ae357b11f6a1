"""No two Alt+letter mnemonics in one window (issue 16): Alt+F for « Note » opened Fichier and
the text typed next locked the desk. The main window is walked section by section and tab by
tab (menu bar titles included), then every dialog the desk opens."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from desk_window import open_window_as
from mnemonics import clashes, menu_clashes
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from rolesdemo import PASSWORD, TODAY, make_roles_demo

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.agenda.readmodels import IcsEvent, PermanenceSlot
from tiers_lieu.ui import tab_keys
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.sections import SECTIONS


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(
        template_db, tmp_path_factory.mktemp("mnemonics") / "demo.sqlite", seed=3
    )


def window_clashes(qtbot: QtBot, window: MainWindow) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    menus = menu_clashes(window)
    if menus:
        found["menus"] = menus
    for index, section in enumerate(SECTIONS):
        if not window.allowed(index):
            continue
        widget = window.show_section(index)
        stops = tab_keys.tab_stops(widget) or [()]
        for stop in stops:
            for tabs, tab in stop:
                tabs.setCurrentIndex(tab)
            QApplication.processEvents()
            where = " › ".join([section.key, *(t.tabText(i) for t, i in stop)])
            here = clashes(window)
            if here:
                found[where] = here
    return found


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VOLUNTEER])
def test_no_two_mnemonics_share_a_letter_in_the_main_window(
    qtbot: QtBot, demo_app: Comptoir, role: Role
) -> None:
    window = open_window_as(qtbot, demo_app, role)
    assert window_clashes(qtbot, window) == {}


def _rota_shifts(app: Comptoir, site_id: uuid.UUID) -> list[Any]:
    """Two shifts of one cell: the picker then shows its « Créneau » choice too."""
    from tiers_lieu.services.rota import ShiftInput

    data = ShiftInput(on_date=TODAY, starts_at=time(17), ends_at=time(19), role="amap")
    return [app.rota.create_shift(site_id, data)[0], app.rota.create_shift(site_id, data)[0]]


def _dialogs(app: Comptoir) -> dict[str, Callable[[], QWidget]]:
    """Every dialog the desk opens, built on the demo place (as its tab would)."""
    from tiers_lieu.models.enums import StockMovementKind
    from tiers_lieu.services.parcels import ParcelFilter
    from tiers_lieu.services.visit_log import VisitFilter
    from tiers_lieu.ui.about import AboutDialog
    from tiers_lieu.ui.agenda.booking_dialog import BookingDialog
    from tiers_lieu.ui.agenda.share import CollisionsDialog
    from tiers_lieu.ui.agenda.slot_dialog import SlotDialog
    from tiers_lieu.ui.amap.contract_dialog import BasketDialog, ContractDialog
    from tiers_lieu.ui.amap.subscribe_dialog import SubscribeDialog
    from tiers_lieu.ui.demarches.follow_ups import CloseFollowUpDialog
    from tiers_lieu.ui.demarches.letters import RelaunchDialog
    from tiers_lieu.ui.errors import ErrorReportDialog
    from tiers_lieu.ui.grocery.delivery_tab import OrderDialog
    from tiers_lieu.ui.grocery.payment_dialog import PaymentDialog
    from tiers_lieu.ui.grocery.producer_dialog import ProducerDialog
    from tiers_lieu.ui.grocery.product_dialog import ProductDialog
    from tiers_lieu.ui.grocery.stock_tab import MovementDialog
    from tiers_lieu.ui.imports.dialog import ImportDialog
    from tiers_lieu.ui.journal_dialog import JournalDialog
    from tiers_lieu.ui.login import LoginDialog
    from tiers_lieu.ui.passphrase import PassphraseDialog
    from tiers_lieu.ui.people.dialogs import (
        ConsentDialog,
        MembershipDialog,
        MergeDialog,
        RegisterPersonDialog,
    )
    from tiers_lieu.ui.people.rota_dialogs import (
        AvailabilityDialog,
        ShiftDialog,
        VolunteerPicker,
    )
    from tiers_lieu.ui.person_dialog import EditPersonDialog, NewPersonDialog
    from tiers_lieu.ui.settings.account_dialogs import NewAccountDialog, SecretDialog
    from tiers_lieu.ui.visits.event_dialog import EventDialog
    from tiers_lieu.ui.visits.parcel_dialogs import HandOverDialog, NewParcelDialog
    from tiers_lieu.ui.visits.visit_dialog import VisitDialog

    site = app.sites.list_sites()[0]
    person = app.people.search(site.id, "a")[0]
    product = app.grocery.products.list(site_id=site.id)[0]
    producer = app.grocery.producers.list(site_id=site.id)[0]
    follow_up = app.assistance.follow_ups(site.id)[0]
    visit = app.visit_log.page(
        site_id=site.id, filters=VisitFilter(start=TODAY.replace(year=TODAY.year - 2), end=TODAY)
    )[0]
    contract = app.amap.contracts.list_contracts(site_id=site.id)[0]
    accounts = {a.username: a for a in app.accounts.list_accounts()}
    admin, volunteer = accounts["compte.admin"], accounts[f"compte.{Role.VOLUNTEER.value}"]
    return {
        "connexion": lambda: LoginDialog(app),
        "nouvelle personne": lambda: NewPersonDialog(app, site.id),
        "modifier une fiche": lambda: EditPersonDialog(app, site.id, app.people.details(person.id)),
        "adhésion": lambda: MembershipDialog(app, person, None, today=TODAY),
        "consentement": lambda: ConsentDialog(app, person, None),
        "import visites": lambda: ImportDialog(app, site, "visits"),
        "import démarches": lambda: ImportDialog(app, site, "assistance"),
        "produit": lambda: ProductDialog(app, site),
        "produit existant": lambda: ProductDialog(app, site, product),
        "producteur": lambda: ProducerDialog(app, site, producer),
        "mouvement de stock": lambda: MovementDialog(
            StockMovementKind.RECEPTION, product, _PARENTS[0]
        ),
        "paiement": lambda: PaymentDialog(1234),
        "atelier": lambda: EventDialog(app, site, day=TODAY),
        "réservation": lambda: BookingDialog(
            app, site, resources=app.agenda.resources.list(site.id)
        ),
        "contrat AMAP": lambda: ContractDialog(app, site.id, today=TODAY),
        "type de panier AMAP": lambda: BasketDialog(),
        "nouveau compte": lambda: NewAccountDialog(app, site),
        "clore un suivi": lambda: CloseFollowUpDialog(app, site, follow_up),
        "corriger une visite": lambda: VisitDialog(app, site, visit),
        "nouvelle personne du registre": lambda: RegisterPersonDialog(app, site.id, None),
        "fusionner": lambda: MergeDialog(app, site.id, person, None),
        "mot de passe (le sien)": lambda: SecretDialog(app, admin, own=True),
        "mot de passe ou PIN (bénévole)": lambda: SecretDialog(app, volunteer, own=False),
        "code PIN (bénévole)": lambda: _pin(SecretDialog(app, volunteer, own=False)),
        "phrase de passe": lambda: PassphraseDialog(Path("comptoir.sqlite")),
        "inscrire un foyer": lambda: SubscribeDialog(app, contract, today=TODAY),
        "créneau de santé": lambda: SlotDialog(app, site, _slot(app, site.id)),
        "conflits d'un calendrier importé": lambda: CollisionsDialog(
            [
                IcsEvent("a", "Réunion", *_hours(10, 11), "déjà réservé"),
                IcsEvent("b", "Soirée", *_hours(20, 22), "hors des horaires", True),
            ]
        ),
        "nouveau créneau (planning)": lambda: ShiftDialog(app, site.id, day=TODAY),
        "bénévole d'un créneau": lambda: VolunteerPicker(app, site.id, _rota_shifts(app, site.id)),
        "disponibilités d'un bénévole": lambda: AvailabilityDialog(app, site.id),
        "à propos": lambda: AboutDialog(app),
        "journal": lambda: JournalDialog(),
        "erreur inattendue": lambda: ErrorReportDialog(None, "rapport", "RuntimeError: panne"),
        "commande de portage": lambda: OrderDialog(app, site, _PARENTS[0], day=TODAY),
        "relancer un courrier": lambda: RelaunchDialog(
            app, site, next(x for x in app.letters.letters(site.id) if x.is_open)
        ),
        "nouveau colis": lambda: NewParcelDialog(app, site),
        "remettre un colis": lambda: HandOverDialog(
            app, site, app.parcels.listing(site.id, show=ParcelFilter.ALL)[0]
        ),
    }


def _hours(start: int, end: int) -> tuple[datetime, datetime]:
    day = datetime.combine(TODAY, time(0), tzinfo=UTC)
    return day + timedelta(hours=start), day + timedelta(hours=end)


def _slot(app: Comptoir, site_id: uuid.UUID) -> PermanenceSlot:
    """A free health slot: the resource is the place's first, the practitioner made up."""
    resource = app.agenda.resources.list(site_id)[0]
    start, end = _hours(9, 10)
    return PermanenceSlot(
        permanence_id=uuid.uuid4(),
        practitioner_id=uuid.uuid4(),
        practitioner_name="Infirmière",
        resource_id=resource.id,
        day=TODAY,
        start=start,
        end=end,
    )


def _pin(dialog: Any) -> QWidget:
    """The secret dialog switched to a PIN: its field's label changes letter."""
    dialog.secret.pin_radio.setChecked(True)
    return dialog


DIALOGS = [
    "connexion",
    "nouvelle personne",
    "modifier une fiche",
    "adhésion",
    "consentement",
    "import visites",
    "import démarches",
    "produit",
    "produit existant",
    "producteur",
    "mouvement de stock",
    "paiement",
    "atelier",
    "réservation",
    "contrat AMAP",
    "nouveau compte",
    "clore un suivi",
    "corriger une visite",
    "nouvelle personne du registre",
    "fusionner",
    "mot de passe (le sien)",
    "mot de passe ou PIN (bénévole)",
    "code PIN (bénévole)",
    "phrase de passe",
    "inscrire un foyer",
    "créneau de santé",
    "conflits d'un calendrier importé",
    "nouveau créneau (planning)",
    "bénévole d'un créneau",
    "disponibilités d'un bénévole",
    "à propos",
    "journal",
    "erreur inattendue",
    "nouveau colis",
    "remettre un colis",
    "commande de portage",
    "relancer un courrier",
]


_PARENTS: list[QWidget] = []


@pytest.mark.parametrize("name", DIALOGS)
def test_no_two_mnemonics_share_a_letter_in_a_dialog(
    qtbot: QtBot, demo_app: Comptoir, name: str
) -> None:
    demo_app.access.sign_in(demo_app.accounts.authenticate("compte.admin", PASSWORD))
    parent = QWidget()  # the tab a dialog needs as its parent
    qtbot.addWidget(parent)
    _PARENTS[:] = [parent]
    dialog = _dialogs(demo_app)[name]()
    if dialog.parent() is None:
        qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert clashes(dialog) == {}


def test_no_two_mnemonics_share_a_letter_on_a_page_of_the_first_run_assistant(
    qtbot: QtBot, app: Comptoir
) -> None:
    from tiers_lieu.ui.first_run.assistant import FirstRunAssistant

    assistant = FirstRunAssistant(app)
    qtbot.addWidget(assistant)
    found = {}
    for page in assistant.pageIds():
        assistant.setStartId(page)
        assistant.restart()
        assistant.show()
        QApplication.processEvents()
        if clashes(assistant):
            found[assistant.currentPage().title()] = clashes(assistant)
    assert found == {}


def test_no_two_mnemonics_share_a_letter_on_the_lock_screen(
    qtbot: QtBot, demo_app: Comptoir
) -> None:
    window = open_window_as(qtbot, demo_app, Role.ADMIN)
    window.desk_lock.lock()
    QApplication.processEvents()
    assert clashes(window) == {}
