"""PostgreSQL's search candidates: the first matches in rank order, one tier at a time.

A GIN index answers "which rows match" but not "which match first": it
hands back a bitmap of every match, to be fetched and sorted. Walking the
table in id order (rank order) instead stops after the first few hundred
matches, which is what a dense term (率: 40 % of all indicators) wants and
what a sparse one must not get (率 among project names: a walk through all
of them). The planner chooses between the two from statistics that cannot
see either case reliably: a tier's own statistics say how common one token
is, not how often two tokens occur together (率 AND 满意度-indicators: none
at all; a phrase of two common pairs: far fewer than the pairs suggest).

So the choice is made here, from what the search itself sees, tier by tier
(each tier is a partition: see the migration 0002):

1. **walk** the first rows of the tier in id order, checking each; if that
   finds enough matches, done;
2. else, from the share of the walked rows that matched, estimate what
   finishing the tier costs each way: walking on needs ``want / share``
   more rows, looking up the rest in the GIN index fetches ``share × rows
   left`` matches, each ~4 times the cost of a row walked; take the cheaper,
   walk again (farther) or **look up** the rest.

A term that matches nothing among the walked rows is looked up at once.
The results are the same either way: the first matches in id order.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import Connection, and_, func, literal_column, select, text

from . import tokens as T
from .schema import SearchEntryRow

__all__ = ["first_matches"]

#: rows walked first in each tier (~1 ms); more when more matches are wanted
FIRST_WALK = 1000
#: rows walked before a tier's share of matches is trusted, unless none matched at all
MIN_SAMPLE = 4000
#: a match looked up costs about as much as this many rows walked (heap pages in bitmap order, and
#: the GIN posting lists of every token; measured at a million indicators: ~3 µs against ~0.7 µs)
LOOKUP_COST = 4
#: planner settings while looking up: only the GIN bitmap, no parallel workers (their start-up costs more)
_LOOKUP_SETTINGS = {"enable_seqscan": "off", "enable_indexscan": "off", "max_parallel_workers_per_gather": "0"}

#: (document_id, project_id, indicator_id) columns → the filters' row conditions on them
Conditions = Callable[..., list]


def first_matches(conn: Connection, tsquery: str, conditions: Conditions, n: int) -> list[int]:
    """Ids of the first ``n`` entries (in id order) matching ``tsquery`` and the row ``conditions``."""
    found: list[int] = []
    with _unprepared(conn):
        for tier in sorted(T.KIND_TIERS.values()):
            found += _tier(conn, tsquery, conditions, tier << T.TIER_SHIFT, (tier + 1) << T.TIER_SHIFT,
                           n - len(found))
            if len(found) >= n:
                break
    return found[:n]


@contextmanager
def _unprepared(conn: Connection):
    """psycopg prepares a statement run five times, and PostgreSQL then plans it once for any
    parameters: one plan for every tier (all three partitions read) and every query. Not here."""
    driver = conn.connection.driver_connection
    if not hasattr(driver, "prepare_threshold"):  # not psycopg 3: nothing prepared behind our back
        yield
        return
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def _match(column, tsquery: str):
    return column.op("@@")(text("CAST(:tsq AS tsquery)").bindparams(tsq=tsquery))


def _tier(conn: Connection, tsquery: str, conditions: Conditions, lo: int, hi: int, want: int) -> list[int]:
    """The first ``want`` matches with ``lo`` ≤ id < ``hi`` (one tier)."""
    found: list[int] = []
    after, walked = lo - 1, 0
    budget = max(FIRST_WALK, 2 * want)
    while True:
        hits, end, count, last_id = _walk(conn, tsquery, conditions, lo, hi, after, budget)
        found += sorted(hits or ())
        if len(found) >= want or count < budget:  # enough, or the tier's end
            return found[:want]
        after, walked = end, walked + count
        share = len(found) / walked
        still = want - len(found)
        if share and walked < MIN_SAMPLE:  # a few documents' worth of rows say little about the tier
            budget = MIN_SAMPLE - walked
            continue
        left = max(last_id - after, 0)  # ids are row ids, near enough consecutive within a tier
        if share == 0 or LOOKUP_COST * share * left <= still / share:
            return found + _look_up(conn, tsquery, conditions, lo, hi, after, still)
        budget = int(1.3 * still / share) + 100


def _walk(conn: Connection, tsquery: str, conditions: Conditions, lo: int, hi: int, after: int, budget: int):
    """(matching ids, last id read, rows read, the tier's last id) for the ``budget`` rows after ``after``."""
    E = SearchEntryRow.__table__
    hit = and_(_match(E.c.tsv, tsquery), *conditions(E.c.document_id, E.c.project_id, E.c.indicator_id))
    rows = (select(E.c.id, hit.label("hit")).where(E.c.id > after, E.c.id < hi).order_by(E.c.id).limit(budget)
            .subquery("w"))
    last_id = select(func.max(E.c.id)).where(E.c.id >= lo, E.c.id < hi).scalar_subquery()
    return conn.execute(select(func.array_agg(rows.c.id).filter(rows.c.hit), func.max(rows.c.id), func.count(),
                               last_id).select_from(rows)).one()


def _look_up(conn: Connection, tsquery: str, conditions: Conditions, lo: int, hi: int, after: int,
             n: int) -> list[int]:
    """The first ``n`` matches of the tier ``lo`` ≤ id < ``hi`` past ``after``, through the GIN index."""
    E = SearchEntryRow.__table__
    # The tier's bounds pick its partition; ``id + 0 > after`` is no index condition, so the planner
    # cannot add a primary-key bitmap of every id left in the tier to the GIN one.
    stmt = (select(E.c.id).where(_match(E.c.tsv, tsquery), E.c.id >= lo, E.c.id < hi,
                                 E.c.id + literal_column("0") > after,
                                 *conditions(E.c.document_id, E.c.project_id, E.c.indicator_id))
            .order_by(E.c.id).limit(n))
    with _planner(conn, _LOOKUP_SETTINGS):
        return list(conn.execute(stmt).scalars())


@contextmanager
def _planner(conn: Connection, settings: dict[str, str]):
    """Planner settings for the statements inside, as before afterwards (transaction-local:
    on a connection in autocommit mode they have no effect, and the planner decides alone)."""
    names = list(settings)
    # current_setting before set_config: a select list is evaluated in order
    before = conn.execute(text("SELECT " + ", ".join(
        [f"current_setting('{k}')" for k in names] + [f"set_config('{k}', '{v}', true)" for k, v in settings.items()]
    ))).one()
    yield
    conn.execute(text("SELECT " + ", ".join(f"set_config('{k}', :v{j}, true)" for j, k in enumerate(names)))
                 .bindparams(**{f"v{j}": before[j] for j in range(len(names))}))
