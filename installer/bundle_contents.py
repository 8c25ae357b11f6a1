"""What the PyInstaller bundle holds, in one place: read by ``comptoir.spec`` and by
``tests/unit/test_installer.py`` (no PyInstaller needed to import it).

- Every module of the ``tiers_lieu`` package goes in, found by walking the package's folder:
  the window imports its sections by name (``ui/sections.py``), so an analysis of the imports
  alone misses them. A new module is packaged without touching the spec.
- The data files are the package's ``package-data`` globs of ``pyproject.toml`` (the same list
  the wheel uses), plus ``resources/`` as a whole.
- Qt modules the application never imports are left out, with Qt's own translations other
  than French and English, and the locale data of Babel and holidays other than French and
  English (the application speaks only these two).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "tiers_lieu"

# Names shared by the spec, build.sh, build_deb.sh, comptoir.iss and the Windows/macOS workflow
# (a test checks that they agree).
BUNDLE_FOLDER = "comptoir"  # dist/comptoir/
EXECUTABLE = "tiers-lieu"  # dist/comptoir/tiers-lieu(.exe)
CONSOLE_EXECUTABLE = "tiers-lieu-console"  # Windows only: the command line, with a console
APP_ID = "fr.comptoir.TiersLieu"  # .desktop, AppStream metadata, macOS bundle

# Alembic reads the migrations (env.py, the revisions) from their files: data, not modules.
NOT_MODULES = (f"{PACKAGE}.migrations",)

# PySide6 modules the application does not use. Only what is imported is collected anyway;
# this list also stops a library's optional `import PySide6.X` from pulling X in.
QT_UNUSED = """
    Qt3DAnimation Qt3DCore Qt3DExtras Qt3DInput Qt3DLogic Qt3DRender QtBluetooth QtCharts
    QtConcurrent QtDataVisualization QtDesigner QtGraphs QtGraphsWidgets QtHelp QtHttpServer
    QtLocation QtMultimedia QtMultimediaWidgets QtNetworkAuth QtNfc QtOpenGL QtOpenGLWidgets
    QtPdf QtPdfWidgets QtPositioning QtQml QtQuick QtQuick3D QtQuickControls2 QtQuickTest
    QtQuickWidgets QtRemoteObjects QtScxml QtSensors QtSerialBus QtSerialPort QtSpatialAudio
    QtSql QtStateMachine QtSvgWidgets QtTest QtTextToSpeech QtUiTools QtWebChannel
    QtWebEngineCore QtWebEngineQuick QtWebEngineWidgets QtWebSockets QtWebView QtXml
"""
QT_EXCLUDES = [f"PySide6.{name}" for name in QT_UNUSED.split()]
# Python modules the application never reaches: development tools a library's hook drags in
# (pydantic's mypy plugin), optional imports behind a fallback (Mako's Pygments highlighting,
# pytz beside zoneinfo for Babel and icalendar), Pillow's AVIF codec (5 MB; logos are PNG or
# JPEG) and Tk, the test and debug tools of the standard library.
EXCLUDES = [
    *QT_EXCLUDES,
    "PySide6.QtNetwork",
    "PySide6.QtDBus",  # its library stays: Qt's input and desktop-portal plugins use it
    "tkinter",
    "_tkinter",
    "unittest",
    "doctest",
    "pdb",
    "pydoc",
    "pydoc_data",
    "lib2to3",
    "mypy",
    "ast_serialize",
    "pydantic.mypy",
    "pygments",
    "pytz",
    "icalendar.timezone.pytz",
    "pkg_resources",
    "setuptools",
    "pytest",
    "_pytest",
    "IPython",
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._imagingtk",
    "PIL.ImageTk",
    # Pillow's FreeType text (3.5 MB with its libraries): ReportLab draws its own text.
    "PIL._imagingft",
    # Pillow's WebP codec and colour management (LittleCMS), 1.6 MB with their libraries: the
    # logos ReportLab reads are PNG or JPEG, which _imaging decodes alone (WebPImagePlugin
    # falls back to « unsupported » without _webp; ImageCms serves only LAB conversions).
    "PIL._webp",
    "PIL._imagingcms",
    "PIL.ImageCms",
    # SQLAlchemy's dialects for servers Comptoir never talks to (loaded by URL, never imported
    # otherwise; Alembic names them only for type checking), and pydantic's v1 API (reached
    # only for a v1 model, which Comptoir has none of).
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.mssql",
    "sqlalchemy.dialects.oracle",
    "pydantic.v1",
    # holidays' 250 countries and its stock exchanges (1 MB): France's calendar is loaded
    # from its file, travelling as data (services/public_holidays._france, comptoir.spec).
    "holidays.countries",
    "holidays.financial",
    # Process pools (only concurrent.futures.ProcessPoolExecutor would import it; Comptoir
    # uses threads) and ReportLab's SVG output with the DOM it builds (the reports are PDF).
    "multiprocessing",
    "reportlab.graphics.renderSVG",
    "xml.dom",
]


def excludes(platform: str) -> list[str]:
    """``EXCLUDES``, and on Linux psycopg's binary wheel (its own libpq and OpenSSL, 10 MB):
    there PostgreSQL goes through Debian's libpq, which the package depends on."""
    return [*EXCLUDES, "psycopg_binary"] if platform.startswith("linux") else list(EXCLUDES)


