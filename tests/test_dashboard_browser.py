"""The dashboard in headless Chromium, as a person would use it.

``realpolitik serve`` runs in a subprocess over a store holding examples/wikinews.jsonl
and tests/fixtures/api/dyad_history.jsonl; Playwright drives Debian's Chromium
(``/usr/bin/chromium``, installed by scripts/browser-ci.sh; ``playwright install`` is
not used). Screenshots go to pytest's temporary directory (``screenshots*``).

Without Chromium the tests are skipped, unless REALPOLITIK_REQUIRE_BROWSER=1 (CI),
which makes them fail.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 60
# Untrusted article text: if it were inserted as HTML, the script or the onerror handler would set __pwned.
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (scripts/browser-ci.sh installs it)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if os.environ.get("REALPOLITIK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"REALPOLITIK_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of ``realpolitik serve`` over the test store."""
    db = tmp_path_factory.mktemp("dashboard") / "events.duckdb"
    with Store.open(db) as store:
        ingest(store, read_paths(CORPUS), pipeline=default_pipeline())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "realpolitik.cli.main", "serve", "--db", str(db), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"realpolitik serve exited with {process.returncode}: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url + "/api/actors?limit=1", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"realpolitik serve did not answer within {SERVER_START_SECONDS} s")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def expect(locator: Any) -> Any:
    """Playwright's retrying assertions (no string evaluation: the page's CSP forbids eval)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def settled(page: Any) -> None:
    """Wait until the dashboard has no request under way (its status line is empty again)."""
    expect(page.locator("#status")).to_have_text("")


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """The dashboard, loaded: graph, event table and the busiest dyad's timeline drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.goto(server + "/")
    tab.wait_for_selector("#network g.node")
    tab.wait_for_selector("#events tbody tr[data-key]")
    tab.wait_for_selector("#timeline rect.bar")
    settled(tab)
    tab.expected_statuses = set()  # a test that sends bad input on purpose names the answers it expects
    yield tab
    context.close()
    expected = {
        f"Failed to load resource: the server responded with a status of {status} " for status in tab.expected_statuses
    }
    problems = [p for p in problems if not any(p.startswith(e) for e in expected)]
    assert problems == []  # no script errors, no failed requests, no Content-Security-Policy violations


def test_network_graph_draws_and_filters_by_date(page: Any, screenshots: Path) -> None:
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    nodes = page.locator("#network g.node")
    assert nodes.count() == 13  # twelve countries and "the West"
    assert set(page.locator("#network g.node text").all_text_contents()) >= {"Russia", "Georgia", "China", "Japan"}
    assert page.locator("#network line.edge").count() == 10  # directed edges merged per pair of nodes
    frame = page.locator("#network").bounding_box()
    for box in (nodes.nth(i).locator("circle").bounding_box() for i in range(nodes.count())):
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    russia_georgia = page.locator('#network line.edge[data-a="GEO"][data-b="RUS"]')
    assert "coop" in russia_georgia.get_attribute("class")  # 4 cooperative events, 2 conflictual
    assert "conflict" in page.locator('#network line.edge[data-a="CHN"][data-b="JPN"]').get_attribute("class")
    assert float(russia_georgia.get_attribute("stroke-width")) > float(
        page.locator('#network line.edge[data-a="CHN"][data-b="JPN"]').get_attribute("stroke-width")
    )

    page.fill('#range-form input[name="since"]', "2008-08-01")
    page.fill('#range-form input[name="until"]', "2008-08-31")
    page.click('#range-form button[type="submit"]')
    expect(page.locator("#network g.node")).to_have_count(4)
    settled(page)
    assert sorted(page.locator("#network g.node").evaluate_all("ns => ns.map(n => n.dataset.id)")) == [
        "GEO",
        "LVA",
        "RUS",
        "UKR",
    ]  # Latvia's prime minister is to visit Tbilisi
    # two events in one month: the period chosen for the dyad is the week ([0] is the y axis' peak)
    assert page.locator("#timeline .tick").all_text_contents()[1:] == ["2008-W31", "2008-W32"]
    assert page.locator("#timeline rect.bar").count() == 1
    page.screenshot(path=screenshots / "network-august-2008.png")


