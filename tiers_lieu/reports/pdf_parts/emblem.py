"""The European emblem drawn with vector shapes, following its official construction.

The publicity rules of EU funds (regulation 2021/1060, annex IX) require the emblem beside
the wording « Cofinancé par l'Union européenne ». Drawing it exactly needs no image file: a
blue rectangle of proportions 3:2, twelve gold five-pointed stars on an invisible circle whose
radius is a third of the height, each star's radius a eighteenth of the height, stars upright
and placed like the hours on a clock face. A site may still configure an image file instead.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Polygon, Rect

from tiers_lieu.reports.pdf_parts.fonts import drawing as new_drawing
from tiers_lieu.reports.pdf_parts.styles import EU_BLUE, EU_YELLOW

# Inner radius of a regular five-pointed star over its outer radius: sin 18° / sin 54°.
_STAR_INNER = math.sin(math.radians(18)) / math.sin(math.radians(54))


def star_points(cx: float, cy: float, radius: float) -> list[float]:
    """The ten vertices (x, y flattened) of an upright five-pointed star."""
    points: list[float] = []
    for index in range(10):
        angle = math.radians(90 + 36 * index)
        r = radius if index % 2 == 0 else radius * _STAR_INNER
        points.extend((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def eu_emblem(height: float) -> Drawing:
    """The emblem ``height`` points high (and 1.5 × as wide)."""
    width = height * 1.5
    drawing = new_drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=EU_BLUE, strokeColor=None))
    cx, cy = width / 2, height / 2
    circle = height / 3
    star = height / 18
    for hour in range(12):
        angle = math.radians(90 - 30 * hour)
        x = cx + circle * math.cos(angle)
        y = cy + circle * math.sin(angle)
        drawing.add(Polygon(star_points(x, y, star), fillColor=EU_YELLOW, strokeColor=None))
    return drawing
