"""Fixed texts: how to cite, the licences, and the coding rules (shown on the Sources page)."""

import datetime as dt

PROJECT = "Governments compared, issue by issue: a comparison dashboard"
DATA_LICENCE = (
    "The data (data/*.csv) is licensed under the Creative Commons Attribution 4.0 International "
    "licence (CC BY 4.0): https://creativecommons.org/licenses/by/4.0/\n"
    "You may share and adapt it for any purpose if you credit the project and link the licence.\n"
    "Each row cites its own sources; their texts belong to their publishers.\n"
)
CODE_LICENCE = "The code is licensed under the MIT licence (see LICENSE)."


AUTHOR = "The dashboard project's contributors"


def citation(meta: dict, url: str = "", today: dt.date | None = None) -> str:
    """How to cite the dataset: author, title, version and its date, where, when accessed.

    ``meta`` is the dataset's datapackage; ``url`` the address the reader saw it at.
    """
    today = today or dt.date.today()
    authors = ", ".join(c.get("title", "") for c in meta.get("contributors", [])) or AUTHOR
    updated = meta.get("updated") or "undated"
    version = meta.get("version") or "unversioned"
    where = f" {url}." if url else ""
    return (
        f"{authors} ({updated[:4]}). {meta.get('title') or PROJECT} "
        f"[dataset and dashboard], version {version} of {updated}.{where} "
        f"Accessed {today.isoformat()}. Licensed CC BY 4.0.\n"
    )


METHOD = """
**Positions.** For each policy area, side and compared period, the position the side stated, in our
own neutral words and attributed to who stated it: the side's principal voice (its government), or
another voice of the side, such as a parliament where it acted apart from the government, as the
dataset's actors table declares. Each carries the date or range it was stated and a confidence:
*high* where the side stated it plainly and repeatedly, *medium* where it has to be read from a few
statements, *low* where the record is unclear (the text then says so). Where a side's stated
position moved within a period, the cell has several rows, each a stretch of time dated to the
statements it rests on (stretches of one cell never overlap). The stance matrix shows the **latest**
stretch's stance; Compare lists every stretch in order, with its dates and stance, so the movement
stays visible.

**Outcomes.** For each area and compared period, what actually happened, with a status
(*implemented*, *partial*, *stalled*, *reversed*, *ongoing*) and whether the sides' actions lined up
(*agree*, *partly*, *disagree*).

**Events.** Dated events from the start of the first period to the latest we could verify. Each has
a date precision (*day*, *month*: dated the 1st, *year*: dated 1 January), the areas, actors and
countries involved (ISO 3166-1 alpha-3), a cooperation–conflict score on the Goldstein (1992) scale
used by CAMEO and GDELT (−10 most conflictual … +10 most cooperative), and one of CAMEO's four quad
classes (verbal or material, cooperation or conflict). Scores are our coding of the event type, not
a measurement.

**Impacts.** Countries other than the compared sides affected in an area and period, with an
intensity and a direction (*harmed*, *benefited*, *mixed*) and a one-sentence effect.

**Sources.** Every row cites at least one source that we read. Each source has a kind: *primary*
(issued by a government, parliament, court, the UN or another intergovernmental body, or a treaty
text), *wire* (a news agency such as Reuters, AP, AFP, TASS or Interfax; state-run agencies are
cited only as the record of what their government said) or *press* (newspapers, broadcasters,
magazines, research). No encyclopaedia is cited. An aggregator is kept only where it is the sole
record of a fact. Where sources disagreed on a date, the primary one was used. A commitment
cites the record of its statement and, where its evidence events' sources do not say it, the
record of what its verdict rests on.
"""

LIMITS = """
- Stance, intensity and scores are coders' judgements on documented scales, not measurements;
  read them with the texts and sources beside them.
- What could not be verified against a source was left out, so the record has gaps: absence of
  an event is not evidence that nothing happened.
- A period that is still running has outcomes that describe the state of affairs as of the cited
  sources.
"""

