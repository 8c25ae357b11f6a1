"""Printing a ticket on an ESC/POS receipt printer (python-escpos).

The printer belongs to the desk (this computer), not to the place: its settings are kept with
the desk's own (``ui/options.py``) and handed here as a :class:`PrinterConfig`. Kinds: none,
network (``host:port``, port 9100 by default), serial (``/dev/ttyUSB0`` or ``COM3``, with an
optional ``,baud``) and USB (``vendor:product`` in hexadecimal, ``04b8:0202``). USB needs
pyusb and the system's libusb (``pip install pyusb``; on Debian ``libusb-1.0-0``): it is not
installed with Comptoir, and a USB printer without it gets a French message saying so.

A ticket is first laid out (:func:`receipt_text`) and encoded into bytes on an
``escpos.printer.Dummy`` (:func:`render`: pure, no device), then sent whole
(:func:`send`). Every failure (printer off or unreachable, paper out, device missing) is a
:class:`PrinterError` with a French message; the sale was committed before, so printing
never loses or blocks one. The window calls these off the GUI thread.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services.till.receipts import WIDTHS, Receipt, receipt_text

#: One code page for the whole ticket: Windows-1252 (ESC t 16 on Epson and its clones) has
#: the euro sign, « œ », the French accents and quotes; a character outside it prints « ? ».
#: (python-escpos's automatic choice tries code pages character by character: 3× slower.)
CODE_PAGE = "CP1252"
#: Seconds to wait for a network printer to accept the connection and the bytes.
NETWORK_TIMEOUT = 5.0
#: Seconds to wait for the printer's answer to « is there paper? » (many never answer).
STATUS_TIMEOUT = 1.0


class PrinterKind(StrEnum):
    NONE = "none"
    NETWORK = "network"
    SERIAL = "serial"
    USB = "usb"


class PrinterError(ComptoirError):
    """The ticket could not be printed; the message says why, in French."""


@dataclass(frozen=True)
class PrinterConfig:
    kind: str = PrinterKind.NONE
    address: str = ""
    width: int = 42

    @property
    def enabled(self) -> bool:
        return self.kind != PrinterKind.NONE


_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.\-]{0,252})$")
_USB = re.compile(r"^\s*(?:0x)?([0-9a-fA-F]{1,4})\s*:\s*(?:0x)?([0-9a-fA-F]{1,4})\s*$")


def _address_error(message: str) -> ValidationError:
    return ValidationError(_("Adresse de l'imprimante"), message)


def network_target(address: str) -> tuple[str, int]:
    host, _sep, port_text = address.strip().rpartition(":")
    if not _sep:
        host, port_text = address.strip(), "9100"
    if not host or not _HOST.match(host):
        raise _address_error(_("nom ou adresse IP attendu, par exemple 192.168.1.50:9100"))
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise _address_error(_("le port doit être un nombre de 1 à 65535"))
    return host, int(port_text)


def serial_target(address: str) -> tuple[str, int]:
    device, _sep, baud_text = address.strip().partition(",")
    device = device.strip()
    if not device or any(ch.isspace() for ch in device) or len(device) > 200:
        raise _address_error(_("port série attendu, par exemple /dev/ttyUSB0 ou COM3"))
    baud = 9600
    if _sep:
        if not baud_text.strip().isdigit() or not 300 <= int(baud_text) <= 921600:
            raise _address_error(_("vitesse illisible (par exemple /dev/ttyUSB0,19200)"))
        baud = int(baud_text)
    return device, baud


def usb_target(address: str) -> tuple[int, int]:
    match = _USB.match(address)
    if match is None:
        raise _address_error(
            _(
                "identifiants USB attendus « fabricant:produit » en hexadécimal, "
                "par exemple 04b8:0202"
            )
        )
    return int(match.group(1), 16), int(match.group(2), 16)


def check_config(config: PrinterConfig) -> PrinterConfig:
    """The settings as kept: a :class:`ValidationError` names the field that does not fit."""
    kinds = {k.value for k in PrinterKind}
    if config.kind not in kinds:
        raise ValidationError(_("Imprimante"), _("type inconnu"))
    if config.width not in WIDTHS:
        raise ValidationError(
            _("Largeur"), _("{widths} caractères").format(widths=" / ".join(map(str, WIDTHS)))
        )
    address = config.address.strip()
    if config.kind == PrinterKind.NETWORK:
        network_target(address)
    elif config.kind == PrinterKind.SERIAL:
        serial_target(address)
    elif config.kind == PrinterKind.USB:
        usb_target(address)
    else:
        address = ""
    return PrinterConfig(config.kind, address, config.width)


# -- bytes ------------------------------------------------------------------------------------


def _dummy() -> Any:
    from escpos.printer import Dummy

    return Dummy()


def render(receipt: Receipt, width: int) -> bytes:
    """The ESC/POS bytes of a ticket: its text layout, the total in bold, a cut."""
    printer = _dummy()
    printer.hw("INIT")
    printer.charcode(CODE_PAGE)
    printer.set(align="left", font="a")
    # Runs of plain lines go in one call (fewer commands; bold only where it is needed).
    plain: list[str] = []
    for line in receipt_text(receipt, width):
        if line.startswith(_("TOTAL TTC")) or line.strip().startswith("***"):
            if plain:
                printer.text("".join(plain))
                plain = []
            printer.set(bold=True)
            printer.text(line + "\n")
            printer.set(bold=False)
        else:
            plain.append(line + "\n")
    if plain:
        printer.text("".join(plain))
    printer.cut()
    return bytes(printer.output)


def render_test(width: int) -> bytes:
    """A test page: the width ruled, accented letters and the euro sign, a cut."""
    printer = _dummy()
    printer.hw("INIT")
    printer.charcode(CODE_PAGE)
    printer.set(align="left", font="a")
    printer.text(_("Comptoir — essai d'impression") + "\n")
    printer.text(("1234567890" * 5)[:width] + "\n")
    printer.text("-" * width + "\n")
    printer.text("àâçéèêëîïôöùûüœ ÀÇÉÈŒ € 12,50 €\n")
    printer.cut()
    return bytes(printer.output)


# -- the device -------------------------------------------------------------------------------


def _open(config: PrinterConfig) -> Any:
    """The connected printer (raises :class:`PrinterError`)."""
    from escpos import exceptions

    kind = config.kind
    try:
        if kind == PrinterKind.NETWORK:
            from escpos.printer import Network

            host, port = network_target(config.address)
            device: Any = Network(host, port, timeout=NETWORK_TIMEOUT)
        elif kind == PrinterKind.SERIAL:
            from escpos.printer import Serial

            path, baud = serial_target(config.address)
            device = Serial(path, baudrate=baud, timeout=STATUS_TIMEOUT)
        elif kind == PrinterKind.USB:
            try:
                import usb.core  # noqa: F401  (pyusb, optional)
            except ImportError:
                raise PrinterError(
                    _(
                        "L'impression USB demande le module pyusb et la bibliothèque libusb, "
                        "absents de ce poste. Installez-les, ou branchez l'imprimante en "
                        "réseau ou en série."
                    )
                ) from None
            from escpos.printer import Usb

            vendor, product = usb_target(config.address)
            device = Usb(vendor, product, timeout=int(NETWORK_TIMEOUT * 1000))
        else:
            raise PrinterError(_("Aucune imprimante de tickets n'est réglée sur ce poste."))
        device.open()
    except PrinterError:
        raise
    except ValidationError as exc:
        raise PrinterError(exc.message) from None
    except (exceptions.Error, OSError, ValueError, ImportError) as exc:
        raise PrinterError(_unreachable(config, exc)) from exc
    return device


def _unreachable(config: PrinterConfig, exc: BaseException) -> str:
    return _(
        "L'imprimante de tickets ({address}) ne répond pas : vérifiez qu'elle est allumée et "
        "branchée. La vente est bien enregistrée. ({detail})"
    ).format(address=config.address, detail=type(exc).__name__)


def _paper_out(device: Any, config: PrinterConfig) -> bool:
    """Whether the printer says it has no paper (a printer that does not answer has some)."""
    if config.kind not in (PrinterKind.NETWORK, PrinterKind.SERIAL):
        return False
    sock: Any = getattr(device, "device", None)
    previous = None
    try:
        if config.kind == PrinterKind.NETWORK and hasattr(sock, "settimeout"):
            previous = sock.gettimeout()
            sock.settimeout(STATUS_TIMEOUT)
        return int(device.paper_status()) == 0
    except Exception:  # no status is no answer, not a failure
        return False
    finally:
        if previous is not None:
            sock.settimeout(previous)


def send(config: PrinterConfig, data: bytes) -> None:
    """Send ``data`` to the desk's printer; a :class:`PrinterError` says what went wrong."""
    from escpos import exceptions

    device = _open(config)
    try:
        if _paper_out(device, config):
            raise PrinterError(
                _(
                    "L'imprimante de tickets n'a plus de papier : remettez un rouleau puis "
                    "réimprimez. La vente est bien enregistrée."
                )
            )
        device._raw(data)
    except PrinterError:
        raise
    except (exceptions.Error, OSError, ValueError) as exc:
        raise PrinterError(_unreachable(config, exc)) from exc
    finally:
        with contextlib.suppress(Exception):  # closing a printer that went away
            device.close()


def print_receipt(config: PrinterConfig, receipt: Receipt) -> None:
    send(config, render(receipt, config.width))


def print_test(config: PrinterConfig) -> None:
    send(config, render_test(config.width))
