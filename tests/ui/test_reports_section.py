"""The « Rapports » section as a coordinator uses it: choose a period, compute, read the
figures, export; record the LEADER operation, a payment claim, a partner. Dialogs are patched;
operations run on the synchronous pool except where the test checks the window stays alive.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget
from pytestqt.qtbot import QtBot
from rolesdemo import make_demo

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import format_number
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.rota import ShiftInput
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.ops import set_pool
from tiers_lieu.ui.reports import ReportsSection
from tiers_lieu.ui.reports.claim_edit import ClaimDialog
from tiers_lieu.ui.reports.period import PeriodKind

TODAY = date(2025, 6, 13)
START = date(2024, 7, 1)
END = date(2025, 6, 13)


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo, generated once for the module; each test works on a copy."""
    path = tmp_path_factory.mktemp("reports-demo") / "demo.sqlite"
    return make_demo(template_db, path, seed=3, today=TODAY)


def open_section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> ReportsSection:
    widget = ReportsSection(app, site)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


@pytest.fixture
def section(qtbot: QtBot, demo_app: Comptoir) -> ReportsSection:
    return open_section(qtbot, demo_app, demo_app.sites.list_sites()[0])


def choose_dates(section: ReportsSection, start: date, end: date) -> None:
    section.report_tab.period_picker.set_custom(start, end)


def shown_total(section: ReportsSection, key: str, code: str) -> str:
    model = section.report_tab.results.sections[key].model
    row = model.find_row(code)
    assert row >= 0, code
    return str(model.index(row, 1).data())


def test_the_section_opens_on_the_report_with_its_record_tabs(section: ReportsSection) -> None:
    titles = [section.tabs.tabText(i) for i in range(section.tabs.count())]
    assert titles == [
        "Rapport d'activité",
        "Opération LEADER",
        "Partenaires",
        "Emplois",
        "Temps passé",
        "Bénévolat",
        "Réseau de lieux",
        "Exports",
    ]
    tab = section.report_tab
    assert tab.site_combo.itemText(0) == "Tous les lieux"
    assert tab.site_combo.currentText() == "Le Comptoir de Felletin"
    assert tab.period_picker.kind() is PeriodKind.YEAR
    assert tab.results.data() is None


def test_computing_shows_the_visits_total_the_service_computes(
    qtbot: QtBot, section: ReportsSection, demo_app: Comptoir
) -> None:
    expected = demo_app.reports.compute(period_start=START, period_end=END).value("visits.total")
    assert expected > 0
    choose_dates(section, START, END)

    with qtbot.waitSignal(section.report_tab.report_computed):
        qtbot.mouseClick(section.report_tab.compute_button, Qt.MouseButton.LeftButton)

    assert shown_total(section, "visits", "visits.total") == format_number(expected)
    months = section.report_tab.results.sections["visits"].charts["visits.by_month"]
    assert sum(value for _label, value in months.series()) == expected
    assert format_number(expected) in section.report_tab.status_label.text()


