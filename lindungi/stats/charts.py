"""Charts drawn on the server as SVG: no script, no CDN. Each is an image with a name; the
table beside it carries the same numbers for screen readers and for reading exactly."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 560, 220, 32
# Colours that keep 3:1 against white and apart from each other (Okabe–Ito).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9", "#555555"]


def _n(value):
    """A coordinate as text: format_html escapes its arguments, so numbers come formatted."""
    return f"{value:.1f}"


def _frame(label, body):
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        body,
    )


def _scale(values):
    top = max([*values, 1])
    return lambda v: HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top


def trend(label, points):
    """A line over (label, value) points, in order."""
    if not points:
        return _frame(label, "")
    y = _scale([v for _l, v in points])
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [(PAD + i * step, y(v)) for i, (_l, v) in enumerate(points)]
    line = " ".join(f"{_n(x)},{_n(yy)}" for x, yy in coords)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="{}"/>',
        ((_n(x), _n(yy), PALETTE[0]) for x, yy in coords),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
        ((_n(x), HEIGHT - 10, name) for (x, _y), (name, _v) in zip(coords, points, strict=True)),
    )
    body = format_html(
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>{}{}',
        PALETTE[0],
        line,
        dots,
        ticks,
    )
    return _frame(label, body)


def bars(label, items):
    """Bars for (label, value) items."""
    return stacked(label, [(name, [value]) for name, value in items])


def stacked(label, items):
    """Stacked bars: (label, [value per series]) items, series in PALETTE's order."""
    if not items:
        return _frame(label, "")
    y = _scale([sum(values) for _n, values in items])
    slot = (WIDTH - 2 * PAD) / len(items)
    parts = []
    for i, (name, values) in enumerate(items):
        x, base = PAD + i * slot + slot * 0.15, HEIGHT - PAD
        for j in range(len(values)):
            top = y(sum(values[: j + 1]))
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    _n(x),
                    _n(top),
                    _n(slot * 0.7),
                    _n(max(base - top, 0)),
                    PALETTE[j % len(PALETTE)],
                )
            )
            base = top
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                _n(x + slot * 0.35),
                HEIGHT - 10,
                name,
            )
        )
    return _frame(label, mark_safe("".join(parts)))  # noqa: S308 - parts are format_html
