"""Composition root: the one place where the database, the unit of work and the services are
built and wired. The command line, the windows and the tests all start from :func:`build`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from tiers_lieu.db import UowFactory, make_engine, resolve_db_url
from tiers_lieu.services.access import Access
from tiers_lieu.services.accounts import AccountService
from tiers_lieu.services.agenda import AgendaServices, build_agenda
from tiers_lieu.services.amap import AmapServices
from tiers_lieu.services.assistance import AssistanceService
from tiers_lieu.services.assistance_edit import AssistanceEditService
from tiers_lieu.services.audit_chain import install_chain_listener
from tiers_lieu.services.audit_log import AuditLogService
from tiers_lieu.services.backups import BackupService, backups_for
from tiers_lieu.services.bundles import BundleService, install_tombstone_listener
from tiers_lieu.services.bundles.placekeys import PlaceKeyService
from tiers_lieu.services.cafe import CafeService
from tiers_lieu.services.communes import CommuneService
from tiers_lieu.services.config import ConfigService
from tiers_lieu.services.deliveries import DeliveryService
from tiers_lieu.services.demo import DemoService
from tiers_lieu.services.events import EventService
from tiers_lieu.services.grocery import GroceryServices
from tiers_lieu.services.imports import ImportService
from tiers_lieu.services.leftovers import tidy_at_start
from tiers_lieu.services.letters import LettersService
from tiers_lieu.services.memberships import MembershipService
from tiers_lieu.services.migration import migrate
from tiers_lieu.services.organisation import OrganisationService
from tiers_lieu.services.parcels import ParcelService
from tiers_lieu.services.passages import PassageService
from tiers_lieu.services.people import PeopleService
from tiers_lieu.services.privacy import PrivacyService
from tiers_lieu.services.programme import ProgrammeService
from tiers_lieu.services.reminders import ReminderService
from tiers_lieu.services.reports import ReportService
from tiers_lieu.services.rota import RotaService
from tiers_lieu.services.satisfaction import SatisfactionService
from tiers_lieu.services.sites import SiteService
from tiers_lieu.services.till.billing import BillingService
from tiers_lieu.services.till.clients import ClientService
from tiers_lieu.services.till.closures import TillClosureService
from tiers_lieu.services.till.donations import DonationService
from tiers_lieu.services.till.fec import FecService
from tiers_lieu.services.till.invoices import InvoiceService
from tiers_lieu.services.till.journal_service import TillJournalService
from tiers_lieu.services.till.receipts import ReceiptService
from tiers_lieu.services.time_sheets import TimeSheetService
from tiers_lieu.services.today import TodayService
from tiers_lieu.services.visit_log import VisitLogService
from tiers_lieu.services.visits import VisitService
from tiers_lieu.validation import install_shape_listener


@dataclass
class Comptoir:
    """Everything a front end needs, wired once."""

    url: str
    engine: Engine
    uow: UowFactory
    sites: SiteService
    config: ConfigService
    communes: CommuneService
    accounts: AccountService
    demo: DemoService
    people: PeopleService
    privacy: PrivacyService
    memberships: MembershipService
    visits: VisitService
    passages: PassageService
    visit_log: VisitLogService
    events: EventService
    programme: ProgrammeService
    today: TodayService
    assistance: AssistanceService
    assistance_edit: AssistanceEditService
    letters: LettersService
    imports: ImportService
    reports: ReportService
    organisation: OrganisationService
    rota: RotaService
    time_sheets: TimeSheetService
    grocery: GroceryServices
    amap: AmapServices
    agenda: AgendaServices
    audit_log: AuditLogService
    bundles: BundleService
    place_keys: PlaceKeyService
    receipts: ReceiptService
    fec: FecService
    donations: DonationService
    till_closures: TillClosureService
    till_journal: TillJournalService
    backups: BackupService | None
    """The file's backups; ``None`` on PostgreSQL, where the server keeps its own."""
    billing: BillingService
    clients: ClientService
    invoices: InvoiceService
    cafe: CafeService
    reminders: ReminderService
    satisfaction: SatisfactionService
    deliveries: DeliveryService
    parcels: ParcelService

    @property
    def access(self) -> Access:
        """Who acts through the services: the system until the desk signs someone in."""
        access = self.uow.access
        assert isinstance(access, Access)  # build gives the units of work this one
        return access

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Comptoir:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """``with build(db) as app:`` closes the base whatever happens inside."""
        self.close()

    def reopen(self) -> None:
        """A new engine on the same database, after a restore replaced its content: the
        file may now be encrypted (a plain base given an encrypted copy) or of an older
        schema (migrated here). Every service keeps working through the same units of work.
        """
        self.engine.dispose()
        engine = make_engine(self.url)
        migrate(engine)
        self.engine = engine
        self.uow.engine = engine


def build(db: str | None = None) -> Comptoir:
    """Open (and migrate) the database named by ``db``/``TIERS_LIEU_DB``/the default file."""
    url = resolve_db_url(db)
    # Deletions leave tombstones so that bundles carry them to the coordinator's database.
    install_tombstone_listener()
    # Every row written through the ORM has its field shapes checked (lengths, dates, text).
    install_shape_listener()
    # Every audit line is chained to the one before it in its site's chain (seq, hashes).
    install_chain_listener()
    # What a crash cut short (encryption, backup, restore) is finished or undone first.
    tidy_at_start(url)
    engine = make_engine(url)
    migrate(engine)
    uow = UowFactory(engine, Access())
    sites = SiteService(uow)
    place_keys = PlaceKeyService(uow)
    backups = backups_for(url)
    return Comptoir(
        url=url,
        engine=engine,
        uow=uow,
        sites=sites,
        config=ConfigService(uow),
        communes=CommuneService(uow),
        accounts=AccountService(uow),
        demo=DemoService(uow, sites),
        people=PeopleService(uow),
        privacy=PrivacyService(uow),
        memberships=MembershipService(uow),
        visits=VisitService(uow),
        passages=PassageService(uow),
        visit_log=VisitLogService(uow),
        events=EventService(uow),
        programme=ProgrammeService(uow),
        today=TodayService(uow),
        assistance=AssistanceService(uow),
        assistance_edit=AssistanceEditService(uow),
        letters=LettersService(uow),
        imports=ImportService(uow),
        reports=ReportService(uow),
        organisation=OrganisationService(uow),
        rota=RotaService(uow),
        time_sheets=TimeSheetService(uow),
        grocery=GroceryServices.build(uow),
        amap=AmapServices.build(uow),
        agenda=build_agenda(uow),
        audit_log=AuditLogService(uow),
        bundles=BundleService(uow, place_keys=place_keys, backups=backups),
        place_keys=place_keys,
        receipts=ReceiptService(uow),
        fec=FecService(uow),
        donations=DonationService(uow),
        till_closures=TillClosureService(uow),
        till_journal=TillJournalService(uow, place_keys=place_keys, backups=backups),
        backups=backups,
        billing=BillingService(uow),
        clients=ClientService(uow),
        invoices=InvoiceService(uow),
        cafe=CafeService(uow),
        reminders=ReminderService(uow),
        satisfaction=SatisfactionService(uow),
        deliveries=DeliveryService(uow),
        parcels=ParcelService(uow),
    )
