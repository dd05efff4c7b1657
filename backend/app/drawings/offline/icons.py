"""Flat, simple icons for the story infographic, drawn with Pillow primitives.

Each icon fills a box of half-size `r` around a centre, in one ink colour; `bg` is the colour of
the disc the icon sits on, used for cut-outs (a door in a house, the hands of a clock).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import ImageDraw

RGB = tuple[int, int, int]
Icon = Callable[["_Pen"], None]


class _Pen:
    """Draws in the icon's own unit square: x and y run from -1 to 1 around the centre."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, centre: tuple[float, float], r: float, ink: RGB, bg: RGB
    ) -> None:
        self.draw, self.cx, self.cy, self.r, self.ink, self.bg = draw, *centre, r, ink, bg
        self.width = max(2, round(r * 0.14))

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (self.cx + x * self.r, self.cy + y * self.r)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (*self.p(x0, y0), *self.p(x1, y1))

    def disc(self, x: float, y: float, radius: float, colour: RGB | None = None) -> None:
        self.draw.ellipse(
            self.box(x - radius, y - radius, x + radius, y + radius), colour or self.ink
        )

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour: RGB | None = None) -> None:
        self.draw.rectangle(self.box(x0, y0, x1, y1), fill=colour or self.ink)

    def rounded(
        self, x0: float, y0: float, x1: float, y1: float, radius: float, colour: RGB | None = None
    ) -> None:
        self.draw.rounded_rectangle(
            self.box(x0, y0, x1, y1), radius=radius * self.r, fill=colour or self.ink
        )

    def poly(self, points: list[tuple[float, float]], colour: RGB | None = None) -> None:
        self.draw.polygon([self.p(x, y) for x, y in points], fill=colour or self.ink)

    def line(
        self, points: list[tuple[float, float]], colour: RGB | None = None, scale: float = 1.0
    ) -> None:
        self.draw.line(
            [self.p(x, y) for x, y in points],
            fill=colour or self.ink,
            width=max(1, round(self.width * scale)),
            joint="curve",
        )

    def arc(
        self, box: tuple[float, float, float, float], start: float, end: float, scale: float = 1.0
    ) -> None:
        self.draw.arc(
            self.box(*box), start, end, fill=self.ink, width=max(1, round(self.width * scale))
        )


def _briefcase(pen: _Pen) -> None:
    pen.rounded(-0.38, -0.8, 0.38, -0.3, 0.12)
    pen.rounded(-0.22, -0.65, 0.22, -0.3, 0.05, pen.bg)
    pen.rounded(-0.92, -0.45, 0.92, 0.75, 0.16)
    pen.line([(-0.92, 0.05), (0.92, 0.05)], pen.bg)
    pen.rect(-0.12, -0.05, 0.12, 0.15, pen.bg)


def _microphone(pen: _Pen) -> None:
    pen.rounded(-0.3, -0.95, 0.3, 0.25, 0.3)
    pen.arc((-0.55, -0.45, 0.55, 0.45), 0, 180)
    pen.line([(0, 0.45), (0, 0.78)])
    pen.line([(-0.35, 0.8), (0.35, 0.8)])


def _heart_shape(pen: _Pen) -> None:
    pen.disc(-0.42, -0.3, 0.45)
    pen.disc(0.42, -0.3, 0.45)
    pen.poly([(-0.86, -0.16), (0.86, -0.16), (0, 0.85)])


def _heart(pen: _Pen) -> None:
    _heart_shape(pen)


def _broken_heart(pen: _Pen) -> None:
    _heart_shape(pen)
    pen.line([(0.02, -0.5), (-0.16, -0.08), (0.14, 0.2), (-0.04, 0.7)], pen.bg, 0.9)


def _house(pen: _Pen) -> None:
    pen.poly([(-1.0, -0.05), (0, -0.92), (1.0, -0.05)])
    pen.rect(-0.7, -0.15, 0.7, 0.85)
    pen.rect(-0.18, 0.3, 0.18, 0.85, pen.bg)


