"""Schemathesis against the API's own OpenAPI schema: every operation, every built-in check.

Requests go to the ASGI app in process, over a store holding examples/wikinews.jsonl
and tests/fixtures/api/dyad_history.jsonl. An ingest token is configured but not
given to Schemathesis, so ``POST /api/ingest`` must refuse every request (403)
and the store stays as it is.

The schema is loaded at import (the app opens its store only on the first request)
and the ``corpus`` fixture fills the store before any test runs: Schemathesis's
fixture-based lazy loading does not work with pytest 9.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from realpolitik.api.app import create_app
from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]


WORKDIR = Path(tempfile.mkdtemp(prefix="realpolitik-schemathesis-"))
DB = WORKDIR / "events.duckdb"
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(str(DB), ingest_token="not-for-schemathesis"))


@pytest.fixture(scope="module", autouse=True)
def corpus() -> Iterator[None]:
    with Store.open(DB) as store:
        ingest(store, read_paths(CORPUS), pipeline=default_pipeline())
    yield
    shutil.rmtree(WORKDIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    response = case.call()
    if case.method == "GET" and _same_pair(case):
        # A rule JSON Schema cannot state: a dyad needs two different actors.
        assert response.status_code == 422, response.text
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
    elif _semantic_refusal(response):
        # Nor can it list the actor names the gazetteer knows, say that a box's south lies below its north,
        # or that posted text must hold English words.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
    else:
        case.validate_response(response)


SEMANTIC = (
    "unknown actor ",
    "a dyad needs two different actors",
    "expected west,south,east,north",
    "empty document",
    "not English (detected",
)


def _semantic_refusal(response: object) -> bool:
    """A 422 whose every complaint is one of the rules the schema cannot express."""
    if getattr(response, "status_code", None) != 422:
        return False
    detail = response.json().get("detail")  # type: ignore[attr-defined]
    return (
        isinstance(detail, list)
        and bool(detail)
        and all(isinstance(d, dict) and str(d.get("msg", "")).startswith(SEMANTIC) for d in detail)
    )


def _same_pair(case: schemathesis.Case) -> bool:
    query = case.query or {}
    if case.path == "/api/dyad":
        pair = [query.get("a"), query.get("b")]
    elif case.path == "/api/alerts" and isinstance(query.get("dyad"), str):
        pair = query["dyad"].split(",")
    else:
        return False
    if len(pair) != 2 or not all(isinstance(x, str) for x in pair):
        return False
    return pair[0].strip().upper() == pair[1].strip().upper()
