"""A PDF page seen the way its text reads: tables printed sideways or upside down made upright.

Landscape tables are often printed on portrait pages turned by 90° (the text runs up or down the
page). The direction of most characters (their text matrix) says how the page is turned; chars
and boxes are mapped into the reading frame, where rows run down and columns run across, and
mapped back for the crops of the review page (``turn`` says how to rotate a crop to read it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]


def _aligned(c: dict[str, Any]) -> bool:
    """Whether a char runs along an axis (a diagonal watermark such as 征求意见稿 does not)."""
    a, b = c.get("matrix", (1, 0, 0, 1, 0, 0))[:2]
    return min(abs(a), abs(b)) <= 0.05 * max(abs(a), abs(b), 1e-9)


def _direction(c: dict[str, Any]) -> int:
    """Degrees the char's baseline is turned counter-clockwise: 0, 90, 180 or 270."""
    a, b = c.get("matrix", (1, 0, 0, 1, 0, 0))[:2]
    if abs(a) >= abs(b):
        return 0 if a >= 0 else 180
    return 90 if b > 0 else 270


@dataclass
class Frame:
    """The reading frame of one page: ``turn`` degrees counter-clockwise from the page's."""

    width: float
    height: float
    turn: int = 0

    @classmethod
    def of(cls, page: Any) -> Frame:
        dirs = Counter(_direction(c) for c in page.chars if c.get("text", "").strip())
        turn = dirs.most_common(1)[0][0] if dirs else 0
        return cls(float(page.width), float(page.height), turn)

    def box(self, b: Box) -> Box:
        """A page box (x0, top, x1, bottom) in the reading frame."""
        x0, top, x1, bottom = b
        if self.turn == 90:  # text runs up the page: lines progress to the right
            return (self.height - bottom, x0, self.height - top, x1)
        if self.turn == 270:  # text runs down the page: lines progress to the left
            return (top, self.width - x1, bottom, self.width - x0)
        if self.turn == 180:
            return (self.width - x1, self.height - bottom, self.width - x0, self.height - top)
        return b

    def chars(self, chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Copies of the chars that read in this frame, moved into it; ``page_box`` keeps where
        they are. Chars turned otherwise (a diagonal watermark, a stamp) are left out."""
        out = []
        for c in chars:
            if not _aligned(c) or _direction(c) != self.turn:  # spaces too: they carry a size
                continue
            page_box = (c["x0"], c["top"], c["x1"], c["bottom"])
            x0, top, x1, bottom = self.box(page_box)
            moved = {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "page_box": page_box}
            if self.turn in (90, 270):  # pdfminer sizes a turned glyph by its width
                moved["size"] = bottom - top
            out.append({**c, **moved})
        return out
