"""The listings/delistings chart of an HTML report, as plain numbers for an inline SVG.

The geometry is computed here and the template only writes ``<rect>``
elements, so the chart needs no script, no external file and no request:
listings stack upwards and delistings downwards from one zero line, one
colour per list. The same numbers feed a table under the chart, which is
what email clients that do not draw SVG show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from monitor.reports.grouping import report_day
from monitor.reports.periods import bucket, bucket_label, buckets_between, chart_size
from monitor.reports.words import where_label

WIDTH, PLOT_HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 36
SERIES = 6
# Okabe-Ito colours: distinguishable with the common kinds of colour blindness.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
UP, DOWN = ("listed", "relisted"), ("delisted",)
# (bucket key, series name or None for all of them) -> where a bar or a row leads.
Link = Callable[[str, str | None], str]


def build_chart(
    events: Sequence[dict[str, Any]],
    clock: str,
    since: date | None,
    until: date | None,
    size: str | None = None,
) -> dict[str, Any]:
    """Bars per period and list; ``empty`` when nothing was listed or delisted."""
    moves = [e for e in events if e["kind"] in UP + DOWN]
    if not moves:
        return {"empty": True, "title": "Listings and delistings", "rows": []}
    days = sorted(report_day(e, clock) for e in moves)
    first = since or date.fromisoformat(days[0])
    last = until or date.fromisoformat(days[-1])
    size = size or chart_size(first, last)
    keys = buckets_between(first, last, size)
    series = _series(moves)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for event in moves:
        direction = "up" if event["kind"] in UP else "down"
        counts[(bucket(report_day(event, clock), size), series[_label(event)], direction)] += 1
    names = list(dict.fromkeys(series.values()))
    return geometry(keys, size, names, counts)


def _label(event: dict[str, Any]) -> str:
    return where_label(event["list"], event.get("source_list") or "")


def _series(events: Sequence[dict[str, Any]]) -> dict[str, str]:
    """{list label: series name}: the largest lists get a colour each, the rest one together."""
    volume: dict[str, int] = defaultdict(int)
    for event in events:
        volume[_label(event)] += 1
    ranked = sorted(volume, key=lambda label: (-volume[label], label))
    kept = ranked if len(ranked) <= SERIES + 1 else ranked[:SERIES]
    return {label: label if label in kept else "other lists" for label in ranked}


def geometry(
    keys: list[str],
    size: str,
    names: list[str],
    counts: dict[tuple[str, str, str], int],
    link: Link | None = None,
) -> dict[str, Any]:
    """The chart of counts {(bucket, series, "up"|"down"): n}; with ``link`` every bar and
    row also carries an ``href`` (the web dashboard's bars lead to their period)."""
    up = {k: sum(counts.get((k, n, "up"), 0) for n in names) for k in keys}
    down = {k: sum(counts.get((k, n, "down"), 0) for n in names) for k in keys}
    top, bottom = max(up.values()), max(down.values())
    unit = PLOT_HEIGHT / max(top + bottom, 1)  # no bar at all: an empty chart, not a crash
    zero = TOP + top * unit
    step = (WIDTH - LEFT - RIGHT) / len(keys)
    width = max(step * 0.8, 1.0)
    colour = {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}
    bars = []
    for i, key in enumerate(keys):
        x = LEFT + i * step + (step - width) / 2
        bars += _stack(key, size, x, width, zero, unit, names, colour, counts, link)
    return {
        "empty": False,
        "title": f"Listings (up) and delistings (down) per {size}",
        "width": WIDTH,
        "height": TOP + PLOT_HEIGHT + BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "zero": _r(zero),
        "top": TOP,
        "bottom": _r(TOP + PLOT_HEIGHT),
        "top_label": f"+{top}" if top else "",
        "bottom_label": f"−{bottom}" if bottom else "",
        "bars": bars,
        "ticks": _ticks(keys, size, step),
        "legend": [{"name": n, "colour": colour[n]} for n in names],
        "rows": [
            {
                "period": bucket_label(k, size),
                "listed": up[k],
                "delisted": down[k],
                "lists": _row_lists(k, names, counts),
                "href": link(k, None) if link else None,
            }
            for k in keys
            if up[k] or down[k]
        ],
    }


def _stack(
    key: str,
    size: str,
    x: float,
    width: float,
    zero: float,
    unit: float,
    names: list[str],
    colour: dict[str, str],
    counts: dict[tuple[str, str, str], int],
    link: Link | None = None,
) -> list[dict[str, Any]]:
    """The rectangles of one period: each list's listings above zero, delistings below."""
    bars: list[dict[str, Any]] = []
    above, below = zero, zero
    for name in names:
        listed, delisted = counts.get((key, name, "up"), 0), counts.get((key, name, "down"), 0)
        label = bucket_label(key, size)
        href = link(key, name) if link else None
        if listed:
            above -= listed * unit
            bars.append(_bar(x, above, width, listed * unit, colour[name], label, name, listed))
            bars[-1]["href"] = href
        if delisted:
            bars.append(
                _bar(x, below, width, delisted * unit, colour[name], label, name, -delisted)
            )
            bars[-1]["href"] = href
            below += delisted * unit
    return bars


def _bar(
    x: float, y: float, width: float, height: float, colour: str, period: str, name: str, n: int
) -> dict[str, Any]:
    what = f"{n} listed" if n > 0 else f"{-n} delisted"
    return {
        "x": _r(x),
        "y": _r(y),
        "width": _r(width),
        "height": _r(max(height, 0.5)),
        "colour": colour,
        "title": f"{period}, {name}: {what}",
    }


def _ticks(keys: list[str], size: str, step: float) -> list[dict[str, Any]]:
    """At most eight period labels along the axis, evenly spaced."""
    every = max(1, -(-len(keys) // 8))
    return [
        {"x": _r(LEFT + i * step + step / 2), "label": _short(key, size)}
        for i, key in enumerate(keys)
        if i % every == 0
    ]


def _short(key: str, size: str) -> str:
    label = bucket_label(key, size)
    return label.removeprefix("Week of ").rsplit(" ", 1)[0] if size in ("day", "week") else label


def _row_lists(key: str, names: list[str], counts: dict[tuple[str, str, str], int]) -> str:
    parts = []
    for name in names:
        listed, delisted = counts.get((key, name, "up"), 0), counts.get((key, name, "down"), 0)
        moves = ([f"+{listed}"] if listed else []) + ([f"−{delisted}"] if delisted else [])
        if moves:
            parts.append(f"{name} {'/'.join(moves)}")
    return "; ".join(parts)


def _r(value: float) -> float:
    return round(value, 1)
