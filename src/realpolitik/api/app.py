"""The REST API and the dashboard: one FastAPI app over one event store.

``create_app(db)`` serves the store read-only under ``/api`` (OpenAPI schema at
``/openapi.json``) and the dashboard at ``/``. ``POST /api/code`` codes posted
text without storing it; ``POST /api/ingest`` stores documents and is open
only to requests carrying the ingest token (``Authorization: Bearer ...``;
401 without one, 403 with a wrong one) and to none (403) when no token is
configured.

Every response, errors and 500s included, carries the security headers; with
``allowed_hosts`` (``realpolitik serve`` passes the names it is bound to) a request
whose Host header is a name not among them gets 400, so a page on another site cannot
reach the API by pointing its own name at this address (DNS rebinding); an IP address
in the Host header is always accepted, as no DNS name is involved. JSON is
always sendable: a lone surrogate, valid in a JSON request but not in UTF-8, is
echoed escaped (``\\ud800``) instead of failing the response.

The store is opened once, on first use, and used by one request at a time (a
DuckDB file takes one writing process; DuckDB and psycopg connections are not
shared across threads). Coding runs outside that lock, under its own, so a
long ``POST /api/code`` or ``/api/ingest`` does not hold up queries.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import math
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from realpolitik import __version__
from realpolitik.analysis.alerts import coverage, store_alerts
from realpolitik.analysis.dates import date_label
from realpolitik.analysis.dyad import QUAD_COLUMNS, Period, choose_period, dyad_series, top_events
from realpolitik.analysis.names import ActorNames, UnknownActor
from realpolitik.api.access import (
    READ_WAIT,
    REQUEST_TIMEOUT,
    RETRY_AFTER,
    AnswerCache,
    RequestTimeout,
    StoreAccess,
    View,
    answer,
    busy_headers,
)
from realpolitik.api.schemas import (
    ActorPage,
    AlertPage,
    CodeIn,
    CodeOut,
    Day,
    DyadOut,
    Error,
    EventDetail,
    EventPage,
    GraphOut,
    InfoOut,
    IngestIn,
    IngestOut,
    PlacePage,
    SuggestOut,
)
from realpolitik.geo.geocode import default_tables
from realpolitik.jobs.ingest import IngestStats
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import make_document
from realpolitik.store.db import EventFilter
from realpolitik.store.errors import StoreError
from realpolitik.types import Document, DocumentError, Modality

MAX_CODE_CHARS = 100_000  # longest text POST /api/code takes (coding time grows with length)
MAX_LIMIT = 500
ALERT_EVENTS = 5  # events listed with each alert
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
# /docs: Swagger UI from the fastapi-swagger package (no CDN); its page starts the viewer with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SWAGGER = Path(str(files("fastapi_swagger") / "resources"))
_PIPELINE_LOCK = threading.Lock()  # one spaCy pipeline, shared by every app of the process
STATIC = Path(str(files("realpolitik.web") / "static"))

ACTOR = r"^[^\x00-\x1f,]*[^\x00-\x1f,\s][^\x00-\x1f,]*$"  # a name or a code, no commas or control characters
PAIR = r"^[^\x00-\x1f,]*[^\x00-\x1f,\s][^\x00-\x1f,]*,[^\x00-\x1f,]*[^\x00-\x1f,\s][^\x00-\x1f,]*$"
BBOX = r"^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$"
KEY = r"^[0-9a-f]{16}$"
CODE = r"^([012]|0[1-9][0-9]{0,2}|1[0-9]{1,3}|20[0-9]{0,2})$"  # a CAMEO code or prefix: 0, 07, 073, 0731
ModalityName = Literal["asserted", "negated", "hypothetical", "future", "denied", "reported", "attempted", "all"]

ActorQuery = Annotated[
    str | None,
    Query(
        pattern=ACTOR,
        max_length=100,
        description=(
            "a name (North Korea, Russian, the Kremlin, Putin, UN), a country (RUS), a code (RUSGOV, IGOUNO) or an IGO "
            "(UNO); a country matches its roles; an unknown name is a 422 with suggestions"
        ),
    ),
]
PairQuery = Annotated[
    str | None, Query(pattern=PAIR, max_length=201, description="two actors, A,B (names or codes): events A→B and B→A")
]
SortQuery = Annotated[
    Literal["newest", "oldest", "reports"],
    Query(description="newest first (default), oldest first, or most reported first"),
]
BboxQuery = Annotated[
    str | None,
    Query(
        pattern=BBOX, max_length=100, description=("only events placed inside west,south,east,north (decimal degrees)")
    ),
]
SinceQuery = Annotated[Day | None, Query(description="first event date, inclusive (YYYY-MM-DD)")]
UntilQuery = Annotated[Day | None, Query(description="last event date, inclusive (YYYY-MM-DD)")]
ModalityQuery = Annotated[list[ModalityName], Query(description="repeatable; `all` for every modality")]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000_000)]
ByQuery = Annotated[Period, Query(description="period of the series")]
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": Error}, 404: {"model": Error}, 413: {"model": Error}}


def create_app(
    db: str,
    ingest_token: str | None = None,
    max_body_bytes: int = 1_000_000,
    request_timeout: float = REQUEST_TIMEOUT,
    read_wait: float = READ_WAIT,
    allowed_hosts: Iterable[str] | None = None,
) -> FastAPI:
    """The API and dashboard over the store at `db` (a DuckDB file or a ``postgresql://`` URL).

    ``POST /api/ingest`` needs ``Authorization: Bearer <ingest_token>``; with no
    token it is refused (403). Request bodies over `max_body_bytes` get 413.
    A GET taking over `request_timeout` seconds is stopped and answered 503; while
    another process writes the store, requests wait `read_wait` seconds, then get 503.
    With `allowed_hosts`, requests whose Host header (port aside) is not one of them get 400.
    """
    access = StoreAccess(db, read_wait)
    cache = AnswerCache()

    async def serve(request: Request, model: type[BaseModel], compute: Callable[[View], dict[str, Any]]) -> Response:
        return await answer(request, access, cache, model, compute, request_timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        access.close()

    app = FastAPI(
        title="realpolitik",
        version=__version__,
        lifespan=lifespan,
        responses=ERRORS,
        docs_url=None,
        redoc_url=None,
        default_response_class=_JSON,
        description="Coded political events: who did what to whom, when, with the sentences that say so.",
    )
    app.add_middleware(
        _Guard,
        max_body_bytes=max_body_bytes,
        allowed_hosts=None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts),
    )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Any, exc: RequestValidationError) -> _JSON:
        return _JSON({"detail": jsonable_encoder(exc.errors())}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Any, exc: StarletteHTTPException) -> _JSON:
        return _JSON({"detail": exc.detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(StoreError)
    async def store_unavailable(request: Request, exc: StoreError) -> _JSON:
        return _JSON({"detail": str(exc)}, 503, headers=busy_headers(exc))

    @app.exception_handler(RequestTimeout)
    async def too_slow(request: Request, exc: RequestTimeout) -> _JSON:
        return _JSON({"detail": str(exc)}, 503, headers={"Retry-After": str(RETRY_AFTER)})

    bearer = HTTPBearer(auto_error=False, description="the ingest token of `realpolitik serve`")

    def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if ingest_token is None:
            raise HTTPException(
                403, "ingest is disabled: start the server with --ingest-token or REALPOLITIK_INGEST_TOKEN"
            )
        if credentials is None:
            raise HTTPException(
                401, "ingest needs the header Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"}
            )
        if not hmac.compare_digest(credentials.credentials.encode(), ingest_token.encode()):
            raise HTTPException(403, "wrong ingest token")

    @app.get("/api/events", response_model=EventPage, tags=["events"])
    async def list_events(
        request: Request,
        actor: ActorQuery = None,
        target: ActorQuery = None,
        dyad: PairQuery = None,
        code: Annotated[str | None, Query(pattern=CODE, description="CAMEO code prefix")] = None,
        quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
        modality: ModalityQuery = ["asserted"],
        since: SinceQuery = None,
        until: UntilQuery = None,
        q: Annotated[
            str | None, Query(min_length=1, max_length=200, description="text in any mention's sentence")
        ] = None,
        limit: LimitQuery = 50,
        offset: OffsetQuery = 0,
        require_source: Annotated[bool, Query(description="leave out agentless events (source ---)")] = False,
        sort: SortQuery = "newest",
        mention: Annotated[
            str | None,
            Query(
                pattern=KEY,
                description=(
                    "the mention_id of a coded mention (`realpolitik code`, POST /api/code): the stored event "
                    "it belongs to"
                ),
            ),
        ] = None,
        bbox: BboxQuery = None,
    ) -> Response:
        """Deduplicated events matching every filter, newest first (see `sort`), a page at a time."""

        def compute(view: View) -> dict[str, Any]:
            store = view.store
            a, t, pair = _resolved(access.names(view), ("actor", actor), ("target", target), ("dyad", dyad))
            filters: dict[str, Any] = {
                "actor": a,
                "target": t,
                "dyad": pair,
                "code": code,
                "quad_class": quad_class,
                "since": since,
                "until": until,
                "modalities": _modalities(modality),
                "text": q,
                "require_source": require_source,
                "mention": mention,
                "bbox": _bbox(bbox),
            }
            frame = store.events(EventFilter(**filters), limit=limit, offset=offset, sort=sort)
            total = store.count_events(EventFilter(**filters))
            return {"total": total, "limit": limit, "offset": offset, "items": _records(frame)}

        return await serve(request, EventPage, compute)

    @app.get("/api/events/{event_key}", response_model=EventDetail, tags=["events"])
    async def get_event(
        request: Request, event_key: Annotated[str, PathParam(pattern=KEY, description="16 hex digits")]
    ) -> Response:
        """One event, whatever its modality, with every mention of it and its evidence spans."""

        def compute(view: View) -> dict[str, Any]:
            event = view.store.event(event_key)
            if event is None:
                raise HTTPException(404, f"no event {event_key}")
            return {"event": _plain_record(event), "mentions": _records(view.store.mentions(event_key))}

        return await serve(request, EventDetail, compute)

    @app.get("/api/dyad", response_model=DyadOut, tags=["analysis"])
    async def dyad(
        request: Request,
        a: Annotated[str, Query(pattern=ACTOR, max_length=100, description="an actor: name or code")],
        b: Annotated[str, Query(pattern=ACTOR, max_length=100, description="the other actor")],
        by: Annotated[
            Period | Literal["auto"],
            Query(
                description=(
                    "period of the series; auto: weeks for up to 26 weeks of events, months for up to 72, else years"
                )
            ),
        ] = "month",
        since: SinceQuery = None,
        until: UntilQuery = None,
        modality: ModalityQuery = ["asserted"],
        weighted: bool = False,
        top: Annotated[int, Query(ge=0, le=100, description="most-reported events to list")] = 10,
        nonzero: Annotated[bool, Query(description="only the periods with events")] = False,
    ) -> Response:
        """Per period, what A did to B and B to A (counts per QuadClass, mean Goldstein), and the top events.

        `a` and `b` come back as the codes the names were resolved to."""

        def compute(view: View) -> dict[str, Any]:
            store = view.store
            code_a, code_b = _resolved(access.names(view), ("a", a), ("b", b))
            _check_pair(code_a, code_b, ("query", "b"))
            first, last = coverage(store)
            events = store.events(
                EventFilter(dyad=(code_a, code_b), since=since, until=until, modalities=_modalities(modality))
            )
            period: Period = choose_period(events["event_date"]) if by == "auto" else by
            series = dyad_series(events, code_a, code_b, period, weighted, *_within(since, until, first, last))
            if nonzero:
                series = series[series["total"] > 0]
            ranked = top_events(events, top)["event_key"] if top else []
            chosen = events.set_index("event_key", drop=False).loc[list(ranked)]
            return {
                "a": code_a,
                "b": code_b,
                "by": period,
                "weighted": weighted,
                "series": _records(series),
                "top_events": _records(chosen),
            }

        return await serve(request, DyadOut, compute)

    @app.get("/api/alerts", response_model=AlertPage, tags=["analysis"])
    async def alerts(
        request: Request,
        by: ByQuery = "month",
        z: Annotated[float, Query(gt=0, le=100)] = 3.0,
        baseline: Annotated[int, Query(ge=1, le=104, description="baseline periods")] = 8,
        min_events: Annotated[int, Query(ge=1, le=100_000)] = 3,
        actor: ActorQuery = None,
        dyad: PairQuery = None,
        since: Annotated[
            Day | None, Query(description="report alerts from this date on (baselines use earlier events)")
        ] = None,
        modality: ModalityQuery = ["asserted"],
        weighted: bool = False,
        limit: LimitQuery = 50,
        offset: OffsetQuery = 0,
    ) -> Response:
        """Periods in which a directed dyad departs from its own recent past, oldest first."""

        def compute(view: View) -> dict[str, Any]:
            who, pair = _resolved(access.names(view), ("actor", actor), ("dyad", dyad))
            if pair:
                _check_pair(pair[0], pair[1], ("query", "dyad"))
            found, events = store_alerts(
                view.store,
                by,
                baseline,
                z,
                min_events=min_events,
                actor=who,
                dyad=pair,
                since=since,
                modalities=_modalities(modality),
                weighted=weighted,
            )
            page = found[offset : offset + limit]
            by_key = events.set_index("event_key", drop=False)
            items = [
                {**alert.to_dict(), "events": _records(by_key.loc[list(alert.event_keys[:ALERT_EVENTS])])}
                for alert in page
            ]
            return {"total": len(found), "limit": limit, "offset": offset, "items": items}

        return await serve(request, AlertPage, compute)

    @app.get("/api/actors/suggest", response_model=SuggestOut, tags=["actors"])
    async def suggest(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=100, description="what has been typed so far")],
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> Response:
        """Autocomplete for actor filters: names and codes starting with (then containing) `q` that resolve
        to an actor of the store ("nor" offers North Korea, Norway); send the label back as the filter."""

        def compute(view: View) -> dict[str, Any]:
            names = access.names(view)
            found = names.complete(q, limit, present=list(view.store.actors(modalities=None)["actor"]))
            return {"items": [{"label": s.label, "code": s.code, "kind": s.kind} for s in found]}

        return await serve(request, SuggestOut, compute)

    @app.get("/api/actors", response_model=ActorPage, tags=["actors"])
    async def actors(
        request: Request,
        q: Annotated[
            str | None, Query(min_length=1, max_length=100, description="code prefix or part of the name")
        ] = None,
        modality: ModalityQuery = ["asserted"],
        limit: LimitQuery = 50,
        offset: OffsetQuery = 0,
    ) -> Response:
        """Every actor of the stored events, most frequent first, with its events as source and target."""

        def compute(view: View) -> dict[str, Any]:
            frame = view.store.actors(modalities=_modalities(modality))
            if q:
                names = frame["name"].fillna("").str.lower()
                frame = frame[frame["actor"].str.startswith(q.upper()) | names.str.contains(q.lower(), regex=False)]
            return {
                "total": len(frame),
                "limit": limit,
                "offset": offset,
                "items": _records(frame.iloc[offset : offset + limit]),
            }

        return await serve(request, ActorPage, compute)

    @app.get("/api/graph", response_model=GraphOut, tags=["analysis"])
    async def graph(
        request: Request,
        since: SinceQuery = None,
        until: UntilQuery = None,
        modality: ModalityQuery = ["asserted"],
        limit: Annotated[int, Query(ge=1, le=5000)] = 300,
        offset: OffsetQuery = 0,
    ) -> Response:
        """Events between country-level actors (countries and IGOs), per directed pair and QuadClass."""

        def compute(view: View) -> dict[str, Any]:
            edges = _edges(view.store.unit_pair_counts(since, until, _modalities(modality)))
            page = edges[offset : offset + limit]
            involved: dict[str, int] = {}
            for edge in edges:
                for side in (edge["source"], edge["target"]):
                    involved[side] = involved.get(side, 0) + edge["total"]
            shown = sorted({side for edge in page for side in (edge["source"], edge["target"])})
            names = _unit_names()
            nodes = [{"id": n, "name": names.get(n, n), "events": involved[n], **_point(n)} for n in shown]
            return {"total": len(edges), "limit": limit, "offset": offset, "nodes": nodes, "edges": page}

        return await serve(request, GraphOut, compute)

    @app.get("/api/places", response_model=PlacePage, tags=["analysis"])
    async def places(
        request: Request,
        since: SinceQuery = None,
        until: UntilQuery = None,
        modality: ModalityQuery = ["asserted"],
        actor: ActorQuery = None,
        dyad: PairQuery = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
        offset: OffsetQuery = 0,
    ) -> Response:
        """Where the events happened: one item per geocoded place and QuadClass, busiest first."""

        def compute(view: View) -> dict[str, Any]:
            store = view.store
            who, pair = _resolved(access.names(view), ("actor", actor), ("dyad", dyad))
            frame = store.places(
                EventFilter(actor=who, dyad=pair, since=since, until=until, modalities=_modalities(modality))
            )
            return {
                "total": len(frame),
                "limit": limit,
                "offset": offset,
                "items": _records(frame.iloc[offset : offset + limit]),
            }

        return await serve(request, PlacePage, compute)

    @app.get("/api/info", response_model=InfoOut, tags=["store"])
    async def info(request: Request) -> Response:
        """What the store holds: documents, events, the first and last event date."""

        def compute(view: View) -> dict[str, Any]:
            first, last = coverage(view.store)
            documents = view.store.document_count()
            store_name = "PostgreSQL" if access.postgres else Path(access.url).name
            return {
                "version": __version__,
                "store": store_name,
                "documents": documents,
                "events": view.store.count_events(EventFilter(modalities=None)),
                "first_date": first,
                "last_date": last,
                "ingest_enabled": ingest_token is not None,
            }

        return await serve(request, InfoOut, compute)

    @app.post("/api/code", response_model=CodeOut, tags=["coding"])
    def code(body: CodeIn) -> dict[str, Any]:
        """Code posted text into event mentions; nothing is stored. Texts over 100,000 characters get 413."""
        if len(body.text) > MAX_CODE_CHARS:
            raise HTTPException(413, f"text of {len(body.text)} characters: at most {MAX_CODE_CHARS} are coded at once")
        checked = make_document("posted", body.text, "api")  # the reader's checks: empty, not English
        if not body.text.strip() or not isinstance(checked, Document):
            reason = checked.error if isinstance(checked, DocumentError) else "the text is empty"
            raise RequestValidationError(
                [{"type": "value_error", "loc": ("body", "text"), "input": body.text[:200], "msg": reason}]
            )
        with _PIPELINE_LOCK:
            mentions = default_pipeline().code_text(body.text, body.date, doc_id="posted")
        return {"count": len(mentions), "mentions": [_dated(m.to_dict()) for m in mentions]}

    @app.post(
        "/api/ingest",
        response_model=IngestOut,
        tags=["coding"],
        dependencies=[Depends(require_token)],
        responses={
            401: {"model": Error, "description": "no bearer token given"},
            403: {"model": Error, "description": "ingest is disabled (no token configured) or the token is wrong"},
        },
    )
    def ingest(body: IngestIn) -> dict[str, Any]:
        """Code and store documents (skipping those stored already). Needs the ingest token."""
        items = [make_document(d.id, d.text, "api", date=d.date, title=d.title, url=d.url) for d in body.documents]
        documents = [d for d in items if isinstance(d, Document)]
        with access.read() as view:
            stored = view.store.stored(d.content_hash for d in documents)
        fresh: dict[str, Document] = {}  # by content hash: a text posted twice is coded once
        for d in documents:
            if d.content_hash not in stored:
                fresh.setdefault(d.content_hash, d)
        stats = IngestStats(skipped_existing=len(documents) - len(fresh))  # stored already, or posted twice
        with _PIPELINE_LOCK:  # coded outside the write turn: queries go on meanwhile
            results = list(default_pipeline().run(fresh.values()))
        with access.write() as store:
            for outcome in store.write(results, [i for i in items if isinstance(i, DocumentError)]):
                stats.add(outcome)
            total = store.count_events(EventFilter(modalities=None))
        return {
            "new_documents": stats.new_documents,
            "skipped_existing": stats.skipped_existing,
            "mentions": stats.mentions,
            "errors": stats.errors,
            "total_events": total,
        }

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="realpolitik API",
            swagger_js_url="/swagger/swagger-ui-bundle.js",
            swagger_css_url="/swagger/swagger-ui.css",
            swagger_favicon_url="/swagger/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
        page.headers["content-security-policy"] = DOCS_CSP
        return page

    app.mount("/swagger", StaticFiles(directory=SWAGGER), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


# -- store access ---------------------------------------------------------------------------------


def _within(
    since: date | None, until: date | None, first: date | None, last: date | None
) -> tuple[date | None, date | None]:
    """The asked range cut to the store's first and last event (None: not asked), so series stay bounded."""
    start = max(since, first) if since and first else None
    end = min(until, last) if until and last else None
    return start, end


def _edges(counts: pd.DataFrame) -> list[dict[str, Any]]:
    """One edge per directed pair of different units, busiest first."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for row in counts.itertuples(index=False):
        if row.source is None or row.target is None or row.source == row.target:
            continue  # no country known for a side (a bare COP), or a domestic pair
        if row.quad_class not in QUAD_COLUMNS:
            continue
        edge = edges.setdefault(
            (row.source, row.target),
            {
                "source": row.source,
                "target": row.target,
                **dict.fromkeys(QUAD_COLUMNS.values(), 0),
                "total": 0,
                "_goldstein": 0.0,
            },
        )
        edge[QUAD_COLUMNS[int(row.quad_class)]] += int(row.n)
        edge["total"] += int(row.n)
        edge["_goldstein"] += 0.0 if pd.isna(row.goldstein) else float(row.goldstein)
    for edge in edges.values():
        edge["goldstein_mean"] = round(edge.pop("_goldstein") / edge["total"], 3)
    return sorted(edges.values(), key=lambda e: (-e["total"], e["source"], e["target"]))


@lru_cache(maxsize=1)
def _unit_names() -> dict[str, str]:
    """Display names of countries (ISO3) and IGOs (IGO + id) from the packaged gazetteer."""
    from realpolitik.actors.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    return {**gazetteer.countries(), **{f"IGO{e.igo}": e.name for e in gazetteer.entries if e.kind == "igo"}}


# -- parameters -------------------------------------------------------------------------------------


def _resolved(names: ActorNames, *given: tuple[str, str | None]) -> list[Any]:
    """Each (parameter, value) as its actor code (a pair ``A,B`` as two codes); an unknown name is a 422."""
    out: list[Any] = []
    for parameter, value in given:
        try:
            if value is None:
                out.append(None)
            elif parameter == "dyad":
                a, b = value.split(",")
                out.append((names.resolve(a).code, names.resolve(b).code))
            else:
                out.append(names.resolve(value).code)
        except UnknownActor as exc:
            raise RequestValidationError(
                [{"type": "value_error", "loc": ("query", parameter), "input": value, "msg": str(exc)}]
            ) from None
    return out


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:  # "1.2.3" or "." pass the pattern
        west = south = east = north = math.nan
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", "bbox"),
                    "input": value,
                    "msg": "expected west,south,east,north in degrees, south <= north",
                }
            ]
        )
    return west, south, east, north


def _point(unit: str) -> dict[str, float | None]:
    """A graph node's place on the map: its country's point (None for IGOs)."""
    point = default_tables().country_point(unit)
    return {"latitude": point[0], "longitude": point[1]} if point else {"latitude": None, "longitude": None}


def _dated(record: dict[str, Any]) -> dict[str, Any]:
    """A record with its event date as the period it stands for ("1950", "2012-09", "1990s")."""
    if "event_date" in record:
        record["event_date"] = date_label(record["event_date"], record.get("date_precision") or "day")
    return record


def _modalities(chosen: Sequence[str]) -> tuple[str, ...] | None:
    """None (every modality) when `all` is chosen, else the chosen ones; asserted when none."""
    if "all" in chosen:
        return None
    return tuple(dict.fromkeys(chosen)) or (Modality.ASSERTED.value,)


def _pair(value: str | None) -> tuple[str, str] | None:
    """``"A,B"`` as (A, B)."""
    if value is None:
        return None
    a, b = value.split(",")
    return a, b


def _check_pair(a: str, b: str, loc: tuple[str, str]) -> None:
    if a.strip().upper() == b.strip().upper():
        raise RequestValidationError(
            [{"type": "value_error", "loc": loc, "input": f"{a},{b}", "msg": "a dyad needs two different actors"}]
        )


# -- responses --------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: dates as ISO strings (event dates at their precision), NaN and NaT as None,
    numpy scalars as Python values."""
    return [_plain_record(row) for row in frame.to_dict("records")]


def _plain_record(record: dict[str, Any]) -> dict[str, Any]:
    return _dated({k: _plain(v) for k, v in record.items()})


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, str)):
        return _plain(value.item())
    return value


