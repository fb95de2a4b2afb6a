"""The dataset's tables and columns, declared once.

Everything else derives from these declarations: the pandera schemas that validate a dataset, the
type coercion applied when reading CSV, and the ``datapackage.json`` that documents the schema.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

AREA_IDS = (
    "counter_terrorism",
    "trade_sanctions",
    "ukraine",
    "arms_control",
    "cyber_elections",
    "human_rights",
)
SIDES = ("US", "RU")
SIDE_NAMES = {"US": "United States", "RU": "Russia"}
ACTORS = ("us_executive", "us_congress", "ru_government")
EVENT_ACTORS = (
    "us_executive",
    "us_congress",
    "us_justice",
    "ru_government",
    "ukraine",
    "uk",
    "eu",
    "nato",
    "un",
    "other",
    "us_other",
    "ru_other",
)
ACTOR_NAMES = {
    "us_executive": "US executive",
    "us_congress": "US Congress",
    "us_justice": "US justice system",
    "ru_government": "Russian government",
    "ukraine": "Ukraine",
    "uk": "United Kingdom",
    "eu": "European Union",
    "nato": "NATO",
    "un": "United Nations",
    "other": "Other",
    "us_other": "US, other or unspecified actor",
    "ru_other": "Russia, other or unspecified actor",
}
PROVENANCES = ("curated", "gdelt")
PROVENANCE_NAMES = {"curated": "Curated", "gdelt": "GDELT (machine-coded)"}
PERIODS = ("term1", "term2")
PERIOD_NAMES = {
    "before": "Before Trump (2014–2017)",
    "term1": "First Trump term (2017–2021)",
    "between": "Between terms (2021–2025)",
    "term2": "Second Trump term (2025–)",
}
PERIOD_STARTS = {
    "before": dt.date(2014, 1, 1),
    "term1": dt.date(2017, 1, 20),
    "between": dt.date(2021, 1, 20),
    "term2": dt.date(2025, 1, 20),
}
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
EARLIEST_DATE = dt.date(2014, 1, 1)

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


def _sources() -> Column:
    return Column(
        "source_ids",
        "id",
        "One or more source ids, separated by ';', each a row of sources.",
        multi=True,
        references="sources",
    )


def _area() -> Column:
    return Column(
        "area_id", "id", "The policy area (a row of areas).", references="areas", max_length=80
    )


def _period() -> Column:
    return Column(
        "period",
        "id",
        "term1 = 2017-01-20 to 2021-01-20; term2 = from 2025-01-20.",
        allowed=PERIODS,
    )


def _text(name: str, description: str, max_length: int = 2000) -> Column:
    return Column(name, "text", description, max_length=max_length)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "areas",
            "The six policy areas the dashboard compares.",
            (
                _id("area_id", "policy area"),
                _text("name", "Display name.", 80),
                _text("scope", "What the area covers, in one paragraph."),
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
            "Each side's stated position per policy area and Trump term.",
            (
                _id("position_id", "position"),
                _area(),
                Column("side", "id", "US or RU.", allowed=SIDES),
                Column(
                    "actor",
                    "id",
                    "Who stated it: us_executive, us_congress (where Congress acted apart from the "
                    "White House) or ru_government.",
                    allowed=ACTORS,
                ),
                _period(),
                _text("position", "The stated position, attributed, in neutral words."),
                Column(
                    "stance",
                    "int",
                    "Stated posture toward cooperating with the other side in this area, "
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
            "What actually happened per policy area and Trump term.",
            (
                _id("outcome_id", "outcome"),
                _area(),
                _period(),
                _text("outcome", "What happened, in neutral words."),
                Column("status", "id", "How far stated aims were carried out.", allowed=STATUSES),
                Column(
                    "alignment",
                    "id",
                    "Whether the two sides' actions lined up: agree, partly, disagree.",
                    allowed=ALIGNMENTS,
                ),
                _sources(),
                _checked(),
            ),
        ),
        Table(
            "events",
            "Dated events from 2014 on.",
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
                    "Who acted, separated by ';'.",
                    multi=True,
                    allowed=EVENT_ACTORS,
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
            "How countries other than the two sides were affected, per area and term.",
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
                Column("side", "id", "The side that made the commitment.", allowed=SIDES),
                Column("actor", "id", "Who stated it.", allowed=ACTORS),
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
