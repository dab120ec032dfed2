"""The PRISMA 2020 flow diagram (SVG, PNG at 1x and 2x, PDF) drawn from a litreview flow.

Layout follows the PRISMA 2020 template for new reviews and updates: blue phase bars on the left
(Identification, Screening, Included), the databases-and-registers column with its exclusion boxes
to the right, the other-methods column when a source used it, and previous-studies / total boxes
for updates. Box heights come from their text, rows are placed top-down by the tallest box, so
boxes never overlap. Outputs are deterministic (no timestamps, fixed SVG ids).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

LINE = 0.30  # height of one text line, in diagram units (1 unit = 1 inch at 1x)
PAD = 0.18
WIDTH = 3.6
GAP_X, GAP_Y = 0.55, 0.45
BLUE, YELLOW, GREY = "#a6c8e6", "#ffc000", "#d9d9d9"
WRAP = 46


@dataclass
class Box:
    key: str
    lines: list[str]
    col: int
    row: int
    fill: str = "white"
    bold_first: bool = False
    x: float = 0.0
    y: float = 0.0  # top edge
    h: float = 0.0


def _n(value: Any) -> str:
    return f"(n = {value})"


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WRAP, initial_indent=indent, subsequent_indent=indent + "  ") or [text]


def diagram_boxes(flow: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> list[Box]:
    """The boxes of the diagram with their text, before layout."""
    labels = labels or {}
    ident = flow["identification"]
    dbr, other = flow["databases_and_registers"], flow["other_methods"]
    show_other = bool(ident.get("other", {}).get("total"))
    show_previous = bool(flow["previous"]["studies"] or flow["previous"]["reports"])
    c_dbr, c_dbr_x = (1, 2) if not show_previous else (2, 3)
    c_other = c_dbr_x + 1
    boxes: list[Box] = []
    add = boxes.append

    add(Box("newstud", ["Identification of new studies via databases and registers"], c_dbr, 0, YELLOW, True))
    identified = ["Records identified from:"]
    for group, title in (("databases", "Databases"), ("registers", "Registers")):
        identified.append(f"  {title} {_n(ident[group]['total'])}")
        for source, n in ident[group]["by_source"].items():
            identified.extend(_wrap(f"{labels.get(source, source)} {_n(n)}", "    "))
    add(Box("box2", identified, c_dbr, 1))
    removed = ["Records removed before screening:"]
    other_dups = flow["duplicates_removed"].get("by_group", {}).get("other", 0)
    removed += _wrap(
        f"Duplicate records removed {_n(flow['duplicates_removed']['total'] - other_dups)}", "  "
    )
    removed += _wrap(
        f"Records marked as ineligible by automation tools {_n(dbr['removed_before_screening']['automation'])}",
        "  ",
    )
    removed += _wrap(
        f"Records removed for other reasons {_n(dbr['removed_before_screening'].get('other', 0))}", "  "
    )
    add(Box("box3", removed, c_dbr_x, 1))
    screened = [f"Records screened {_n(dbr['records_screened'])}"]
    if dbr["records_awaiting_screening"]:
        screened += _wrap(f"Awaiting a screening decision {_n(dbr['records_awaiting_screening'])}", "  ")
    add(Box("box4", screened, c_dbr, 2))
    excluded = [f"Records excluded {_n(dbr['records_excluded'])}"]
    for reason, n in dbr["records_excluded_by_reason"].items():
        excluded += _wrap(f"{reason} {_n(n)}", "  ")
    add(Box("box5", excluded, c_dbr_x, 2))
    boxes += _report_boxes(dbr, ("box6", "box7", "box8", "box9"), c_dbr, c_dbr_x)
    new = "New studies" if show_previous else "Studies"
    reports = "Reports of new included studies" if show_previous else "Reports of included studies"
    add(Box("box10", [f"{new} included in review {_n(flow['new_studies'])}",
                      f"{reports} {_n(flow.get('new_reports', flow['new_studies']))}"], c_dbr, 5))  # fmt: skip
    if show_other:
        add(Box("othstud", ["Identification of new studies via other methods"], c_other, 0, GREY, True))
        lines = ["Records identified from:"]
        for source, n in ident["other"]["by_source"].items():
            lines += _wrap(f"{labels.get(source, source)} {_n(n)}", "  ")
        if other_dups:
            lines += _wrap(f"Duplicates of records above removed {_n(other_dups)}", "  ")
        add(Box("box11", lines, c_other, 1))
        boxes += _report_boxes(other, ("box12", "box13", "box14", "box15"), c_other, c_other + 1)
    if show_previous:
        add(Box("prevstud", ["Previous studies"], 1, 0, GREY, True))
        add(Box("box1", [f"Studies included in previous version of review {_n(flow['previous']['studies'])}",
                         f"Reports of studies included in previous version of review {_n(flow['previous']['reports'])}"],
                1, 1))  # fmt: skip
        add(Box("box16", [f"Total studies included in review {_n(flow['total_studies'])}",
                          f"Reports of total included studies {_n(flow['total_reports'])}"], c_dbr, 6))  # fmt: skip
    for box in boxes:
        box.lines = [
            seg for line in box.lines for seg in (_wrap(line) if not line.startswith(" ") else [line])
        ]
    return boxes


def _report_boxes(path: Mapping[str, Any], keys: tuple[str, str, str, str], col: int, side: int) -> list[Box]:
    """Sought → not retrieved, assessed → excluded (with reasons): the same four boxes in both columns."""
    sought, not_retrieved, assessed_key, excluded_key = keys
    assessed = [f"Reports assessed for eligibility {_n(path['reports_assessed'])}"]
    if path["reports_awaiting_assessment"]:
        assessed += _wrap(f"Awaiting full-text assessment {_n(path['reports_awaiting_assessment'])}", "  ")
    by_reason = path["reports_excluded_by_reason"]
    excluded = [
        "Reports excluded:" if by_reason else f"Reports excluded {_n(path.get('reports_excluded', 0))}"
    ]
    for reason, n in path["reports_excluded_by_reason"].items():
        excluded += _wrap(f"{reason} {_n(n)}", "  ")
    return [
        Box(sought, [f"Reports sought for retrieval {_n(path['reports_sought'])}"], col, 3),
        Box(not_retrieved, [f"Reports not retrieved {_n(path['reports_not_retrieved'])}"], side, 3),
        Box(assessed_key, assessed, col, 4),
        Box(excluded_key, excluded, side, 4),
    ]


def layout(boxes: list[Box]) -> tuple[float, float, dict[int, tuple[float, float]]]:
    """Place boxes: columns side by side, each row as tall as its tallest box. Returns the figure
    size and each row's (top, height)."""
    for box in boxes:
        box.h = len(box.lines) * LINE + 2 * PAD
    rows: dict[int, tuple[float, float]] = {}
    top = 0.3
    for row in sorted({b.row for b in boxes}):
        height = max(b.h for b in boxes if b.row == row)
        rows[row] = (top, height)
        top += height + GAP_Y
    for box in boxes:
        row_top, _ = rows[box.row]
        box.x = 0.75 + (box.col - 1) * (WIDTH + GAP_X)
        box.y = row_top
    width = 0.75 + max(b.col for b in boxes) * (WIDTH + GAP_X)
    return width, top, rows


