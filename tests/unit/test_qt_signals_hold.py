"""A long day at the desk emits Qt signals from Python tens of thousands of times (every key
press, every list read, every announcement of a change). PySide6 6.12.0 on Python 3.11 drops
one reference to ``True`` at each ``Signal.emit()`` made from Python, so that after about as
many emits as ``True`` has references (a few thousand in a bare process, ~19,000 once the
application is imported) the interpreter aborts with « bool_dealloc » and the window
vanishes. The pinned PySide6 must survive a day's worth of emits."""

from __future__ import annotations

import subprocess
import sys

DAY_OF_EMITS = 100_000

SCRIPT = f"""
import sys
from PySide6.QtCore import QObject, Signal

class Hub(QObject):
    changed = Signal(object)
    counted = Signal(int)
    done = Signal()

hub = Hub()
seen = []
hub.changed.connect(seen.append)
before = sys.getrefcount(True)
for n in range({DAY_OF_EMITS}):
    hub.changed.emit(None)
    hub.counted.emit(n)
    hub.done.emit()
print(sys.getrefcount(True) - before, len(seen))
"""


def test_a_day_of_signal_emits_does_not_crash_the_desk() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    leaked, delivered = (int(word) for word in done.stdout.split())
    assert delivered == DAY_OF_EMITS
    assert abs(leaked) < 100
