"""Calendar time from C-day: the one rule every report, map and table uses.

Plans count hours from C-day 00:00, taken as UTC ("Zulu"); C-day is an ISO date.
"""

from __future__ import annotations

import datetime as dt
import math


def c_day_start(c_day: str | dt.date) -> dt.datetime:
    """C-day 00:00 (naive, UTC by convention)."""
    day = c_day if isinstance(c_day, dt.date) else dt.date.fromisoformat(str(c_day))
    return dt.datetime.combine(day, dt.time())


def at_hour(c_day: str | dt.date, hours: float) -> dt.datetime:
    """The calendar time `hours` after C-day 00:00."""
    return c_day_start(c_day) + dt.timedelta(hours=hours)


def iso_minute(c_day: str | dt.date, hours: float) -> str:
    """ISO 8601 in UTC to the minute, '2027-03-04T06:00Z' (what Date.parse reads)."""
    return at_hour(c_day, hours).strftime("%Y-%m-%dT%H:%MZ")


def c_label(hours: float) -> str:
    """'C+3 14:30' for briefing tables."""
    day = math.floor(hours / 24.0)
    rest = hours - 24.0 * day
    return f"C+{day} {int(rest):02d}:{round(60 * (rest - int(rest))) % 60:02d}"
