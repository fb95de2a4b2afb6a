"""Plotly figures from the shaped tables: DataFrame in, go.Figure out, no Streamlit.

Every text that comes from the data passes through ``plain`` first, because plotly.js renders a
subset of HTML (links, bold, line breaks) inside hover labels and annotations.
"""

from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.data.comparison import Period, Side
from dashboard.data.tables import INTENSITY_SCALE, STANCE_SCALE

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
AREA_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
# One symbol more than colours: the pairs repeat only after 42 areas, not after 6.
AREA_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")
DIVERGING = "PuOr"  # ColorBrewer purple–orange, colour-blind safe; purple = cooperation
INTENSITY_COLOURS = ("#9ecae1", "#4292c6", "#08306b")
NO_RECORD_COLOUR = "#e6e6e6"
REGION_VIEWS = {  # longitude and latitude window of each region on the world map
    "world": {},
    "europe": {"lonaxis_range": [-25, 50], "lataxis_range": [33, 71]},
    "middle_east": {"lonaxis_range": [24, 64], "lataxis_range": [11, 43]},
    "asia": {"lonaxis_range": [25, 150], "lataxis_range": [-10, 62]},
}
EMPTY_MESSAGE = "No rows match the current filters."
DASHBOARD_NAME = "governments compared, issue by issue"
# Layouts that read at 390 px and at desktop width alike (plotly cannot know the viewport):
# legends and colour bars lie horizontally under the plot, so the plot keeps the full width.
LEGEND_BELOW = {
    "orientation": "h",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "x": 0,
    "xanchor": "left",
    "title": {"side": "top"},
}
COLORBAR_BELOW = {  # its title on the right: plotly draws a "top" title over a container bar
    "orientation": "h",
    "yref": "container",
    "y": 0.005,
    "yanchor": "bottom",
    "x": 0,
    "xanchor": "left",
    "thickness": 12,
    "len": 0.8,
    "title": {"side": "right"},
}
# Dark text on white in both themes: plotly's default (small, grey on the trace colour) is hard
# to read on the dark theme.
HOVER_LABEL = {
    "bgcolor": "#ffffff",
    "bordercolor": "#555555",
    "font": {"size": 14, "color": "#111111"},
    "align": "left",
}
TRANSPARENT = "rgba(0,0,0,0)"
TERM_SHADE = "rgba(128,128,128,0.14)"  # grey at low opacity reads on light and dark
MOMENT_COLOUR = "#333333"


def plain(text: object, width: int | None = None, break_words: bool = True) -> str:
    """Data text made inert for plotly: HTML escaped, optionally wrapped with <br>."""
    value = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    if width:
        lines = textwrap.wrap(value, width=width, break_long_words=break_words) or [""]
        return "<br>".join(html.escape(line) for line in lines)
    return html.escape(value)


def empty_figure(message: str = EMPTY_MESSAGE) -> go.Figure:
    """A compact figure that says plainly why it is blank."""
    figure = go.Figure()
    figure.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16}
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=120, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return figure


def readable(figure: go.Figure) -> go.Figure:
    """The layout every chart shares: legend below, legible hover, margins that fit labels."""
    figure.update_layout(
        legend=LEGEND_BELOW,
        hoverlabel=HOVER_LABEL,
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
    )
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def credit_line(title: str, data_title: str, width: int = 50) -> str:
    """The chart's name, the dashboard's and the data's, escaped and wrapped."""
    return plain(f"{title} · {DASHBOARD_NAME} · data: {data_title}", width=width)


def with_credit(figure: go.Figure, title: str, data_title: str) -> go.Figure:
    """A small grey credit above the plot (and its top labels), so a downloaded PNG says what
    it shows and where the data comes from. The figure grows by the room the credit takes.

    An annotation, not the title: plotly misplaces multi-line titles. It assumes the figure's top
    margin is ``TOOLBAR_ROOM`` plus the room of any top labels, as every figure here sets it.
    """
    if not figure.data:  # the empty figure says why it is empty; a credit would be noise
        return figure
    top = figure.layout.margin.t if figure.layout.margin.t is not None else TOOLBAR_ROOM
    figure.add_annotation(
        text=credit_line(title, data_title),
        name="credit",
        showarrow=False,
        xref="paper",
        x=0,
        xanchor="left",
        yref="paper",
        y=1,
        yanchor="bottom",
        yshift=top - TOOLBAR_ROOM + 8,
        align="left",
        font={"size": 10, "color": "#808080"},
    )
    figure.update_layout(
        margin_t=top + CREDIT_ROOM, height=(figure.layout.height or 450) + CREDIT_ROOM
    )
    return figure


