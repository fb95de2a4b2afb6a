"""Plotly figures from the shaped tables: DataFrame in, go.Figure out, no Streamlit.

Every text that comes from the data passes through ``plain`` first, because plotly.js renders a
subset of HTML (links, bold, line breaks) inside hover labels and annotations.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.data.tables import INTENSITY_SCALE, STANCE_SCALE

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
AREA_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
AREA_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")
DIVERGING = "PuOr"  # ColorBrewer purple–orange, colour-blind safe; purple = cooperation
INTENSITY_COLOURS = ("#9ecae1", "#4292c6", "#08306b")
NO_RECORD_COLOUR = "#e6e6e6"
REGION_VIEWS = {  # longitude and latitude window of each region on the world map
    "world": {},
    "europe": {"lonaxis_range": [-25, 50], "lataxis_range": [33, 71]},
    "middle_east": {"lonaxis_range": [24, 64], "lataxis_range": [11, 43]},
    "asia": {"lonaxis_range": [25, 150], "lataxis_range": [-10, 62]},
}
EMPTY_MESSAGE = "Nothing matches the current filters."


def plain(text: object, width: int | None = None) -> str:
    """Data text made inert for plotly: HTML escaped, optionally wrapped with <br>."""
    value = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    if width:
        lines = textwrap.wrap(value, width=width, break_long_words=True) or [""]
        return "<br>".join(html.escape(line) for line in lines)
    return html.escape(value)


def labels_to_ids(names: dict[str, str]) -> dict[str, str]:
    """Map the escaped labels a figure shows back to ids, to read a clicked point."""
    return {plain(name): key for key, name in names.items()}


def empty_figure(message: str = EMPTY_MESSAGE) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=220)
    return figure


def area_styles(area_names: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    colours = {a: AREA_COLOURS[i % len(AREA_COLOURS)] for i, a in enumerate(area_names)}
    symbols = {a: AREA_SYMBOLS[i % len(AREA_SYMBOLS)] for i, a in enumerate(area_names)}
    return colours, symbols


def _heatmap(z: pd.DataFrame, text, row_height: int, top_axis: bool = True, **trace) -> go.Figure:
    """A labelled heatmap: rows and columns escaped, the cell text written in every cell."""
    figure = go.Figure(
        go.Heatmap(
            z=z.to_numpy(dtype="float64"),
            x=[plain(c) for c in z.columns],
            y=[plain(i) for i in z.index],
            text=text,
            texttemplate="%{text}",
            colorscale=DIVERGING,
            xgap=2,
            ygap=2,
            **trace,
        )
    )
    figure.update_layout(
        height=110 + row_height * len(z), margin={"l": 10, "r": 10, "t": 30, "b": 10}
    )
    figure.update_yaxes(autorange="reversed")
    if top_axis:
        figure.update_xaxes(side="top")
    return figure


def stance_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Area × side/period stance, the value written in every cell."""
    if matrix.empty or matrix.isna().all().all():
        return empty_figure()
    values = matrix.astype("float64")
    text = values.map(lambda v: "no record" if pd.isna(v) else f"{v:+.0f}" if v else "0")
    hover = values.map(lambda v: "" if pd.isna(v) else STANCE_SCALE.get(int(v), ""))
    return _heatmap(
        values,
        text.to_numpy(),
        row_height=48,
        customdata=hover.to_numpy(),
        textfont={"size": 16},
        hovertemplate="%{y}<br>%{x}: %{text}<br>%{customdata}<extra></extra>",
        zmin=-2,
        zmax=2,
        colorbar={"title": {"text": "stance"}, "tickvals": [-2, -1, 0, 1, 2]},
    )


