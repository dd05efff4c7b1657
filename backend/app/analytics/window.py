"""Which instants a period covers, in the caller's time zone.

A period of N days is the N local calendar days ending with today (the day that contains `now`
in `tz`), so "7d" on a Wednesday afternoon in Berlin runs from Thursday 00:00 Berlin time to the end
of this Wednesday. Today counts in full: an entry stamped a few seconds after `now` (clock skew
between app and database) still lands in the period. `all` has no lower bound.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Earlier than any entry; PostgreSQL's timestamptz reaches back far enough, and unlike -infinity
# asyncpg can send it as an ordinary datetime.
BEGINNING_OF_TIME = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Window:
    first_day: dt.date | None  # local date; None for `all`
    last_day: dt.date  # local date that contains `now`
    start_at: dt.datetime  # inclusive, UTC
    end_at: dt.datetime  # exclusive, UTC: the local midnight after last_day
    previous_start_at: dt.datetime  # the same number of days before start_at (== start_at: none)
    days: int | None


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The instant a local day begins, in UTC.

    Where a DST gap swallows midnight, fold=0 reads the wall time with the offset in force before
    the gap, which is exactly the first instant of that day.
    """
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def period_window(days: int | None, tz: str, now: dt.datetime) -> Window:
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    end_at = local_midnight(today + dt.timedelta(days=1), zone)
    if days is None:
        return Window(None, today, BEGINNING_OF_TIME, end_at, BEGINNING_OF_TIME, None)
    first_day = today - dt.timedelta(days=days - 1)
    start_at = local_midnight(first_day, zone)
    previous_start_at = local_midnight(first_day - dt.timedelta(days=days), zone)
    return Window(first_day, today, start_at, end_at, previous_start_at, days)
