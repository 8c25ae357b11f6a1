"""``tiers-lieu encrypt`` run in a process of its own and killed (``SIGKILL``) at a named step
(``TIERS_LIEU_TEST_CRASH_AT``, see :mod:`tiers_lieu.services.encryption_swap`), for the tests
of what the next start makes of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tiers_lieu.encryption import PASSPHRASE_ENV
from tiers_lieu.services.encryption_swap import CRASH_ENV

ROOT = Path(__file__).resolve().parents[1]
# The command as the user runs it, with a cheap key derivation (tests only).
ENCRYPT = (
    "import sys\n"
    "from tiers_lieu import encryption_keys as k\n"
    "k.ARGON2_TIME_COST, k.ARGON2_MEMORY_KIB = 1, 1024\n"
    "from tiers_lieu.__main__ import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def killed_encrypt(path: Path, step: str, passphrase: str) -> str:
    """``tiers-lieu encrypt`` on ``path``, killed at ``step``; what it printed before."""
    env = {**os.environ, PASSPHRASE_ENV: passphrase, CRASH_ENV: step, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", ENCRYPT, "--db", str(path), "encrypt"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stdout, done.stderr)
    return done.stdout
