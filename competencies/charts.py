"""Plotly figures for a person's profile, as JSON-ready dicts (drawn by plotly.js on the page).

Built as plain dicts rather than ``plotly.graph_objects``: a profile has up to a hundred small history
figures, and validating each through graph objects would cost more than the rest of the page.
Colour never carries meaning alone: the series differ in line style and marker shape too, and the page
offers every chart's numbers as a table. Names are HTML-escaped because plotly renders labels and hover
text as a small subset of HTML."""

from html import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}
LEVEL_COLOUR = "#1f5f99"
TARGET_COLOUR = "#c98a1b"
SELF_COLOUR = "#b35c00"
CONFIRMED_COLOUR = "#1f5f99"


def radar_figure(records, *, max_level):
    """Effective levels against the role-profile targets, one spoke per role-profile competency.

    Unconfirmed levels are drawn with open markers (and named so in the hover text)."""
    names = [_wrapped(record["competency"].name) for record in records]
    full_names = [escape(record["competency"].name) for record in records]
    levels = [record["level"] for record in records]
    targets = [record["target"] for record in records]
    states = [
        _("confirmed")
        if record["confirmed"]
        else (_("unconfirmed") if record["assessed"] else _("unassessed"))
        for record in records
    ]
    closed = names + names[:1]
    closed_states, closed_names = states + states[:1], full_names + full_names[:1]
    return {
        "data": [
            {
                "type": "scatterpolar",
                "r": targets + targets[:1],
                "theta": closed,
                "customdata": full_names + full_names[:1],
                "name": _("Role profile target"),
                "mode": "lines+markers",
                "line": {"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
                "marker": {"symbol": "diamond", "size": 7},
                "hovertemplate": "%{customdata}: " + _("target") + " %{r}<extra></extra>",
            },
            {
                "type": "scatterpolar",
                "r": levels + levels[:1],
                "theta": closed,
                "customdata": [
                    [state, name] for state, name in zip(closed_states, closed_names, strict=True)
                ],
                "name": _("Current level"),
                "mode": "lines+markers",
                "fill": "toself",
                "fillcolor": "rgba(31, 95, 153, 0.18)",
                "line": {"color": LEVEL_COLOUR, "width": 2.5},
                "marker": {
                    "size": 8,
                    "symbol": [
                        "circle" if record["confirmed"] else "circle-open" for record in records + records[:1]
                    ],
                },
                "hovertemplate": "%{customdata[1]}: "
                + _("level")
                + " %{r} (%{customdata[0]})<extra></extra>",
            },
        ],
        "layout": {
            "font": FONT,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "margin": {"l": 130, "r": 130, "t": 60, "b": 40},
            "height": 420,
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.08},
            "polar": {
                "radialaxis": {"range": [0, max_level], "dtick": 1, "angle": 90, "tickfont": {"size": 10}},
                "angularaxis": {"tickfont": {"size": 11}},
            },
        },
    }


def _wrapped(name, width=18):
    """A spoke label broken into lines at spaces (never cut: "Electrical safety (electr…" hid what the
    spoke is), HTML-escaped, lines joined with plotly's ``<br>``."""
    lines, line = [], ""
    for word in name.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(escape(part) for part in lines)


def history_figures(history, *, on, max_level):
    """competency id → figure of the person's self-assessed and confirmed levels over time.

    Each series is a step line that holds its last value until ``on``; a certificate's end of validity
    shows as a drop to 0 (the level no longer counts as confirmed)."""
    labels = {
        "self": _("Self-assessment"),
        "manager": _("Confirmed by the lead"),
        "certificate": _("Certificate"),
        "import": _("Import"),
    }
    figures = {}
    for entry in history:
        self_points, confirmed_points = [], []
        for row in entry["rows"]:
            point = (row["assessed_on"], row["level"], labels.get(row["source"], row["source"]))
            (self_points if row["source"] == "self" else confirmed_points).append(point)
            if row["source"] == "certificate" and row["valid_until"] and row["valid_until"] < on:
                confirmed_points.append((row["valid_until"], 0, _("Certificate expired")))
        data = []
        if confirmed_points:
            data.append(_series(confirmed_points, on, _("Confirmed"), CONFIRMED_COLOUR, "solid", "square"))
        if self_points:
            data.append(_series(self_points, on, _("Self-assessed"), SELF_COLOUR, "dash", "circle"))
        figures[str(entry["competency"].pk)] = {
            "data": data,
            "layout": {
                "font": FONT,
                "paper_bgcolor": "rgba(0,0,0,0)",
                "plot_bgcolor": "rgba(0,0,0,0)",
                "margin": {"l": 50, "r": 20, "t": 20, "b": 40},
                "height": 280,
                "yaxis": {"title": {"text": _("Level")}, "range": [-0.2, max_level + 0.3], "dtick": 1},
                "xaxis": {"type": "date", **_date_axis()},
                "legend": {"orientation": "h", "y": -0.22},
            },
        }
    return figures


def _date_axis():
    """German dates on a date axis (plotly.js ships English month names only): 27.11.2026, 11.2026, 2026.
    English keeps plotly's own formats."""
    if not (get_language() or "en").startswith("de"):
        return {}
    return {
        "hoverformat": "%d.%m.%Y",
        # Tick spacing in milliseconds below a month, "M<n>" from a month on.
        "tickformatstops": [
            {"dtickrange": [None, "M1"], "value": "%d.%m.%Y"},
            {"dtickrange": ["M1", "M12"], "value": "%m.%Y"},
            {"dtickrange": ["M12", None], "value": "%Y"},
        ],
    }


def _series(points, on, name, colour, dash, symbol):
    points = sorted(points, key=lambda point: point[0])
    x = [point[0].isoformat() for point in points]
    y = [point[1] for point in points]
    text = [point[2] for point in points]
    if points[-1][0] < on:
        # Hold the last value until today, without a marker of its own.
        x.append(on.isoformat())
        y.append(y[-1])
        text.append(_("today"))
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": x,
        "y": y,
        "text": text,
        "line": {"shape": "hv", "color": colour, "width": 2.5, "dash": dash},
        "marker": {"symbol": symbol, "size": [9] * len(points) + [0] * (len(x) - len(points))},
        "hovertemplate": "%{x}: %{y} · %{text}<extra></extra>",
    }
