"""A report's PDF: A4 landscape, a title with its scope and dates on every page, headline
figures, tables paged with their header repeated, charts, numbered pages.

fpdf2 writes the PDF in Python (no browser, no system library); the DejaVu fonts that ship
with matplotlib cover every Latin, Greek and Cyrillic name. Text is written as it is (no
markdown, no HTML), with control characters removed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import matplotlib
import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from dashboard.display import printable
from dashboard.reports.figures import png

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
MARGIN = 12  # mm
INK, MUTED, RULE = (17, 24, 39), (100, 110, 120), (210, 214, 220)


class Report(FPDF):
    """A landscape A4 report whose every page names what it is of."""

    def __init__(self, title: str, scope: str, as_of: str, made_at: datetime) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.title_text, self.scope, self.as_of = printable(title), printable(scope), as_of
        self.made = f"{made_at:%d %b %Y %H:%M} UTC"
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, MARGIN + 8, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_title(self.title_text)
        self.set_creator("SSI dashboard")
        self.add_page()

    # -- on every page ---------------------------------------------------------------------
    def header(self) -> None:
        self.set_y(MARGIN - 4)
        self.set_font("DejaVu", "B", 11)
        self.set_text_color(*INK)
        self.cell(0, 6, self.title_text, new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.scope} · as of {self.as_of}", align="R",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y() + 1, self.w - MARGIN, self.get_y() + 1)
        self.set_y(MARGIN + 8)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Made {self.made}", new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    # -- blocks ------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.w - 2 * MARGIN

    def heading(self, words: str, room: float = 30) -> None:
        """A section title, moved to a new page when fewer than ``room`` mm follow it."""
        if self.get_y() + room > self.h - self.b_margin:
            self.add_page()
        self.ln(3)
        self.set_font("DejaVu", "B", 12)
        self.cell(0, 7, printable(words), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 9)

    def paragraph(self, words: str, size: float = 9, muted: bool = False) -> None:
        self.set_font("DejaVu", "", size)
        self.set_text_color(*(MUTED if muted else INK))
        self.multi_cell(0, size * 0.5, printable(words), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1)

    def bullets(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.set_font("DejaVu", "", 9)
            self.cell(5, 4.5, "•")
            self.multi_cell(0, 4.5, printable(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def figures(self, cards: Sequence[tuple[str, str, str]]) -> None:
        """Headline figures side by side: (label, value, note under it)."""
        if not cards:
            return
        width = self.width / len(cards)
        top = self.get_y()
        for i, (label, value, note) in enumerate(cards):
            x = MARGIN + i * width
            self.set_xy(x, top)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*MUTED)
            self.cell(width - 2, 4, printable(label))
            self.set_xy(x, top + 4.5)
            self.set_font("DejaVu", "B", 16)
            self.set_text_color(*INK)
            self.cell(width - 2, 8, printable(value))
            if note:
                self.set_xy(x, top + 13)
                self.set_font("DejaVu", "", 7)
                self.set_text_color(*MUTED)
                self.multi_cell(width - 2, 3.2, printable(note))
        self.set_text_color(*INK)
        self.set_xy(MARGIN, top + 21)

    def grid(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None, numeric: Sequence[bool] | None = None,
        size: float = 7.5,
    ) -> None:  # fmt: skip
        """Every row, paged, the header repeated on each page; numbers right-aligned; a cell
        too long for its column cut with an ellipsis (its header wraps instead).

        One line a row, drawn cell by cell: fpdf2's own table wraps every cell and took 16 s
        for a 2,000-rep leaderboard (bench/test_reports_scale.py)."""
        given = list(widths) if widths else [1.0] * len(headers)
        scale = self.width / sum(given)
        columns = [w * scale for w in given]
        aligns = ["R" if n else "L" for n in (numeric or [False] * len(headers))]
        height = size * 0.5
        self.c_margin = 1  # mm inside each cell, left and right
        self._grid_header(headers, columns, size)
        self.set_font("DejaVu", "", size)
        self.set_draw_color(*RULE)
        bottom = self.h - self.b_margin
        for row in rows:
            if self.get_y() + height > bottom:
                self.add_page()
                self._grid_header(headers, columns, size)
                self.set_font("DejaVu", "", size)
                self.set_draw_color(*RULE)
            for text, width, align in zip(row, columns, aligns, strict=True):
                self.cell(width, height, self._fitted(printable(str(text)), width - 2),
                          align=align)  # fmt: skip
            self.ln(height)
            self.line(MARGIN, self.get_y(), MARGIN + self.width, self.get_y())
        self.ln(2)

    def _grid_header(self, headers: Sequence[str], columns: list[float], size: float) -> None:
        size -= 1  # a header a size smaller: "Relationships" fits its column whole
        self.set_font("DejaVu", "B", size)
        self.set_fill_color(243, 244, 246)
        lines = max(self._lines(h, w, size) for h, w in zip(headers, columns, strict=True))
        height = lines * size * 0.5 + 1
        if self.get_y() + height + size > self.h - self.b_margin:
            self.add_page()
        top, x = self.get_y(), float(MARGIN)
        self.rect(MARGIN, top, self.width, height, style="F")
        for h, w in zip(headers, columns, strict=True):
            self.set_xy(x, top + 0.5)
            self.multi_cell(w, size * 0.5, printable(h))  # inside the cell margin, as rows
            x += w
        self.set_xy(MARGIN, top + height)

    def _lines(self, text: str, width: float, size: float) -> int:
        """How many lines ``text`` takes in a column ``width`` mm wide."""
        found = self.multi_cell(width, size * 0.5, printable(text), dry_run=True, output="LINES")
        return len(found) if isinstance(found, list) else 1

    def _fitted(self, text: str, width: float) -> str:
        """``text`` cut to ``width`` mm with an ellipsis; measured only when it may not fit
        (a digit or letter is at most about 0.62 em wide in DejaVu Sans)."""
        if len(text) * self.font_size * 0.62 <= width:
            return text
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def charts_side_by_side(self, figs: Sequence[go.Figure], columns: int | None = None) -> None:
        """Charts in a row across the page (``columns`` wide: a lone chart keeps the width of
        its neighbours), the row as tall as the tallest; on a new page when it does not fit."""
        if not figs:
            return
        gap = 4
        columns = max(columns or len(figs), len(figs))
        width = (self.width - gap * (columns - 1)) / columns
        images = [png(f, width_in=width / 25.4) for f in figs]
        heights = [width * _aspect(image) for image in images]
        if self.get_y() + max(heights) > self.h - self.b_margin:
            self.add_page()
        top = self.get_y()
        for i, image in enumerate(images):
            self.image(io.BytesIO(image), x=MARGIN + i * (width + gap), y=top, w=width)
        self.set_y(top + max(heights) + 2)

    def finished(self) -> bytes:
        return bytes(self.output())


def _aspect(image: bytes) -> float:
    """A PNG's height over its width."""
    with Image.open(io.BytesIO(image)) as found:
        return found.height / found.width
