"""``realpolitik serve``: the REST API and the dashboard over a store."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

from rich.markup import escape

from realpolitik.api.access import REQUEST_TIMEOUT
from realpolitik.cli.args import console, positive
from realpolitik.store.db import DEFAULT_DB, POSTGRES_PREFIXES

TOKEN_ENV = "REALPOLITIK_INGEST_TOKEN"
stderr = console(stderr=True)


def add_parser(subparsers: Any) -> None:
    """Register ``serve`` on the top-level CLI's subparsers."""
    serve = subparsers.add_parser(
        "serve",
        help="serve the REST API and the web dashboard",
        description="Serve the store read-only: the REST API under /api (OpenAPI schema at /openapi.json) and "
        "the dashboard at /. POST /api/ingest stores documents, only with the ingest token.",
    )
    serve.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file or postgresql:// URL (default {DEFAULT_DB})")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=positive, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--ingest-token",
        default=os.environ.get(TOKEN_ENV) or None,
        help=f"enable POST /api/ingest for requests with this bearer token (default: ${TOKEN_ENV}; "
        "the variable keeps it out of the process list)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name clients reach this server by (repeatable); requests with another Host header "
        "get 400. IP addresses, the name served on and, for 0.0.0.0, this machine's names "
        "are always allowed",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=positive,
        default=1_000_000,
        help="largest request body accepted (default 1000000); larger ones get 413",
    )
    serve.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a request after this long and answer 503 (default {REQUEST_TIMEOUT:g})",
    )
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from realpolitik.api.app import create_app

    if not args.db.startswith(POSTGRES_PREFIXES) and not Path(args.db).exists() and not args.ingest_token:
        stderr.print(
            f"[red]no store at {escape(args.db)}[/]: run `realpolitik ingest PATH --db {escape(args.db)}` "
            "first, or give an ingest token to fill a new store through POST /api/ingest"
        )
        return 2
    try:  # bind before saying where: a busy port is an error, not a URL that leads elsewhere
        listener = socket.create_server((args.host, args.port), family=_family(args.host))
    except OSError as exc:
        stderr.print(
            f"[red]error:[/] cannot listen on {escape(args.host)} port {args.port}: "
            f"{escape((exc.strerror or str(exc)).lower())}"
        )
        return 2
    if not _is_loopback(args.host) and not args.ingest_token:
        stderr.print(
            f"[yellow]warning:[/] serving on {escape(args.host)}, beyond this machine, with no token: anyone "
            f"who can reach port {args.port} can read the whole store (ingest stays disabled). Serve on "
            "127.0.0.1, or behind a proxy that authenticates"
        )
    stderr.print(
        f"realpolitik: dashboard at http://{escape(args.host)}:{args.port}/ (store {escape(args.db)}, ingest "
        f"{'enabled' if args.ingest_token else 'disabled'})"
    )
    app = create_app(
        args.db,
        args.ingest_token,
        args.max_body_bytes,
        request_timeout=args.request_timeout,
        allowed_hosts=bound_names(args.host, args.allowed_host),
    )
    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[listener])
    return 0


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bound_names(host: str, extra: list[str]) -> set[str]:
    """The Host names a server on `host` answers to (IP addresses are always accepted): the name served
    on, "localhost" for a loopback or wildcard address, this machine's names for a wildcard one, `extra`."""
    names = {host.strip("[]").lower(), *(name.lower() for name in extra)}
    wildcard = host in ("0.0.0.0", "::", "")
    if wildcard or _is_loopback(host):
        names.add("localhost")
    if wildcard:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return names


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere
