"""Small-cell protection for published tables (小さい数の秘匿).

A table is months (rows) × the values of one dimension (columns), with its row totals, column
totals and grand total. Every cell 1–4, totals included, is primary-suppressed and shown as
``<5``; more cells are then hidden (complementary suppression, shown as ``x``) until no hidden
cell can be worked out from what is shown: subtracting along a row or column, or narrowing it
down by repeated subtraction with the known bounds (``<5`` is 1–4, ``x`` is 5 or more — cells
hidden as complements are never 0 or small, so a reader who assumes so is right).

The audit is exact (see ``disclosed``): a hidden cell that has only one possible value given
everything shown is disclosed, and the table hides one more cell on its row or column and is
audited again. Zeros are shown: a structural zero tells nothing
about a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

SMALL = "<5"
HIDDEN = "x"
THRESHOLD = 5  # cells 1..THRESHOLD-1 are small

Cell = tuple[int, int]
Node = tuple[str, int]  # ("r", row) or ("c", column)


@dataclass
class Grid:
    """Counts with margins: ``values[i][j]`` for i < rows, j < cols; row ``rows`` holds the column
    totals, column ``cols`` the row totals, ``values[rows][cols]`` the grand total."""

    values: list[list[int]]
    small: set[Cell] = field(default_factory=set)
    hidden: set[Cell] = field(default_factory=set)  # complementary
    zeros: set[Cell] = field(default_factory=set)  # zeros shown as <5 (see ``_partner``)

    @property
    def rows(self) -> int:
        return len(self.values) - 1

    @property
    def cols(self) -> int:
        return len(self.values[0]) - 1

    def shown(self, cell: Cell) -> str:
        if cell in self.small or cell in self.zeros:
            return SMALL
        if cell in self.hidden:
            return HIDDEN
        return str(self.values[cell[0]][cell[1]])

    def suppressed(self) -> set[Cell]:
        return self.small | self.hidden | self.zeros

    def lines(self) -> list[tuple[list[Cell], Cell]]:
        """Every published equation: the cells of a row or column and the total they add up to."""
        out: list[tuple[list[Cell], Cell]] = []
        for i in range(self.rows + 1):
            out.append(([(i, j) for j in range(self.cols)], (i, self.cols)))
        for j in range(self.cols + 1):
            out.append(([(i, j) for i in range(self.rows)], (self.rows, j)))
        return out


def with_margins(counts: list[list[int]], columns: int = 0) -> list[list[int]]:
    """The counts with a total column and a total row appended (``columns``: how many columns
    a table with no rows yet has — an agency with no consultation still gets its empty table)."""
    rows = [[*row, sum(row)] for row in counts]
    width = len(rows[0]) if rows else columns + 1
    totals = [sum(row[j] for row in rows) for j in range(width)]
    return [*rows, totals]


def _bounds(grid: Grid, cell: Cell) -> tuple[int, int | None]:
    """What a reader knows of a hidden cell. The audit is stricter than the legend (``<5`` is
    0–4): a reader is credited with knowing which ``<5`` cells are not zero."""
    if cell in grid.zeros:
        return 0, THRESHOLD - 1
    return (1, THRESHOLD - 1) if cell in grid.small else (THRESHOLD, None)


def _sign(grid: Grid, cell: Cell) -> int:
    """With the margins' signs flipped, every row and column of the grid adds up to zero."""
    return -1 if (cell[0] == grid.rows) != (cell[1] == grid.cols) else 1


def _can_move(grid: Grid, cell: Cell, step: int) -> bool:
    """Whether the signed value of ``cell`` can move by ``step`` staying within what is shown."""
    lo, hi = _bounds(grid, cell)
    moved = grid.values[cell[0]][cell[1]] + step * _sign(grid, cell)
    return moved >= lo and (hi is None or moved <= hi)


