"""Aide › À propos de Comptoir: the version, where the data, the database and the journal
are, and the licence of every library the installed application carries (read from the
packages' own metadata; the table below only names them, with the licence to show when a
bundle left a package's metadata out).

Qt is used under the LGPL-3.0: the dialog says where its sources are and that its libraries
may be replaced, as that licence asks.
"""

from __future__ import annotations

import importlib.util
import platform
from dataclasses import dataclass
from importlib import metadata

from PySide6.QtCore import Qt, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu import __version__, journal
from tiers_lieu.app import Comptoir
from tiers_lieu.db_location import data_dir
from tiers_lieu.i18n import N_, _

# (distribution, module to find, shown name, licence when the metadata is missing)
LIBRARIES: tuple[tuple[str, str, str, str], ...] = (
    ("PySide6-Essentials", "PySide6", "PySide6 (Qt for Python)", "LGPL-3.0"),
    ("shiboken6", "shiboken6", "Shiboken6", "LGPL-3.0"),
    ("SQLAlchemy", "sqlalchemy", "SQLAlchemy", "MIT"),
    ("sqlmodel", "sqlmodel", "SQLModel", "MIT"),
    ("pydantic", "pydantic", "Pydantic", "MIT"),
    ("alembic", "alembic", "Alembic", "MIT"),
    ("reportlab", "reportlab", "ReportLab", "BSD"),
    ("pypdfium2", "pypdfium2", "pypdfium2 (PDFium)", "BSD-3-Clause, Apache-2.0"),
    ("babel", "babel", "Babel", "BSD-3-Clause"),
    ("openpyxl", "openpyxl", "openpyxl", "MIT"),
    ("icalendar", "icalendar", "icalendar", "BSD-2-Clause"),
    ("python-dateutil", "dateutil", "python-dateutil", "Apache-2.0, BSD-3-Clause"),
    ("holidays", "holidays", "holidays", "MIT"),
    ("cryptography", "cryptography", "cryptography", "Apache-2.0 OR BSD-3-Clause"),
    ("argon2-cffi", "argon2", "argon2-cffi", "MIT"),
    ("platformdirs", "platformdirs", "platformdirs", "MIT"),
    ("python-escpos", "escpos", "python-escpos (imprimantes de tickets)", "MIT"),
    ("pyserial", "serial", "pySerial", "BSD-3-Clause"),
    ("num2words", "num2words", "num2words (sommes en lettres)", "LGPL-2.1"),
    ("docopt", "docopt", "docopt", "MIT"),
    ("sqlcipher3-binary", "sqlcipher3", "sqlcipher3 (SQLCipher)", "MIT"),
    ("psycopg", "psycopg", "psycopg (PostgreSQL)", "LGPL-3.0"),
    ("tzdata", "tzdata", "tzdata", "Apache-2.0"),
)
# The same module under another distribution's name on other platforms.
ALTERNATIVES = {"sqlcipher3-binary": ("sqlcipher3",)}
# Bundled files that are not Python packages.
DATA = (
    (N_("Polices DejaVu"), N_("Licence DejaVu (libre, dérivée de Bitstream Vera)")),
    (N_("Police Ubuntu Bold (mention de l'Union européenne)"), N_("Ubuntu Font Licence 1.0")),
    (N_("Liste officielle des communes (Etalab)"), N_("Licence Ouverte 2.0")),
)
LICENCE_PREFIX = "License :: OSI Approved :: "


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def licence_of(fields: dict[str, str | list[str]], fallback: str) -> str:
    """The SPDX expression if the package gives one, else its licence classifiers, else a
    short ``License`` field, else ``fallback`` (``fields``: ``PackageMetadata.json``)."""
    expression = fields.get("license_expression")
    if isinstance(expression, str) and expression:
        return expression
    classifiers = fields.get("classifier") or []
    names = [
        c.removeprefix(LICENCE_PREFIX).removeprefix("License :: ")
        for c in ([classifiers] if isinstance(classifiers, str) else classifiers)
        if c.startswith("License :: ")
    ]
    if names:
        return ", ".join(names)
    field = fields.get("license")
    field = field.strip() if isinstance(field, str) else ""
    if field and "\n" not in field and len(field) <= 60 and field.upper() != "UNKNOWN":
        return field
    return fallback


def _metadata(distribution: str) -> dict[str, str | list[str]] | None:
    for name in (distribution, *ALTERNATIVES.get(distribution, ())):
        try:
            return metadata.metadata(name).json
        except metadata.PackageNotFoundError:
            continue
    return None


def libraries() -> list[Library]:
    """The libraries this Comptoir carries, with their version and licence."""
    found = []
    for distribution, module, name, fallback in LIBRARIES:
        if importlib.util.find_spec(module) is None:
            continue  # optional and absent (PostgreSQL, SQLCipher off Linux)
        fields = _metadata(distribution)
        if fields is None:  # a bundle that left the metadata out
            found.append(Library(name, "—", fallback))
            continue
        version = fields.get("version")
        found.append(
            Library(
                name, version if isinstance(version, str) else "—", licence_of(fields, fallback)
            )
        )
    return found


def shown_database(url: str) -> str:
    """The database file, or the server's URL without its password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


class AboutDialog(QDialog):
    def __init__(self, app: Comptoir, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("À propos de Comptoir"))
        heading = QLabel(f"<b>Comptoir {__version__}</b>", self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        intro = QLabel(
            _(
                "L'accueil, l'agenda, l'épicerie et les rapports d'un tiers-lieu multiservice, "
                "sans connexion à internet. Logiciel libre sous licence AGPL-3.0 ou ultérieure."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.facts = [
            (_("Version"), __version__),
            (_("Dossier des données"), str(data_dir())),
            (_("Base de données"), shown_database(app.url)),
            (_("Journal"), str(journal.current_file())),
            (
                _("Système"),
                f"{platform.system()} {platform.release()} ; Python "
                f"{platform.python_version()} ; Qt {qVersion()}",
            ),
        ]
        form = QFormLayout()
        for label, value in self.facts:
            shown = QLabel(value, self)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label + " :", shown)

        self.libraries = libraries()
        rows = [(lib.name, lib.version, lib.licence) for lib in self.libraries]
        rows += [(_(name), "", _(licence)) for name, licence in DATA]
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels([_("Bibliothèque"), _("Version"), _("Licence")])
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(120)
        table_label = QLabel(_("&Bibliothèques incluses et leurs licences :"), self)
        table_label.setBuddy(self.table)
        qt_note = QLabel(
            _(
                "Qt {version} est utilisé sous la licence LGPL-3.0 : ses sources sont "
                "disponibles sur https://download.qt.io et ses bibliothèques peuvent être "
                "remplacées par une autre version compatible."
            ).format(version=qVersion()),
            self,
        )
        qt_note.setWordWrap(True)

        self.note = QLabel("", self)
        self.copy_button = QPushButton(_("&Copier ces informations"), self)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.close_button = QPushButton(_("&Fermer"), self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(qt_note)
        layout.addLayout(buttons)
        self.resize(720, 520)
        self.close_button.setFocus()

    def text(self) -> str:
        """Everything the dialog says, as plain text (« Copier ces informations »)."""
        lines = [f"Comptoir {__version__}"]
        lines += [f"{label} : {value}" for label, value in self.facts]
        lines.append("")
        lines += [f"{lib.name} {lib.version} — {lib.licence}" for lib in self.libraries]
        lines += [f"{_(name)} — {_(licence)}" for name, licence in DATA]
        return "\n".join(lines)

    @Slot()
    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.note.setText(_("Copié."))
