"""Plotly figures for the dashboards, as JSON-ready dicts (the page draws them with plotly.js).

Built as plain dicts in plotly's JSON schema rather than through ``plotly.graph_objects``, whose
validation costs tens of milliseconds per figure. No queries here.

Colour never carries meaning alone: heatmap cells show the level as a number, unconfirmed levels
carry an asterisk, bars carry their numbers, and every chart has a table alternative on the page.
Names are HTML-escaped because plotly renders labels and hover text as a small subset of HTML."""

from html import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from competencies.percent import percent

STATUS_COLOURS = {"gap": "#c0392b", "single_point": "#e08a1e", "ok": "#2e8b57"}
NEEDED_COLOUR = "#c9d1da"
TREND_COLOUR = "#1f5f99"
FORECAST_COLOUR = "#7b4fa0"
EVENT_COLOUR = "#b35c00"  # assessment campaigns on the trend
# Level minus required level, from "3 or more below" to "above": red to green, one colour per step.
LEVEL_STEPS = [
    (-3, "#b2182b"),
    (-2, "#ef8a62"),
    (-1, "#fddbc7"),
    (0, "#a6d96a"),
    (1, "#1a9641"),
]
COVERAGE_BANDS = [(0.9, "#2e8b57"), (0.7, "#e0a21e"), (0.0, "#c0392b")]


def _locale():
    """Number separators and date formats for the active language (plotly.js ships English only)."""
    if (get_language() or "en").startswith("de"):
        return {"separators": ", ", "day": "%d.%m.%Y", "month": "%m/%Y"}
    return {"separators": ".,", "day": "%-d %b %Y", "month": "%b %Y"}


def _layout(**extra):
    layout = {
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "separators": _locale()["separators"],
        "hoverlabel": {"font": {"size": 13}},
    }
    layout.update(extra)
    return layout


def _percent(value):
    return round(value * 100, 1)


def _wrap(label, width=22):
    """Break a long axis label at spaces so it needs less room (plotly reads ``<br>``)."""
    lines, current = [], ""
    for word in label.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "<br>".join(lines)


def trend_figure(trend, forecast, events=()):
    """Coverage over the last months and, dashed, the forecast with agreed plans and expiring certificates;
    ``events`` ({"on", "name"}: assessment campaigns opened) as markers on the line where they happened."""
    formats = _locale()
    hover = f"%{{x|{formats['day']}}}: %{{y:.1f}} %<extra>%{{fullData.name}}</extra>"
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [p["on"].isoformat() for p in trend],
            "y": [_percent(p["coverage"]) for p in trend],
            "name": _("Coverage (last 12 months)"),
            "line": {"color": TREND_COLOUR, "width": 3},
            "marker": {"size": 7},
            "hovertemplate": hover,
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [p["on"].isoformat() for p in forecast],
            "y": [_percent(p["coverage"]) for p in forecast],
            "name": _("Forecast (agreed plans, expiring certificates)"),
            "line": {"color": FORECAST_COLOUR, "width": 2, "dash": "dash"},
            "marker": {"size": 6, "symbol": "diamond-open"},
            "hovertemplate": hover,
        },
    ]
    if events and trend:

        def coverage_on(day):
            before = [p for p in trend if p["on"] <= day] or trend[:1]
            return _percent(before[-1]["coverage"])

        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [event["on"].isoformat() for event in events],
                "y": [coverage_on(event["on"]) for event in events],
                "text": [escape(event["name"]) for event in events],
                "name": _("Assessment campaign opened"),
                "marker": {"size": 12, "symbol": "star", "color": EVENT_COLOUR},
                "hovertemplate": f"%{{x|{formats['day']}}}: %{{text}}<extra>%{{fullData.name}}</extra>",
            }
        )
    shapes, annotations = [], []
    if forecast:
        on = forecast[0]["on"].isoformat()
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": on,
                "x1": on,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#6c757d", "width": 1, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": on,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": escape(_("analysis date")),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "xshift": 4,
                "font": {"size": 11, "color": "#6c757d"},
            }
        )
    layout = _layout(
        height=380,
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        xaxis={"type": "date", "tickformat": formats["month"], "hoverformat": formats["day"]},
        yaxis={"title": {"text": _("Coverage (%)")}, "range": [0, 105], "ticksuffix": " %"},
        legend={"orientation": "h", "x": 0, "y": -0.14, "yanchor": "top"},
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
    )
    layout["margin"]["b"] = 80
    return {"data": data, "layout": layout}