VERDICT_RULES = """
A **commitment** is one concrete, checkable statement of intent by one side ("we will withdraw
from the treaty", "we will halt strikes on energy infrastructure for 30 days"), made in a compared
period, chosen for weight: each period's headline promises and each side's commitments at the
summits and calls in the events table. The same rules apply to both sides:

- **kept**: the record shows the stated action carried out in full, by the deadline where the
  statement gave one;
- **partly kept**: part of it was carried out, or it was carried out late, in reduced form, or for
  only part of the time promised;
- **broken**: the deadline passed without the action, or the side abandoned it, reversed it or did
  the opposite, as the record shows;
- **in progress**: no deadline, or a deadline not yet passed, and the record shows neither
  completion nor abandonment (a conditional offer whose condition was never met stays here);
- **unclear**: the record does not show whether it was carried out. A verdict is never inferred.

A kept, partly kept or broken verdict names the events that show it. Each verdict holds as of the
date given with it, and carries a confidence (high, medium, low). The share kept is kept ÷ resolved
(kept, partly kept or broken), and is shown only where at least three are resolved.
"""

CORRECTIONS = """
Found an error? Open an issue on the project's repository, or write to its maintainers, naming the
row id (shown in every table and export) and the source that shows the error. Each report is
checked against the sources; a row found wrong is corrected in place, and the correction is
listed by row id in `data/CHANGELOG.md` under the next version of the dataset.
Rows are never changed silently, and a row that cannot be verified again is removed and listed as
removed.
"""


def zip_readme(meta: dict, filters_line: str) -> str:
    """What a downloaded zip holds: which dataset and version, under which filters."""
    return (
        f"{meta.get('title') or PROJECT}\n"
        f"Dataset version {meta.get('version') or 'unversioned'}, "
        f"released {meta.get('updated') or 'undated'}.\n\n"
        f"{filters_line}\n\n"
        "Each CSV holds the rows of one table under those filters; sources.csv holds the sources\n"
        "they cite. The columns are described field by field in the dataset's datapackage.json;\n"
        "what changed between versions is in its CHANGELOG.md. CITATION.txt says how to cite,\n"
        "LICENCE-data.txt how the data may be reused.\n"
    )


GDELT_METHOD = """
**What GDELT is.** The GDELT 2.0 Event Database (The GDELT Project) reads news reports from around
the world every 15 minutes and codes each reported interaction by machine: who acted (Actor1),
on whom (Actor2), what they did as a CAMEO event code (Conflict and Mediation Event
Observations, Schrodt 2012), its quad class (verbal or material, cooperation or conflict), a
Goldstein score for the event type (−10 to +10), where it happened, and how many mentions,
sources and articles reported it. Nobody checks a GDELT row by hand.

**Its known noise.** The same event is coded again from every report that describes it, so
counts follow press attention as much as events; GDELT 2.0 folds repeated reports into
mentions, but near-duplicates remain. Places are guessed from the text and are often wrong
(a capital stands in for a country; a city's name matches another country). Actors are found by
matching names, so a statement *about* a government can be coded as an act *by* it, and the
event code comes from the verb of a sentence, not from what happened. Read the trend as the
texture of coverage between the key moments, never as a record of single events.

**How rows were imported** (`python -m dashboard import-gdelt`). Kept: lines whose two actors'
country codes are the two sides, either way round; an actor known only by its geography is not
placed on a side (such lines are counted and dropped). The date is the event day (`SQLDATE`),
from 2014 on; the score is `GoldsteinScale`; the quad class is `QuadClass`. Actors come from the
actor's country and its first CAMEO type code (government, military and intelligence: the
executive; legislature: Congress; judiciary: the justice system; any other type: "other or
unspecified"). Countries are the two sides and the action location, its FIPS 10-4 code
converted to ISO 3166-1 alpha-3 with a table taken from GeoNames; a code the table lacks is
left out and counted. The title is the CAMEO description of the event code; the description
gives GDELT's actor names and codes, the code, the counts and the average tone. Policy areas
come from a rule table over CAMEO codes, the action location and the actors; an event no rule
places is in the area *Unassigned*, never placed by guess. Each distinct source address is one
source, its publisher the address's host. Every imported row says *gdelt* and carries GDELT's
`GLOBALEVENTID`, so it is always told apart from the curated rows, which are never mixed with
it unless "Events from: Both" is chosen.
"""
