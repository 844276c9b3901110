"""Dyad series, top events, alerts and plots over events frames shaped like ``Store.events``.

Real-world frames come from coding sentences about Russia and North Korea;
synthetic frames pin statistical properties (baseline mean, std, z) exactly.
"""

from __future__ import annotations

import random
from datetime import date

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from realpolitik.analysis.alerts import Alert, detect_alerts
from realpolitik.analysis.dyad import dyad_events, dyad_series, events_frame, mark_evidence, top_events
from realpolitik.analysis.plot import ALERT_GID, dyad_figure, plot_dyad
from realpolitik.pipeline import Pipeline

# (text, publication date): the Russia - North Korea rapprochement of 2023-2024.
CORPUS = [
    ("Kim Jong Un met Vladimir Putin at the Vostochny Cosmodrome in Russia's Far East.", date(2023, 9, 13)),
    ("Putin praised North Korea for its support of the war in Ukraine.", date(2023, 9, 14)),
    ("Putin will visit North Korea next year.", date(2023, 9, 14)),
    ("Putin visited Pyongyang.", date(2024, 6, 19)),
    ("Russia gave North Korea military aid.", date(2024, 6, 20)),
    ("Russia thanked North Korea for its support.", date(2024, 7, 2)),
    ("North Korea sent thousands of troops to Russia.", date(2024, 10, 20)),
    ("Kim Jong Un denied sending troops to Russia.", date(2024, 10, 25)),
    ("The United Nations condemned North Korea over its missile launch.", date(2024, 1, 5)),
    ("Russian forces shelled Kharkiv.", date(2024, 5, 1)),
]


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    """All coded events of the corpus, every modality."""
    pipe = Pipeline()
    return events_frame(
        e for n, (text, when) in enumerate(CORPUS) for e in pipe.code_text(text, date=when, doc_id=f"doc{n}")
    )


@pytest.fixture(scope="module")
def asserted(coded: pd.DataFrame) -> pd.DataFrame:
    """What ``Store.events`` returns by default: asserted events only."""
    return coded[coded["modality"] == "asserted"].reset_index(drop=True)


def row(series: pd.DataFrame, direction: str, period: str) -> dict:
    found = series[(series["direction"] == direction) & (series["period"] == period)]
    assert len(found) == 1, found
    return found.iloc[0].to_dict()


# -- dyad series on real events ------------------------------------------------------------


def test_monthly_series_counts_each_direction(asserted: pd.DataFrame) -> None:
    s = dyad_series(asserted, "RUS", "PRK", by="month")
    # continuous: 2023-09 .. 2024-10 is 14 months, for each direction
    assert len(s) == 28 and list(s["direction"].unique()) == ["RUS → PRK", "PRK → RUS"]
    assert list(s["period"][:5]) == ["2023-09", "2023-10", "2023-11", "2023-12", "2024-01"]
    june = row(s, "RUS → PRK", "2024-06")  # Putin visited (042, +1.9); Russia gave military aid (070, +7.0)
    assert (
        june["verbal_coop"],
        june["material_coop"],
        june["verbal_conflict"],
        june["material_conflict"],
        june["total"],
    ) == (1, 1, 0, 0, 2)
    assert june["goldstein_mean"] == pytest.approx((1.9 + 7.0) / 2)
    back = row(s, "PRK → RUS", "2024-06")  # Pyongyang hosted Putin (043)
    assert (back["verbal_coop"], back["total"], back["goldstein_mean"]) == (1, 1, pytest.approx(2.8))
    troops = row(s, "PRK → RUS", "2024-10")  # troops sent; the denied report is not asserted
    assert (troops["material_conflict"], troops["total"]) == (1, 1)
    quiet = row(s, "RUS → PRK", "2023-11")
    assert quiet["total"] == 0 and pd.isna(quiet["goldstein_mean"])


def test_all_modalities_add_the_future_visit_and_the_denial(coded: pd.DataFrame) -> None:
    s = dyad_series(coded, "RUS", "PRK", by="year")
    assert list(s["period"]) == ["2023", "2024", "2023", "2024"]
    # 2023: the meeting, the praise and the stated intent to visit "next year" (036, stated in 2023);
    # 2024: the visit and the thanks
    assert row(s, "RUS → PRK", "2023")["verbal_coop"] == 3
    assert row(s, "RUS → PRK", "2024")["verbal_coop"] == 2
    assert row(s, "PRK → RUS", "2024")["material_conflict"] == 2  # sent + denied sending