def draw(flow: Mapping[str, Any], labels: Mapping[str, str] | None = None):
    """A matplotlib figure of the diagram."""
    boxes = diagram_boxes(flow, labels)
    width, height, rows = layout(boxes)
    fig = Figure(figsize=(width, height))  # no pyplot: no backend switch, no global figure list
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, like the template is read
    ax.axis("off")
    by_key = {b.key: b for b in boxes}
    for box in boxes:
        ax.add_patch(FancyBboxPatch((box.x, box.y), WIDTH, box.h, boxstyle="round,pad=0,rounding_size=0.06",
                                    facecolor=box.fill, edgecolor="black", linewidth=1.0))  # fmt: skip
        for i, line in enumerate(box.lines):
            title = box.bold_first  # the coloured title boxes: centred, bold
            ax.text(box.x + (WIDTH / 2 if title else 0.12), box.y + PAD + (i + 0.72) * LINE, line.strip() if title else line,
                    fontsize=9.5, va="baseline", ha="center" if title else "left",
                    fontweight="bold" if title else "normal")  # fmt: skip
    # Phase bars: Identification (rows 1), Screening (rows 2-4), Included (row 5+).
    phases = (("Identification", 1, 1), ("Screening", 2, 4), ("Included", 5, max(rows)))
    for label, first, last in phases:
        if first not in rows:
            continue
        top = rows[first][0]
        bottom = rows[last][0] + rows[last][1]
        ax.add_patch(FancyBboxPatch((0.12, top), 0.42, bottom - top, boxstyle="round,pad=0,rounding_size=0.06",
                                    facecolor=BLUE, edgecolor="black", linewidth=1.0))  # fmt: skip
        ax.text(0.33, (top + bottom) / 2, label, rotation=90, ha="center", va="center", fontsize=10.5,
                fontweight="bold")  # fmt: skip
    for a, b in _arrows(by_key):
        _arrow(ax, by_key[a], by_key[b])
    return fig


