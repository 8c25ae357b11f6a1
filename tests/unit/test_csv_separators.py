"""The separator of a CSV or text file, as spreadsheets save them: `;` (French Excel and
LibreOffice), `,`, and the tab of Excel's « Texte (séparateur : tabulation) » `.txt`, which the
import dialog offers. A header whose cell holds the other separator is still split right."""

from __future__ import annotations

import codecs
import time as clock
from datetime import date
from pathlib import Path

import pytest
from test_imports import EXPECTED_SAMPLE, stored_visits

from tiers_lieu.app import Comptoir
from tiers_lieu.services.imports.csvfile import SNIFF_CHARS, CsvBook, delimiter_of
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.tabular import FileRefusedError, Limits

DATA = Path(__file__).parent.parent / "data" / "imports"


def test_a_tab_separated_text_file_from_excel_is_imported(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    # Excel's « Texte (séparateur : tabulation) »: Windows-1252, CRLF, a .txt name.
    text = (DATA / "visites_virgule.csv").read_text(encoding="utf-8").replace(",", "\t")
    path = tmp_path / "visites.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))

    result = app.imports.import_visits(site.id, path)

    assert (result.rows, result.visits) == (4, 9)
    visits = stored_visits(app)
    assert [
        (v["service"], v["count"], v["commune"], v["age"], v["gender"], v["status"]) for v in visits
    ] == EXPECTED_SAMPLE
    assert [v["date"] for v in visits] == [date(2025, 2, 3)] * 2 + [date(2025, 2, 4)] * 2


def test_utf16_is_read_by_its_mark_and_named_without_it(tmp_path: Path) -> None:
    """Excel's « Texte Unicode » is UTF-16 with its byte order mark (``visites_texte_unicode``
    in ``test_imports``): read either way round. Without the mark, its NUL bytes made it « not
    a text file »; it is named for what it is. Its lines are held to the same limit."""
    text = "date\tservice\r\n03/02/2025\tÉpicerie 🍞\r\n"
    big = tmp_path / "gros-boutiste.txt"
    big.write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert list(next(CsvBook(big).sheets())[1]) == [
        (1, ["date", "service"]),
        (2, ["03/02/2025", "Épicerie 🍞"]),
    ]
    bare = tmp_path / "sans-marque.txt"
    bare.write_bytes(text.encode("utf-16-le"))
    with pytest.raises(FileRefusedError) as refused:
        CsvBook(bare)
    assert refused.value.reason == (
        "il est encodé en UTF-16 sans en porter la marque : enregistrez-le en « CSV UTF-8 » "
        "depuis le tableur"
    )
    for name, body, reason in (
        ("nul.txt", "date\x00\tservice\r\n", "il contient des octets nuls"),
        ("long.txt", "date\t" + "x" * 300 + "\r\n", "une ligne dépasse"),
        ("coupe.txt", "date\tservice\r\n", "UTF-16 est abîmé"),
    ):
        path = tmp_path / name
        raw = codecs.BOM_UTF16_LE + body.encode("utf-16-le")
        path.write_bytes(raw[:-1] if name == "coupe.txt" else raw)
        with pytest.raises(FileRefusedError, match=reason):
            CsvBook(path, Limits(line_bytes=256))


def test_a_header_cell_holding_a_comma_keeps_the_semicolon(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("date;service;nom, prénom\n03/02/2025;Épicerie;Dupont, Jean\n", "utf-8")

    rows = list(next(CsvBook(path).sheets())[1])

    assert rows == [
        (1, ["date", "service", "nom, prénom"]),
        (2, ["03/02/2025", "Épicerie", "Dupont, Jean"]),
    ]


def test_the_separator_is_told_by_the_header() -> None:
    assert delimiter_of("date;service\n") == ";"
    assert delimiter_of("date,service\n") == ","
    assert delimiter_of("date\tservice\tcommune\n") == "\t"
    assert delimiter_of('"nom; prénom",date,service\n') == ","
    assert delimiter_of("commune\n") == ";"  # one column: any separator reads it
    assert delimiter_of("a,b;c,d;e\n") == ";"  # as many: the French one


def test_guessing_the_separator_of_a_hostile_header_stays_quick() -> None:
    # csv.Sniffer's quote search is quadratic: 30 s on 64 KiB of `,"`; it sees SNIFF_CHARS.
    started = clock.perf_counter()
    for header in [',"' * 32_768, ';"a' * 21_000, '"' * 65_536]:
        delimiter_of(header)
    assert clock.perf_counter() - started < 2
    assert SNIFF_CHARS <= 4_096