def test_weekly_periods_are_iso_weeks(asserted: pd.DataFrame) -> None:
    s = dyad_series(asserted, "RUS", "PRK", by="week", start=date(2024, 6, 10), end=date(2024, 6, 30))
    assert list(s["period"][:3]) == ["2024-W24", "2024-W25", "2024-W26"]
    assert s["period_start"].iloc[1] == pd.Timestamp("2024-06-17")  # a Monday
    assert row(s, "RUS → PRK", "2024-W25")["total"] == 2  # the visit on 19 June and the aid on 20 June
    assert row(s, "RUS → PRK", "2024-W26")["total"] == 0


def test_mentions_weighting(asserted: pd.DataFrame) -> None:
    frame = asserted.copy()
    aid = frame["code"] == "070"
    frame.loc[aid, "num_mentions"] = 5
    june = row(dyad_series(frame, "RUS", "PRK", weighted=True), "RUS → PRK", "2024-06")
    assert (june["material_coop"], june["total"]) == (5, 6)
    assert june["goldstein_mean"] == pytest.approx((1.9 + 5 * 7.0) / 6, abs=1e-3)
    assert row(dyad_series(frame, "RUS", "PRK"), "RUS → PRK", "2024-06")["material_coop"] == 1


def test_actor_matching_follows_the_store(asserted: pd.DataFrame) -> None:
    # RUS takes in RUSGOV and RUSMIL; RUSGOV alone leaves out "Russia gave ..." (coded RUS)
    broad = dyad_events(asserted, "RUS", "PRK")
    narrow = dyad_events(asserted, "RUSGOV", "PRK")
    assert "070" in set(broad["code"]) and "070" not in set(narrow["code"])
    assert set(narrow["source"]) <= {"RUSGOV", "PRK", "PRKGOV", "PRKMIL"}
    with pytest.raises(ValueError):
        dyad_events(asserted, "RUS", "RUS")
    with pytest.raises(ValueError):
        dyad_series(asserted, "RUS", "PRK", by="day")  # type: ignore[arg-type]


def test_top_events_rank_by_mentions_and_mark_evidence(asserted: pd.DataFrame) -> None:
    frame = asserted.copy()
    frame.loc[frame["code"] == "154", "num_mentions"] = 9
    top = top_events(dyad_events(frame, "RUS", "PRK"), 3)
    assert len(top) == 3 and top["code"].iloc[0] == "154" and top["num_mentions"].iloc[0] == 9
    assert top["evidence"].iloc[0] == "[North Korea] «sent» thousands of troops to [Russia]."
    # equal mentions: the larger |Goldstein| first (aid +7.0 before the stated intent to visit +4.0)
    assert list(top["code"].iloc[1:]) == ["070", "036"]


def test_mark_evidence_tolerates_missing_and_string_spans() -> None:
    record = {
        "sentence_text": "Russia gave North Korea military aid.",
        "source_span": "[0, 6]",
        "trigger_span": [7, 11],
        "target_span": None,
    }
    assert mark_evidence(record) == "[Russia] «gave» North Korea military aid."
    assert mark_evidence({**record, "trigger_span": [3, 99]}) == "[Russia] gave North Korea military aid."


# -- alerts: synthetic frames pin the statistics ----------------------------------------------


def synthetic(
    counts: dict[str, list[int]],
    quad: int = 2,
    goldstein: float = 7.0,
    source: str = "RUSGOV",
    target: str = "PRKGOV",
    start: str = "2024-01",
) -> pd.DataFrame:
    """``counts[label][i]`` events of one QuadClass in month ``i``, from source to target, one a day.

    Months without events lie inside the data's coverage only when the test
    passes ``start=COVERAGE`` to :func:`detect_alerts`.
    """
    rows = []
    months = pd.period_range(start, periods=len(next(iter(counts.values()))), freq="M")
    for label, per_month in counts.items():
        for month, n in zip(months, per_month):
            for day in range(n):
                rows.append(
                    {
                        "event_key": f"{label}-{month}-{day:02d}",
                        "event_date": month.start_time + pd.Timedelta(days=day),
                        "source": source,
                        "source_country": source[:3],
                        "source_role": source[3:] or None,
                        "target": target,
                        "target_country": target[:3] if target else None,
                        "target_role": (target[3:] or None) if target else None,
                        "code": "070",
                        "quad_class": quad,
                        "goldstein": goldstein,
                        "num_mentions": 1,
                    }
                )
    return pd.DataFrame(rows)


COVERAGE = date(2024, 1, 1)