def _person(pen: _Pen, x: float, scale: float) -> None:
    pen.disc(x, -0.48 * scale, 0.3 * scale)
    pen.rounded(x - 0.55 * scale, 0.0, x + 0.55 * scale, 0.85, 0.4 * scale)


def _person_alone(pen: _Pen) -> None:
    _person(pen, 0.0, 1.0)


def _people(pen: _Pen) -> None:
    _person(pen, -0.45, 0.75)
    _person(pen, 0.45, 0.75)


def _coins(pen: _Pen) -> None:
    # A short stack beside one coin seen face-on: a stack alone reads as a database.
    for i in range(3):
        y = 0.72 - 0.3 * i
        pen.rounded(-0.98 + 0.06 * (i % 2), y - 0.13, -0.12 + 0.06 * (i % 2), y + 0.13, 0.13)
    pen.disc(0.42, -0.08, 0.56)
    pen.draw.ellipse(
        pen.box(0.42 - 0.36, -0.08 - 0.36, 0.42 + 0.36, -0.08 + 0.36),
        outline=pen.bg,
        width=max(1, round(pen.width * 0.7)),
    )


def _medical_cross(pen: _Pen) -> None:
    pen.rounded(-0.3, -0.88, 0.3, 0.88, 0.1)
    pen.rounded(-0.88, -0.3, 0.88, 0.3, 0.1)


def _book(pen: _Pen) -> None:
    pen.poly([(-0.95, -0.6), (-0.06, -0.42), (-0.06, 0.82), (-0.95, 0.64)])
    pen.poly([(0.95, -0.6), (0.06, -0.42), (0.06, 0.82), (0.95, 0.64)])
    for y in (-0.2, 0.1, 0.4):
        pen.line([(-0.75, y - 0.1), (-0.25, y)], pen.bg, 0.6)
        pen.line([(0.75, y - 0.1), (0.25, y)], pen.bg, 0.6)


def _leaf(pen: _Pen) -> None:
    outline = []
    for i in range(21):
        t = i / 20
        bulge = 0.42 * math.sin(math.pi * t)
        outline.append((-0.7 + 1.4 * t - bulge, 0.7 - 1.4 * t - bulge))
    for i in range(20, -1, -1):
        t = i / 20
        bulge = 0.42 * math.sin(math.pi * t)
        outline.append((-0.7 + 1.4 * t + bulge, 0.7 - 1.4 * t + bulge))
    pen.poly(outline)
    pen.line([(-0.55, 0.55), (0.5, -0.5)], pen.bg, 0.6)
    pen.line([(-0.7, 0.7), (-0.95, 0.95)])


def _mirror(pen: _Pen) -> None:
    pen.draw.ellipse(pen.box(-0.55, -0.95, 0.55, 0.5), fill=pen.ink)
    pen.draw.ellipse(pen.box(-0.38, -0.78, 0.38, 0.33), fill=pen.bg)
    pen.line([(-0.15, -0.5), (0.1, -0.1)], scale=0.7)
    pen.line([(0, 0.5), (0, 0.82)])
    pen.line([(-0.4, 0.85), (0.4, 0.85)])


def _cloud(pen: _Pen) -> None:
    pen.disc(-0.45, 0.12, 0.38)
    pen.disc(0.05, -0.18, 0.5)
    pen.disc(0.52, 0.16, 0.34)
    pen.rounded(-0.83, 0.1, 0.86, 0.5, 0.2)


def _stack(pen: _Pen) -> None:
    for i in range(3):
        dx, dy = 0.18 * (1 - i), -0.22 * (1 - i)
        pen.draw.rounded_rectangle(
            pen.box(-0.7 + dx, -0.55 + dy, 0.55 + dx, 0.75 + dy),
            radius=0.1 * pen.r,
            fill=pen.ink,
            outline=pen.bg,
            width=pen.width,
        )
    for y in (-0.1, 0.15, 0.4):
        pen.line([(-0.45, y), (0.3, y)], pen.bg, 0.6)


