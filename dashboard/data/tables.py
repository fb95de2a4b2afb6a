"""The dataset's tables and columns, declared once.

Everything else derives from these declarations: the pandera schemas that validate a dataset, the
type coercion applied when reading CSV, and the ``datapackage.json`` that documents the schema.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PROVENANCES = ("curated", "gdelt")
PROVENANCE_NAMES = {"curated": "Curated", "gdelt": "GDELT (machine-coded)"}
# Who an actor is in the comparison: the one voice whose stated positions fill a side's stance
# matrix, another voice of that side whose positions are shown beside it, or an actor of events.
ROLES = ("principal", "stating", "acting")
STATING_ROLES = ("principal", "stating")
DATE_FLOOR = dt.date(1900, 1, 1)  # sources and periods; other dates start with the first period
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
CONFIDENCE = ("high", "medium", "low")
DATE_PRECISIONS = ("day", "month", "year")
QUAD_CLASSES = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)
STATUSES = ("implemented", "partial", "stalled", "reversed", "ongoing")
ALIGNMENTS = ("agree", "partly", "disagree")
DIRECTIONS = ("harmed", "benefited", "mixed")
SOURCE_KINDS = ("primary", "wire", "press")
VERDICTS = ("kept", "partly_kept", "broken", "in_progress", "unclear")
RESOLVED = ("kept", "partly_kept", "broken")  # verdicts that need evidence
VERDICT_NAMES = {
    "kept": "kept",
    "partly_kept": "partly kept",
    "broken": "broken",
    "in_progress": "in progress",
    "unclear": "unclear",
}
STANCE_SCALE = {
    -2: "Confrontational: seeks to pressure or punish the other side",
    -1: "Mostly confrontational",
    0: "Mixed or ambivalent",
    1: "Mostly cooperative",
    2: "Seeks close cooperation or partnership",
}
INTENSITY_SCALE = {
    1: "Limited: the country was touched at the margin",
    2: "Significant: the country's policy or economy had to respond",
    3: "Central: the country was a main object or arena of the issue",
}


@dataclass(frozen=True)
class Column:
    """One column: its type, whether a value is required, and what values it allows.

    ``kind`` is one of ``id``, ``text``, ``date``, ``int``, ``float``, ``bool``, ``url``.
    ``multi`` columns hold several values separated by ``;``; ``references`` names the table whose
    ids the values must match.
    """

    name: str
    kind: str
    description: str
    required: bool = True
    allowed: tuple[str, ...] = ()
    value_range: tuple[float, float] | None = None
    multi: bool = False
    references: str | None = None
    unique: bool = False
    max_length: int | None = None
    future: bool = False  # a date that may lie ahead (a deadline)
    # An optional column may be absent from a file; it then reads as ``default`` in every row.
    # Shipped tables stay as they are while imported ones carry the column.
    optional: bool = False
    default: str | None = None
    pattern: tuple[str, str] | None = None  # (regular expression, what a value must be)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def id_column(self) -> str:
        return self.columns[0].name

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def optional_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.optional)


def _id(name: str, what: str) -> Column:
    return Column(name, "id", f"Unique identifier of the {what}.", unique=True, max_length=80)


def _checked() -> Column:
    return Column(
        "checked",
        "date",
        "The day the row was last verified against its sources (YYYY-MM-DD).",
    )


def _sources(
    description: str = "One or more source ids, separated by ';', each a row of sources.",
    required: bool = True,
) -> Column:
    return Column(
        "source_ids", "id", description, required=required, multi=True, references="sources"
    )


def _area() -> Column:
    return Column(
        "area_id", "id", "The policy area (a row of areas).", references="areas", max_length=80
    )


def _period() -> Column:
    return Column(
        "period",
        "id",
        "The period (a row of periods whose compared is true).",
        references="periods",
        max_length=40,
    )


def _side(description: str) -> Column:
    return Column("side", "id", description, references="sides", max_length=40)


def _actor(description: str) -> Column:
    return Column("actor", "id", description, references="actors", max_length=80)


def _text(name: str, description: str, max_length: int = 2000) -> Column:
    return Column(name, "text", description, max_length=max_length)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "areas",
            "The policy areas the dashboard compares.",
            (
                _id("area_id", "policy area"),
                _text("name", "Display name.", 80),
                _text("scope", "What the area covers, in one paragraph."),
            ),
        ),
        Table(
            "sides",
            "The governments compared, in the order the pages show them (at least two).",
            (
                _id("side_id", "side"),
                _text("name", "Display name, e.g. Canada.", 80),
                Column(
                    "colour",
                    "text",
                    "The side's colour on the map, as #RRGGBB.",
                    pattern=(COLOUR_PATTERN, "must be a colour written #RRGGBB"),
                ),
                Column(
                    "countries",
                    "id",
                    "ISO 3166-1 alpha-3 codes of the side's own countries, separated by ';' "
                    "(drawn in its colour on the map); blank for none.",
                    required=False,
                    multi=True,
                    references="iso3",
                ),
            ),
        ),
        Table(
            "actors",
            "Who states positions and who acts in events, and the side each belongs to.",
            (
                _id("actor_id", "actor"),
                _text("name", "Display name, e.g. the national parliament.", 80),
                Column(
                    "side_id",
                    "id",
                    "The side the actor belongs to (a row of sides); blank for actors of "
                    "neither side (the UN, a third country).",
                    required=False,
                    references="sides",
                    max_length=40,
                ),
                Column(
                    "role",
                    "id",
                    "principal = the side's voice: its stated positions fill the stance matrix "
                    "(exactly one per side); stating = another voice of the side (a parliament "
                    "acting apart), its positions shown beside; acting = appears in events only.",
                    allowed=ROLES,
                ),
            ),
        ),
        Table(
            "periods",
            "The periods the comparison runs over, in order; they may not overlap.",
            (
                _id("period_id", "period"),
                _text("name", "Display name with its years, e.g. First term (2017–2021).", 80),
                _text("label", "Short name for column headers, e.g. 1st term.", 40),
                Column("start", "date", "First day of the period (YYYY-MM-DD)."),
                Column(
                    "end",
                    "date",
                    "Last day of the period; blank while it runs.",
                    required=False,
                    future=True,
                ),
                Column(
                    "compared",
                    "bool",
                    "true where positions, outcomes, impacts and commitments are recorded for the "
                    "period; false for periods that only date events.",
                ),
                _sources("Sources for the period's dates, separated by ';'.", required=False),
            ),
        ),
        Table(
            "sources",
            "Every document the dataset cites. Each row of every other table points here.",
            (
                _id("source_id", "source"),
                _text("title", "Title of the document as published.", 400),
                _text("publisher", "Organisation that published it.", 200),
                Column("url", "url", "Public http(s) address of the document.", max_length=2000),
                Column(
                    "published",
                    "date",
                    "Publication date (YYYY-MM-DD); blank where the document carries none.",
                    required=False,
                ),
                Column(
                    "kind",
                    "id",
                    "primary = issued by a government, parliament, court, the UN or another "
                    "intergovernmental body, or a treaty text (also where reprinted: the publisher "
                    "names the reprint); wire = a news agency (Reuters, AP, AFP, TASS, Interfax…), "
                    "also agency copy carried by another site; press = newspapers, broadcasters, "
                    "magazines, research and analysis.",
                    allowed=SOURCE_KINDS,
                ),
            ),
        ),
        Table(
            "positions",
            "Each side's stated position per policy area and compared period.",
            (
                _id("position_id", "position"),
                _area(),
                _side("The side whose position it is (a row of sides)."),
                _actor("Who stated it: a principal or stating actor of that side."),
                _period(),
                _text("position", "The stated position, attributed, in neutral words."),
                Column(
                    "stance",
                    "int",
                    "Stated posture toward cooperating with the other sides in this area, "
                    "-2 (confrontational) to +2 (seeks close cooperation).",
                    value_range=(-2, 2),
                ),
                Column("stated_from", "date", "First date the position was stated."),
                Column("stated_to", "date", "Last date the position was stated.", required=False),
                Column("date_precision", "id", "day, month or year.", allowed=DATE_PRECISIONS),
                Column(
                    "confidence",
                    "id",
                    "How clearly the record shows this position: high, medium or low.",
                    allowed=CONFIDENCE,
                ),
                _sources(),
                _checked(),
            ),
        ),
        Table(
            "outcomes",
            "What actually happened per policy area and compared period.",
            (
                _id("outcome_id", "outcome"),
                _area(),
                _period(),
                _text("outcome", "What happened, in neutral words."),
                Column("status", "id", "How far stated aims were carried out.", allowed=STATUSES),
                Column(
                    "alignment",
                    "id",
                    "Whether the sides' actions lined up: agree, partly, disagree.",
                    allowed=ALIGNMENTS,
                ),
                _sources(),
                _checked(),
            ),
        ),
        Table(
            "events",
            "Dated events, from the start of the first period on.",
            (
                _id("event_id", "event"),
                Column("date", "date", "Date of the event (YYYY-MM-DD)."),
                Column(
                    "date_precision",
                    "id",
                    "day, month (date is the 1st) or year (date is 1 January).",
                    allowed=DATE_PRECISIONS,
                ),
                _text("title", "Short title.", 200),
                _text("description", "What happened, attributed, in neutral words.", 4000),
                Column(
                    "area_ids",
                    "id",
                    "One or more policy areas, separated by ';'.",
                    multi=True,
                    references="areas",
                ),
                Column(
                    "actors",
                    "id",
                    "Who acted (rows of actors), separated by ';'.",
                    multi=True,
                    references="actors",
                ),
                Column(
                    "countries",
                    "id",
                    "ISO 3166-1 alpha-3 codes of the countries involved, separated by ';'.",
                    multi=True,
                    references="iso3",
                ),
                Column(
                    "goldstein",
                    "float",
                    "Cooperation (+) or conflict (-) on the Goldstein scale used by CAMEO.",
                    value_range=(-10, 10),
                ),
                Column("quad_class", "id", "CAMEO quad class.", allowed=QUAD_CLASSES),
                Column("key_moment", "bool", "true for the moments labelled on the timeline."),
                _sources(),
                _checked(),
                Column(
                    "provenance",
                    "id",
                    "curated (hand-checked, the default where the column is absent) or gdelt "
                    "(machine-coded, imported from GDELT 2.0 by python -m dashboard import-gdelt).",
                    allowed=PROVENANCES,
                    optional=True,
                    default="curated",
                ),
                Column(
                    "provenance_id",
                    "id",
                    "The row's id in the feed it came from: GDELT's GLOBALEVENTID; blank for "
                    "curated rows.",
                    required=False,
                    optional=True,
                    max_length=80,
                ),
            ),
        ),
        Table(
            "impacts",
            "How countries other than the compared sides were affected, per area and period.",
            (
                _id("impact_id", "impact"),
                Column(
                    "country", "id", "ISO 3166-1 alpha-3 code.", references="iso3", max_length=3
                ),
                _area(),
                _period(),
                Column(
                    "intensity",
                    "int",
                    "1 limited, 2 significant, 3 central.",
                    value_range=(1, 3),
                ),
                Column(
                    "direction",
                    "id",
                    "Which way the country was affected.",
                    allowed=DIRECTIONS,
                ),
                _text("effect", "The effect, in one neutral sentence."),
                _sources(),
                _checked(),
            ),
        ),
        Table(
            "commitments",
            "Concrete, checkable statements of intent by one side, and what became of them "
            "(say versus do).",
            (
                _id("commitment_id", "commitment"),
                _area(),
                _side("The side that made the commitment."),
                _actor("Who stated it: a principal or stating actor of that side."),
                Column("stated", "date", "Date the statement was made."),
                Column("date_precision", "id", "day, month or year.", allowed=DATE_PRECISIONS),
                _period(),
                _text("statement", "What the side said it would do, attributed, in neutral words."),
                Column(
                    "deadline",
                    "date",
                    "The date by which it said it would act, where it gave one.",
                    required=False,
                    future=True,
                ),
                Column(
                    "verdict",
                    "id",
                    "kept, partly_kept, broken, in_progress (not yet due or under way) or unclear "
                    "(the record does not show it), by the rules on the methodology page.",
                    allowed=VERDICTS,
                ),
                _text("verdict_reason", "What the record shows, in one sentence.", 600),
                Column("verdict_as_of", "date", "The date the verdict holds as of."),
                Column(
                    "confidence",
                    "id",
                    "How firmly the evidence supports the verdict: high, medium or low.",
                    allowed=CONFIDENCE,
                ),
                Column(
                    "evidence_event_ids",
                    "id",
                    "Events that show the outcome, separated by ';' (required for kept, "
                    "partly_kept and broken).",
                    required=False,
                    multi=True,
                    references="events",
                ),
                _sources(),
                _checked(),
            ),
        ),
    )
}