def test_dyad_timeline_shows_the_alert(page: Any, screenshots: Path) -> None:
    assert page.input_value('#dyad-form input[name="a"]') == "RUS"  # the busiest dyad is shown first ...
    assert page.input_value('#dyad-form input[name="b"]') == "GEO"
    assert page.input_value('#event-form input[name="dyad"]') == "RUS,GEO"  # ... with its events
    assert page.locator("#events tbody tr[data-key]").count() == 7
    # one stacked bar part per period and QuadClass with events, months chosen for eight months of
    # events: RUS → GEO Jan, Feb, Apr (verbal cooperation) and Aug (material conflict, 2 events);
    # GEO → RUS Jan (the meeting goes both ways) and Mar (verbal cooperation)
    assert page.locator("#timeline rect.bar.q1").count() == 5
    assert page.locator("#timeline rect.bar.q4").count() == 1
    assert page.locator("#timeline rect.bar").count() == 6
    marker = page.locator("#timeline .alert-marker")
    assert marker.count() == 1 and marker.get_attribute("data-period") == "2008-08"
    assert "first material conflict" in marker.locator("title").text_content()
    assert page.locator("#alerts li.alert strong").text_content().startswith("RUS → GEO first material conflict")
    marker.click()
    page.wait_for_selector("#alerts li.alert.focused")
    page.wait_for_selector("#evidence mark.trigger")
    settled(page)
    assert page.locator("#evidence h3").text_content().startswith("2008-08-08")
    page.locator("#dyad-panel").screenshot(path=screenshots / "dyad-timeline.png")


def test_clicking_an_event_shows_its_highlighted_evidence(page: Any, screenshots: Path) -> None:
    page.locator("#events tbody tr", has_text="190 Use conventional military force").click()
    page.wait_for_selector("#evidence figure.mention")
    assert page.locator("#evidence figure.mention").count() == 3  # three outlets reported it
    gori = page.locator("#evidence figure.mention", has_text="Gori shelled")
    assert gori.locator("blockquote").text_content() == "Russia attacked Georgia."
    assert [gori.locator(f"mark.{kind}").text_content() for kind in ("source", "trigger", "target")] == [
        "Russia",
        "attacked",
        "Georgia",
    ]
    assert gori.locator("a").get_attribute("href") == "https://example-news.org/2008/08/gori"
    assert page.locator("#events tbody tr.selected").count() == 1
    settled(page)
    page.screenshot(path=screenshots / "evidence.png", full_page=True)

    page.locator('#network line.edge[data-a="CHN"][data-b="JPN"]').click()
    expect(page.locator('#dyad-form input[name="a"]')).to_have_value("CHN")
    page.wait_for_selector("#events tbody tr >> text=111 Criticize or denounce")
    assert page.input_value('#event-form input[name="dyad"]') == "CHN,JPN"
    assert page.locator("#events tbody tr[data-key]").count() == 1

    page.click('#event-form button[type="reset"]')  # every event again, a page of 25 at a time
    expect(page.locator("#events tbody tr[data-key]")).to_have_count(25)
    page.click("#next")
    expect(page.locator("#page-info")).to_contain_text("26–50 of")


def test_a_pasted_article_is_coded_and_shown_as_text(page: Any, screenshots: Path) -> None:
    article = PAYLOAD + "\nRussia attacked Georgia."
    page.fill("#code-text", article)
    page.click('#code-form button[type="submit"]')
    page.wait_for_selector("#code-result li.coded-event")
    (sentence,) = page.locator("#code-result li.coded-event blockquote").all_text_contents()
    assert sentence == "Russia attacked Georgia."  # the markup line is no sentence (it is masked, not parsed)
    event = page.locator("#code-result li.coded-event")
    assert [event.locator(f"mark.{kind}").text_content() for kind in ("source", "trigger", "target")] == [
        "Russia",
        "attacked",
        "Georgia",
    ]
    assert page.locator("#code-result pre.posted").text_content() == article
    assert page.locator("#code-result script, #code-result img").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.locator("#code-panel").screenshot(path=screenshots / "coded-article.png")

    page.fill("#code-text", PAYLOAD + "Russia attacked Georgia.")  # the markup is masked, the sentence coded
    page.click('#code-form button[type="submit"]')
    page.wait_for_selector("#code-result p >> text=1 event(s)")
    assert PAYLOAD in page.locator("#code-result pre.posted").text_content()
    assert page.evaluate("window.__pwned") is None


