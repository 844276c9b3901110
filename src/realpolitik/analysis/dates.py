"""Dates at their precision, for people: "1950", not "1950-01-01".

An event date is stored as the first day of its period with a precision (``day``,
``month``, ``year``, ``decade``; :data:`realpolitik.store.db.DATE_PRECISIONS`). Tables,
the API and the dashboard show it as the period: ``2012-09-14``, ``2012-09``, ``1950``,
``1990s``. Machine formats (JSONL, CSV, Parquet, SQLite) keep the first day and the
precision in two fields.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd


def date_label(day: Any, precision: Any = "day") -> str | None:
    """The date as its period: ``2012-09-14`` (day), ``2012-09`` (month), ``1950`` (year), ``1990s`` (decade).

    `day` is a date, a timestamp or an ISO string; missing dates give None. An unknown or
    missing precision is taken as a day.
    """
    if day is None or day is pd.NaT or (isinstance(day, float) and day != day):
        return None
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    elif isinstance(day, (pd.Timestamp, datetime)):
        day = day.date()
    if precision == "decade":
        return f"{day.year - day.year % 10}s"
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()