def area_styles(area_names: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    colours = {a: AREA_COLOURS[i % len(AREA_COLOURS)] for i, a in enumerate(area_names)}
    symbols = {a: AREA_SYMBOLS[i % len(AREA_SYMBOLS)] for i, a in enumerate(area_names)}
    return colours, symbols


CREDIT_ROOM = 42  # px for three lines of 10 px credit
TOOLBAR_ROOM = 30  # px kept free above a chart's top labels for the toolbar (modebar)
LINE_HEIGHT = 15  # px per line of 12 px tick labels


def _lines(labels: list[str]) -> int:
    return max((label.count("<br>") + 1 for label in labels), default=1)


def _heatmap(
    z: pd.DataFrame,
    text,
    row_height: int,
    top_axis: bool = True,
    label_widths: tuple[int, int] = (16, 12),
    column_text: list[str] | None = None,
    **trace,
) -> go.Figure:
    """A labelled heatmap: rows and columns escaped and wrapped, the text written in every cell.

    Labels are wrapped (``label_widths``: characters per line of row and column labels) rather
    than rotated, so the cells keep most of a phone's width; the colour bar lies under the plot.
    ``column_text``: escaped column labels to show instead of the wrapped column names.
    """
    rows = [plain(i, label_widths[0], break_words=False) for i in z.index]
    columns = [plain(c, label_widths[1], break_words=False) for c in z.columns]
    if "colorbar" in trace:
        title = {**COLORBAR_BELOW["title"], **trace["colorbar"].pop("title", {})}
        trace["colorbar"] = {**COLORBAR_BELOW, **trace["colorbar"], "title": title}
    trace.setdefault("colorscale", DIVERGING)
    figure = go.Figure(
        go.Heatmap(
            z=z.to_numpy(dtype="float64"),
            x=columns,
            y=rows,
            text=text,
            texttemplate="%{text}",
            xgap=2,
            ygap=2,
            meta={"rows": [str(i) for i in z.index], "columns": [str(c) for c in z.columns]},
            **trace,
        )
    )
    label_room = LINE_HEIGHT * _lines(column_text or columns) + 8
    scale_room = 0 if trace.get("showscale") is False else 70
    top = TOOLBAR_ROOM + (label_room if top_axis else 0)
    bottom = 10 + (0 if top_axis else label_room) + scale_room
    readable(figure)
    figure.update_layout(
        height=top + bottom + row_height * len(z),
        margin={"l": 10, "r": 10, "t": top, "b": bottom},
    )
    figure.update_xaxes(
        type="category", tickangle=0, tickfont={"size": 11}, side="top" if top_axis else "bottom"
    )
    figure.update_yaxes(type="category", autorange="reversed")
    if column_text:
        figure.update_xaxes(tickvals=columns, ticktext=column_text)
    return figure


def side_term_labels(columns) -> list[str]:
    """ "<side> · <period label>" column names as short lines that fit a phone-width column."""
    return [
        "<br>".join(plain(part, 10, break_words=False) for part in c.split(" · ")) for c in columns
    ]


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
        label_widths=(16, 40),
        column_text=side_term_labels(values.columns),
        customdata=hover.to_numpy(),
        textfont={"size": 16},
        hovertemplate="%{y}<br>%{x}: %{text}<br>%{customdata}<extra></extra>",
        zmin=-2,
        zmax=2,
        colorbar={"title": {"text": "stance"}, "tickvals": [-2, -1, 0, 1, 2]},
    )


def year_rows(matrix: pd.DataFrame, values: str, area_order: list[str]) -> pd.DataFrame:
    """One row per year from the first to the last (gaps kept), one column per area."""
    table = matrix.pivot(index="year", columns="area", values=values)
    years = range(int(table.index.min()), int(table.index.max()) + 1)
    table = table.reindex(years)
    table.index = [str(y) for y in table.index]  # category labels: no "2,024.5" ticks
    return table[[a for a in area_order if a in table.columns]]