def test_api_docs_render_offline(browser: Any, server: str, screenshots: Path) -> None:
    """/docs is Swagger UI served by the app itself: every request stays on the server, no CSP violation."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    requested: list[str] = []
    problems: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.goto(server + "/docs")
    expect(tab.locator(".opblock-summary-path[data-path='/api/events']")).to_be_visible()
    tab.screenshot(path=screenshots / "docs.png")
    paths = set(tab.locator(".opblock-summary-path").evaluate_all("nodes => nodes.map(n => n.dataset.path)"))
    assert paths == {
        "/api/events",
        "/api/events/{event_key}",
        "/api/dyad",
        "/api/alerts",
        "/api/actors",
        "/api/actors/suggest",
        "/api/graph",
        "/api/places",
        "/api/info",
        "/api/code",
        "/api/ingest",
    }
    assert requested and all(url.startswith(server) for url in requested), requested
    context.close()
    assert problems == []


# -- the map (issue 16, item 2) ----------------------------------------------------------------


def test_map_draws_places_and_arcs_offline_and_links_to_the_table(page: Any, screenshots: Path) -> None:
    expect(page.locator("#map circle.place").first).to_be_visible()
    assert page.locator("#map path.country").count() > 150  # Natural Earth outlines served by the app itself
    places = page.locator("#map circle.place")
    names = set(places.evaluate_all("ns => ns.map(n => n.dataset.name)"))
    assert {"Moscow", "Paris", "Tehran", "Mauritania"} <= names
    assert set(places.evaluate_all("ns => ns.map(n => n.dataset.quad)")) >= {"1", "4"}  # coloured by QuadClass
    arc = page.locator('#map path.arc[data-a="GEO"][data-b="RUS"]')
    assert arc.count() == 1 and "RUS → GEO" in arc.locator("title").text_content()
    page.locator("#map-panel").screenshot(path=screenshots / "map.png")

    page.locator('#map circle.place[data-name="Moscow"]').first.click()  # a place: its events in the table
    expect(page.locator("#place-filter")).to_contain_text("Events at Moscow")
    settled(page)
    rows = page.locator("#events tbody tr[data-key]")
    assert rows.count() >= 1
    assert set(rows.locator("td.place").all_text_contents()) == {"Moscow (RUS)"}
    rows.first.click()
    page.wait_for_selector("#evidence mark.place")
    assert page.locator("#evidence mark.place").first.text_content() == "Moscow"
    settled(page)
    page.locator('#map path.arc[data-a="CHN"][data-b="JPN"]').dispatch_event("click")  # an arc: its dyad
    expect(page.locator('#event-form input[name="dyad"]')).to_have_value("CHN,JPN")
    settled(page)
    page.screenshot(path=screenshots / "map-linked.png", full_page=True)


def test_map_follows_the_date_and_modality_filters(page: Any) -> None:
    before = page.locator("#map circle.place").count()
    page.fill('#range-form input[name="since"]', "2008-08-01")
    page.fill('#range-form input[name="until"]', "2008-08-31")
    page.click('#range-form button[type="submit"]')
    expect(page.locator("#map-info")).to_have_text("2 events at 2 places")  # inside Georgia; in Tbilisi
    settled(page)
    assert 0 < page.locator("#map circle.place").count() < before
    # Russia on Georgia, Ukraine on Russia, and Latvia's prime minister "is planned to visit Tbilisi"
    assert page.locator("#map path.arc").count() == page.locator("#network line.edge").count() == 3
    page.fill('#range-form input[name="since"]', "")
    page.fill('#range-form input[name="until"]', "")
    page.uncheck('#range-form input[value="asserted"]')
    page.check('#range-form input[value="future"]')
    page.click('#range-form button[type="submit"]')
    settled(page)
    future = page.locator("#map-info").text_content()
    assert future != "" and page.locator("#map circle.place").count() < before


# -- names, not codes (issue 16, item 3) --------------------------------------------------------


def test_actor_filters_take_names_with_autocomplete(page: Any, screenshots: Path) -> None:
    source = page.locator('#event-form input[name="actor"]')
    source.fill("")
    source.press_sequentially("Geor")
    expect(page.locator('#actor-names option[value="Georgia"]')).to_have_count(1)
    assert "GEO" in page.locator('#actor-names option[value="Georgia"]').get_attribute("label")
    source.fill("Georgia")
    page.fill('#event-form input[name="dyad"]', "")
    page.click('#event-form button[type="submit"]')
    settled(page)
    sources = set(page.locator("#events tbody tr[data-key] td:nth-child(2)").all_text_contents())
    assert sources and all(s.startswith("GEO") for s in sources)  # Georgia and its government

    page.fill('#dyad-form input[name="a"]', "China")  # the dyad form takes names too ...
    page.fill('#dyad-form input[name="b"]', "the Japanese")
    page.click('#dyad-form button[type="submit"]')
    expect(page.locator('#event-form input[name="dyad"]')).to_have_value("China,the Japanese")  # ... and sets the table
    settled(page)
    assert page.locator("#events tbody tr[data-key]").count() == 1
    assert page.locator("#timeline rect.bar.q3").count() == 1

    page.expected_statuses.add(422)
    source.fill("Narnia")
    page.fill('#event-form input[name="dyad"]', "")
    page.click('#event-form button[type="submit"]')
    expect(page.locator("#status.error")).to_contain_text("unknown actor 'Narnia'")
    source.fill("Rusia")
    page.click('#event-form button[type="submit"]')
    expect(page.locator("#status.error")).to_contain_text("did you mean Russia (RUS)")
    page.locator("header").screenshot(path=screenshots / "unknown-actor.png")


# -- dashboard fixes (issue 16, item 4) ------------------------------------------------------------


def test_most_reported_and_pasted_events_show_date_and_modality(page: Any, screenshots: Path) -> None:
    first = page.locator("#top-events button.link").first.text_content()
    assert first.startswith("2008-08-08 ·") and first.endswith("· asserted")
    page.fill("#code-text", "Russia will not attack Georgia. On Monday Iran condemned Israel.")
    page.fill('#code-form input[name="date"]', "2024-03-14")
    page.click('#code-form button[type="submit"]')
    page.wait_for_selector("#code-result li.coded-event")
    metas = page.locator("#code-result li.coded-event div.meta").all_text_contents()
    assert any(m.startswith("2024-03-11 ·") and m.endswith("· asserted") for m in metas), metas
    assert any("· negated" in m for m in metas), metas
    page.locator("#code-panel").screenshot(path=screenshots / "coded-dates-modalities.png")


def test_the_paste_box_shows_every_error_in_place(page: Any, screenshots: Path) -> None:
    page.expected_statuses.update({413, 422})
    page.fill(
        "#code-text",
        "Die Bundesregierung hat am Montag neue Sanktionen gegen Russland beschlossen. "
        "Der Kanzler sagte, man werde die Ukraine weiter unterstützen.",
    )
    page.click('#code-form button[type="submit"]')
    error = page.locator("#code-result p.error")
    expect(error).to_contain_text("not English (detected 'de')")
    assert "Coding…" not in page.locator("#code-result").text_content()
    page.locator("#code-panel").screenshot(path=screenshots / "paste-not-english.png")
    page.fill("#code-text", "Russia attacked Georgia. " * 5_000)  # 125,000 characters
    page.click('#code-form button[type="submit"]')
    expect(error).to_contain_text("413")
    expect(error).to_contain_text("too long")
    page.fill("#code-text", "    ")
    page.evaluate("document.querySelector('#code-text').removeAttribute('required')")
    page.click('#code-form button[type="submit"]')
    expect(error).to_contain_text("422")
    settled(page)


def test_each_modality_can_be_chosen(page: Any) -> None:
    page.fill('#event-form input[name="dyad"]', "")
    page.click('#event-form button[type="submit"]')
    settled(page)
    for modality in ("negated", "future", "attempted"):
        for box in page.locator('#range-form input[name="modality"]').all():
            box.set_checked(box.get_attribute("value") == modality)
        page.click('#range-form button[type="submit"]')
        settled(page)
        shown = set(page.locator("#events tbody tr[data-key] td:nth-child(6)").all_text_contents())
        assert shown == {modality}, (modality, shown)
    page.click("#all-modalities")
    page.click('#range-form button[type="submit"]')
    settled(page)
    assert len(set(page.locator("#events tbody tr[data-key] td:nth-child(6)").all_text_contents())) >= 2


def test_the_address_holds_the_view(page: Any, browser: Any, server: str, screenshots: Path) -> None:
    page.fill('#range-form input[name="since"]', "2008-01-01")
    page.uncheck('#range-form input[value="asserted"]')
    page.check('#range-form input[value="future"]')
    page.check('#range-form input[value="asserted"]')
    page.click('#range-form button[type="submit"]')
    settled(page)
    page.fill('#dyad-form input[name="a"]', "FRA")
    page.fill('#dyad-form input[name="b"]', "DEU")
    page.click('#dyad-form button[type="submit"]')
    settled(page)
    page.locator("#events tbody tr[data-key]").first.click()
    page.wait_for_selector("#evidence figure.mention")
    settled(page)
    shared = page.url
    assert "a=FRA" in shared and "since=2008-01-01" in shared and "event=" in shared and "modality=future" in shared
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = context.new_page()
    other.set_default_timeout(20_000)
    other.goto(shared)
    other.wait_for_selector("#evidence figure.mention")
    settled(other)
    assert other.input_value('#dyad-form input[name="a"]') == "FRA"
    assert other.input_value('#event-form input[name="dyad"]') == "FRA,DEU"
    assert other.input_value('#range-form input[name="since"]') == "2008-01-01"
    assert other.is_checked('#range-form input[value="future"]')
    assert other.locator("#evidence h3").text_content() == page.locator("#evidence h3").text_content()
    assert other.locator("#events tbody tr.selected").count() == 1
    other.screenshot(path=screenshots / "shared-view.png", full_page=True)
    context.close()


def test_sparse_dyads_pick_a_period_and_skip_empty_stretches(page: Any, screenshots: Path) -> None:
    # RUS-GEO: January to August 2008 in months; May, June and July have no events: one gap
    gap = page.locator("#timeline text.gap")
    assert gap.count() == 1
    assert gap.locator("title").text_content() == "3 months without events: 2008-05 to 2008-07"
    assert page.locator("#timeline .tick").all_text_contents()[1:] == [
        "2008-01",
        "2008-02",
        "2008-03",
        "2008-04",
        "2008-08",
    ]
    page.select_option('#dyad-form select[name="by"]', "week")
    page.click('#dyad-form button[type="submit"]')
    settled(page)
    assert page.locator("#timeline text.gap").count() >= 3
    page.locator("#dyad-panel").screenshot(path=screenshots / "dyad-weeks-with-gaps.png")


def test_network_labels_do_not_overlap_and_a_minimum_thins_the_graph(page: Any, screenshots: Path) -> None:
    boxes = [t.bounding_box() for t in page.locator("#network g.node text").all()]
    assert len(boxes) >= 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            )
            assert not overlap, (a, b)
    page.fill('#network-form input[name="min_events"]', "3")
    expect(page.locator("#network g.node")).to_have_count(4)  # Russia-Georgia and Mauritania-Israel remain
    assert "min_events=3" in page.url
    page.locator("#network-panel").screenshot(path=screenshots / "network-min-3.png")


def test_newest_events_first(page: Any) -> None:
    page.click('#event-form button[type="reset"]')
    settled(page)
    dates = [d for d in page.locator("#events tbody tr[data-key] td.date").all_text_contents() if d != "undated"]
    assert dates == sorted(dates, reverse=True) and len(dates) > 5
    page.select_option('#event-form select[name="sort"]', "oldest")
    page.click('#event-form button[type="submit"]')
    settled(page)
    dates = [d for d in page.locator("#events tbody tr[data-key] td.date").all_text_contents() if d != "undated"]
    assert dates == sorted(dates)


def test_the_table_fits_a_phone(browser: Any, server: str, screenshots: Path) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(server + "/")
    tab.wait_for_selector("#events tbody tr[data-key]")
    settled(tab)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    table = tab.locator("#events").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= 390
    sentence = tab.locator("#events tbody tr[data-key] td.sentence").first.bounding_box()
    assert sentence["width"] <= 390 and sentence["height"] > 0
    tab.locator("#events-panel").screenshot(path=screenshots / "phone-table.png")
    context.close()


@pytest.fixture(scope="module")
def empty_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    Store.open(db).close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "realpolitik.cli.main", "serve", "--db", str(db), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_an_empty_store_says_how_to_fill_it(browser: Any, empty_server: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(empty_server + "/")
    banner = tab.locator("#empty-store")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("realpolitik ingest FILES --db empty.duckdb")
    settled(tab)
    assert tab.locator("#events tbody").text_content() == "No events match."
    tab.screenshot(path=screenshots / "empty-store.png")
    context.close()
