"""What the agenda grid paints, as plain values: its columns, its blocks and the range the
host selected, plus the layout of overlapping blocks in side-by-side lanes.

Kept out of ``grid.py`` (the widget) so the section can build them, and the tests check the
lane layout, without painting anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time
from enum import StrEnum


class BlockKind(StrEnum):
    BOOKING = "booking"
    SLOT_FREE = "slot_free"
    SLOT_TAKEN = "slot_taken"


@dataclass(frozen=True)
class GridColumn:
    """One column: a resource on a day. ``group`` is shown above ``title`` when the view
    shows several resources per day (the day's name spans them)."""

    day: date
    resource_id: object
    title: str
    group: str = ""
    closed: str = ""  # why the place is shut that day (« Fermé », a holiday's name)
    open_ranges: tuple[tuple[time, time], ...] = ()
    today: bool = False
    slots: tuple[tuple[time, time], ...] = ()  # permanence slots: the rows follow them


@dataclass(frozen=True)
class GridBlock:
    """A painted block; ``payload`` is the read model it stands for (a booking, a slot)."""

    key: object
    column: int
    start: time
    end: time
    lines: tuple[str, ...]
    kind: BlockKind = BlockKind.BOOKING
    status: str = "confirmed"
    tooltip: str = ""
    payload: object = None
    lane: int = 0
    lanes: int = 1


@dataclass(frozen=True)
class CellRange:
    """What the host selected: a column and a time range in it."""

    column: GridColumn
    start: time
    end: time


# Fill and border colours by status; the text stays black on all of them (contrast).
COLOURS: dict[str, tuple[str, str]] = {
    "confirmed": ("#d6e6ff", "#3468b4"),
    "checked_in": ("#d3f0d6", "#2e7d3a"),
    "no_show": ("#ffe0cc", "#c2581b"),
    "cancelled": ("#eeeeee", "#9a9a9a"),
    BlockKind.SLOT_FREE: ("#ffffff", "#4f9a5a"),
    BlockKind.SLOT_TAKEN: ("#eadcf7", "#7446a3"),
}


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


def time_of(minutes: int) -> time:
    minutes = max(0, min(minutes, 24 * 60 - 1))
    return time(minutes // 60, minutes % 60)


def assign_lanes(blocks: Sequence[GridBlock]) -> list[GridBlock]:
    """Side-by-side lanes for blocks that overlap in one column (an open space's seats)."""
    placed: list[GridBlock] = []
    by_column: dict[int, list[GridBlock]] = {}
    for block in blocks:
        by_column.setdefault(block.column, []).append(block)
    for column_blocks in by_column.values():
        column_blocks.sort(key=lambda b: (minutes_of(b.start), -minutes_of(b.end)))
        cluster: list[tuple[GridBlock, int]] = []
        lane_ends: list[int] = []
        cluster_end = -1

        for block in column_blocks:
            start, end = minutes_of(block.start), minutes_of(block.end)
            if cluster and start >= cluster_end:
                placed.extend(_spread(cluster, len(lane_ends)))
                cluster, lane_ends = [], []
            lane = next((i for i, e in enumerate(lane_ends) if e <= start), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            cluster.append((block, lane))
            cluster_end = max(cluster_end, end) if len(cluster) > 1 else end
        if cluster:
            placed.extend(_spread(cluster, len(lane_ends)))
    return placed


def _spread(cluster: list[tuple[GridBlock, int]], width: int) -> list[GridBlock]:
    return [replace(b, lane=lane, lanes=max(width, 1)) for b, lane in cluster]