def alerts_of(frame: pd.DataFrame, **kwargs) -> list[Alert]:
    return detect_alerts(frame, start=COVERAGE, **kwargs)


def test_count_alert_z_is_pinned() -> None:
    # baseline 0,3,0,3,0,3,0,3: mean 1.5, std 1.5; 9 events -> z = (9 - 1.5) / 1.5 = 5.0
    frame = synthetic({"m": [0, 3, 0, 3, 0, 3, 0, 3, 9]})
    alerts = [a for a in alerts_of(frame) if a.kind == "material_coop_rising"]
    assert len(alerts) == 1
    a = alerts[0]
    assert (a.dyad, a.direction, a.period, a.value) == (("PRK", "RUS"), "RUS → PRK", "2024-09", 9.0)
    assert (a.baseline_mean, a.baseline_std, a.z) == (1.5, 1.5, 5.0)
    assert a.message == "RUS → PRK material cooperation rising: 9 events in 2024-09 vs baseline 1.5 ± 1.5 (z=5.0)"
    assert a.event_keys == tuple(f"m-2024-09-{d:02d}" for d in range(9))


@pytest.mark.parametrize("last, fires", [(6, True), (5, False)])
def test_threshold_is_inclusive(last: int, fires: bool) -> None:
    # z = (6 - 1.5) / 1.5 = 3.0 exactly fires; 5 gives 2.33
    frame = synthetic({"m": [0, 3, 0, 3, 0, 3, 0, 3, last]})
    assert any(a.kind == "material_coop_rising" for a in alerts_of(frame, z=3.0)) is fires


def test_flat_baseline_uses_the_floor_and_min_events() -> None:
    # one event a month for 8 months: std 0 -> floor 1; 4 events -> z = 3.0
    frame = synthetic({"m": [1] * 8 + [4]})
    (a,) = [a for a in alerts_of(frame) if a.kind == "material_coop_rising"]
    assert (a.baseline_mean, a.baseline_std, a.z) == (1.0, 1.0, 3.0)
    # from nothing to 2 events: z would be 2 / 1 = 2 anyway, and 2 < min_events
    quiet = synthetic({"m": [0] * 8 + [2]})
    assert not alerts_of(quiet, z=1.0)
    assert [a.kind for a in alerts_of(quiet, z=1.0, min_events=2)] == ["material_coop_rising"]


def test_baseline_window_is_trailing_and_needs_history() -> None:
    # a burst long ago is outside the 8-month window, so it does not inflate the baseline
    frame = synthetic({"m": [9, 0, 0, 0, 0, 0, 0, 0, 0, 4]})
    alerts = [a for a in alerts_of(frame) if a.kind == "material_coop_rising"]
    assert [(a.period, a.baseline_mean, a.z) for a in alerts] == [("2024-10", 0.0, 4.0)]
    # with a 9-month window the burst is in the baseline and nothing fires
    assert not [a for a in alerts_of(frame, baseline=9) if a.kind == "material_coop_rising"]
    # too little history: the burst in month 1 has no baseline at all
    assert not [a for a in alerts_of(synthetic({"m": [9, 0]})) if a.period == "2024-01"]


def test_goldstein_falling() -> None:
    calm = synthetic({"c": [2] * 8 + [0]}, quad=1, goldstein=3.0)
    hostile = synthetic({"h": [0] * 8 + [4]}, quad=4, goldstein=-9.0)
    frame = pd.concat([calm, hostile], ignore_index=True)
    kinds = {a.kind: a for a in alerts_of(frame)}
    g = kinds["goldstein_falling"]
    assert (g.period, g.value, g.baseline_mean, g.baseline_std, g.z) == ("2024-09", -9.0, 3.0, 1.0, -12.0)
    assert g.message.startswith("RUS → PRK mean Goldstein falling: -9.0 over 4 events in 2024-09")
    assert "material_conflict_rising" in kinds and "first_material_conflict" in kinds


def test_first_material_conflict_needs_prior_contact() -> None:
    contact = synthetic({"c": [1, 0, 1, 1, 0]}, quad=1, goldstein=1.0, source="PRKGOV", target="RUSGOV")
    strike = synthetic({"s": [0, 0, 0, 0, 1]}, quad=4, goldstein=-10.0)
    alerts = alerts_of(pd.concat([contact, strike], ignore_index=True))
    (a,) = [a for a in alerts if a.kind == "first_material_conflict"]
    assert (a.direction, a.period, a.value, a.z) == ("RUS → PRK", "2024-05", 1.0, None)
    assert a.event_keys == ("s-2024-05-00",)
    assert a.message == "RUS → PRK first material conflict: 1 event in 2024-05 after 3 months of contact without any"
    assert not [
        a
        for a in alerts_of(pd.concat([contact, strike]), first_conflict_after=4)
        if a.kind == "first_material_conflict"
    ]