def _arrow_down(pen: _Pen) -> None:
    pen.rect(-0.2, -0.9, 0.2, 0.15)
    pen.poly([(-0.7, 0.05), (0.7, 0.05), (0, 0.9)])


def _clock(pen: _Pen) -> None:
    pen.disc(0, 0, 0.9)
    pen.line([(0, 0), (0, -0.58)], pen.bg)
    pen.line([(0, 0), (0.42, 0.18)], pen.bg)


def _eye(pen: _Pen) -> None:
    upper = [(-1 + 2 * i / 20, -0.58 * math.sin(math.pi * i / 20)) for i in range(21)]
    lower = [(1 - 2 * i / 20, 0.58 * math.sin(math.pi * i / 20)) for i in range(21)]
    pen.poly(upper + lower)
    pen.disc(0, 0, 0.36, pen.bg)
    pen.disc(0, 0, 0.17)


def _battery(pen: _Pen) -> None:
    pen.draw.rounded_rectangle(
        pen.box(-0.88, -0.45, 0.7, 0.45), radius=0.12 * pen.r, outline=pen.ink, width=pen.width
    )
    pen.rect(0.72, -0.18, 0.92, 0.18)
    pen.rect(-0.7, -0.27, -0.38, 0.27)


def _target(pen: _Pen) -> None:
    pen.disc(0, 0, 0.92)
    pen.disc(0, 0, 0.66, pen.bg)
    pen.disc(0, 0, 0.42)
    pen.disc(0, 0, 0.18, pen.bg)


def _pulse(pen: _Pen) -> None:
    points = [
        (-1, 0.1),
        (-0.45, 0.1),
        (-0.25, -0.65),
        (0, 0.72),
        (0.2, -0.2),
        (0.35, 0.1),
        (1, 0.1),
    ]
    pen.line(points, scale=1.2)


