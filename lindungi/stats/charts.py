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
    return lines(label, [(name, [value]) for name, value in points])


def lines(label, points):
    """One line per series over (label, [value per series]) points, in order; series in
    PALETTE's order, as the legend beside the chart shows them."""
    if not points:
        return _frame(label, "")
    y = _scale([v for _l, values in points for v in values])
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    xs = [PAD + i * step for i in range(len(points))]
    parts = [
        _line([(x, y(values[j])) for x, (_l, values) in zip(xs, points, strict=True)], j)
        for j in range(len(points[0][1]))
    ]
    parts += [
        format_html(
            '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
            _n(x),
            HEIGHT - 10,
            name,
        )
        for x, (name, _v) in zip(xs, points, strict=True)
    ]
    return _frame(label, mark_safe("".join(parts)))  # noqa: S308 - parts are format_html


def _line(coords, series):
    colour = PALETTE[series % len(PALETTE)]
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="{}"/>',
        ((_n(x), _n(yy), colour) for x, yy in coords),
    )
    return format_html(
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>{}',
        colour,
        " ".join(f"{_n(x)},{_n(yy)}" for x, yy in coords),
        dots,
    )


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
