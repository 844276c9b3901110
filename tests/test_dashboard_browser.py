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

from realpolitik.ingest.readers import read_paths
from realpolitik.pipeline import default_pipeline
from realpolitik.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
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
        store.ingest(read_paths(CORPUS), pipeline=default_pipeline())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "realpolitik.cli.main", "serve", "--db", str(db),
                                "--port", str(port)], stderr=subprocess.PIPE, text=True)
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
    yield tab
    context.close()
    assert problems == []  # no script errors, no failed requests, no Content-Security-Policy violations


def test_network_graph_draws_and_filters_by_date(page: Any, screenshots: Path) -> None:
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    nodes = page.locator("#network g.node")
    assert nodes.count() == 12
    assert set(page.locator("#network g.node text").all_text_contents()) >= {"Russia", "Georgia", "China", "Japan"}
    assert page.locator("#network line.edge").count() == 9  # directed edges merged per pair of nodes
    frame = page.locator("#network").bounding_box()
    for box in (nodes.nth(i).locator("circle").bounding_box() for i in range(nodes.count())):
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    russia_georgia = page.locator('#network line.edge[data-a="GEO"][data-b="RUS"]')
    assert "coop" in russia_georgia.get_attribute("class")  # 4 cooperative events, 2 conflictual
    assert "conflict" in page.locator('#network line.edge[data-a="CHN"][data-b="JPN"]').get_attribute("class")
    assert float(russia_georgia.get_attribute("stroke-width")) > float(
        page.locator('#network line.edge[data-a="CHN"][data-b="JPN"]').get_attribute("stroke-width"))

    page.fill('#range-form input[name="since"]', "2008-08-01")
    page.fill('#range-form input[name="until"]', "2008-08-31")
    page.click('#range-form button[type="submit"]')
    expect(page.locator("#network g.node")).to_have_count(4)
    settled(page)
    assert sorted(page.locator("#network g.node").evaluate_all("ns => ns.map(n => n.dataset.id)")) == [
        "GEO", "LVA", "RUS", "UKR"]  # Latvia's prime minister is to visit Tbilisi
    assert page.locator("#timeline .tick").all_text_contents()[1:] == ["2008-08"]  # [0] is the y axis' peak
    assert page.locator("#timeline rect.bar").count() == 1
    page.screenshot(path=screenshots / "network-august-2008.png")


def test_dyad_timeline_shows_the_alert(page: Any, screenshots: Path) -> None:
    assert page.input_value('#dyad-form input[name="a"]') == "RUS"  # the busiest dyad is shown first ...
    assert page.input_value('#dyad-form input[name="b"]') == "GEO"
    assert page.input_value('#event-form input[name="dyad"]') == "RUS,GEO"  # ... with its events
    assert page.locator("#events tbody tr[data-key]").count() == 7
    # one stacked bar part per period and QuadClass with events: RUS → GEO Jan, Feb, Apr (verbal
    # cooperation) and Aug (material conflict, 2 events); GEO → RUS Jan (the meeting goes both
    # ways) and Mar (verbal cooperation)
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
        "Russia", "attacked", "Georgia"]
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
        "Russia", "attacked", "Georgia"]
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
    assert paths == {"/api/events", "/api/events/{event_key}", "/api/dyad", "/api/alerts", "/api/actors",
                     "/api/graph", "/api/code", "/api/ingest"}
    assert requested and all(url.startswith(server) for url in requested), requested
    context.close()
    assert problems == []
