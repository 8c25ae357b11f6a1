"""The audit viewer reads as French sentences: dates in words in the place's zone, counts
with the right plural, values of closed lists by their labels, unknown keys still readable;
the CSV keeps the stored details beside the sentence."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry
from tiers_lieu.models.enums import AuditAction, Role
from tiers_lieu.services.audit_log import AuditFilter
from tiers_lieu.services.readmodels import SiteInfo


def sign_in_admin(app: Comptoir) -> None:
    admin = app.accounts.create_user(
        username="lea", display_name="Lea", role=Role.ADMIN, password="tilleul-2026"
    )
    app.access.sign_in(admin)


def add_line(app: Comptoir, site: SiteInfo, entity: str, details: dict[str, object]) -> None:
    with app.uow() as uow:
        uow.session.add(
            AuditEntry(
                at=datetime(2026, 12, 6, 23, 30, tzinfo=UTC),
                action=AuditAction.UPDATE,
                entity=entity,
                site_id=site.id,
                details=json.dumps(details),
            )
        )
        uow.commit()


def details_of(app: Comptoir, site: SiteInfo, entity: str) -> str:
    [line] = [x for x in app.audit_log.page(AuditFilter(), site_id=site.id) if x.entity == entity]
    return line.details


def test_a_removed_visit_reads_as_a_sentence(app: Comptoir, site: SiteInfo) -> None:
    sign_in_admin(app)
    service = app.config.list_services(site.id)[0]
    visit = app.visits.count(
        site_id=site.id, service_id=service.id, activity_date=date(2026, 12, 6), count=2
    )
    app.visits.undo(visit.id)
    [line] = app.audit_log.page(AuditFilter(action=AuditAction.DELETE), site_id=site.id)
    assert line.what == "Visite"
    assert line.details == (
        f"Visite du 6 décembre 2026 (accueil), 2 personnes, service : {service.name}."
    )
    assert "activity_date" not in line.details and "desk" not in line.details


def test_counts_take_the_plural_they_need(app: Comptoir, site: SiteInfo) -> None:
    sign_in_admin(app)
    add_line(app, site, "assistance_record", {"follow_ups": 1})
    assert details_of(app, site, "assistance_record") == "1 suivi listé."
    add_line(app, site, "event", {"follow_ups": 69})
    assert details_of(app, site, "event") == "69 suivis listés."
    add_line(app, site, "retention", {"people": 1, "notes": 69, "audit": 2})
    assert details_of(app, site, "retention") == (
        "1 personne, 69 notes effacées, 2 lignes du journal supprimées."
    )


def test_dates_instants_labels_and_unknown_keys(app: Comptoir, site: SiteInfo) -> None:
    sign_in_admin(app)
    add_line(
        app,
        site,
        "distribution",
        {
            "from": "2026-12-06",
            "to": "2027-01-03",
            "handed_to_producer": True,
            "status": "checked_in",
            "method": "cheque",
            "total_cents": 1250,
            "at": "2026-12-06T23:30:00+00:00",
            "follow_up_outcome": "Orientée",
            "nouvelle_cle": 3,
        },
    )
    text = details_of(app, site, "distribution")
    assert text.startswith("Du 6 décembre 2026, au 3 janvier 2027, remis au producteur, ")
    assert "statut : arrivée notée" in text and "par : chèque" in text
    assert "montant : 12,50\u00a0€" in text
    # An instant on the place's clock: 23:30 UTC is 00:30 the next day in Paris.
    assert "at : 7 décembre 2026 à 00:30" in text
    assert "suivi clôturé : Orientée" in text
    assert text.endswith("nouvelle cle : 3.")  # unknown key: its words, no underscore
    [line] = [
        x for x in app.audit_log.page(AuditFilter(), site_id=site.id) if x.entity == "distribution"
    ]
    assert line.what == "Distribution AMAP"


def test_the_csv_keeps_the_stored_details_beside_the_sentence(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    sign_in_admin(app)
    add_line(app, site, "visit", {"activity_date": "2026-12-06", "source": "desk", "count": 1})
    out = tmp_path / "journal.csv"
    app.audit_log.export_csv(out, AuditFilter(action=AuditAction.UPDATE), site_id=site.id)
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["Détails", "Données"]
    assert rows[1][-2] == "Visite du 6 décembre 2026 (accueil), 1 personne."
    assert json.loads(rows[1][-1]) == {"activity_date": "2026-12-06", "source": "desk", "count": 1}