def area_year_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Events per area and year, coloured by mean score, count and score written in cells."""
    if matrix.empty:
        return empty_figure()
    counts = matrix.pivot(index="area", columns="year", values="events")
    means = matrix.pivot(index="area", columns="year", values="mean_goldstein")
    means.columns = [str(y) for y in means.columns]
    text = [
        ["" if pd.isna(n) else f"{int(n)}<br>{m:+.1f}" for n, m in zip(c_row, m_row, strict=True)]
        for c_row, m_row in zip(counts.to_numpy(), means.to_numpy(), strict=True)
    ]
    return _heatmap(
        means,
        text,
        row_height=52,
        top_axis=False,
        hovertemplate="%{y}, %{x}<br>events and mean score: %{text}<extra></extra>",
        zmin=-10,
        zmax=10,
        zmid=0,
        colorbar={"title": {"text": "mean score"}},
    )


def alignment_heatmap(table: pd.DataFrame) -> go.Figure:
    """Alignment per area and period, the word written in each cell."""
    if table.empty:
        return empty_figure()
    score = {"agree": 1.0, "partly": 0.0, "disagree": -1.0}
    z = table.map(lambda v: score.get(str(v).split(" ")[0]) if isinstance(v, str) else None)
    return _heatmap(
        z,
        table.fillna("no record").map(plain).to_numpy(),
        row_height=44,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        zmin=-1,
        zmax=1,
        showscale=False,
    )


def timeline(points: pd.DataFrame, labels: pd.DataFrame, area_order: list[str]) -> go.Figure:
    """Events over time by score, coloured and shaped by area.

    Key moments (``labels``) are numbered on the chart; the page lists the numbers with titles,
    since two dozen overlapping titles cannot be read.
    """
    if points.empty:
        return empty_figure()
    colours, symbols = area_styles(area_order)
    shown = points.assign(
        hover_title=points["title"].map(lambda t: plain(t, 60)),
        area_label=points["area"].map(plain),
    )
    figure = px.scatter(
        shown,
        x="date",
        y="goldstein",
        color="area_label",
        symbol="area_label",
        size="count" if shown["count"].max() > 1 else None,
        color_discrete_map={plain(a): c for a, c in colours.items()},
        symbol_map={plain(a): s for a, s in symbols.items()},
        category_orders={"area_label": [plain(a) for a in area_order]},
        custom_data=["hover_title", "count", "event_id"],
        labels={"goldstein": "cooperation (+) / conflict (−)", "area_label": "Policy area"},
    )
    figure.update_traces(
        hovertemplate="%{x|%Y-%m-%d}<br>%{customdata[0]}<br>score %{y}<extra></extra>",
        marker={"line": {"width": 0.5, "color": "#333333"}},
    )
    if shown["count"].max() == 1:
        figure.update_traces(marker={"size": 11})
    if not labels.empty:  # one text trace: far cheaper to draw than an annotation per label
        figure.add_trace(
            go.Scatter(
                x=labels["date"],
                y=labels["goldstein"],
                mode="text",
                text=[str(n) for n in range(1, len(labels) + 1)],
                textposition=[
                    "top center" if g >= 0 else "bottom center" for g in labels["goldstein"]
                ],
                textfont={"size": 12},
                hoverinfo="skip",
                showlegend=False,
                name="key moments",
            )
        )
    figure.add_hline(y=0, line_width=1, line_color="#888888")
    figure.update_layout(height=560, yaxis_range=[-11, 11], legend_title_text="Policy area")
    return figure


def impact_map(by_country: pd.DataFrame, region: str, all_countries: dict[str, str]) -> go.Figure:
    """Choropleth of impact intensity; hover gives country, intensity and the effects.

    Countries without a recorded impact are drawn in grey (``all_countries``: code -> name), so
    the map reads "no record" rather than leaving holes.
    """
    figure = go.Figure()
    shown = set(by_country["country"])
    others = {c: n for c, n in all_countries.items() if c not in shown}
    figure.add_trace(
        go.Choropleth(
            locations=list(others),
            locationmode="ISO-3",
            z=[0.0] * len(others),
            text=[plain(n) for n in others.values()],
            colorscale=[[0, NO_RECORD_COLOUR], [1, NO_RECORD_COLOUR]],
            showscale=False,
            marker={"line": {"color": "#999999", "width": 0.3}},
            hovertemplate="<b>%{text}</b><br>no recorded impact<extra></extra>",
            name="no recorded impact",
        )
    )
    if not by_country.empty:
        hover = by_country["effects"].map(lambda t: plain(t, 70))
        figure.add_trace(
            go.Choropleth(
                locations=by_country["country"],
                locationmode="ISO-3",
                z=by_country["intensity"].astype("float64"),
                zmin=0.5,
                zmax=3.5,
                text=by_country["country_name"].map(plain),
                customdata=hover,
                colorscale=_discrete_scale(INTENSITY_COLOURS),
                colorbar={
                    "title": {"text": "intensity"},
                    "tickvals": [1, 2, 3],
                    "ticktext": [INTENSITY_SCALE[i].split(":")[0] for i in (1, 2, 3)],
                },
                marker={"line": {"color": "#444444", "width": 0.5}},
                hovertemplate="<b>%{text}</b><br>intensity %{z}<br>%{customdata}<extra></extra>",
            )
        )
    figure.update_geos(
        projection_type="natural earth",
        showcountries=True,
        countrycolor="#999999",
        showland=True,
        landcolor="#eeeeee",
        showframe=False,
        **REGION_VIEWS.get(region, {}),
    )
    figure.update_layout(height=620, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    return figure


def _discrete_scale(colours: tuple[str, ...]) -> list[list]:
    """A plotly colour scale with one flat band per ordinal value."""
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
    return scale


def clickable_cells(figure: go.Figure) -> go.Figure:
    """Let a click on a heatmap cell select it.

    Streamlit reports chart clicks as selections, and plotly heatmaps cannot be selected: the
    click arrived with an empty selection. An invisible marker at the centre of every cell
    carries the cell's hover text instead, and the nearest one takes the click.
    """
    heat = figure.data[0]
    cells = [(row, col) for row in range(len(heat.y)) for col in range(len(heat.x))]

    def flat(grid):
        return None if grid is None else [grid[row][col] for row, col in cells]

    figure.add_trace(
        go.Scatter(
            x=[heat.x[col] for _, col in cells],
            y=[heat.y[row] for row, _ in cells],
            mode="markers",
            marker={"size": 24, "opacity": 0},
            text=flat(heat.text),
            customdata=flat(heat.customdata),
            hovertemplate=heat.hovertemplate,
            showlegend=False,
            name="cells",
        )
    )
    heat.update(hoverinfo="skip", hovertemplate=None)
    figure.update_layout(hovermode="closest", hoverdistance=-1, clickmode="event+select")
    return figure