def disclosed(grid: Grid, first_only: bool = False) -> list[Cell]:
    """Hidden cells a reader can work out exactly from everything shown (an exact audit).

    The published equations are a network: rows and columns are nodes, hidden cells the edges
    between them. Another table agreeing with everything shown differs from the true one by
    alternating +1 / −1 steps around a cycle of hidden cells (the constraint matrix is totally
    unimodular, so integer and real answers agree). A hidden cell can take another value
    exactly when some cycle through it can move by one within its bounds."""
    hidden = grid.suppressed()
    up = {cell for cell in hidden if _can_move(grid, cell, +1)}
    down = {cell for cell in hidden if _can_move(grid, cell, -1)}
    arcs: dict[Node, list[tuple[Node, Cell]]] = {}
    for cell in up:
        arcs.setdefault(("r", cell[0]), []).append((("c", cell[1]), cell))
    for cell in down:
        arcs.setdefault(("c", cell[1]), []).append((("r", cell[0]), cell))
    out = []
    for cell in sorted(hidden):
        r, c = ("r", cell[0]), ("c", cell[1])
        if cell in up and _path(arcs, cell, c, r):
            continue
        if cell in down and _path(arcs, cell, r, c):
            continue
        out.append(cell)
        if first_only:
            break
    return out


def _path(
    arcs: dict[Node, list[tuple[Node, Cell]]], without: Cell, start: Node, goal: Node
) -> bool:
    """A directed path start → goal not through ``without``: row→column along a cell that may go
    up by one (signed), column→row along a cell that may go down by one."""
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for nxt, cell in arcs.get(node, []):
            if cell != without and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def protect(counts: list[list[int]], row_totals: Iterable[int] = (), columns: int = 0) -> Grid:
    """Suppress the small cells of ``counts`` (with margins) and enough others to protect them.

    The totals of the rows in ``row_totals`` are hidden whatever their value (a month total
    another table with the same months had to hide; the row after the last is the grand total)."""
    values = with_margins(counts, columns)
    grid = Grid(values)
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if 0 < v < THRESHOLD:
                grid.small.add((i, j))
    for i in row_totals:
        cell = (i, grid.cols)
        if cell not in grid.small and grid.values[i][grid.cols] > 0:
            grid.hidden.add(cell)
    for _ in range(len(values) * len(values[0]) + 1):
        pool = _weak_spot(grid)
        if pool is None:
            break
        partner = _partner(grid, pool)
        if partner is None:
            break
        (grid.zeros if partner[1] else grid.hidden).add(partner[0])
    return grid


def _weak_spot(grid: Grid) -> list[Cell] | None:
    """Where one more cell must be hidden: the other cells of a line with exactly one hidden
    cell (recoverable by one subtraction), else the row and column of a cell the audit finds
    disclosed; None when the table is safe."""
    suppressed = grid.suppressed()
    for members, total in grid.lines():
        line = [*members, total]
        hidden = [c for c in line if c in suppressed]
        if len(hidden) == 1:
            return [c for c in line if c != hidden[0]]
    found = disclosed(grid, first_only=True)
    if not found:
        return None
    i, j = found[0]
    return [(i, k) for k in range(grid.cols + 1) if k != j] + [
        (k, j) for k in range(grid.rows + 1) if k != i
    ]


def _partner(grid: Grid, pool: list[Cell]) -> tuple[Cell, bool] | None:
    """The cell to hide next, and whether it is a zero: the smallest shown non-zero inner cell of
    ``pool`` (so as little as possible is lost), then a margin, then anything shown. When only
    zeros are left (every cell of a line is small, e.g. 1+1+1+1 = 4 shown as <5 throughout),
    a zero is shown as <5 too, so that <5 can mean 0."""
    everything = [(a, b) for a in range(grid.rows + 1) for b in range(grid.cols + 1)]
    suppressed = grid.suppressed()
    for candidates in (pool, everything):
        shown = [c for c in candidates if c not in suppressed]
        nonzero = [c for c in shown if grid.values[c[0]][c[1]] > 0]
        inner = [c for c in nonzero if c[0] < grid.rows and c[1] < grid.cols]
        if nonzero:
            return min(inner or nonzero, key=lambda c: (grid.values[c[0]][c[1]], c)), False
        if shown:
            return shown[0], True
    return None
