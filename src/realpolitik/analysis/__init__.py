"""Analysis over stored events: dyad series, alerts, exports and plots.

Every function takes an events DataFrame shaped like ``Store.events`` (or
:func:`events_frame` of coded events), so it runs with or without a store.
``realpolitik.analysis.plot`` (matplotlib) is imported on its own.
"""

from realpolitik.analysis.alerts import Alert, detect_alerts
from realpolitik.analysis.dyad import dyad_events, dyad_series, events_frame, top_events
from realpolitik.analysis.export import to_gdelt, to_icews, to_plover, write_export

__all__ = [
    "Alert",
    "detect_alerts",
    "dyad_events",
    "dyad_series",
    "events_frame",
    "to_gdelt",
    "to_icews",
    "to_plover",
    "top_events",
    "write_export",
]
