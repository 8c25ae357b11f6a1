"""The cyclic garbage collector during a start (issue 17).

Importing the application makes some 400,000 objects that live as long as the process
(modules, classes, SQLAlchemy's tables and mappers). The collector, run every 700 new
objects, walks them again and again while they are made: a fifth to a quarter of the time
of the imports. :func:`imports_outside_collector` pauses it around heavy imports; when the
process is the command itself (:func:`set_command_process`, called by ``main()``), the objects
made are then frozen out of it, so that no later collection on the GUI thread walks them
(refcounting still frees whatever is dropped). A test process keeps its collector as it was:
frozen objects would keep the cycles of every earlier test alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_state = {"command": False}


def set_command_process() -> None:
    """This process is the ``tiers-lieu`` command: what its start imports lives until exit."""
    _state["command"] = True


def command_process() -> bool:
    """Whether this process is the ``tiers-lieu`` command (not a test calling ``main``)."""
    return _state["command"]


@contextmanager
def imports_outside_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if command_process():
            gc.freeze()
        if enabled:
            gc.enable()
