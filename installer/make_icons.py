"""Renders the application icon (``resources/icons/comptoir.svg``) for the installers.

    python installer/make_icons.py            # resources/icons/comptoir.ico (Windows, spec)
    python installer/make_icons.py --png DIR  # also DIR/<size>x<size>/apps/<id>.png (hicolor)

Qt draws the SVG (no other tool needed); run it with ``QT_QPA_PLATFORM=offscreen`` where
there is no display.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "comptoir.svg"
ICO = ROOT / "resources" / "icons" / "comptoir.ico"
APP_ID = "fr.comptoir.TiersLieu"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, help="hicolor icon tree to fill")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QIcon

    app = QGuiApplication(sys.argv[:1])
    icon = QIcon(str(SVG))
    if icon.isNull():
        sys.stderr.write(f"{SVG}: icône illisible (module SVG de Qt absent ?)\n")
        return 1
    if not icon.pixmap(256, 256).save(str(ICO)):
        sys.stderr.write(f"{ICO}: impossible d'écrire l'icône\n")
        return 1
    if args.png is not None:
        for size in PNG_SIZES:
            folder = args.png / f"{size}x{size}" / "apps"
            folder.mkdir(parents=True, exist_ok=True)
            if not icon.pixmap(size, size).save(str(folder / f"{APP_ID}.png")):
                sys.stderr.write(f"{folder}: impossible d'écrire l'icône {size}×{size}\n")
                return 1
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