def _level_colourscale():
    """A stepped colour scale: each integer from -3 to +1 gets one flat colour."""
    steps = len(LEVEL_STEPS)
    scale = []
    for index, (_step, colour) in enumerate(LEVEL_STEPS):
        scale.append([index / steps, colour])
        scale.append([(index + 1) / steps, colour])
    return scale


def heatmap_figure(heatmap):
    """Members × required competencies, coloured by level minus required level, level as text."""
    columns = heatmap["columns"]
    rows = heatmap["rows"]
    states = {"confirmed": _("confirmed"), "unconfirmed": _("unconfirmed"), "unassessed": _("not assessed")}
    z, text, hover = [], [], []
    for row in rows:
        z_row, text_row, hover_row = [], [], []
        for column, cell in zip(columns, row["cells"], strict=True):
            z_row.append(max(-3, min(1, cell["level"] - cell["required"])))
            if cell["state"] == "unassessed":
                text_row.append("–")
            else:
                text_row.append(f"{cell['level']}{'*' if cell['state'] == 'unconfirmed' else ''}")
            hover_row.append(
                escape(
                    _("%(person)s · %(competency)s: level %(level)s, required %(required)s (%(state)s)")
                    % {
                        "person": row["employee"]["name"],
                        "competency": column["name"],
                        "level": cell["level"],
                        "required": cell["required"],
                        "state": states[cell["state"]],
                    }
                )
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    data = [
        {
            "type": "heatmap",
            "z": z,
            "x": [f"{escape(c['name'])} (≥{c['required']})" for c in columns],
            "y": [escape(r["employee"]["name"]) for r in rows],
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": 13},
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
            "zmin": -3.5,
            "zmax": 1.5,
            "colorscale": _level_colourscale(),
            # The colour key is HTML under the chart (templates/teams/heatmap_legend.html): it wraps on
            # narrow screens and is read out by screen readers.
            "showscale": False,
            "xgap": 2,
            "ygap": 2,
        }
    ]
    longest = max((len(c["name"]) + 5 for c in columns), default=10)
    # Labels rotated by 40° take about 4.3 px of height per character; automargin makes the room.
    labels = int(min(longest, 60) * 4.3)
    layout = _layout(
        height=max(220, labels + 40 + 30 * len(rows)),
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        xaxis={
            "side": "top",
            "tickangle": -40,
            "automargin": True,
            "tickfont": {"size": 12},
            "showgrid": False,
        },
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}, "showgrid": False},
    )
    return {"data": data, "layout": layout}


def coverage_bar_figure(requirements):
    """Covered vs needed people per requirement as horizontal bars, covered bars coloured by status."""
    names = [_wrap(escape(r["competency"]), 30) for r in requirements]
    labels = {"gap": _("Gap"), "single_point": _("Single point"), "ok": _("Covered")}
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [r["min_people"] for r in requirements],
            "name": _("Needed"),
            "offsetgroup": "needed",
            "marker": {"color": NEEDED_COLOUR},
            "text": [r["min_people"] for r in requirements],
            "textposition": "outside",
            "textangle": 0,
            "cliponaxis": False,
            "hovertemplate": "%{y}: " + escape(_("needed")) + " %{x}<extra></extra>",
        }
    ]
    for status in ("gap", "single_point", "ok"):
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [n if r["status"] == status else None for n, r in zip(names, requirements, strict=True)],
                "x": [r["covered"] if r["status"] == status else None for r in requirements],
                "name": labels[status],
                "offsetgroup": "covered",
                "marker": {"color": STATUS_COLOURS[status]},
                "text": [r["covered"] if r["status"] == status else None for r in requirements],
                "textposition": "outside",
                "textangle": 0,
                "cliponaxis": False,
                "hovertemplate": "%{y}: " + escape(_("covered")) + " %{x}<extra></extra>",
                "showlegend": True,
            }
        )
    most = max([1] + [max(r["min_people"], r["covered"]) for r in requirements])
    layout = _layout(
        barmode="group",
        bargap=0.22,
        bargroupgap=0.04,
        height=max(240, 100 + 40 * len(requirements)),
        margin={"l": 10, "r": 30, "t": 50, "b": 50},
        xaxis={"title": {"text": _("People")}, "dtick": 1 if most <= 10 else None, "range": [0, most + 0.8]},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}, "showgrid": False},
        legend={"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "traceorder": "normal"},
    )
    layout["xaxis"] = {k: v for k, v in layout["xaxis"].items() if v is not None}
    return {"data": data, "layout": layout}


