"""Plotly figures for the dashboards, as JSON-ready dicts (the page draws them with plotly.js).

Colour never carries meaning alone: heatmap cells show the level as a number, unconfirmed levels
carry an asterisk, and every chart has a table alternative on the page."""

import json

import plotly.graph_objects as go
from django.utils.translation import gettext as _

STATUS_COLOURS = {"gap": "#c0392b", "single_point": "#e67e22", "ok": "#2e8b57"}
LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}


def _as_dict(figure):
    return json.loads(figure.to_json())


def trend_figure(trend, forecast):
    """Coverage over the last months and, dashed, the forecast with agreed plans and expiring certificates."""
    figure = go.Figure()
    figure.add_scatter(
        x=[p["on"].isoformat() for p in trend],
        y=[round(p["coverage"] * 100, 1) for p in trend],
        mode="lines+markers",
        name=_("Coverage"),
        line={"color": "#1f5f99", "width": 3},
        hovertemplate="%{x}: %{y} %<extra></extra>",
    )
    figure.add_scatter(
        x=[p["on"].isoformat() for p in forecast],
        y=[round(p["coverage"] * 100, 1) for p in forecast],
        mode="lines+markers",
        name=_("Forecast (agreed plans, expiring certificates)"),
        line={"color": "#7b4fa0", "width": 2, "dash": "dash"},
        hovertemplate="%{x}: %{y} %<extra></extra>",
    )
    figure.update_layout(
        **LAYOUT,
        yaxis={"title": _("Coverage (%)"), "range": [0, 105]},
        legend={"orientation": "h", "y": -0.2},
        height=320,
    )
    return _as_dict(figure)


def heatmap_figure(heatmap):
    """Members × required competencies, coloured by level minus required level, level as text."""
    columns = heatmap["columns"]
    rows = heatmap["rows"]
    states = {"confirmed": _("confirmed"), "unconfirmed": _("unconfirmed"), "unassessed": _("unassessed")}
    z, text, hover = [], [], []
    for row in rows:
        z_row, text_row, hover_row = [], [], []
        for column, cell in zip(columns, row["cells"], strict=True):
            z_row.append(max(-3, min(1, cell["level"] - cell["required"])))
            marker = {"unconfirmed": "*", "unassessed": "–"}.get(cell["state"], "")
            text_row.append(f"{cell['level']}{marker}" if cell["state"] != "unassessed" else "–")
            hover_row.append(
                _("%(person)s · %(competency)s: level %(level)s, required %(required)s (%(state)s)")
                % {
                    "person": row["employee"]["name"],
                    "competency": column["name"],
                    "level": cell["level"],
                    "required": cell["required"],
                    "state": states[cell["state"]],
                }
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{c['name']} (≥{c['required']})" for c in columns],
            y=[r["employee"]["name"] for r in rows],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            zmin=-3,
            zmax=1,
            colorscale=[
                [0.0, "#b2182b"],
                [0.5, "#f4a582"],
                [0.74, "#fddbc7"],
                [0.75, "#a6d96a"],
                [1.0, "#1a9641"],
            ],
            colorbar={
                "title": {"text": _("Level vs required")},
                "tickvals": [-3, -2, -1, 0, 1],
                "ticktext": ["−3", "−2", "−1", _("met"), "+1"],
            },
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(
        **LAYOUT,
        height=max(260, 40 + 28 * len(rows)),
        xaxis={"side": "top", "tickangle": -35},
        yaxis={"autorange": "reversed"},
    )
    figure.update_layout(margin={"l": 160, "r": 20, "t": 140, "b": 20})
    return _as_dict(figure)


def coverage_bar_figure(requirements):
    """Covered vs needed people per requirement, bars coloured by status."""
    names = [r["competency"] for r in requirements]
    figure = go.Figure()
    figure.add_bar(
        x=names,
        y=[r["min_people"] for r in requirements],
        name=_("Needed"),
        marker={"color": "#d0d7de"},
    )
    figure.add_bar(
        x=names,
        y=[r["covered"] for r in requirements],
        name=_("Covered"),
        marker={"color": [STATUS_COLOURS[r["status"]] for r in requirements]},
        text=[r["covered"] for r in requirements],
        textposition="outside",
    )
    figure.update_layout(
        **LAYOUT,
        barmode="group",
        height=340,
        yaxis={"title": _("People"), "dtick": 1},
        xaxis={"tickangle": -35},
        legend={"orientation": "h", "y": 1.1},
    )
    return _as_dict(figure)


def organisation_heatmap_figure(heatmap):
    """Teams × competency categories, coverage in percent."""
    values = [[None if v is None else round(v * 100) for v in row] for row in heatmap["values"]]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=heatmap["categories"],
            y=heatmap["teams"],
            text=[["–" if v is None else f"{v} %" for v in row] for row in values],
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z} %<extra></extra>",
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            colorbar={"title": {"text": _("Coverage (%)")}},
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(**LAYOUT, height=max(280, 60 + 30 * len(heatmap["teams"])))
    figure.update_layout(margin={"l": 200, "r": 20, "t": 30, "b": 80}, yaxis={"autorange": "reversed"})
    return _as_dict(figure)
