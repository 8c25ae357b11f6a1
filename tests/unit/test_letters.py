"""The public writer's letters (issue 22): a démarche of type « Écrivain public » with its
sending and answer dates, its follow-up on the answer date, « Réponse reçue » and « Relancer »,
its figures in the report (CSV, XLSX, PDF) and in the demo."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from rolesdemo import TODAY, make_demo
from sqlmodel import Session, col, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import place_today, time_zone
from tiers_lieu.models import AssistanceRecord, AuditEntry, Person
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.letters import LetterStatus, is_public_writer
from tiers_lieu.services.readmodels import SiteInfo

WRITER = "Écrivain public (courrier)"
CONSENT = datetime(2025, 1, 5, 9, 0, tzinfo=UTC)


def today(site: SiteInfo) -> date:
    return place_today(time_zone(site.timezone))


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def person(app: Comptoir, site: SiteInfo, first: str) -> uuid.UUID:
    with app.uow() as uow:
        row = Person(
            site_id=site.id, first_name=first, last_name="Martin", consent_given_at=CONSENT
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def letter(
    app: Comptoir,
    site: SiteInfo,
    *,
    day: date,
    sent: date | None = None,
    answer: date | None = None,
    help_type: str = WRITER,
    outcome: str = "Finalisée",
    operator: str = "CAF",
    who: uuid.UUID | None = None,
) -> uuid.UUID:
    info = app.assistance.create(
        site.id,
        AssistanceInput(
            activity_date=day,
            operator_id=category(app, site, CategoryKind.OPERATOR, operator),
            theme_id=category(app, site, CategoryKind.THEME, "Logement"),
            help_type_id=category(app, site, CategoryKind.HELP_TYPE, help_type),
            duration_min=30,
            outcome_id=category(app, site, CategoryKind.OUTCOME, outcome),
            person_id=who,
            note="demande d'aide au logement",
            letter_sent_on=sent,
            answer_expected_on=answer,
        ),
    )
    return info.id


def saved(app: Comptoir, record_id: uuid.UUID) -> AssistanceRecord:
    with Session(app.engine) as session:
        row = session.get(AssistanceRecord, record_id)
        assert row is not None
        session.expunge(row)
        return row


def test_the_help_type_is_recognised_by_its_label() -> None:
    assert is_public_writer("Écrivain public (courrier)")
    assert is_public_writer("ECRIVAIN PUBLIC")
    assert not is_public_writer("Aide à une démarche en ligne")


def test_a_letter_opens_its_follow_up_on_the_answer_date(app: Comptoir, site: SiteInfo) -> None:
    day = today(site) - timedelta(days=2)
    record_id = letter(
        app, site, day=day, sent=day + timedelta(days=1), answer=day + timedelta(days=30)
    )

    row = saved(app, record_id)
    assert row.letter_sent_on == day + timedelta(days=1)
    assert row.answer_expected_on == day + timedelta(days=30)
    # « Finalisée » has no follow-up of its own: the letter's answer makes one.
    assert row.follow_up_due == day + timedelta(days=30)
    follow_ups = app.assistance.follow_ups(site.id)
    assert [f.id for f in follow_ups] == [record_id]


def test_the_answer_date_wins_over_the_outcome_s_delay(app: Comptoir, site: SiteInfo) -> None:
    day = today(site)
    record_id = letter(
        app, site, day=day, sent=day, answer=day + timedelta(days=40), outcome="Doit revenir"
    )
    assert saved(app, record_id).follow_up_due == day + timedelta(days=40)


@pytest.mark.parametrize(
    ("help_type", "sent", "answer", "field"),
    [
        ("Aide à une démarche en ligne", 0, 30, "Courrier envoyé le"),
        (WRITER, 0, None, "Réponse attendue le"),
        (WRITER, None, 30, "Courrier envoyé le"),
        (WRITER, -1, 30, "Courrier envoyé le"),
        (WRITER, 5, 5, "Réponse attendue le"),
        (WRITER, 0, 400, "Réponse attendue le"),
    ],
)
def test_bad_letter_dates_name_their_field(
    app: Comptoir,
    site: SiteInfo,
    help_type: str,
    sent: int | None,
    answer: int | None,
    field: str,
) -> None:
    day = today(site)
    with pytest.raises(ValidationError) as caught:
        letter(
            app,
            site,
            day=day,
            help_type=help_type,
            sent=None if sent is None else day + timedelta(days=sent),
            answer=None if answer is None else day + timedelta(days=answer),
        )
    assert caught.value.field == field
    with Session(app.engine) as session:
        assert session.exec(select(AssistanceRecord)).first() is None


def test_a_public_writer_demarche_without_a_letter_is_an_ordinary_one(
    app: Comptoir, site: SiteInfo
) -> None:
    record_id = letter(app, site, day=today(site))
    row = saved(app, record_id)
    assert (row.letter_sent_on, row.answer_expected_on, row.follow_up_due) == (None, None, None)
    assert app.letters.letters(site.id) == []


def test_the_list_shows_each_status_per_person(app: Comptoir, site: SiteInfo) -> None:
    now = today(site)
    zoe, adam = person(app, site, "Zoé"), person(app, site, "Adam")
    old = now - timedelta(days=40)
    late = letter(app, site, day=old, sent=old, answer=old + timedelta(days=30), who=zoe)
    waiting = letter(app, site, day=now, sent=now, answer=now + timedelta(days=30), who=zoe)
    answered = letter(app, site, day=old, sent=old, answer=old + timedelta(days=20), who=adam)
    relaunched = letter(app, site, day=old, sent=old, answer=old + timedelta(days=21))
    app.letters.mark_answered(answered)
    app.letters.relaunch(relaunched, due=now + timedelta(days=10))

    letters = app.letters.letters(site.id)
    assert [(x.person_name, x.id, x.status) for x in letters] == [
        ("Adam Martin", answered, LetterStatus.ANSWERED),
        ("Zoé Martin", late, LetterStatus.LATE),
        ("Zoé Martin", waiting, LetterStatus.WAITING),
        ("", relaunched, LetterStatus.RELAUNCHED),
    ]
    shown = {x.id: x for x in letters}
    assert shown[late].status_label == "en retard"
    assert shown[relaunched].due == now + timedelta(days=10)
    assert shown[relaunched].answer_expected_on == old + timedelta(days=21)
    assert (shown[waiting].operator, shown[waiting].subject) == ("CAF", "Logement")
    # The answered letter left the follow-ups; the relaunched one is due on its new date.
    assert {f.id: f.due for f in app.assistance.follow_ups(site.id)} == {
        late: old + timedelta(days=30),
        waiting: now + timedelta(days=30),
        relaunched: now + timedelta(days=10),
    }


def test_answer_and_relaunch_are_audited_and_checked(app: Comptoir, site: SiteInfo) -> None:
    now = today(site)
    record_id = letter(app, site, day=now, sent=now, answer=now + timedelta(days=30))
    with pytest.raises(ValidationError) as caught:
        app.letters.relaunch(record_id, due=now - timedelta(days=1))
    assert caught.value.field == "Nouvelle date de suivi"
    with pytest.raises(ValidationError):
        app.letters.relaunch(record_id, due=now + timedelta(days=30))  # already that date

    app.letters.relaunch(record_id, due=now + timedelta(days=45))
    app.letters.mark_answered(record_id)
    with pytest.raises(ConflictError):
        app.letters.mark_answered(record_id)
    with pytest.raises(ConflictError):
        app.letters.relaunch(record_id, due=now + timedelta(days=50))
    ordinary = letter(app, site, day=now, help_type="Aide à une démarche en ligne")
    with pytest.raises(NotFoundError):
        app.letters.mark_answered(ordinary)

    row = saved(app, record_id)
    assert row.follow_up_closed_at is not None and row.follow_up_outcome_id is None
    with Session(app.engine) as session:
        details = [
            e.details
            for e in session.exec(
                select(AuditEntry)
                .where(AuditEntry.entity_id == record_id, AuditEntry.action == "update")
                .order_by(col(AuditEntry.seq))
            ).all()
        ]
    assert len(details) == 2
    assert "letter_relaunched_to" in str(details[0]) and "letter_answered" in str(details[1])


def test_a_letters_dates_typed_wrong_are_corrected_and_its_follow_up_follows(
    app: Comptoir, site: SiteInfo
) -> None:
    now = today(site)
    record_id = letter(app, site, day=now, sent=now, answer=now + timedelta(days=3))
    app.letters.correct_dates(
        record_id, sent_on=now + timedelta(days=1), answer_on=now + timedelta(days=30)
    )
    row = saved(app, record_id)
    assert (row.letter_sent_on, row.answer_expected_on) == (
        now + timedelta(days=1),
        now + timedelta(days=30),
    )
    assert row.follow_up_due == now + timedelta(days=30)  # the follow-up moves with it
    # Checked as the form checks them, the field named.
    with pytest.raises(ValidationError) as caught:
        app.letters.correct_dates(record_id, sent_on=now, answer_on=now)
    assert caught.value.field == "Réponse attendue le"
    with pytest.raises(ValidationError) as caught:
        app.letters.correct_dates(
            record_id, sent_on=now - timedelta(days=1), answer_on=now + timedelta(days=9)
        )
    assert caught.value.field == "Courrier envoyé le"
    # A relaunch's date stays: only the letter's dates change.
    app.letters.relaunch(record_id, due=now + timedelta(days=60))
    app.letters.correct_dates(record_id, sent_on=now, answer_on=now + timedelta(days=20))
    row = saved(app, record_id)
    assert (row.answer_expected_on, row.follow_up_due) == (
        now + timedelta(days=20),
        now + timedelta(days=60),
    )
    with Session(app.engine) as session:
        details = session.exec(
            select(AuditEntry.details).where(
                AuditEntry.entity_id == record_id, AuditEntry.action == "update"
            )
        ).all()
    assert sum("letter_dates_corrected" in str(d) for d in details) == 2


def test_the_report_counts_letters_in_all_three_formats(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    now = today(site)
    first = now.replace(day=1)
    before = first - timedelta(days=5)  # sent last month, answered this month
    earlier = letter(app, site, day=before, sent=before, answer=before + timedelta(days=20))
    app.letters.mark_answered(earlier)
    letter(app, site, day=first, sent=first, answer=first + timedelta(days=30))
    letter(app, site, day=first, sent=first, answer=first + timedelta(days=30), operator="MSA")
    letter(app, site, day=first, sent=first, answer=first + timedelta(days=30))
    letter(app, site, day=first, help_type="Aide à une démarche en ligne")  # no letter

    data = app.reports.compute(period_start=first, period_end=now, site_ids=[site.id])
    assert data.value("letters.written") == 3
    assert data.value("letters.answered") == 1
    assert data.value("letters.pending") == 3
    assert data.series("letters.by_operator") == [("CAF", 2), ("MSA", 1)]
    last_month = app.reports.compute(
        period_start=before.replace(day=1),
        period_end=first - timedelta(days=1),
        site_ids=[site.id],
    )
    # At last month's end the earlier letter was still waiting.
    assert (last_month.value("letters.written"), last_month.value("letters.pending")) == (1, 1)
    assert last_month.value("letters.answered") == 0

    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(
        csv.reader(io.StringIO(paths["csv"].read_bytes().decode("utf-8-sig")), delimiter=";")
    )
    in_csv = {(code, dimension): value for code, _label, dimension, value in rows[1:]}
    assert in_csv[("letters.written", "")] == "3"
    assert in_csv[("letters.pending", "")] == "3"
    assert in_csv[("letters.by_operator", "MSA")] == "1"
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    in_xlsx = {
        (code, dimension or ""): value
        for code, _label, dimension, value, _unit in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert in_xlsx[("letters.answered", "")] == 1
    assert in_xlsx[("letters.by_operator", "CAF")] == 2
    text = pdf_text(paths["pdf"])
    assert "Courriers de l'écrivain public envoyés 3" in text
    assert "Courriers : réponses reçues 1" in text
    assert "Courriers en attente de réponse (fin de période) 3" in text


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(template_db, tmp_path_factory.mktemp("letters-demo") / "demo.sqlite", seed=5)


def test_the_demo_has_letters_in_every_state(demo_app: Comptoir) -> None:
    site = demo_app.sites.list_sites()[0]
    letters = demo_app.letters.letters(site.id, today=TODAY)
    states = {x.status for x in letters}
    # Three months of a small place: a handful of letters, not every state each time.
    assert {LetterStatus.ANSWERED, LetterStatus.WAITING} <= states
    assert states & {LetterStatus.LATE, LetterStatus.RELAUNCHED}
    assert all(x.answer_expected_on > x.sent_on for x in letters)
    with Session(demo_app.engine) as session:
        rows = session.exec(
            select(AssistanceRecord).where(col(AssistanceRecord.letter_sent_on).is_not(None))
        ).all()
        writer = {r.help_type_id for r in rows}
    assert len(writer) == 1  # only the public writer's démarches carry a letter
    end = TODAY
    data = demo_app.reports.compute(
        period_start=end - timedelta(days=365), period_end=end, site_ids=[site.id]
    )
    assert data.value("letters.written") > 0
    assert data.value("letters.answered") > 0
    assert data.value("letters.pending") > 0


def test_the_letters_and_their_figures_on_postgresql(pg_url: str) -> None:
    with build(pg_url) as app:
        site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
        now = today(site)
        first = now.replace(day=1)
        before = first - timedelta(days=5)
        earlier = letter(app, site, day=before, sent=before, answer=before + timedelta(days=20))
        app.letters.mark_answered(earlier)
        waiting = letter(app, site, day=first, sent=first, answer=first + timedelta(days=30))
        app.letters.relaunch(waiting, due=first + timedelta(days=40))

        statuses = {x.id: x.status for x in app.letters.letters(site.id)}
        assert statuses == {earlier: LetterStatus.ANSWERED, waiting: LetterStatus.RELAUNCHED}
        data = app.reports.compute(period_start=first, period_end=now, site_ids=[site.id])
        assert data.value("letters.written") == 1
        assert data.value("letters.answered") == 1
        assert data.value("letters.pending") == 1