def _band(value):
    """The band of ``value`` by the rule of every page: judged on the percentage as shown."""
    shown = percent(value) / 100
    for threshold, colour in COVERAGE_BANDS:
        if shown >= threshold:
            return threshold, colour
    return COVERAGE_BANDS[-1]


def team_coverage_figure(teams):
    """Coverage per team as horizontal bars, in three colour bands named in the legend."""
    names = [_wrap(escape(t["name"]), 26) for t in teams]
    band_labels = {0.9: _("90 % and above"), 0.7: _("70 to 89 %"), 0.0: _("below 70 %")}
    data = []
    for threshold, colour in COVERAGE_BANDS:
        inside = [_band(t["coverage"])[0] == threshold for t in teams]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [n if keep else None for n, keep in zip(names, inside, strict=True)],
                "x": [
                    percent(t["coverage"]) if keep else None for t, keep in zip(teams, inside, strict=True)
                ],
                "name": band_labels[threshold],
                "marker": {"color": colour},
                "texttemplate": "%{x}",  # the axis's ticksuffix already adds " %"
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        )
    layout = _layout(
        barmode="overlay",
        height=max(200, 120 + 44 * len(teams)),
        margin={"l": 10, "r": 40, "t": 40, "b": 50},
        xaxis={"title": {"text": _("Coverage (%)")}, "range": [0, 110], "ticksuffix": " %"},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "tickfont": {"size": 12},
            "categoryorder": "array",
            "categoryarray": names,
        },
        legend={"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "traceorder": "normal"},
    )
    return {"data": data, "layout": layout}


def organisation_heatmap_figure(heatmap):
    """Teams × competency categories, coverage in percent; empty cells where a team needs nothing."""
    values = [[None if v is None else round(v * 100) for v in row] for row in heatmap["values"]]
    teams = [escape(t) for t in heatmap["teams"]]
    categories = [escape(c) for c in heatmap["categories"]]
    data = [
        {
            "type": "heatmap",
            "z": values,
            "x": categories,
            "y": teams,
            "text": [["–" if v is None else f"{v} %" for v in row] for row in values],
            "texttemplate": "%{text}",
            "textfont": {"size": 13},
            "hovertemplate": "%{y} · %{x}: %{z} %<extra></extra>",
            "zmin": 0,
            "zmax": 100,
            "colorscale": [
                [0.0, "#b2182b"],
                [0.5, "#f4a582"],
                [0.7, "#fee08b"],
                [0.9, "#a6d96a"],
                [1.0, "#1a9641"],
            ],
            "colorbar": {
                "title": {"text": _("Coverage (%)"), "side": "right"},
                "ticksuffix": " %",
                "thickness": 12,
                "len": min(1, 260 / (36 * max(len(teams), 1))),
                "y": 1,
                "yanchor": "top",
            },
            "xgap": 2,
            "ygap": 2,
            "hoverongaps": False,
        }
    ]
    labels = int(min(max((len(c) for c in categories), default=10), 60) * 4.3)
    layout = _layout(
        height=max(220, labels + 40 + 36 * len(teams)),
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        xaxis={
            "side": "top",
            "tickangle": -40,
            "automargin": True,
            "tickfont": {"size": 12},
            "showgrid": False,
        },
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}, "showgrid": False},
    )
    return {"data": data, "layout": layout}