def _spotlight(pen: _Pen) -> None:
    # The beam is a pale blend of ink and disc, so it reads as light rather than as an object.
    ink, bg = pen.ink, pen.bg
    beam = ((ink[0] + 2 * bg[0]) // 3, (ink[1] + 2 * bg[1]) // 3, (ink[2] + 2 * bg[2]) // 3)
    pen.poly([(-0.16, -0.55), (0.16, -0.55), (0.78, 0.7), (-0.78, 0.7)], beam)
    pen.draw.ellipse(pen.box(-0.8, 0.55, 0.8, 0.9), fill=pen.ink)
    pen.rounded(-0.28, -0.95, 0.28, -0.5, 0.1)


def _chart(pen: _Pen) -> None:
    pen.rect(-0.8, 0.2, -0.4, 0.82)
    pen.rect(-0.2, -0.22, 0.2, 0.82)
    pen.rect(0.4, -0.72, 0.8, 0.82)
    pen.line([(-0.95, 0.88), (0.95, 0.88)], scale=0.8)


def _scale(pen: _Pen) -> None:
    pen.line([(0, -0.8), (0, 0.75)])
    pen.line([(-0.8, -0.55), (0.8, -0.55)])
    pen.rounded(-0.45, 0.72, 0.45, 0.9, 0.08)
    for x in (-0.62, 0.62):
        pen.line([(x, -0.55), (x - 0.3, 0.05)], scale=0.5)
        pen.line([(x, -0.55), (x + 0.3, 0.05)], scale=0.5)
        pen.draw.pieslice(pen.box(x - 0.36, -0.22, x + 0.36, 0.32), 0, 180, fill=pen.ink)


def _shield(pen: _Pen) -> None:
    pen.poly([(0, -0.92), (0.78, -0.62), (0.7, 0.12), (0, 0.92), (-0.7, 0.12), (-0.78, -0.62)])
    pen.line([(-0.32, 0.0), (-0.08, 0.25), (0.35, -0.25)], pen.bg, 0.9)


def _loop(pen: _Pen) -> None:
    radius = 0.7
    for start, end in ((200, 330), (20, 150)):
        pen.arc((-radius, -radius, radius, radius), start, end, 1.1)
        angle = math.radians(end)
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        tangent = (-math.sin(angle), math.cos(angle))
        normal = (math.cos(angle), math.sin(angle))
        pen.poly(
            [
                (x + 0.32 * tangent[0], y + 0.32 * tangent[1]),
                (x + 0.26 * normal[0], y + 0.26 * normal[1]),
                (x - 0.26 * normal[0], y - 0.26 * normal[1]),
            ]
        )


def _door(pen: _Pen) -> None:
    pen.rect(-0.5, -0.88, 0.5, 0.85)
    pen.disc(0.28, 0.05, 0.09, pen.bg)
    pen.line([(-0.85, 0.88), (0.85, 0.88)], scale=0.8)


def _moon(pen: _Pen) -> None:
    pen.disc(0, 0, 0.82)
    pen.disc(0.38, -0.28, 0.7, pen.bg)


def _phone(pen: _Pen) -> None:
    pen.rounded(-0.5, -0.95, 0.5, 0.95, 0.2)
    pen.rect(-0.37, -0.74, 0.37, 0.58, pen.bg)
    pen.disc(0, 0.77, 0.08, pen.bg)


def _question(pen: _Pen) -> None:
    # One polyline (hook, then stem), so the joint between them has no gap.
    hook = [
        (0.4 * math.cos(math.radians(a)), -0.5 + 0.4 * math.sin(math.radians(a)))
        for a in range(180, 406, 15)
    ]
    pen.line([*hook, (0.0, 0.1), (0.0, 0.35)], scale=1.4)
    pen.disc(0, 0.72, 0.14)


def _speech_bubble(pen: _Pen) -> None:
    pen.rounded(-0.92, -0.75, 0.92, 0.45, 0.35)
    pen.poly([(-0.5, 0.3), (-0.05, 0.3), (-0.62, 0.92)])
    for x in (-0.42, 0, 0.42):
        pen.disc(x, -0.15, 0.11, pen.bg)


def _weight(pen: _Pen) -> None:
    pen.draw.ellipse(
        pen.box(-0.34, -0.9, 0.34, -0.3), outline=pen.ink, width=round(pen.width * 1.3)
    )
    pen.poly([(-0.6, -0.4), (0.6, -0.4), (0.88, 0.85), (-0.88, 0.85)])


ICONS: dict[str, Icon] = {
    "arrow_down": _arrow_down,
    "battery": _battery,
    "book": _book,
    "briefcase": _briefcase,
    "broken_heart": _broken_heart,
    "chart": _chart,
    "clock": _clock,
    "cloud": _cloud,
    "coins": _coins,
    "door": _door,
    "eye": _eye,
    "heart": _heart,
    "house": _house,
    "leaf": _leaf,
    "loop": _loop,
    "medical_cross": _medical_cross,
    "microphone": _microphone,
    "mirror": _mirror,
    "moon": _moon,
    "people": _people,
    "person_alone": _person_alone,
    "phone": _phone,
    "pulse": _pulse,
    "question": _question,
    "scale": _scale,
    "shield": _shield,
    "speech_bubble": _speech_bubble,
    "spotlight": _spotlight,
    "stack": _stack,
    "target": _target,
    "weight": _weight,
}
FALLBACK_ICON = "cloud"


def draw_icon(
    draw: ImageDraw.ImageDraw, name: str, centre: tuple[float, float], r: float, ink: RGB, bg: RGB
) -> None:
    """Draw icon `name` (the fallback icon if unknown) in a box of half-size `r`."""
    ICONS.get(name, ICONS[FALLBACK_ICON])(_Pen(draw, centre, r, ink, bg))
