"""A dyad's series as a picture: one panel per direction.

Each panel shows the events per QuadClass as grouped bars (greens for
cooperation, reds for conflict) and mean Goldstein as a black line on a second
axis (−10 … +10). Alerts of that direction are dashed vertical lines at their
period, labelled with their kind. Rendering uses matplotlib's Agg backend, so
no display is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from realpolitik.analysis.alerts import Alert  # noqa: E402
from realpolitik.analysis.dyad import QUAD_COLUMNS  # noqa: E402

QUAD_STYLE: dict[str, tuple[str, str]] = {
    "verbal_coop": ("verbal coop.", "#8fd18f"),
    "material_coop": ("material coop.", "#1f8a3b"),
    "verbal_conflict": ("verbal conflict", "#f4a582"),
    "material_conflict": ("material conflict", "#b2182b"),
}
ALERT_GID = "alert"  # gid of every alert marker and label, so tests and callers can find them
_MAX_TICKS = 24


def dyad_figure(series: pd.DataFrame, alerts: Sequence[Alert] = (), title: str | None = None) -> Figure:
    """The figure for a :func:`~realpolitik.analysis.dyad.dyad_series` frame and its alerts."""
    directions = list(dict.fromkeys(series["direction"])) or ["(no events)"]
    fig, axes = plt.subplots(len(directions), 1, figsize=(11, 3.6 * len(directions)), sharex=True, squeeze=False)
    for ax, direction in zip(axes[:, 0], directions):
        rows = series[series["direction"] == direction].reset_index(drop=True)
        _panel(ax, rows, [a for a in alerts if a.direction == direction], direction)
    fig.suptitle(title or "  /  ".join(directions))
    fig.tight_layout()
    return fig


def plot_dyad(series: pd.DataFrame, alerts: Sequence[Alert], path: str | Path, title: str | None = None) -> Path:
    """Draw the dyad figure and write it as a PNG; returns the path."""
    fig = dyad_figure(series, alerts, title)
    try:
        fig.savefig(path, format="png", dpi=110)
    finally:
        plt.close(fig)
    return Path(path)


def _panel(ax: plt.Axes, rows: pd.DataFrame, alerts: Sequence[Alert], direction: str) -> None:
    x = np.arange(len(rows))
    width = 0.8 / len(QUAD_COLUMNS)
    for i, column in enumerate(QUAD_COLUMNS.values()):
        label, color = QUAD_STYLE[column]
        if len(rows):
            ax.bar(x + (i - 1.5) * width, rows[column], width, label=label, color=color)
    ax.set_ylabel("events")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(direction, loc="left", fontsize=10)
    gold = ax.twinx()
    if len(rows):
        gold.plot(
            x,
            rows["goldstein_mean"].astype(float),
            color="black",
            marker="o",
            markersize=3,
            linewidth=1.2,
            label="mean Goldstein",
        )
    gold.set_ylim(-10.5, 10.5)
    gold.axhline(0, color="grey", linewidth=0.5)
    gold.set_ylabel("mean Goldstein")
    where = {p: i for i, p in enumerate(rows["period"])} if len(rows) else {}
    for alert in alerts:
        if alert.period not in where:
            continue
        at = where[alert.period]
        ax.axvline(at, color="#5e3c99", linestyle="--", linewidth=1.2, gid=ALERT_GID)
        ax.annotate(
            alert.kind.replace("_", " "),
            xy=(at, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=7,
            color="#5e3c99",
            rotation=90,
            va="top",
            gid=ALERT_GID,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
        )
    step = max(1, len(rows) // _MAX_TICKS)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(list(rows["period"])[::step] if len(rows) else [], rotation=45, ha="right", fontsize=8)
    handles = ax.get_legend_handles_labels()
    extra = gold.get_legend_handles_labels()
    if handles[0] or extra[0]:
        ax.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left", fontsize=7, ncol=5)