# Qt plugins left out: platforms for embedded screens and remote desktops (the desk runs on X11
# or Wayland; offscreen stays for the smoke test), input from raw devices, and everything that
# needs QtNetwork (network status, TLS).
QT_PLUGIN_FOLDERS_LEFT_OUT = ("egldeviceintegrations", "generic", "networkinformation", "tls")
QT_PLATFORMS_LEFT_OUT = ("eglfs", "linuxfb", "minimal", "minimalegl", "vkkhrdisplay", "vnc")
# Image formats Qt never reads here (its own pictures are SVG and PNG; logos go to ReportLab).
QT_IMAGE_FORMATS_LEFT_OUT = ("icns", "tga", "tiff", "wbmp", "webp")
# Qt libraries only the left-out plugins and modules load.
QT_LIBRARIES_LEFT_OUT = (
    "Qt6EglFSDeviceIntegration",
    "Qt6EglFsKmsSupport",
    "Qt6Network",
    "Qt6Qml",
    "Qt6Quick",
    "Qt6Pdf",
    "Qt6WebEngine",
    "Qt6Designer",
    "Qt6VirtualKeyboard",
)
# On Linux the .deb depends on the system's libraries (installer/build_deb.sh lists them from
# the bundle) instead of carrying copies of them that a newer system's GTK or fontconfig would
# not match.
SYSTEM_LIBRARY_FOLDERS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")
# sqlcipher3-binary's copy of OpenSSL 3 (7 MB, renamed by auditwheel): on Linux its module is
# pointed at the system's libcrypto.so.3 instead (installer/build.sh, patchelf), which the .deb
# then depends on (libssl3 on Debian 12). Its symbols are all of OpenSSL 3.0's ABI.
VENDORED_LIBCRYPTO = re.compile(r"sqlcipher3_binary\.libs/libcrypto-[0-9a-f]+\.so\.3")
SYSTEM_LIBCRYPTO = "libcrypto.so.3"

# Files of a wheel's metadata that no run-time reader opens (importlib.metadata's version and
# metadata read METADATA; RECORD and top_level.txt serve only .files and
# packages_distributions, which nothing in the bundle calls).
DIST_INFO_LEFT_OUT = (
    "RECORD",
    "INSTALLER",
    "REQUESTED",
    "WHEEL",
    "direct_url.json",
    "top_level.txt",
)

# Locale data kept: French and English (en_GB, whose parent is en_001).
BABEL_LOCALES = ("root", "fr", "fr_FR", "en", "en_001", "en_GB")
LANGUAGES = ("fr", "en")