def area_year_heatmap(matrix: pd.DataFrame, area_order: list[str] | None = None) -> go.Figure:
    """Events per year (rows) and area (columns), coloured by mean score, count and score written.

    Years run down the page, areas across: the number of years grows with the data while the
    areas stay six, so the cells keep a readable width on a phone (six columns of about 50 px at
    390 px) and the chart simply gets taller.
    """
    if matrix.empty:
        return empty_figure()
    order = list(area_order or dict.fromkeys(matrix["area"]))
    counts = year_rows(matrix, "events", order)
    means = year_rows(matrix, "mean_goldstein", order)
    text = [
        ["" if pd.isna(n) else f"{int(n)}<br>{m:+.1f}" for n, m in zip(c_row, m_row, strict=True)]
        for c_row, m_row in zip(counts.to_numpy(), means.to_numpy(), strict=True)
    ]
    return _heatmap(
        means,
        text,
        row_height=40,
        label_widths=(4, 9),
        hovertemplate="%{x}, %{y}<br>events and mean score: %{text}<extra></extra>",
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
        table.fillna("no record").map(lambda v: plain(v, 12, break_words=False)).to_numpy(),
        row_height=52,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        textfont={"size": 13},
        zmin=-1,
        zmax=1,
        showscale=False,
    )


SHARE_KEPT = "Blues"  # sequential, colour-blind safe; no colour where no share is given


def say_do_heatmap(share: pd.DataFrame, figures: pd.DataFrame, words: pd.DataFrame) -> go.Figure:
    """Commitments per area and side × period: the counts written in every cell as figures
    (``say_do.cell_figures``), in words on hover, coloured by the share kept where enough are
    resolved to give one."""
    if share.empty:
        return empty_figure()

    def lines(frame: pd.DataFrame) -> np.ndarray:
        return frame.map(lambda t: "<br>".join(plain(line) for line in t.split("\n"))).to_numpy()

    values = share.astype("float64")
    colour: dict = {
        "colorscale": SHARE_KEPT,
        "colorbar": {"title": {"text": "share kept"}, "tickformat": ".0%"},
    }
    if values.isna().all().all():
        # No cell has a share: plotly then draws no cell and none of its figures. Blank cells
        # of one clear colour keep the figures written, with no colour bar that means nothing.
        values = values.fillna(0.0)
        colour = {"colorscale": [[0, TRANSPARENT], [1, TRANSPARENT]], "showscale": False}
    return _heatmap(
        values,
        lines(figures),
        row_height=56,
        label_widths=(16, 40),
        column_text=side_term_labels(share.columns),
        customdata=lines(words),
        hovertemplate="%{y}<br>%{x}<br>%{customdata}<extra></extra>",
        textfont={"size": 13},
        zmin=0,
        zmax=1,
        **colour,
    )


# Verdict -> colour (Okabe & Ito) and bar pattern, so a verdict never rests on colour alone.
VERDICT_STYLES = {
    "kept": ("#009E73", ""),
    "partly kept": ("#56B4E9", "/"),
    "broken": ("#D55E00", "x"),
    "in progress": ("#E69F00", "."),
    "unclear": ("#999999", "-"),
}


def commitments_timeline(rows: pd.DataFrame, x_range=None) -> go.Figure:
    """Each commitment as a bar from the day it was stated to the day its verdict holds as of,
    one row per area and side, coloured and patterned by verdict (``rows``: stated,
    verdict_as_of, row, verdict, statement)."""
    if rows.empty:
        return empty_figure("No commitments match the current filters.")
    shown = rows.assign(
        row=rows["row"].map(plain),
        hover=rows["statement"].map(lambda t: plain(t, 60)),
        end=rows["verdict_as_of"].where(rows["verdict_as_of"] > rows["stated"], rows["stated"])
        + pd.Timedelta(days=20),  # a verdict on the day itself still shows as a mark
    )
    order = [v for v in VERDICT_STYLES if v in set(shown["verdict"])]
    figure = px.timeline(
        shown,
        x_start="stated",
        x_end="end",
        y="row",
        color="verdict",
        pattern_shape="verdict",
        category_orders={"verdict": order},
        color_discrete_map={v: c for v, (c, _) in VERDICT_STYLES.items()},
        pattern_shape_map={v: p for v, (_, p) in VERDICT_STYLES.items()},
        custom_data=["hover"],
        labels={"verdict": "Verdict", "row": ""},
    )
    figure.update_traces(
        hovertemplate="%{y}<br>stated %{base|%Y-%m-%d}<br>%{customdata[0]}"
        "<extra>%{fullData.name}</extra>"
    )
    low, high = date_range(shown["stated"], x_range)
    figure.update_xaxes(range=[low, high])
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=160 + 26 * shown["row"].nunique(), margin={"t": 40, "b": 10})
    return readable(figure)


