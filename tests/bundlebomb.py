"""Zip-bomb bundles, and the measure of what refusing one costs (time, peak memory of a child
process): shared by the bundle tests and the benchmarks.

:func:`write_bomb` writes a file that looks like a bundle and inflates to ``inflated`` bytes
(3 GB from 3 MB by default, the file of issue 14 that took 6.4 GB of memory before its
signature was checked). The deflate stream is built without compressing gigabytes: one
megabyte of filler is compressed once after a full flush, and that block is repeated (each
block after a full flush stands alone). Version 3 puts the bomb in the payload member, after a
proper header member naming the place, signed with its key or forged; version 2 is the same
signed with the old shared network key (HMAC, forged), which Comptoir now refuses from its
header.

:func:`refuse_in_child` imports a bundle into a database in a fresh Python process and returns
what it was told, how long it took and the process's peak resident memory (``VmHWM`` on
Linux: ``ru_maxrss`` there includes the parent's size at the fork; ``ru_maxrss`` elsewhere).

Run ``python tests/bundlebomb.py OUT.bundle [--version 2|3] [--gigabytes 3]`` to write one.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import os
import struct
import subprocess
import sys
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
DEFAULT_INFLATED = 3_100_000_000
FORGED_SIGNATURE = bytes(64)  # an Ed25519 signature's size
FORGED_SITE = uuid.UUID("00000000-0000-4000-8000-00000000b0b0")


def _gzip_member(prefix: bytes, filler: bytes, size: int) -> bytes:
    """A gzip member holding ``prefix`` then ``size`` bytes of ``filler`` (one byte)."""
    assert len(filler) == 1
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [compressor.compress(prefix), compressor.flush(zlib.Z_FULL_FLUSH)]
    megabyte = filler * MIB
    blocks, rest = divmod(size, MIB)
    if blocks:
        block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
        parts.append(block * blocks)
    parts.append(compressor.compress(filler * rest) + compressor.flush())
    crc = zlib.crc32(prefix)
    for _ in range(blocks):
        crc = zlib.crc32(megabyte, crc)
    crc = zlib.crc32(filler * rest, crc)
    total = len(prefix) + blocks * MIB + rest
    head = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x02\xff"
    tail = struct.pack("<II", crc & 0xFFFFFFFF, total & 0xFFFFFFFF)
    return head + b"".join(parts) + tail


def write_bomb(
    path: Path,
    *,
    inflated: int = DEFAULT_INFLATED,
    version: int = 3,
    signer: Any = None,
    site_id: uuid.UUID = FORGED_SITE,
    filler: bytes = b"\0",
) -> int:
    """Write a bomb bundle: version 3 signed by ``signer`` (a place's
    :class:`~tiers_lieu.services.bundles.placekeys.Signer`) or forged in the name of
    ``site_id``; version 2 as the old shared key signed it (forged). Returns its size.

    ``filler`` b"\\0" makes one endless line; b"\\n" makes empty lines only (what a reader
    that bounds lines but not the total would swallow)."""
    payload = _gzip_member(b"", filler, inflated)
    header: dict[str, Any] = {"format": "comptoir-bundle", "version": version}
    if version == 3:
        signature = FORGED_SIGNATURE
        if signer is not None:
            from tiers_lieu.services.bundles.fileformat import signed_message

            site_id = signer.site_id
            signature = signer.sign(signed_message(site_id, hashlib.sha256(payload).hexdigest()))
        header["site_id"] = site_id.hex
        header["signature"] = base64.b64encode(signature).decode("ascii")
    elif version == 2:
        header["signature"] = "0" * 64
    else:
        raise ValueError(version)
    data = gzip.compress(json.dumps(header).encode() + b"\n", mtime=0) + payload
    path.write_bytes(data)
    return len(data)


@dataclass(frozen=True)
class Refusal:
    message: str  # empty when the bundle was imported
    seconds: float
    peak_mib: float  # the child's peak resident memory
    baseline_mib: float  # the same child's peak before the import began


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from tiers_lieu.app import build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.services.bundles import BundleService

def peak_kib():
    # VmHWM is this process's own peak. ru_maxrss is not on Linux: it keeps the parent's
    # resident size at the fork (vfork even shares it), so a child started by a big pytest
    # would report the parent's size.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    unit = 1024 if sys.platform == "darwin" else 1
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // unit

db, bundle = sys.argv[1], Path(sys.argv[2])
app = build(db)
baseline = peak_kib()
started = time.perf_counter()
try:
    app.bundles.import_bundle(bundle)
    message = ""
except ComptoirError as exc:
    message = exc.message
seconds = time.perf_counter() - started
peak = peak_kib()
app.close()
print(json.dumps({"message": message, "seconds": seconds, "peak": peak, "baseline": baseline}))
"""


def refuse_in_child(db: Path, bundle: Path, *, timeout: float = 300) -> Refusal:
    """Import ``bundle`` into ``db`` in a new process; what happened, and what it cost."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(bundle)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the child failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Refusal(
        message=result["message"],
        seconds=result["seconds"],
        peak_mib=result["peak"] / 1024,
        baseline_mib=result["baseline"] / 1024,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--version", type=int, choices=(2, 3), default=3)
    parser.add_argument("--gigabytes", type=float, default=DEFAULT_INFLATED / 1e9)
    args = parser.parse_args()
    size = write_bomb(args.out, inflated=int(args.gigabytes * 1e9), version=args.version)
    print(f"{args.out}: {size / MIB:.1f} MiB, inflating to {args.gigabytes:.1f} GB")


if __name__ == "__main__":
    main()
