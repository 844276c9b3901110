"""Exports of an events DataFrame (as from ``Store.events``) to other event-data formats.

* **GDELT 2.0** event table (:func:`to_gdelt`): the 61 columns in GDELT's
  order. Filled: ``GLOBALEVENTID`` (the first 15 hex digits of ``event_key`` as
  an integer: stable, unlike GDELT's running number), the date columns
  (``FractionDate`` = year + elapsed share of the year), actor code, name
  (upper case, as GDELT writes it), country and type (the role, or ``IGO``
  with the IGO id as known-group code), ``EventCode`` / ``EventBaseCode``
  (first three digits) / ``EventRootCode``, ``QuadClass``, ``GoldsteinScale``,
  ``NumMentions``, ``NumSources``, ``NumArticles`` (documents) and, when the
  frame has them, ``IsRootEvent`` (1 for an event in a document's first
  sentence), ``ActionGeo_FullName`` (the event's place), ``DATEADDED``
  and ``SOURCEURL``. Blank: ethnic, religion and second/third type codes,
  ``AvgTone`` (no tone model), and all other geo columns (GDELT uses FIPS
  country codes and gazetteer feature ids that we do not have).
  Written tab-separated without a header, as GDELT ships it.
* **ICEWS** (:func:`to_icews`): the 20 columns of the ICEWS coded event files,
  tab-separated with a header. Sectors are readable role names
  (``data/sectors.yaml``), countries are names; ``Publisher``, ``City``,
  ``District``, ``Province``, ``Latitude`` and ``Longitude`` are blank unless
  the frame has them.
* **PLOVER** (:func:`to_plover`): one JSON record per event with ``id``,
  ``date``, ``event_type``, ``mode``, ``context`` (empty: we code no PLOVER
  contexts), ``source`` / ``target`` actors (code, name, country, sector) and
  our ``modality``, CAMEO code, Goldstein score, QuadClass and evidence.
* **Parquet** and **CSV**: the events frame itself (CSV with spans as JSON).
"""
from __future__ import annotations

import json
import math
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.analysis.dyad import as_span

FORMATS: tuple[str, ...] = ("gdelt", "icews", "plover", "parquet", "csv")

_ACTOR_FIELDS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
                 "Type1Code", "Type2Code", "Type3Code")
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS), *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{who}Geo_{f}" for who in ("Actor1", "Actor2", "Action") for f in _GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
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
        out["IsRootEvent"] = _int_or_blank((events["sentence_index"] == 0).astype(int).where(
            events["sentence_index"].notna()))
    code = _text(events, "code")
    out["EventCode"], out["EventBaseCode"], out["EventRootCode"] = code, code.str[:3], _text(events, "root_code")
    out["QuadClass"] = _int_or_blank(events["quad_class"])
    out["GoldsteinScale"] = events["goldstein"].astype(float)
    for column, field in (("NumMentions", "num_mentions"), ("NumSources", "num_sources"),
                          ("NumArticles", "num_documents")):
        out[column] = _int_or_blank(events[field]) if field in events else None
    out["ActionGeo_FullName"] = _text(events, "location")
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
        out[f"{label} Name"] = _text(events, f"{side}_name").where(_text(events, f"{side}_name") != "",
                                                                   _text(events, side))
        out[f"{label} Sectors"] = [_sector(c, r) for c, r in zip(_text(events, side), _text(events, f"{side}_role"))]
        out[f"{label} Country"] = _text(events, f"{side}_country").map(lambda c: names.get(c, c))
    out["Event Text"] = _text(events, "event_name")
    out["CAMEO Code"] = _text(events, "code")
    out["Intensity"] = events["goldstein"].astype(float)
    out["Story ID"] = _text(events, "doc_id")
    if "sentence_index" in events:
        out["Sentence Number"] = _int_or_blank(events["sentence_index"] + 1)
    out["Publisher"] = _text(events, "publisher")
    out["Country"] = _text(events, "location_country").map(lambda c: names.get(c, c))
    return out.reset_index(drop=True)


def to_plover(events: pd.DataFrame) -> list[dict[str, Any]]:
    """PLOVER-style JSON records, one per event."""
    records = []
    for row in events.to_dict("records"):
        when = _clean(row.get("event_date"))
        records.append({
            "id": row["event_key"],
            "date": pd.Timestamp(when).date().isoformat() if when is not None else None,
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
            "doc_id": _clean(row.get("doc_id")),
        })
    return records


def write_export(events: pd.DataFrame, fmt: str, path: str | Path, header: bool = False) -> int:
    """Write ``events`` in ``fmt`` to ``path``; returns the number of records.

    ``gdelt`` is tab-separated without a header unless ``header``; ``icews`` is
    tab-separated with a header; ``plover`` is a JSON array when the file name
    ends in ``.json``, else JSON Lines; ``parquet`` (pyarrow) and ``csv`` hold
    the events frame itself.
    """
    path = Path(path)
    if fmt == "gdelt":
        to_gdelt(events).to_csv(path, sep="\t", header=header, index=False, lineterminator="\n")
    elif fmt == "icews":
        to_icews(events).to_csv(path, sep="\t", index=False, lineterminator="\n")
    elif fmt == "plover":
        records = to_plover(events)
        with path.open("w", encoding="utf-8") as out:
            if path.suffix == ".json":
                json.dump(records, out, ensure_ascii=False, indent=1)
            else:
                out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    elif fmt == "parquet":
        _plain_lists(events).to_parquet(path, engine="pyarrow", index=False)
    elif fmt == "csv":
        flat = events.assign(**{c: events[c].map(_json_list) for c in _LIST_COLUMNS if c in events})
        flat.to_csv(path, index=False, lineterminator="\n")
    else:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return len(events)


# -- helpers --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sectors() -> dict[str, str]:
    data = yaml.safe_load((files("realpolitik.analysis") / "data" / "sectors.yaml").read_text("utf-8"))
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
    return {"code": code, "name": _clean(row.get(f"{side}_name")) or "", "country": country,
            "sector": _sector(code, _clean(row.get(f"{side}_role")) or "") or None}


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
    return events.assign(**{c: events[c].map(lambda v: None if (s := as_span(v)) is None else list(s))
                            for c in _LIST_COLUMNS if c in events})