def key_moment_rows(dates: pd.Series, x_span: pd.Timedelta, gap: float = 0.07) -> list[int]:
    """Row of each numbered badge in the band above the timeline, so no two overlap.

    Badges go into the first row whose last badge is at least ``gap`` of the x span earlier
    (about two badge widths on a 300 px wide plot).
    """
    last: list[pd.Timestamp] = []
    rows = []
    for date in dates:
        row = next((i for i, d in enumerate(last) if date - d >= x_span * gap), len(last))
        if row == len(last):
            last.append(date)
        last[row] = date
        rows.append(row)
    return rows


def date_range(dates: pd.Series, x_range=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x axis span: the date filter where set, else the data, with a small margin."""
    start, end = x_range or (None, None)
    low = pd.Timestamp(start) if start else dates.min()
    high = pd.Timestamp(end) if end else dates.max()
    pad = max((high - low) * 0.02, pd.Timedelta(days=10))
    return low - pad, high + pad


def term_spans(
    periods: tuple[Period, ...], low: pd.Timestamp, high: pd.Timestamp
) -> list[tuple[str, pd.Timestamp, pd.Timestamp, bool]]:
    """The compared periods within [low, high], each as (label, first day, day after its last,
    shaded). A period that starts the day after a shaded one ends is not shaded, so periods
    that follow each other alternate and each band stays visible."""
    spans = []
    shaded_until = None
    for period in (p for p in periods if p.compared):
        start = pd.Timestamp(period.start)
        end = pd.Timestamp(period.end) + pd.Timedelta(days=1) if period.end else high
        shaded = shaded_until is None or start > shaded_until
        shaded_until = end if shaded else None
        if start < high and end > low:
            spans.append((period.label, max(start, low), min(end, high), shaded))
    return spans


def shade_terms(
    figure: go.Figure, periods: tuple[Period, ...], low: pd.Timestamp, high: pd.Timestamp
) -> None:
    """Grey bands behind the marks for the compared periods, each named just under the +10 line.

    The names sit where scores are rare (above +7: treaties), clear of the badges above; a
    period cut short by the axis end is named from its right edge, so the name stays inside.
    """
    for name, start, end, shaded in term_spans(periods, low, high):
        if shaded:
            figure.add_vrect(x0=start, x1=end, fillcolor=TERM_SHADE, line_width=0, layer="below")
        narrow = (end - start) < (high - low) * 0.2 and end == high
        figure.add_annotation(
            x=end if narrow else start,
            xanchor="right" if narrow else "left",
            y=10.8,
            yanchor="top",
            text=plain(name),
            showarrow=False,
            xshift=-3 if narrow else 3,
            font={"size": 11, "color": "#808080"},
            name="term",
        )


BAND_BASE = 12.5  # y of the first row of key-moment badges, above the +10 end of the scale
BAND_STEP = 1.7


def key_moment_badges(labels: pd.DataFrame, low, high) -> go.Scatter:
    """Numbered circles in a band above the plot, one per key moment, in rows that never overlap."""
    rows = key_moment_rows(labels["date"], high - low)
    return _numbered_badges(labels, labels["date"], [BAND_BASE + BAND_STEP * r for r in rows])


def _numbered_badges(moments: pd.DataFrame, dates, heights: list[float]) -> go.Scatter:
    """The key moments as numbered circles at ``heights``, their titles on hover."""
    return go.Scatter(
        x=dates,
        y=heights,
        mode="markers+text",
        text=[str(n) for n in range(1, len(moments) + 1)],
        textposition="middle center",
        textfont={"size": 11, "color": "#ffffff"},
        marker={"size": 20, "color": MOMENT_COLOUR, "line": {"width": 1, "color": "#ffffff"}},
        customdata=moments["title"].map(lambda t: plain(t, 50)),
        hovertemplate="%{text}. %{x|%Y-%m-%d}<br>%{customdata}<extra>key moment</extra>",
        showlegend=False,
        name="key moments",
    )


def key_moment_rings(labels: pd.DataFrame) -> go.Scatter:
    """An open ring around each key moment's own mark in the plot."""
    return go.Scatter(
        x=labels["date"],
        y=labels["goldstein"],
        mode="markers",
        marker={"symbol": "circle-open", "size": 20, "color": "#888888", "line": {"width": 2}},
        hoverinfo="skip",
        showlegend=False,
        name="key moment rings",
    )


def timeline(
    points: pd.DataFrame,
    labels: pd.DataFrame,
    area_order: list[str],
    periods: tuple[Period, ...],
    x_range=None,
) -> go.Figure:
    """Events over time by score, coloured and shaped by area, the compared periods shaded.

    Key moments (``labels``) are numbered in a band above the plot and ringed at their event;
    the page lists the numbers with titles. ``x_range`` is the date filter (start, end; either
    may be None): the axis shows the chosen span, not only the span of the data.
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
    low, high = date_range(points["date"], x_range)
    top, band_rows = 11, 0
    if not labels.empty:  # two traces: far cheaper to draw than an annotation per label
        badges = key_moment_badges(labels, low, high)
        figure.add_trace(key_moment_rings(labels))
        figure.add_trace(badges)
        top = max(badges.y) + 1.2
        band_rows = len(set(badges.y))
    shade_terms(figure, periods, low, high)
    figure.add_hline(y=0, line_width=1, line_color="#888888")
    readable(figure)
    figure.update_layout(
        height=480 + 26 * band_rows,
        legend_title_text="Policy area",
        margin={"l": 4, "r": 8, "t": TOOLBAR_ROOM, "b": 10},
    )
    figure.update_xaxes(range=[low, high], title_text=None, nticks=6)
    figure.update_yaxes(  # tick labels inside: the plot keeps 30 px more of a phone's width
        range=[-11, top], tickvals=[-10, -5, 0, 5, 10], ticklabelposition="inside", zeroline=False
    )
    return figure


def impact_map(
    by_country: pd.DataFrame,
    region: str,
    all_countries: dict[str, str],
    sides: tuple[Side, ...] = (),
) -> go.Figure:
    """Choropleth of impact intensity; hover gives country, intensity and the effects.

    Countries without a recorded impact are drawn in grey (``all_countries``: code -> name), so
    the map reads "no record" rather than leaving holes; the compared sides' own countries are
    drawn in each side's colour and named as a side on hover. The colour bar lies under the map
    and the geo background is transparent, so the map fills a phone's width in either theme.
    """
    figure = go.Figure()
    shown = set(by_country["country"])
    home = {c for side in sides for c in side.countries}
    others = {c: n for c, n in all_countries.items() if c not in shown | home}
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
    for side in sides:
        countries = [c for c in side.countries if c not in shown]
        if countries:
            figure.add_trace(_side_countries(side, countries, all_countries))
    if not by_country.empty:
        hover = by_country["effects"].map(lambda t: plain(t, 50))
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
                    **COLORBAR_BELOW,
                    "title": {"text": "intensity", "side": "right"},
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
        showlakes=False,
        showframe=False,
        bgcolor=TRANSPARENT,
        **REGION_VIEWS.get(region, {}),
    )
    readable(figure)
    figure.update_layout(height=460, margin={"l": 0, "r": 0, "t": TOOLBAR_ROOM, "b": 70})
    return figure


def _side_countries(side: Side, countries: list[str], names: dict[str, str]) -> go.Choropleth:
    """A side's own countries in its colour, named as a compared side on hover."""
    return go.Choropleth(
        locations=countries,
        locationmode="ISO-3",
        z=[1.0] * len(countries),
        text=[plain(names.get(c, c)) for c in countries],
        colorscale=[[0, side.colour], [1, side.colour]],
        showscale=False,
        marker={"line": {"color": "#444444", "width": 0.5}},
        customdata=[plain(side.name)] * len(countries),  # data text never in the template
        hovertemplate="<b>%{text}</b><br>compared side: %{customdata}<extra></extra>",
        name=plain(side.name),
    )


def _discrete_scale(colours: tuple[str, ...]) -> list[list]:
    """A plotly colour scale with one flat band per ordinal value."""
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
    return scale


def clickable_cells(figure: go.Figure) -> go.Figure:
    """Let a click on a heatmap cell select it, reporting the cell's row and column.

    Streamlit reports chart clicks as selections, and plotly heatmaps cannot be selected: the
    click arrived with an empty selection. An invisible marker at the centre of every cell
    carries the cell's hover text instead, and the nearest one takes the click. Its customdata
    ends with the cell's row and column names as the data has them (``cell_of`` reads them),
    since the axis labels are escaped and wrapped.
    """
    heat = figure.data[0]
    if not isinstance(heat, go.Heatmap):
        return figure  # an empty figure: nothing to click
    keys = heat.meta
    cells = [(row, col) for row in range(len(heat.y)) for col in range(len(heat.x))]
    hover = [heat.customdata[row][col] if heat.customdata is not None else "" for row, col in cells]
    figure.add_trace(
        go.Scatter(
            x=[heat.x[col] for _, col in cells],
            y=[heat.y[row] for row, _ in cells],
            mode="markers",
            marker={"size": 24, "opacity": 0},
            text=[heat.text[row][col] for row, col in cells],
            customdata=[
                [text, keys["rows"][row], keys["columns"][col]]
                for text, (row, col) in zip(hover, cells, strict=True)
            ],
            hovertemplate=(heat.hovertemplate or "").replace("%{customdata}", "%{customdata[0]}"),
            showlegend=False,
            name="cells",
        )
    )
    heat.update(hoverinfo="skip", hovertemplate=None)
    figure.update_layout(hovermode="closest", hoverdistance=-1, clickmode="event+select")
    return figure


def cell_of(point: dict) -> tuple[str, str] | None:
    """The (row, column) names of a cell clicked on a chart made by ``clickable_cells``."""
    data = point.get("customdata") or []
    return (str(data[-2]), str(data[-1])) if len(data) >= 3 else None


QUAD_STYLES = {  # colour-blind safe (Okabe–Ito); cooperation blue, conflict orange; dash by kind
    "verbal_cooperation": ("Verbal cooperation", "#56B4E9", "dot"),
    "material_cooperation": ("Material cooperation", "#0072B2", "solid"),
    "verbal_conflict": ("Verbal conflict", "#E69F00", "dot"),
    "material_conflict": ("Material conflict", "#D55E00", "solid"),
}
TREND_WORDS = {"week": "week", "month": "month"}


def gdelt_trend(trend: pd.DataFrame, moments: pd.DataFrame, unit: str) -> go.Figure:
    """The machine-coded events per week or month: count (top) and mean score (below) for each
    CAMEO quad class, with the curated key moments as numbered dashed lines.

    ``trend`` has ``date`` (the first day of each week or month), ``quad_class``, ``events`` and
    ``goldstein_mean``; ``moments`` the key moments (``date``, ``title``), numbered in order.
    """
    if trend.empty:
        return empty_figure("No machine-coded events match the current filters.")
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45]
    )
    word = TREND_WORDS[unit]
    for quad, (name, colour, dash) in QUAD_STYLES.items():
        rows = trend[trend["quad_class"] == quad]
        if rows.empty:
            continue
        line = {"color": colour, "dash": dash, "width": 2}
        common = {"x": rows["date"], "name": name, "legendgroup": quad, "mode": "lines"}
        figure.add_trace(
            go.Scatter(
                **common,
                y=rows["events"],
                line=line,
                hovertemplate=f"{name}<br>{word} of %{{x|%Y-%m-%d}}: %{{y:,}} events"
                "<extra></extra>",
            ),
            row=1,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                **common,
                y=rows["goldstein_mean"],
                line=line,
                showlegend=False,
                hovertemplate=f"{name}<br>{word} of %{{x|%Y-%m-%d}}: mean score %{{y:+.2f}}"
                "<extra></extra>",
            ),
            row=2,
            col=1,
        )
    _mark_moments(figure, moments, float(trend["events"].max()))
    figure.update_yaxes(title_text=f"Events per {word}", rangemode="tozero", row=1, col=1)
    figure.update_yaxes(title_text="Mean score", range=[-10.5, 10.5], row=2, col=1)
    figure.update_layout(height=560, margin={"l": 10, "r": 10, "t": TOOLBAR_ROOM, "b": 10})
    return readable(figure)


def _mark_moments(figure: go.Figure, moments: pd.DataFrame, top: float) -> None:
    """Each key moment as a dashed line through both plots, numbered in a badge above."""
    if moments.empty:
        return
    dates = pd.to_datetime(moments["date"])
    # One line per moment from the bottom of the lower plot to the top of the upper, added at
    # once: add_vline draws one per plot and copies every shape so far each time (40 moments
    # took over a second of the Overview's rerun on an imported dataset).
    line = {"color": "#808080", "dash": "dash", "width": 1}
    figure.update_layout(
        shapes=[
            {"type": "line", "xref": "x", "yref": "paper", "x0": d, "x1": d, "y0": 0, "y1": 1}
            | {"line": line}
            for d in dates
        ]
    )
    span = dates.max() - dates.min() if len(dates) > 1 else pd.Timedelta(days=365)
    rows = key_moment_rows(dates, max(span, pd.Timedelta(days=365)))
    figure.add_trace(
        _numbered_badges(moments, dates, [top * (1.08 + 0.1 * r) for r in rows]),
        row=1,
        col=1,
    )
