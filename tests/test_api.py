"""The REST API (``realpolitik serve``) through FastAPI's TestClient.

The store holds examples/wikinews.jsonl plus tests/fixtures/api/dyad_history.jsonl:
Russia and Georgia in 2008, four months of cooperation (Lavrov meets his Georgian
counterpart, aid promised twice, Georgia praises Russia) and then the August war,
reported by three outlets ("Russia attacked Georgia") and once as shelling of Gori;
plus USA → IRN sanctions, CHN → JPN criticism and FRA → DEU talks.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from realpolitik.api.app import MAX_CODE_CHARS, ModalityName, create_app
from realpolitik.cli.main import main
from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store
from realpolitik.types import Modality

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("api") / "events.duckdb")
    with Store.open(path) as store:
        stats = ingest(store, read_paths(CORPUS), pipeline=default_pipeline())
    assert stats.new_documents == 15 and stats.errors == 0
    return path


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def war_event(client: TestClient) -> dict[str, Any]:
    """RUS 190 GEO, 8 August 2008: one event, three reports."""
    (event,) = get(client, "/api/events", dyad="RUS,GEO", code="190")["items"]
    return event


# -- events -------------------------------------------------------------------------------------


def test_events_are_paginated(client: TestClient) -> None:
    everything = get(client, "/api/events", limit=500)
    assert everything["total"] == len(everything["items"]) > 50
    first = get(client, "/api/events", limit=10)
    second = get(client, "/api/events", limit=10, offset=10)
    assert (first["total"], first["limit"], first["offset"], second["offset"]) == (everything["total"], 10, 0, 10)
    keys = [e["event_key"] for e in first["items"] + second["items"]]
    assert keys == [e["event_key"] for e in everything["items"][:20]]
    dates = [e["event_date"] for e in everything["items"] if e["event_date"]]
    assert dates == sorted(dates, reverse=True)  # newest first by default
    oldest = [e["event_date"] for e in get(client, "/api/events", limit=500, sort="oldest")["items"] if e["event_date"]]
    assert oldest == sorted(oldest)
    reports = [e["num_mentions"] for e in get(client, "/api/events", limit=500, sort="reports")["items"]]
    assert reports == sorted(reports, reverse=True)
    beyond = get(client, "/api/events", offset=10_000)
    assert beyond["items"] == [] and beyond["total"] == everything["total"]


def test_event_filters(client: TestClient) -> None:
    dyad = get(client, "/api/events", dyad="RUS,GEO")["items"]
    assert sorted((e["event_date"], e["source"], e["code"], e["target"]) for e in dyad) == [
        ("2008-01-10", "GEO", "040", "RUSGOV"),  # a meeting goes both ways
        ("2008-01-10", "RUSGOV", "040", "GEO"),
        ("2008-02-12", "RUS", "033", "GEO"),
        ("2008-03-14", "GEO", "051", "RUS"),
        ("2008-04-16", "RUS", "033", "GEO"),
        ("2008-08-08", "RUS", "190", "GEO"),
        ("2008-08-08", "RUSMIL", "194", "GEO"),
    ]
    assert {e["source"] for e in get(client, "/api/events", actor="GEO", target="RUS")["items"]} == {"GEO"}
    assert all(e["code"].startswith("19") for e in get(client, "/api/events", code="19")["items"])
    conflict = get(client, "/api/events", quad_class=4, since="2008-08-01", until="2008-08-31", limit=500)["items"]
    assert conflict and all(e["quad_class"] == 4 and "2008-08-01" <= e["event_date"] <= "2008-08-31" for e in conflict)
    assert [(e["source"], e["code"]) for e in get(client, "/api/events", q="SHELLED")["items"]] == [("RUSMIL", "194")]
    sanctions = get(client, "/api/events", actor="USA", target="IRN", since="2008-01-01", until="2008-12-31")
    assert [e["code"] for e in sanctions["items"]] == ["163"]


def test_modality_filter(client: TestClient) -> None:
    asserted = get(client, "/api/events", limit=500)
    assert {e["modality"] for e in asserted["items"]} == {"asserted"}
    everything = get(client, "/api/events", modality="all", limit=500)
    some = get(client, "/api/events", modality=["negated", "future"], limit=500)
    assert {e["modality"] for e in some["items"]} == {"negated", "future"}
    assert everything["total"] > asserted["total"] + some["total"] - 1 > asserted["total"]


def test_modality_parameter_names_every_modality() -> None:
    assert set(get_args(ModalityName)) == {m.value for m in Modality} | {"all"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2008-02-30"}, "since"),
        ({"until": "20080101"}, "until"),
        ({"since": "1700000000"}, "since"),  # pydantic alone would read a Unix timestamp
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"code": "99"}, "code"),
        ({"code": "19a"}, "code"),
        ({"quad_class": 5}, "quad_class"),
        ({"dyad": "RUS"}, "dyad"),
        ({"actor": "R"}, "actor"),
        ({"modality": "rumoured"}, "modality"),
    ],
)
def test_bad_event_parameters_get_422_naming_the_parameter(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][:2] == ["query", field] and error["msg"]


def test_event_detail_has_every_mention_with_its_evidence(client: TestClient) -> None:
    event = war_event(client)
    assert (event["num_mentions"], event["num_sources"]) == (3, 3)
    detail = get(client, f"/api/events/{event['event_key']}")
    assert detail["event"] == event
    mentions = detail["mentions"]
    assert len(mentions) == 3
    # the Wikinews file has no URLs, so its site is the file itself
    assert sorted(m["site"] for m in mentions) == sorted([str(CORPUS[0]), "example-news.org", "example-wire.com"])
    for m in mentions:
        sentence = m["sentence_text"]
        assert sentence[slice(*m["source_span"])] == m["source_text"]
        assert sentence[slice(*m["trigger_span"])] == m["trigger_text"]
        assert sentence[slice(*m["target_span"])] == m["target_text"]
    gori = next(m for m in mentions if m["doc_id"] == "ge-2008-08-a")
    assert (gori["sentence_text"], gori["trigger_text"], gori["url"]) == (
        "Russia attacked Georgia.",
        "attacked",
        "https://example-news.org/2008/08/gori",
    )


def test_unknown_event_is_404_and_a_malformed_key_422(client: TestClient) -> None:
    response = client.get("/api/events/0123456789abcdef")
    assert response.status_code == 404 and response.json() == {"detail": "no event 0123456789abcdef"}
    assert client.get("/api/events/not-a-key").status_code == 422


# -- analysis -------------------------------------------------------------------------------------


def test_dyad_series_and_top_events(client: TestClient) -> None:
    dyad = get(client, "/api/dyad", a="RUS", b="GEO", by="month", top=3)
    forward = [r for r in dyad["series"] if r["direction"] == "RUS → GEO"]
    backward = [r for r in dyad["series"] if r["direction"] == "GEO → RUS"]
    assert [r["period"] for r in forward] == [r["period"] for r in backward] == [f"2008-0{m}" for m in range(1, 9)]
    assert [r["total"] for r in forward] == [1, 1, 0, 1, 0, 0, 0, 2]
    assert (forward[-1]["material_conflict"], forward[-1]["verbal_coop"]) == (2, 0)
    assert forward[4]["goldstein_mean"] is None  # May: no events, no mean
    assert [r["verbal_coop"] for r in backward] == [1, 0, 1, 0, 0, 0, 0, 0]  # Lavrov's meeting, both ways
    assert len(dyad["top_events"]) == 3
    assert dyad["top_events"][0]["event_key"] == war_event(client)["event_key"]
    august = get(client, "/api/dyad", a="RUS", b="GEO", by="year", since="2008-08-01")
    assert [(r["direction"], r["period"], r["total"]) for r in august["series"]] == [
        ("RUS → GEO", "2008", 2),
        ("GEO → RUS", "2008", 0),
    ]


def test_dyad_of_an_actor_with_itself_is_422(client: TestClient) -> None:
    response = client.get("/api/dyad", params={"a": "RUS", "b": "rus"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "a dyad needs two different actors"
    assert client.get("/api/dyad", params={"a": "RUS", "b": "GEO", "by": "day"}).status_code == 422
    assert client.get("/api/dyad", params={"a": "RUS"}).status_code == 422


def test_alerts(client: TestClient) -> None:
    page = get(client, "/api/alerts")
    (alert,) = page["items"]
    assert page["total"] == 1
    assert (alert["direction"], alert["kind"], alert["period"], alert["value"]) == (
        "RUS → GEO",
        "first_material_conflict",
        "2008-08",
        2.0,
    )
    assert alert["message"].startswith("RUS → GEO first material conflict: 2 events in 2008-08")
    assert {e["code"] for e in alert["events"]} == {"190", "194"}
    assert [e["event_key"] for e in alert["events"]] == alert["event_keys"]
    assert get(client, "/api/alerts", dyad="GEO,RUS")["total"] == 1
    assert get(client, "/api/alerts", actor="GEO")["total"] == 1
    assert get(client, "/api/alerts", actor="CHN")["total"] == 0
    assert get(client, "/api/alerts", since="2008-09-01")["total"] == 0
    assert get(client, "/api/alerts", since="2008-08-01")["total"] == 1
    assert get(client, "/api/alerts", limit=1, offset=1) == {"total": 1, "limit": 1, "offset": 1, "items": []}
    assert client.get("/api/alerts", params={"z": 0}).status_code == 422
    assert client.get("/api/alerts", params={"dyad": "GEO,geo"}).status_code == 422


def test_actors_are_paginated(client: TestClient) -> None:
    everything = get(client, "/api/actors", limit=500)
    assert everything["items"][0]["actor"] == "RUS" and everything["items"][0]["name"] == "Russia"
    page = get(client, "/api/actors", limit=2, offset=1)
    assert page["items"] == everything["items"][1:3] and page["total"] == everything["total"]
    georg = get(client, "/api/actors", q="georg")["items"]  # a code prefix or part of a name
    assert [(a["actor"], a["name"], a["as_source"]) for a in georg] == [
        ("GEO", "Georgia", 3),
        ("USAGOV", "George W. Bush", 4),
        ("GEOGOV", "Georgia", 1),
    ]
    # Georgia also meets Lavrov; "officials" are US ones; Tbilisi hosts Latvia's prime minister
    assert get(client, "/api/actors", q="RUS")["total"] == 3  # RUS, RUSGOV, RUSMIL


def test_graph_aggregates_country_level_pairs(client: TestClient) -> None:
    graph = get(client, "/api/graph")
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    assert graph["total"] == len(edges)
    russia_georgia = edges[("RUS", "GEO")]  # RUS, RUSGOV and RUSMIL events together
    assert (russia_georgia["verbal_coop"], russia_georgia["material_conflict"], russia_georgia["total"]) == (3, 2, 5)
    assert edges[("GEO", "RUS")]["total"] == 2 and edges[("USA", "IRN")]["material_conflict"] >= 1
    assert graph["edges"][0] == russia_georgia  # busiest first
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    assert (names["RUS"], names["GEO"], names["DEU"]) == ("Russia", "Georgia", "Germany")
    august = get(client, "/api/graph", since="2008-08-01", until="2008-08-31")
    assert {(e["source"], e["target"]): e["total"] for e in august["edges"]} == {
        ("RUS", "GEO"): 2,
        ("LVA", "GEO"): 1,
        ("UKR", "RUS"): 1,
    }  # a planned visit; Ukraine's threat
    first = get(client, "/api/graph", limit=1)
    assert first["total"] == graph["total"] and first["edges"] == graph["edges"][:1]
    assert {n["id"] for n in first["nodes"]} == {"RUS", "GEO"}


# -- coding and ingest -------------------------------------------------------------------------------


def test_code_codes_text_without_storing_it(client: TestClient) -> None:
    before = get(client, "/api/events", modality="all")["total"]
    response = client.post(
        "/api/code", json={"text": "Turkey condemned Greece over the incident.", "date": "2009-05-05"}
    )
    assert response.status_code == 200, response.text
    (mention,) = response.json()["mentions"]
    assert (mention["source"], mention["code"], mention["target"], mention["event_date"]) == (
        "TUR",
        "111",
        "GRC",
        "2009-05-05",
    )
    assert mention["sentence_text"][slice(*mention["trigger_span"])] == "condemned"
    assert get(client, "/api/events", modality="all")["total"] == before


def test_code_rejects_empty_and_oversized_text(client: TestClient, db: str) -> None:
    for text in ("", "   \n "):
        response = client.post("/api/code", json={"text": text})
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "text"]
    assert client.post("/api/code", json={"text": "Russia attacked.", "date": "yesterday"}).status_code == 422
    assert client.post("/api/code", json={"text": "Russia attacked.", "extra": 1}).status_code == 422
    too_long = client.post("/api/code", json={"text": "war " * (MAX_CODE_CHARS // 4 + 1)})
    assert too_long.status_code == 413 and "at most 100000" in too_long.json()["detail"]
    with TestClient(create_app(db, max_body_bytes=1_000)) as small:
        response = small.post("/api/code", json={"text": "Russia attacked Georgia. " * 50})
        assert response.status_code == 413 and response.json() == {"detail": "request body over 1000 bytes"}
        chunked = small.post(
            "/api/code", content=(b"x" * 600 for _ in range(3)), headers={"content-type": "application/json"}
        )
        assert chunked.status_code == 413  # no Content-Length: counted as it streams in


def test_ingest_is_refused_without_a_configured_token(client: TestClient) -> None:
    body = {"documents": [{"id": "x", "text": "Russia attacked Georgia."}]}
    response = client.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403 and "ingest is disabled" in response.json()["detail"]


def test_ingest_with_the_token_stores_documents(tmp_path: Path) -> None:
    body = {
        "documents": [
            {
                "id": "tr-gr",
                "date": "2009-05-05",
                "url": "https://example.org/tr-gr",
                "text": "Turkey condemned Greece over the incident. Greek officials said nothing.",
            }
        ]
    }
    with TestClient(create_app(str(tmp_path / "new.duckdb"), ingest_token=TOKEN)) as api:
        assert api.post("/api/ingest", json=body).status_code == 401
        assert api.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 403
        auth = {"Authorization": f"Bearer {TOKEN}"}
        first = api.post("/api/ingest", json=body, headers=auth)
        assert first.status_code == 200, first.text
        # "Greek officials said nothing" is a negated statement: stored, not listed by default
        assert first.json() == {
            "new_documents": 1,
            "skipped_existing": 0,
            "mentions": 2,
            "errors": 0,
            "total_events": 2,
        }
        again = api.post("/api/ingest", json=body, headers=auth).json()
        assert (again["new_documents"], again["skipped_existing"]) == (0, 1)
        (event,) = get(api, "/api/events")["items"]
        assert (event["source"], event["code"], event["target"], event["event_date"]) == (
            "TUR",
            "111",
            "GRC",
            "2009-05-05",
        )
        assert api.post("/api/ingest", json={"documents": []}, headers=auth).status_code == 422
        # Posted texts are read like files: a German one is an error row, a stray BOM does not hide the actor.
        mixed = {
            "documents": [
                {
                    "id": "de",
                    "text": "Die Bundesregierung hat am Montag neue Sanktionen gegen Russland beschlossen, "
                    "wie ein Sprecher in Berlin mitteilte.",
                },
                {"id": "bom", "date": "2009-05-06", "text": "\ufeffGreece condemned Turkey over the incident."},
            ]
        }
        stats = api.post("/api/ingest", json=mixed, headers=auth).json()
        assert (stats["new_documents"], stats["errors"]) == (1, 1)
        assert {(e["source"], e["target"]) for e in get(api, "/api/events")["items"]} == {
            ("TUR", "GRC"),
            ("GRC", "TUR"),
        }


# -- serving --------------------------------------------------------------------------------------------


def test_concurrent_requests_share_the_store(client: TestClient) -> None:
    paths = ["/api/events?limit=5", "/api/graph", "/api/alerts", "/api/actors", "/api/dyad?a=RUS&b=GEO"] * 6
    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(client.get, paths))
    assert [r.status_code for r in responses] == [200] * len(paths)
    assert len({r.text for r, p in zip(responses, paths) if p == "/api/graph"}) == 1


def test_dashboard_and_schema_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<svg id="network"' in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self' covers scripts
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/events",
        "/api/events/{event_key}",
        "/api/dyad",
        "/api/alerts",
        "/api/actors",
        "/api/graph",
        "/api/code",
        "/api/ingest",
    } <= set(paths)
    assert client.put("/api/events").status_code == 405


def test_serve_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", str(tmp_path / "missing.duckdb")]) == 2
    assert "no store at" in capsys.readouterr().err


# -- names, places, precision (issue 16) --------------------------------------------------------


def test_actor_parameters_take_names(client: TestClient) -> None:
    by_code = get(client, "/api/events", dyad="RUS,GEO")
    by_name = get(client, "/api/events", dyad="Russia,the Georgians")
    assert by_name == by_code and by_code["total"] == 7
    assert get(client, "/api/events", actor="the Kremlin")["items"][0]["source"] == "RUSGOV"
    dyad = get(client, "/api/dyad", a="Russian", b="Georgia", by="auto", nonzero=True)
    assert (dyad["a"], dyad["b"], dyad["by"]) == ("RUS", "GEO", "month")  # the codes the names stand for
    assert [r["period"] for r in dyad["series"] if r["direction"] == "RUS → GEO"] == [
        "2008-01",
        "2008-02",
        "2008-04",
        "2008-08",
    ]
    assert get(client, "/api/alerts", dyad="Russia,Georgia")["total"] == 1


def test_an_unknown_actor_is_a_422_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/events", params={"target": "Nort Korea"})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["query", "target"]
    assert detail["msg"].startswith("unknown actor 'Nort Korea'; did you mean North Korea (PRK)")
    assert client.get("/api/dyad", params={"a": "Russia", "b": "Narnia"}).json()["detail"][0]["loc"] == ["query", "b"]


def test_autocomplete_offers_names_of_the_stores_actors(client: TestClient) -> None:
    items = get(client, "/api/actors/suggest", q="geor")["items"]
    assert items[0] == {"label": "Georgia", "code": "GEO", "kind": "actor"}
    assert {"Georgian", "Georgians"} <= {i["label"] for i in items}
    labels = {i["label"] for i in get(client, "/api/actors/suggest", q="nor")["items"]}
    assert "North Korea" in labels and "Norway" not in labels  # only actors the store has


def test_places_and_graph_points(client: TestClient) -> None:
    places = get(client, "/api/places")["items"]
    moscow = [p for p in places if p["name"] == "Moscow"]
    assert moscow and moscow[0]["country"] == "RUS" and moscow[0]["precision"] == "point"
    assert moscow[0]["latitude"] == pytest.approx(55.75, abs=0.05)
    august = get(client, "/api/places", since="2008-08-01", until="2008-08-31")["items"]
    # "the four-day Russian offensive inside Georgia" (4); "officials in Tbilisi said" (1)
    assert {(p["name"], p["quad_class"]) for p in august} == {("Georgia", 4), ("Tbilisi", 1)}
    nodes = {n["id"]: n for n in get(client, "/api/graph")["nodes"]}
    assert (
        nodes["GEO"]["latitude"] == pytest.approx(42.2, abs=0.3) and nodes["WST"]["latitude"] is None
    )  # "the West": no one place
    near = get(client, "/api/events", bbox="37.4,55.6,37.8,55.9")
    assert near["total"] >= 1 and {e["location"] for e in near["items"]} == {"Moscow"}
    assert client.get("/api/events", params={"bbox": "1,80,2,10"}).status_code == 422


def test_event_records_carry_place_precision_and_provenance(client: TestClient) -> None:
    item = get(client, "/api/events", dyad="RUS,GEO", sort="oldest")["items"][0]
    assert (item["event_date"], item["date_precision"], item["location"], item["location_precision"]) == (
        "2008-01-10",
        "day",
        "Moscow",
        "point",
    )
    assert item["sentence_index"] == 0 and item["doc_date"] == "2008-01-10" and item["mention_id"]
    found = get(client, "/api/events", mention=item["mention_id"])
    assert [e["event_key"] for e in found["items"]] == [item["event_key"]]
    detail = get(client, f"/api/events/{item['event_key']}")
    assert detail["mentions"][0]["location_latitude"] == item["location_latitude"]


def test_posted_text_gets_dates_at_their_precision_and_non_english_is_refused(client: TestClient) -> None:
    coded = client.post(
        "/api/code", json={"text": "In 1950 Stalin sanctioned an invasion of the South.", "date": "2014-05-06"}
    ).json()
    assert [(e["event_date"], e["date_precision"]) for e in coded["mentions"]] == [("1950", "year")]
    german = client.post(
        "/api/code",
        json={
            "text": "Die Bundesregierung hat am Montag neue Sanktionen gegen "
            "Russland beschlossen, sagte der Kanzler in Berlin."
        },
    )
    assert german.status_code == 422
    assert german.json()["detail"][0]["msg"] == "not English (detected 'de')"


def test_head_and_info(client: TestClient) -> None:
    assert client.head("/").status_code == 200
    info = get(client, "/api/info")
    assert (info["documents"], info["first_date"], info["ingest_enabled"]) == (15, info["first_date"], False)
    assert info["events"] > 50 and info["store"] == "events.duckdb"


# -- hostile requests (issue 14) -----------------------------------------------------------------


def test_a_lone_surrogate_in_a_json_body_is_a_422(client: TestClient) -> None:
    body = b'{"text": "Russian troops attacked \\ud800 Ukrainian positions."}'  # valid JSON, not valid UTF-8 text
    response = client.post("/api/code", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "text"] and "unicode" in error["msg"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_500_is_json_and_carries_the_security_headers(db: str) -> None:
    app = create_app(db)

    @app.get("/api/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as api:
        response = api.get("/api/broken")
        assert response.status_code == 500
        assert response.json() == {"detail": "internal server error: the server's log says more"}
        for name in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            assert name in response.headers
        assert api.get("/api/events").status_code == 200  # the server goes on


def test_the_host_header_must_name_this_server(db: str) -> None:
    with TestClient(create_app(db, allowed_hosts=["localhost", "news.example"])) as api:
        for host in ("localhost:8000", "news.example", "127.0.0.1:8000", "[::1]:8000", "10.1.2.3"):
            assert api.get("/api/events", headers={"host": host}).status_code == 200, host
        response = api.get("/api/events", headers={"host": "attacker.example:8000"})
        assert response.status_code == 400
        assert "'attacker.example' is not a name of this server" in response.json()["detail"]
        assert response.headers["x-content-type-options"] == "nosniff"


def serve_app(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> Any:
    """The app `realpolitik serve` would run, without running it."""
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: served.append(self.config.app))
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["serve", *argv, "--port", str(port)]) == 0
    return served[0]


def test_serve_beyond_loopback_without_a_token_warns(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = serve_app(monkeypatch, ["--db", db, "--host", "0.0.0.0", "--allowed-host", "events.example"])
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0, beyond this machine, with no token" in err
    with TestClient(app) as api:
        assert api.get("/api/events", headers={"host": "events.example"}).status_code == 200
        assert api.get("/api/events", headers={"host": f"{socket.gethostname()}:8000"}).status_code == 200
        assert api.get("/api/events", headers={"host": "rebound.example"}).status_code == 400
    serve_app(monkeypatch, ["--db", db])  # loopback: no warning
    assert "warning" not in capsys.readouterr().err
    serve_app(monkeypatch, ["--db", db, "--host", "0.0.0.0", "--ingest-token", TOKEN])  # a token: no warning
    assert "warning" not in capsys.readouterr().err