def test_ctrl_return_computes_from_the_keyboard(qtbot: QtBot, section: ReportsSection) -> None:
    choose_dates(section, START, END)
    section.activateWindow()
    section.report_tab.summary_edit.setFocus()
    with qtbot.waitSignal(section.report_tab.report_computed, timeout=5000):
        qtbot.keyClick(
            section.report_tab.summary_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert section.report_tab.results.data() is not None


def test_exporting_csv_writes_the_file_and_says_where(
    qtbot: QtBot,
    section: ReportsSection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    target = tmp_path / "exports" / "rapport"  # no suffix: the screen adds « .csv »
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    choose_dates(section, START, END)

    with qtbot.waitSignal(section.report_tab.report_exported) as exported:
        qtbot.mouseClick(section.report_tab.csv_button, Qt.MouseButton.LeftButton)

    written = tmp_path / "exports" / "rapport.csv"
    assert exported.args == [str(written)]
    content = written.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"visits.total;" in content
    assert message_boxes[-1][:2] == ("information", "Rapport exporté")
    assert str(written) in message_boxes[-1][2]


def test_a_cancelled_file_dialog_writes_nothing(
    qtbot: QtBot, section: ReportsSection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    with qtbot.assertNotEmitted(section.report_tab.report_exported):
        qtbot.mouseClick(section.report_tab.pdf_button, Qt.MouseButton.LeftButton)
    assert list(tmp_path.glob("*.pdf")) == []


def test_exporting_a_pdf_off_the_gui_thread_keeps_the_window_alive(
    qtbot: QtBot, section: ReportsSection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "rapport.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    choose_dates(section, START, END)
    set_pool(None)  # the real thread pool: the click returns before the report is written
    try:
        with qtbot.waitSignal(section.report_tab.report_exported, timeout=30000):
            qtbot.mouseClick(section.report_tab.pdf_button, Qt.MouseButton.LeftButton)
            assert section.report_tab.findChildren(QProgressDialog)
    finally:
        from tiers_lieu.ui.ops import SynchronousPool

        set_pool(SynchronousPool())
    assert target.read_bytes().startswith(b"%PDF")


def test_an_end_before_the_start_is_refused_before_computing(
    qtbot: QtBot, section: ReportsSection, message_boxes: list[tuple[str, str, str]]
) -> None:
    choose_dates(section, END, START)
    assert "précède" in section.report_tab.period_picker.summary_label.text()
    with qtbot.assertNotEmitted(section.report_tab.report_computed):
        qtbot.mouseClick(section.report_tab.compute_button, Qt.MouseButton.LeftButton)
    assert message_boxes and message_boxes[-1][0] == "warning"
    assert "Période" in message_boxes[-1][2]


def test_the_summary_is_kept_for_the_site(
    qtbot: QtBot, section: ReportsSection, demo_app: Comptoir
) -> None:
    section.report_tab.summary_edit.setPlainText("Une année à retenir.")
    reopened = open_section(qtbot, demo_app, demo_app.sites.list_sites()[0])
    assert reopened.report_tab.summary_edit.toPlainText() == "Une année à retenir."
    reopened.report_tab.site_combo.setCurrentIndex(0)  # « Tous les lieux »: its own text
    assert reopened.report_tab.summary_edit.toPlainText() == ""


def test_the_operation_form_saves_and_a_new_claim_becomes_a_report_period(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    section = open_section(qtbot, app, site)
    tab = section.operation_tab
    section.tabs.setCurrentWidget(tab)
    tab.title_edit.setText("Tiers-lieu de Felletin : services au public")
    tab.file_edit.setText("LEADER-NA-23-2026-007")
    tab.gal_edit.setText("GAL Sud Creusois")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    saved = app.organisation.get_operation(site.id)
    assert saved is not None
    assert saved.title == "Tiers-lieu de Felletin : services au public"
    assert saved.file_number == "LEADER-NA-23-2026-007"
    assert "Opération enregistrée" in tab.status.text()
    assert not message_boxes

    tab.claim_number_edit.setText("DP-1")
    tab.claim_start_edit.setDate(tab.claim_start_edit.date().fromString("01/01/2026", "dd/MM/yyyy"))
    tab.claim_end_edit.setDate(tab.claim_end_edit.date().fromString("30/06/2026", "dd/MM/yyyy"))
    qtbot.keyClick(tab.claim_number_edit, Qt.Key.Key_Return)

    assert tab.claims_model.rowCount() == 1
    section.tabs.setCurrentWidget(section.report_tab)  # reads the claims again when shown
    picker = section.report_tab.period_picker
    picker.set_kind(PeriodKind.CLAIM)
    period = picker.period()
    assert period is not None
    assert (period.start, period.end, period.claim_number) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
        "DP-1",
    )


def test_a_claim_is_corrected_with_f2_and_deleted_with_suppr(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    message_boxes: list[tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app.organisation.save_operation(site.id, OperationFields(title="Tiers-lieu"))
    for number, start, end in (("DP1", 1, 6), ("DP2", 7, 12)):
        app.organisation.add_claim(
            site.id,
            number=number,
            period_start=date(2026, start, 1),
            period_end=date(2026, end, 28),
        )
    section = open_section(qtbot, app, site)
    tab = section.operation_tab
    section.tabs.setCurrentWidget(tab)
    tab.claims_view.setFocus()
    tab.claims_view.selectRow(0)

    def correct(dialog: ClaimDialog) -> int:
        assert dialog.number.text() == "DP1"
        dialog.number.setText("DP2")  # taken: refused, the dialog stays
        dialog.on_save_clicked()
        dialog.number.setText("DP-1")
        dialog.on_save_clicked()
        return dialog.result()

    monkeypatch.setattr(ClaimDialog, "exec", correct)
    qtbot.keyClick(tab.claims_view, Qt.Key.Key_F2)
    assert "DP2" in message_boxes[-1][2]
    assert [c.number for c in app.organisation.list_claims(site.id)] == ["DP-1", "DP2"]
    assert "Demande n° DP-1 modifiée." in tab.claims_status.text()

    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    tab.claims_view.selectRow(1)
    qtbot.keyClick(tab.claims_view, Qt.Key.Key_Delete)
    assert "Supprimer la demande n° DP2 (du 01/07/2026 au 28/12/2026) ?" in asked[0]
    assert [c.number for c in app.organisation.list_claims(site.id)] == ["DP-1"]
    assert tab.claims_model.rowCount() == 1
    assert "Demande n° DP2 supprimée." in tab.claims_status.text()


def test_an_operation_without_title_is_refused_with_the_field_named(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    section = open_section(qtbot, app, site)
    qtbot.mouseClick(section.operation_tab.save_button, Qt.MouseButton.LeftButton)
    assert app.organisation.get_operation(site.id) is None
    assert message_boxes[-1][0] == "warning"
    assert "Intitulé" in message_boxes[-1][2]


def test_a_partner_is_added_listed_and_deleted(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer_yes(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    section = open_section(qtbot, app, site)
    tab = section.partners_tab
    section.tabs.setCurrentWidget(tab)
    tab.name_edit.setText("Mairie de Felletin")
    tab.kind_edit.setText("Collectivité")
    tab.france_services_check.setChecked(True)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    partners = app.organisation.list_partners(site.id)
    assert [(p.name, p.is_france_services_operator) for p in partners] == [
        ("Mairie de Felletin", True)
    ]
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 0).data() == "Mairie de Felletin"

    tab.view.selectRow(0)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ["Supprimer « Mairie de Felletin » ?"]
    assert app.organisation.list_partners(site.id) == []
    assert tab.model.rowCount() == 0


def test_a_job_shows_its_fte(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    tab = section.jobs_tab
    section.tabs.setCurrentWidget(tab)
    tab.post_edit.setText("Animatrice")
    tab.start_edit.setDate(tab.start_edit.date().fromString("01/01/2026", "dd/MM/yyyy"))
    tab.end_edit.set_value(date(2026, 6, 30))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert tab.model.rowCount() == 1
    assert tab.model.index(0, tab.model.Columns.FTE).data() == "0,50"


def test_deleting_a_shifts_hours_is_announced_to_the_rota(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hours a « Fait » wrote, deleted from « Bénévolat »: the rota on screen reads again (its
    shift is « Prévu » once more), as does everything showing the report's records."""
    day = date(2027, 3, 1)
    marie = app.people.create(
        site.id, PersonInput(first_name="Marie", last_name="Dubois", kinds=["volunteer"])
    ).id
    shift = app.rota.create_shift(
        site.id,
        ShiftInput(
            on_date=day, starts_at=time(9), ends_at=time(12), role="accueil", person_id=marie
        ),
    )[0]
    app.rota.set_status(shift.id, "done", today=day)
    hub = DataChanged()
    heard: list[str] = []
    listener = QWidget()
    hub.watch(listener, {Topic.ROTA}, lambda: heard.append("rota"))
    hub.watch(listener, {Topic.REPORT_RECORDS}, lambda: heard.append("records"))
    section = ReportsSection(app, site, changes=hub)
    qtbot.addWidget(section)
    section.show()
    tab = section.volunteers_tab
    section.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    tab.view.selectRow(0)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert sorted(heard) == ["records", "rota"]
    assert [s.status for s in app.rota.shifts(site.id, day, day)] == ["planned"]