class _JSON(JSONResponse):
    """A JSON response that can always be encoded: lone surrogates are written as ``\\uXXXX`` escapes."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode(
            "utf-8", "backslashreplace"
        )


class _Guard:
    """ASGI middleware: the Host check, 413 for request bodies over the limit, security headers on every
    response, and a JSON 500 (with those headers) for an error nothing else answered."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, allowed_hosts: frozenset[str] | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        headed = self._with_headers(send)

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await headed(message)

        try:
            await self._guarded(scope, receive, tracked_send)
        except Exception:
            if started:
                raise
            await _JSON({"detail": "internal server error: the server's log says more"}, 500)(
                scope, receive, tracked_send
            )
            raise  # for the server's log; the client has its answer

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        host = _host_name(headers.get(b"host", b"").decode("latin-1"))
        if self.allowed_hosts is not None and host not in self.allowed_hosts and not _is_address(host):
            message = (
                f"Host {host!r} is not a name of this server (start it with --allowed-host {host} if it is)"
                if host
                else "the request has no Host header"
            )
            await _JSON({"detail": message}, 400)(scope, receive, send)
            return
        too_large = f"request body over {self.max_body_bytes} bytes"
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            status = 413 if declared.isdigit() else 400
            await _JSON({"detail": too_large if status == 413 else "bad Content-Length"}, status)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise HTTPException(413, too_large)
            return message

        await self.app(scope, limited_receive, send)

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(
                        (name.encode(), value.encode())
                        for name, value in SECURITY_HEADERS.items()
                        if name.encode() not in present
                    ),
                ]
            await send(message)

        return send_with_headers


def _host_name(host: str) -> str:
    """The name in a Host header, without its port and IPv6 brackets, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_address(host: str) -> bool:
    """An IP address written out: no DNS name, so no rebinding to fear."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