def version() -> str:
    """``tiers_lieu.__version__``, read from the file (the spec does not import the package)."""
    text = (ROOT / PACKAGE / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if found is None:
        raise ValueError("tiers_lieu/__init__.py has no __version__")
    return found.group(1)


def app_modules() -> list[str]:
    """Every module and package of ``tiers_lieu`` (the migrations excepted: data)."""
    names = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if "__pycache__" in parts or name.startswith(NOT_MODULES):
            continue
        names.append(name)
    return names


def package_data_globs() -> list[str]:
    """``[tool.setuptools.package-data] tiers_lieu`` of ``pyproject.toml``."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)
    globs: list[str] = config["tool"]["setuptools"]["package-data"][PACKAGE]
    return globs


def package_datas() -> list[tuple[str, str]]:
    """(file, folder in the bundle) for each package-data file, then ``resources/``."""
    datas: list[tuple[str, str]] = []
    for pattern in package_data_globs():
        for path in sorted((ROOT / PACKAGE).glob(pattern)):
            if path.is_file():
                datas.append((str(path), str(path.parent.relative_to(ROOT))))
    datas.append((str(ROOT / "resources"), "resources"))
    return datas


def keep_data(dest: str) -> bool:
    """Whether a data file PyInstaller's hooks collected stays in the bundle."""
    path = dest.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    if path.startswith("PySide6/") and "/translations/" in path:  # Qt/translations/ off Windows
        # Qt's catalog in French and English (application.install_qt_translations).
        return re.fullmatch(r"qt(base)?_(fr|en)\.qm", name) is not None
    if path.startswith("babel/locale-data/"):
        return name.removesuffix(".dat") in BABEL_LOCALES
    if path.startswith("holidays/locale/"):
        # holidays/locale/<language>/LC_MESSAGES/<country>.mo: France's names only.
        parts = path.split("/")
        return parts[2].split("_")[0] in LANGUAGES and name == "FR.mo"
    # Software bills of materials some wheels put in their metadata (platformdirs: 0.5 MB), and
    # the installer's records (RECORD lists every file: 0.3 MB for PySide6): Aide › À propos
    # reads only METADATA and the licences; entry points stay (pydantic looks for plugins).
    if re.fullmatch(r"[^/]+\.dist-info", path.rsplit("/", 1)[0]) and name in DIST_INFO_LEFT_OUT:
        return False
    return "/sboms/" not in path


def keep_binary(dest: str, source: str, platform: str) -> bool:
    """Whether a shared library or plugin PyInstaller collected stays in the bundle."""
    path = dest.replace("\\", "/")
    parts = path.split("/")
    name = parts[-1]
    if "plugins" in parts:
        folder = parts[parts.index("plugins") + 1]
        if folder in QT_PLUGIN_FOLDERS_LEFT_OUT:
            return False
        stem = re.sub(r"^(lib)?q", "", name.split(".")[0])
        if folder == "platforms" and stem in QT_PLATFORMS_LEFT_OUT:
            return False
        if folder == "imageformats" and stem in QT_IMAGE_FORMATS_LEFT_OUT:
            return False
    if any(library in name for library in QT_LIBRARIES_LEFT_OUT):
        return False
    if platform.startswith("linux") and VENDORED_LIBCRYPTO.fullmatch(path):
        return False
    return not (platform.startswith("linux") and source.startswith(SYSTEM_LIBRARY_FOLDERS))


def holidays_france_imports() -> list[str]:
    """The ``holidays`` modules France's calendar imports: it travels as a data file (the
    countries are left out, ``EXCLUDES``), so PyInstaller's analysis does not see them."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return []
    france = Path(spec.origin).with_name("countries") / "france.py"
    tree = ast.parse(france.read_text(encoding="utf-8"))
    return sorted(
        {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
        }
        | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
    )


def metadata_distributions() -> list[str]:
    """The distributions Aide › À propos names (``tiers_lieu/ui/about.py``, ``LIBRARIES``):
    their metadata goes in the bundle, so that the dialog shows their versions and licences."""
    import ast

    about = ROOT / PACKAGE / "ui" / "about.py"
    if not about.is_file():
        return []
    for node in ast.walk(ast.parse(about.read_text(encoding="utf-8"))):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "LIBRARIES" and node.value is not None:
            rows = ast.literal_eval(node.value)
            return [row[0] for row in rows]
    return []
