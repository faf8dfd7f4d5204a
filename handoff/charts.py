"""Bar charts drawn on the server as inline SVG (no script, no CDN, no inline CSS: the console's
Content-Security-Policy stays strict). A hidden count (``<5``, ``x``) gets no bar, only its mark,
so a chart never shows more than the table beside it."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR = "#3a6ea5"
MUTED = "#888888"
LABEL_WIDTH = 240
BAR_AREA = 300
ROW = 22


def _number(shown: str) -> int | None:
    return int(shown) if shown.isdigit() else None


def horizontal(title: str, bars: list[tuple[str, str]]) -> Markup:
    """One bar per (label, shown count); the longest shown count fills the width."""
    values = [v for _, v in bars if _number(v) is not None]
    top = max((_number(v) or 0 for v in values), default=0) or 1
    height = ROW * len(bars) + 30
    width = LABEL_WIDTH + BAR_AREA + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for k, (label, shown) in enumerate(bars):
        y = 30 + k * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        number = _number(shown)
        length = 0 if number is None else round(BAR_AREA * number / top)
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW - 6}" '
                f'fill="{BAR}"/>'
            )
        colour = BAR if number is not None else MUTED
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + 14}" font-size="12" '
            f'fill="{colour}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above is escaped


def vertical(title: str, bars: list[tuple[str, str]]) -> Markup:
    """Columns left to right (months), each labelled below with its shown count above."""
    step = 44
    plot = 160
    width = max(step * len(bars) + 20, 200)
    height = plot + 70
    values = [_number(v) for _, v in bars]
    top = max((v or 0 for v in values), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    base = plot + 30
    for k, ((label, shown), number) in enumerate(zip(bars, values, strict=True)):
        x = 10 + k * step
        length = 0 if number is None else round(plot * number / top)
        if length:
            parts.append(
                f'<rect x="{x + 6}" y="{base - length}" width="{step - 12}" height="{length}" '
                f'fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{x + step // 2}" y="{base - length - 4}" font-size="11" '
            f'text-anchor="middle" fill="{BAR if number is not None else MUTED}">'
            f"{escape(shown)}</text>"
        )
        parts.append(
            f'<text x="{x + step // 2}" y="{base + 16}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above is escaped