def test_only_dyads_with_known_actors_and_no_domestic_pairs() -> None:
    frame = pd.concat(
        [
            synthetic({"a": [0] * 8 + [5]}, source="RUSMIL", target="COP"),  # police of no known country
            synthetic({"b": [0] * 8 + [5]}, source="RUSGOV", target="RUSOPP"),  # domestic
            synthetic({"c": [0] * 8 + [5]}, source="IGOUNO", target="PRKGOV"),
        ],
        ignore_index=True,
    )
    frame.loc[frame["source"] == "IGOUNO", "source_country"] = None
    frame.loc[frame["target"] == "COP", "target_country"] = None
    alerts = alerts_of(frame)
    assert {a.dyad for a in alerts} == {("IGOUNO", "PRK")}
    assert {a.direction for a in alerts} == {"IGOUNO → PRK"}


def test_alerts_are_deterministic_and_filtered_by_since() -> None:
    frame = pd.concat(
        [
            synthetic({"m": [0, 3, 0, 3, 0, 3, 0, 3, 9, 0, 12]}),
            synthetic({"v": [1] * 10 + [6]}, quad=3, goldstein=-2.0, source="PRKGOV", target="RUSGOV"),
        ],
        ignore_index=True,
    )
    first = alerts_of(frame)
    rows = frame.to_dict("records")
    random.Random(7).shuffle(rows)
    assert alerts_of(pd.DataFrame(rows)) == first
    assert [a.period_start for a in first] == sorted(a.period_start for a in first)
    late = alerts_of(frame, since=date(2024, 11, 5))
    assert late and {a.period for a in late} == {"2024-11"} and set(late) <= set(first)


def test_dyad_and_actor_selection() -> None:
    frame = pd.concat(
        [synthetic({"m": [0] * 8 + [5]}), synthetic({"u": [0] * 8 + [5]}, source="USAGOV", target="CHNGOV")],
        ignore_index=True,
    )
    assert {a.dyad for a in alerts_of(frame)} == {("PRK", "RUS"), ("CHN", "USA")}
    assert {a.dyad for a in alerts_of(frame, dyads=[("RUS", "PRK")])} == {("RUS", "PRK")}
    assert {a.dyad for a in alerts_of(frame, actor="USA")} == {("USA", "CHN")}


def test_alerts_on_real_events(asserted: pd.DataFrame) -> None:
    alerts = detect_alerts(asserted, dyads=[("RUS", "PRK")])
    (a,) = [a for a in alerts if a.kind == "first_material_conflict"]
    # contact in 2023-09, 2024-06 and 2024-07 before North Korea's troops went to Russia
    assert a.message == "PRK → RUS first material conflict: 1 event in 2024-10 after 3 months of contact without any"
    troops = asserted[asserted["code"] == "154"]["event_key"].tolist()
    assert list(a.event_keys) == troops
    assert a.to_dict()["period_start"] == "2024-10-01" and a.to_dict()["dyad"] == ["RUS", "PRK"]


# -- plot ----------------------------------------------------------------------------------


def test_plot_marks_alerts_and_writes_png(tmp_path) -> None:
    frame = pd.concat(
        [
            synthetic({"m": [0, 3, 0, 3, 0, 3, 0, 3, 9]}),
            synthetic({"v": [1] * 8 + [1]}, quad=3, goldstein=-2.0, source="PRKGOV", target="RUSGOV"),
        ],
        ignore_index=True,
    )
    series = dyad_series(frame, "RUS", "PRK")
    alerts: list[Alert] = alerts_of(frame, dyads=[("RUS", "PRK")])
    assert alerts
    fig = dyad_figure(series, alerts)
    try:
        marked = [artist for ax in fig.axes for artist in ax.get_children() if artist.get_gid() == ALERT_GID]
        lines = [m for m in marked if isinstance(m, plt.Line2D)]
        assert len(lines) == len(alerts)
        assert {m.get_text() for m in marked if hasattr(m, "get_text")} >= {"material coop rising"}
        assert [ax.get_title(loc="left") for ax in fig.axes[:2]] == ["RUS → PRK", "PRK → RUS"]
    finally:
        plt.close(fig)
    out = plot_dyad(series, alerts, tmp_path / "dyad.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
