"""Feeds: RSS and Atom into Documents, bad feeds into errors, and `realpolitik watch` over a localhost server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from realpolitik.cli.main import main
from realpolitik.jobs import watch
from realpolitik.jobs.ingest import ingest
from realpolitik.jobs.watch import parse_interval
from realpolitik.readers.feeds import parse_feed, read_feed, read_feeds
from realpolitik.store import Store
from realpolitik.types import Document, DocumentError

RSS_ITEM = """<item><title>{title}</title><link>https://news.example/{guid}</link><guid>{guid}</guid>
<pubDate>{date}</pubDate><description>{text}</description></item>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>World desk</title><id>urn:desk</id>
<updated>2024-06-20T06:00:00Z</updated>
<entry><title>Putin in Pyongyang</title><id>urn:desk:putin-pyongyang</id>
<link href="https://desk.example/putin-pyongyang"/><updated>2024-06-19T22:30:00+09:00</updated>
<summary>Short teaser.</summary>
<content type="html">&lt;p&gt;Russian President Vladimir Putin praised North Korea for its support of the war in
Ukraine.&lt;/p&gt;&lt;p&gt;The visit was his first to the country in 24 years.&lt;/p&gt;</content></entry>
<entry><title>Seoul protests</title><id>urn:desk:seoul</id><published>2024-06-20T09:00:00+09:00</published>
<updated>2024-06-21T01:00:00+09:00</updated>
<content type="text">South Korea summoned the Russian ambassador in Seoul to protest against the pact.</content>
</entry></feed>"""

# A dyad in contact for four months, then its first material conflict: "first material conflict" alert.
MONTHS = [
    ("jan", "Tue, 09 Jan 2024 10:00:00 GMT", "Russia criticized Ukraine over its new language law on Tuesday."),
    ("feb", "Mon, 12 Feb 2024 10:00:00 GMT", "Ukraine accused Russia of shelling villages near the border."),
    (
        "mar",
        "Thu, 14 Mar 2024 10:00:00 GMT",
        "The Russian foreign minister met his Ukrainian counterpart in Turkey for talks.",
    ),
    ("apr", "Tue, 09 Apr 2024 10:00:00 GMT", "Moscow praised Kyiv for agreeing to a prisoner exchange."),
]
ATTACK = ("may", "Mon, 13 May 2024 10:00:00 GMT", "Russian troops attacked Ukrainian positions near Kharkiv on Monday.")


def rss(items: list[tuple[str, str, str]], title: str = "Europe desk") -> str:
    body = "".join(RSS_ITEM.format(title=f"Report {guid}", guid=guid, date=day, text=text) for guid, day, text in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://news.example/</link>{body}</channel></rss>"
    )


def test_rss_items_become_documents(tmp_path: Path) -> None:
    path = tmp_path / "europe.xml"
    path.write_text(
        rss(
            [
                (
                    "mar-1",
                    "Thu, 14 Mar 2024 23:30:00 -0500",
                    (
                        "&lt;p&gt;Russia &lt;b&gt;criticized&lt;/b&gt; Ukraine over its new language law."
                        "&lt;/p&gt;&lt;div class='share'&gt;Share this article&lt;/div&gt;"
                    ),
                )
            ]
        ),
        encoding="utf-8",
    )
    [doc] = read_feed(str(path))
    assert isinstance(doc, Document)
    assert (doc.id, doc.url, doc.source) == ("mar-1", "https://news.example/mar-1", str(path))
    assert doc.date == date(2024, 3, 14)  # the publisher's date, not the UTC one (15 March)
    assert doc.text == "Russia criticized Ukraine over its new language law."
    assert doc.title == "Report mar-1"


def test_atom_entries_take_the_content_and_the_publishers_date() -> None:
    first, second = parse_feed(ATOM.encode(), "https://desk.example/atom.xml")
    assert first.id == "urn:desk:putin-pyongyang"
    assert first.date == date(2024, 6, 19)  # updated, as written (+09:00)
    assert first.text == (
        "Russian President Vladimir Putin praised North Korea for its support of the war in "
        "Ukraine.\n\nThe visit was his first to the country in 24 years."
    )
    assert first.url == "https://desk.example/putin-pyongyang"
    assert (second.date, second.url) == (date(2024, 6, 20), None)  # published beats updated
    assert second.text.startswith("South Korea summoned the Russian ambassador")


def test_entries_without_dates_or_ids() -> None:
    feed = (
        b'<rss version="2.0"><channel><title>Wire</title>'
        b"<item><link>https://wire.example/chile</link><description>Chile and Argentina signed an agreement "
        b"on Tuesday to build a new road tunnel through the Andes.</description></item>"
        b"<item><title>Iran summons UK envoy</title></item>"
        b"<item><description>Egypt and Israel signed a gas deal in Cairo.</description></item>"
        b"</channel></rss>"
    )
    linked, headline, bare = parse_feed(feed, "wire.xml", default_date=date(2024, 7, 1))
    assert (linked.id, linked.date) == ("https://wire.example/chile", date(2024, 7, 1))
    assert headline.text == "Iran summons UK envoy"  # no body: the title is the text
    assert bare.id.startswith("sha1:") and len(bare.id) == 21
    assert [d.id for d in parse_feed(feed, "wire.xml")] == [linked.id, headline.id, bare.id]  # stable


def test_malformed_feeds_become_one_clear_error() -> None:
    cut_off = rss(MONTHS[:2]).encode()[:-60]
    [error] = parse_feed(cut_off, "cut.xml")
    assert isinstance(error, DocumentError) and error.source == "cut.xml"
    assert error.error.startswith("malformed feed: ") and "cut off" in error.error
    [error] = parse_feed(b"<rss version='2.0'><channel><item><title>x</ttle></item>", "bad.xml")
    assert error.error.startswith("malformed feed: mismatched tag at line 1")
    [error] = parse_feed(b"\x00\x01\x02 not a feed", "garbage.bin")
    assert error.error.startswith("not an RSS or Atom feed: malformed XML")
    [error] = parse_feed(b"", "empty.xml")
    assert error.error == "not an RSS or Atom feed: the response is empty"


def test_a_complete_feed_with_an_html_entity_is_still_read() -> None:
    feed = (
        '<rss version="2.0"><channel><title>Desk</title><item><guid>1</guid><title>Talks&nbsp;resume</title>'
        "<description>Egypt and Israel signed a gas deal in Cairo.</description></item></channel></rss>"
    )
    [doc] = parse_feed(feed.encode(), "desk.xml")
    assert (doc.title, doc.text) == ("Talks resume", "Egypt and Israel signed a gas deal in Cairo.")


def test_an_html_page_is_not_a_feed(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>News</title></head><body><p>Russia criticized Ukraine "
        "over its new language law on Tuesday.</p></body></html>",
        encoding="utf-8",
    )
    [error] = read_feed(str(page))
    assert error.error == "not an RSS or Atom feed: this is an HTML page (look for its feed link)"
    [error] = read_feed(str(tmp_path / "missing.xml"))
    assert error.error == "cannot read: no such file or directory"


def test_intervals() -> None:
    assert [parse_interval(t) for t in ("30s", "15m", "1h", "1.5h")] == [30, 900, 3600, 5400]
    for bad in ("15", "0m", "m", "2d", "-5m"):
        with pytest.raises(ValueError, match="not an interval"):
            parse_interval(bad)
    with pytest.raises(SystemExit):
        main(["watch", "feed.xml", "--every", "10 minutes"])


# -- watch over HTTP ----------------------------------------------------------------------


@pytest.fixture()
def server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A localhost HTTP server; tests put the bytes to serve in the dict, by path."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", pages
    httpd.shutdown()
    httpd.server_close()


def test_watch_ingests_new_items_once_and_prints_each_alert_once(
    server: tuple[str, dict[str, bytes]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, pages = server
    url, db = f"{base}/europe.xml", str(tmp_path / "events.duckdb")
    command = ["watch", url, "--once", "--db", db]

    pages["/europe.xml"] = rss(MONTHS).encode()
    assert main(command) == 0
    first = capsys.readouterr()
    assert "4 items, 4 new; 4 stored" in first.err
    assert "ALERT" not in first.out

    pages["/europe.xml"] = rss([*MONTHS, ATTACK]).encode()
    assert main(command) == 0
    second = capsys.readouterr()
    assert "5 items, 1 new; 1 stored" in second.err
    assert second.out.count("ALERT") == 1
    assert second.out.startswith("ALERT RUS → UKR first material conflict: 1 event in 2024-05 after 4 months")
    assert "Russian troops attacked Ukrainian positions near Kharkiv" in second.out

    edited = [*MONTHS[:3], ("apr", MONTHS[3][1], "Moscow warmly praised Kyiv for agreeing to a prisoner swap."), ATTACK]
    pages["/europe.xml"] = rss(edited).encode()
    assert main(command) == 0
    third = capsys.readouterr()
    assert "5 items, 0 new; 0 stored" in third.err  # the edited item keeps its guid: not stored again
    assert "ALERT" not in third.out

    with Store.open(db) as store:  # the watch's state is in the store: no file beside it
        assert store.query("SELECT COUNT(*) AS n FROM documents")["n"][0] == 5
        assert store.feed_items(url) == {"apr", "feb", "jan", "mar", "may"}
        assert store.watch_alerts() == {"RUS → UKR|first_material_conflict|2024-05"}
    # no state file beside it (only the writers' lock file, store/gate.py)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.duckdb", "events.duckdb.lock"]


def test_a_poll_rechecks_alerts_only_from_its_new_events_and_forgets_items_the_feed_dropped(tmp_path: Path) -> None:
    from realpolitik.pipeline import default_pipeline

    feed = tmp_path / "europe.xml"
    with Store.open(str(tmp_path / "events.duckdb")) as store:

        def poll(items: list[tuple[str, str, str]]) -> watch.PollResult:
            feed.write_text(rss(items), encoding="utf-8")
            return watch.poll(store, [str(feed)], default_pipeline)

        first = poll(MONTHS)
        stored = len(store.events())
        assert (first.stats.new_documents, first.new_alerts, len(first.events)) == (4, [], stored)
        again = poll(MONTHS)  # nothing new: the store's events are not even read
        assert (again.new_items, again.new_alerts, len(again.events)) == (0, [], 0)
        attack = poll([ATTACK])  # the feed now lists only the newest item
        assert [a.kind for a in attack.new_alerts] == ["first_material_conflict"]
        # Read: the new event and its baseline (8 months before it), which here is the whole store.
        assert len(attack.events) == stored + 1 == len(store.events())
        assert store.feed_items(str(feed)) == {"may"}


def test_watch_reports_a_feed_it_cannot_fetch(
    server: tuple[str, dict[str, bytes]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    assert main(["watch", f"{base}/gone.xml", "--once", "--db", str(tmp_path / "events.duckdb")]) == 1
    assert f"{base}/gone.xml: cannot fetch: HTTP 404 Not Found" in capsys.readouterr().err


def test_ctrl_c_stops_the_watch_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "europe.xml"
    feed.write_text(rss(MONTHS[:1]), encoding="utf-8")

    def interrupt(seconds: float) -> None:
        assert 0 < seconds <= 30
        raise KeyboardInterrupt

    monkeypatch.setattr(watch.time, "sleep", interrupt)
    assert main(["watch", str(feed), "--every", "30s", "--db", str(tmp_path / "events.duckdb")]) == 0
    assert "watch stopped" in capsys.readouterr().err
    with Store.open(tmp_path / "events.duckdb") as store:
        assert store.feed_items(str(feed)) == {"jan"}


def test_the_first_poll_does_not_announce_the_stores_old_alerts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from realpolitik.pipeline import default_pipeline
    from realpolitik.readers.files import read_paths

    db = str(tmp_path / "events.duckdb")
    with Store.open(db) as store:  # a store with a history, and an alert in it (RUS → GEO, August 2008)
        ingest(
            store,
            read_paths([Path(__file__).parent / "fixtures" / "api" / "dyad_history.jsonl"]),
            pipeline=default_pipeline(),
        )
    assert main(["alerts", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["message"].startswith("RUS → GEO first material conflict")
    feed = tmp_path / "europe.xml"
    feed.write_text(rss(MONTHS))
    assert main(["watch", str(feed), "--once", "--db", db]) == 0
    first = capsys.readouterr()
    assert "4 items, 4 new; 4 stored" in first.err
    assert "ALERT" not in first.out  # the August 2008 alert was there before the watch: not news
    feed.write_text(rss([*MONTHS, ATTACK]))
    assert main(["watch", str(feed), "--once", "--db", db]) == 0
    second = capsys.readouterr()
    assert second.out.count("ALERT") == 1 and "RUS → UKR first material conflict" in second.out


@pytest.fixture
def trickling_server() -> Iterator[tuple[str, dict[str, float]]]:
    """A localhost server: /slow.xml sends a feed one byte every 0.2 s (for a minute), /fast.xml at once."""
    started: dict[str, float] = {}
    feed = rss([MONTHS[0]]).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            started.setdefault(self.path, time.monotonic())
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(feed)))
            self.end_headers()
            try:
                if self.path.startswith("/slow"):
                    for byte in feed[:300]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                else:
                    self.wfile.write(feed)
            except OSError:  # the client gave up
                pass

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", started
    httpd.shutdown()
    httpd.server_close()


def test_a_trickling_feed_is_cut_off_at_its_deadline_and_does_not_hold_up_the_others(
    trickling_server: tuple[str, dict[str, float]],
) -> None:
    base, started = trickling_server
    feeds = [f"{base}/slow.xml", f"{base}/slow2.xml", f"{base}/fast.xml"]
    begun = time.monotonic()
    got = list(read_feeds(feeds, timeout=2.0))
    elapsed = time.monotonic() - begun
    assert [(feed, item.error) for feed, item in got if isinstance(item, DocumentError)] == [
        (feeds[0], "cannot fetch: timed out after 2 s"),
        (feeds[1], "cannot fetch: timed out after 2 s"),
    ]
    [(feed, doc)] = [(feed, item) for feed, item in got if isinstance(item, Document)]
    assert feed == feeds[2] and doc.id == "jan"
    # every byte came within the per-read timeout: only a total deadline stops the trickle (60 s in all)
    assert elapsed < 20
    # fetched at once: the fast feed was asked for before the slow ones had timed out, not after both
    assert started["/fast.xml"] - started["/slow.xml"] < 1.5


def test_two_stores_watched_from_one_folder_each_get_every_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "europe.xml"
    feed.write_text(rss(MONTHS))
    for name in ("a.duckdb", "b.duckdb"):  # the seen items of a.duckdb do not hide anything from b.duckdb
        assert main(["watch", str(feed), "--once", "--db", str(tmp_path / name)]) == 0
        assert "4 items, 4 new; 4 stored" in capsys.readouterr().err


def test_a_store_restored_from_a_backup_gets_the_items_it_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, db = tmp_path / "europe.xml", tmp_path / "events.duckdb"
    feed.write_text(rss(MONTHS[:2]))
    assert main(["watch", str(feed), "--once", "--db", str(db)]) == 0
    backup = db.read_bytes()
    feed.write_text(rss(MONTHS))
    assert main(["watch", str(feed), "--once", "--db", str(db)]) == 0
    assert "4 items, 2 new; 2 stored" in capsys.readouterr().err
    db.write_bytes(backup)  # back to the store that has seen (and holds) two items
    assert main(["watch", str(feed), "--once", "--db", str(db)]) == 0
    assert "4 items, 2 new; 2 stored" in capsys.readouterr().err
    with Store.open(db) as store:
        assert store.query("SELECT COUNT(*) AS n FROM documents")["n"][0] == 4