def _arrows(by_key: Mapping[str, Box]) -> list[tuple[str, str]]:
    pairs = [("box2", "box3"), ("box2", "box4"), ("box4", "box5"), ("box4", "box6"), ("box6", "box7"),
             ("box6", "box8"), ("box8", "box9"), ("box8", "box10"), ("box11", "box12"), ("box12", "box13"),
             ("box12", "box14"), ("box14", "box15"), ("box14", "box10"), ("box10", "box16"), ("box1", "box16")]  # fmt: skip
    return [(a, b) for a, b in pairs if a in by_key and b in by_key]


def _arrow(ax, a: Box, b: Box) -> None:
    if a.row == b.row:  # sideways, from the right edge to the left edge, at mid-height of the shorter box
        y = a.y + min(a.h, b.h) / 2
        start, end = (a.x + WIDTH, y), (b.x, y)
    elif a.col == b.col:  # straight down
        start, end = (a.x + WIDTH / 2, a.y + a.h), (b.x + WIDTH / 2, b.y)
    else:  # down then across to the box (other methods and previous studies join the totals)
        start, end = (a.x + WIDTH / 2, a.y + a.h), (b.x + (WIDTH if b.x < a.x else 0), b.y + b.h / 2)
        ax.plot([start[0], start[0]], [start[1], end[1]], color="black", linewidth=1.0)
        start = (start[0], end[1])
    ax.annotate(
        "", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.0}
    )


def write_diagram(folder: Path, flow: Mapping[str, Any], labels: Mapping[str, str] | None = None,
                  stem: str = "prisma") -> dict[str, Path]:  # fmt: skip
    """prisma.svg, prisma.pdf, prisma.png (1x) and prisma@2x.png, written atomically."""
    with _settings():
        return _save(draw(flow, labels), folder, stem)


def diagram_svg(flow: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> bytes:
    """The diagram as SVG, in memory (the workbench's live dashboard)."""
    import io

    with _settings():
        buffer = io.BytesIO()
        draw(flow, labels).savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    return buffer.getvalue()


def _settings():
    # Journals edit and typeset these files: SVG text stays text, the PDF embeds TrueType (Type 42) fonts.
    # svg.hashsalt keeps the SVG's ids fixed run to run; rc_context leaves matplotlib's global state alone
    return matplotlib.rc_context(
        {"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "litreview-prisma"}
    )


def _save(fig: Figure, folder: Path, stem: str) -> dict[str, Path]:
    import io

    from litreview.files import atomic_write_bytes

    out = {}
    for name, kwargs in (
        (f"{stem}.svg", {"format": "svg", "metadata": {"Date": None}}),
        (f"{stem}.pdf", {"format": "pdf", "metadata": {"CreationDate": None, "ModDate": None}}),
        (f"{stem}.png", {"format": "png", "dpi": 100}),
        (f"{stem}@2x.png", {"format": "png", "dpi": 200}),
    ):
        buffer = io.BytesIO()
        fig.savefig(buffer, facecolor="white", **kwargs)
        atomic_write_bytes(folder / name, buffer.getvalue())
        out[name] = folder / name
    return out
