"""End-to-end behaviour of the coder on real-world sentences: text in, events out."""

from __future__ import annotations

import time
from datetime import date

import pytest

import realpolitik.pipeline as pipeline_module
from realpolitik import code_text
from realpolitik.pipeline import Pipeline, TimeBudget
from realpolitik.types import Document, EventMention

TODAY = date(2024, 5, 1)
original_chunks = pipeline_module._chunks


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def events(pipeline: Pipeline, text: str, when: date = TODAY) -> list[EventMention]:
    return pipeline.code_text(text, date=when)


def one(pipeline: Pipeline, text: str, code: str, when: date = TODAY) -> EventMention:
    """The one event whose CAMEO code starts with ``code``."""
    found = [e for e in events(pipeline, text, when) if e.code.startswith(code)]
    assert len(found) == 1, [(e.source.code, e.code, e.target and e.target.code) for e in events(pipeline, text, when)]
    return found[0]


def triples(evs: list[EventMention]) -> set[tuple[str, str, str | None, str]]:
    return {(e.source.code, e.code, e.target.code if e.target else None, e.modality.value) for e in evs}


# -- the mission statement's own examples ------------------------------------------------


def test_putin_writes_off_north_korean_debt(pipeline: Pipeline) -> None:
    e = one(pipeline, "Putin has written off vast amounts of North Korean debt.", "07")
    assert (e.source.code, e.target.country, e.modality.value) == ("RUSGOV", "PRK", "asserted")
    assert e.trigger_text == "written off"


def test_denial_is_not_an_event(pipeline: Pipeline) -> None:
    evs = events(pipeline, "Kim denies breaking sanctions.")
    denied = [e for e in evs if e.modality.value == "denied"]
    assert denied and all(e.source.code == "PRKGOV" for e in denied)
    assert not [e for e in evs if e.root_code != "01" and e.modality.value == "asserted"]


def test_stalin_in_1950_is_the_soviet_union(pipeline: Pipeline) -> None:
    e = events(pipeline, "In 1950 Stalin sanctioned an invasion of the South.")[0]
    assert e.source.country == "SUN" and e.source.role == "GOV"
    assert e.event_date == date(1950, 1, 1) and e.date_source == "sentence"


# -- modality ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, root, modality",
    [
        ("Russia did not attack Ukraine.", "19", "negated"),
        ("North Korea never attacked South Korea.", "19", "negated"),
        ("Iran did not meet American negotiators.", "04", "negated"),
        ("If China invades Taiwan, the United States could impose sanctions on Beijing.", "16", "hypothetical"),
        ("China looks set to sign a trade deal with Brazil.", "05", "future"),
        ("According to state media, North Korea fired missiles at Japan.", "19", "reported"),
        ("Iran denied supplying drones to Russia.", "07", "denied"),
    ],
)
def test_modality(pipeline: Pipeline, text: str, root: str, modality: str) -> None:
    found = {e.modality.value for e in events(pipeline, text) if e.code.startswith(root)}
    assert found == {modality}  # a deal signed goes both ways: both directions share the modality


def test_refusal_itself_is_an_asserted_rejection(pipeline: Pipeline) -> None:
    e = one(pipeline, "Iran refused to meet American negotiators.", "12")
    assert (e.source.code, e.modality.value) == ("IRN", "asserted")


def test_asserted_only_api_keeps_real_events(pipeline: Pipeline) -> None:
    evs = events(pipeline, "Russia did not attack Ukraine. Russia attacked Georgia.")
    asserted = [e for e in evs if e.modality.value == "asserted"]
    assert [(e.source.code, e.target.code) for e in asserted] == [("RUS", "GEO")]


# -- actors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, source, target",
    [
        ("The Kremlin condemned the Ukrainian attack.", "RUSGOV", "UKR"),
        ("Pyongyang threatened Seoul with nuclear war.", "PRKGOV", "KORGOV"),  # capitals speak for governments
        ("Washington imposed sanctions on Moscow.", "USAGOV", "RUS"),  # ... and act for them
        ("Capitol Hill criticized the Kremlin.", "USALEG", "RUSGOV"),
        ("The hermit kingdom launched a missile over Japan.", "PRK", "JPN"),
        ("Whitehall rejected the Irish proposal.", "GBRGOV", "IRL"),
        ("The UN Security Council condemned North Korea.", "IGOUNO", "PRK"),
        ("Indian police arrested 20 protesters in Delhi.", "INDCOP", "INDCVL"),
        ("Ukraine was attacked by Russian troops.", "RUSMIL", "UKR"),
        ("The president of Nigeria visited Ghana.", "NGAGOV", "GHA"),
        ("Hezbollah fired rockets at northern Israel.", "LBNINS", "ISR"),
    ],
)
def test_actor_names_metonyms_and_roles(pipeline: Pipeline, text: str, source: str, target: str) -> None:
    found = {(e.source.code, e.target.code if e.target else None) for e in events(pipeline, text)}
    assert (source, target) in found


@pytest.mark.parametrize(
    "text, when, source",
    [
        ("Gaddafi denounced the United States.", date(1990, 6, 1), "LBYGOV"),
        ("Mobutu expelled Belgian diplomats.", date(1985, 6, 1), "CODGOV"),
        ("Kim Il Sung met Jimmy Carter in Pyongyang.", date(1994, 5, 1), "PRKGOV"),
        ("Kim Jong Un met Putin in Vladivostok.", date(2024, 5, 1), "PRKGOV"),
    ],
)
def test_leaders_by_date(pipeline: Pipeline, text: str, when: date, source: str) -> None:
    assert events(pipeline, text, when)[0].source.code == source


def test_former_leader_is_an_elite_not_the_government(pipeline: Pipeline) -> None:
    e = events(pipeline, "Kim Il Sung met Jimmy Carter in Pyongyang.", date(1994, 5, 1))[0]
    assert e.target is not None and (e.target.country, e.target.role) == ("USA", "ELI")


def test_leader_surname_inside_another_name_is_not_the_leader(pipeline: Pipeline) -> None:
    evs = events(pipeline, "Vietnamese police arrested three activists in Ho Chi Minh City.")
    assert {e.source.code for e in evs} == {"VNMCOP"}
    assert all(e.target is None or e.target.country != "VNM" or e.target.role != "GOV" for e in evs)


def test_compound_actors_give_one_event_each(pipeline: Pipeline) -> None:
    evs = events(pipeline, "Russia and China condemned the United States.")
    assert triples(evs) == {("RUS", "111", "USA", "asserted"), ("CHN", "111", "USA", "asserted")}
    evs = events(pipeline, "France accused Russia and Belarus of meddling.")
    assert {(e.source.code, e.target.code) for e in evs if e.root_code == "11"} == {("FRA", "RUS"), ("FRA", "BLR")}


def test_two_people_of_one_government_are_two_sides(pipeline: Pipeline) -> None:
    # Wikinews 2004-11-30: a minister and his president are both USAGOV, and still two actors
    evs = events(
        pipeline,
        "United States Secretary of Homeland Security Tom Ridge resigned today. In his resignation, "
        "Ridge thanked President Bush for the opportunity to serve. President Bush said he was grateful.",
        date(2004, 11, 30),
    )
    thanks = [e for e in evs if e.code == "051"]
    assert [(e.source.code, e.source_text, e.target.code, e.target_text) for e in thanks] == [
        ("USAGOV", "Ridge", "USAGOV", "President Bush")
    ]
    assert all(e.source.name != e.target.name for e in evs if e.target is not None)  # nobody acts on himself


def test_pronouns_resolve_to_the_previous_actor(pipeline: Pipeline) -> None:
    evs = events(pipeline, "The Japanese prime minister arrived in Washington. He met President Biden.")
    met = [e for e in evs if e.code == "040" and e.source_text == "He"]  # a meeting goes both ways
    assert [(e.source.code, e.target.code) for e in met] == [("JPNGOV", "USAGOV")]
    met = met[0]
    assert met.confidence < max(e.confidence for e in evs)
    it = one(pipeline, "Germany criticized Iran. It also expelled two Iranian diplomats.", "16")
    assert (it.source.code, it.source_text) == ("DEU", "It")


def test_a_named_person_is_he_and_he_goes_on_past_the_window(pipeline: Pipeline) -> None:
    # a person the gazetteer does not list, named with a title, then only "he" for four sentences
    evs = events(
        pipeline,
        "Austrian Interior Minister Erich Kurtz arrived in Brussels on Monday. He said he was worried about "
        "the border. He met the Belgian prime minister. The talks lasted three hours. Officials were "
        "pleased with the meeting. He later criticised Hungary.",
    )
    assert ("AUTGOV", "012", None, "asserted") in triples(evs)
    assert ("AUTGOV", "040", "BELGOV", "asserted") in triples(evs)
    criticism = [e for e in evs if e.root_code == "11"]
    assert [(e.source.code, e.source_text, e.target.code) for e in criticism] == [("AUTGOV", "He", "HUN")]


def test_definite_role_noun_takes_the_earlier_country(pipeline: Pipeline) -> None:
    evs = events(
        pipeline,
        "The Israeli government closed its embassy in Mauritania. The government said the "
        "ambassador had already left the country.",
    )
    said = [e for e in evs if e.trigger_text == "said"][0]
    assert (said.source.code, said.source_text) == ("ISRGOV", "government")


def test_nominal_event_with_possessor(pipeline: Pipeline) -> None:
    evs = events(pipeline, "Russia's invasion of Ukraine was condemned by the EU.")
    assert ("RUS", "190", "UKR", "asserted") in triples(evs)
    assert ("IGOEUR", "111", "RUS", "asserted") in triples(evs)


# -- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, when",
    [
        ("Two years ago, Russia invaded Ukraine.", date(2022, 1, 1)),
        ("In September 2012, Japan protested to China over the islands.", date(2012, 9, 1)),
        ("In 1949, the Soviet Union tested its first atomic bomb.", date(1949, 1, 1)),
        ("Last year, Egypt hosted talks between Israel and Hamas.", date(2023, 1, 1)),
    ],
)
def test_event_dates_come_from_the_sentence(pipeline: Pipeline, text: str, when: date) -> None:
    e = events(pipeline, text)[0]
    assert (e.event_date, e.date_source, e.doc_date) == (when, "sentence", TODAY)


def test_undated_sentence_takes_the_document_date(pipeline: Pipeline) -> None:
    e = events(pipeline, "Russia attacked Georgia.")[0]
    assert (e.event_date, e.date_source) == (TODAY, "document")


# -- records ----------------------------------------------------------------------------


def test_spans_point_at_the_evidence(pipeline: Pipeline) -> None:
    text = "Officials said on Monday that Russian troops shelled the Ukrainian city of Kharkiv."
    for e in events(pipeline, text):
        s = e.sentence_text
        assert s[e.trigger_span[0] : e.trigger_span[1]] == e.trigger_text
        assert s[e.source_span[0] : e.source_span[1]] == e.source_text
        if e.target_span:
            assert s[e.target_span[0] : e.target_span[1]] == e.target_text
        assert 0.0 <= e.confidence <= 1.0


def test_record_has_the_documented_fields(pipeline: Pipeline) -> None:
    record = one(pipeline, "Washington imposed sanctions on Moscow.", "16").to_dict()
    assert record["goldstein"] == -8.0 and record["quad_class"] == 4
    assert record["plover_type"] == "SANCTION" and record["root_code"] == "16"
    for key in (
        "mention_id",
        "doc_id",
        "sentence_index",
        "sentence_text",
        "source_span",
        "target_span",
        "trigger_span",
        "event_date",
        "date_source",
        "modality",
        "confidence",
    ):
        assert key in record


def test_mention_ids_are_stable(pipeline: Pipeline) -> None:
    text = "Russia and China condemned the United States."
    assert [e.mention_id for e in events(pipeline, text)] == [e.mention_id for e in events(pipeline, text)]


def test_module_level_code_text() -> None:
    evs = code_text("Iran launched missiles at Israel.", date=TODAY)
    assert [(e.source.code, e.target.code) for e in evs] == [("IRN", "ISR")]


def test_bad_documents_fail_alone(pipeline: Pipeline) -> None:
    docs = [
        Document(id="ok", text="Russia attacked Georgia.", date=TODAY),
        Document(id="huge", text="war " * 40_000, date=TODAY),
        Document(id="ok2", text="Iran launched missiles at Israel.", date=TODAY),
    ]
    results = list(pipeline.run(docs))
    assert [r.document.id for r in results] == ["ok", "huge", "ok2"]
    assert results[0].mentions and results[2].mentions
    with pytest.raises(ValueError, match="empty"):
        pipeline.code_text("   ")


def test_long_texts_are_cut_at_sentence_ends_else_between_words() -> None:
    from realpolitik.pipeline import _chunks

    story = "Iran condemned the strike on Monday. " * 100
    pieces = list(_chunks(story, limit=1_000))
    assert "".join(p for _, p in pieces) == story and all(len(p) <= 1_000 for _, p in pieces)
    assert all(p.endswith(". ") for _, p in pieces[:-1])
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:n]) for n in range(len(pieces))]
    run_on = "protesters clashed with police in Tbilisi and " * 100  # no sentence end anywhere
    pieces = list(_chunks(run_on, limit=1_000))
    assert "".join(p for _, p in pieces) == run_on and all(p.endswith(" ") for _, p in pieces[:-1])


def test_an_event_is_given_once_however_many_mentions_name_its_target(pipeline: Pipeline) -> None:
    evs = events(
        pipeline,
        "Fidel Castro met Brazilian President Luiz Inácio Lula da Silva and the Brazilian "
        "Minister of Foreign Relations Celso Amorim.",
        date(2004, 9, 1),
    )
    met = [e for e in evs if e.trigger_text == "met"]
    assert len(met) == len({e.mention_id for e in evs}) == len(evs)
    assert [e.target_text for e in met if e.target and e.target.code == "BRAGOV"] == ["Luiz Inácio Lula da Silva"]


def test_batches_are_bounded_in_documents_and_characters() -> None:
    from realpolitik.pipeline import _batches

    docs = [Document(id=str(n), text="x" * size) for n, size in enumerate([10, 10, 60, 50, 200, 5, 5, 5])]
    sizes = [[len(d.text) for d in batch] for batch in _batches(docs, size=3, chars=100)]
    # a document longer than the limit is a batch of its own; order and every document kept
    assert sizes == [[10, 10, 60], [50], [200], [5, 5, 5]]


# -- bounded time and memory per document ------------------------------------------------

LONG_STORY = (
    "Russian troops attacked Ukrainian positions near Kharkiv on Monday. Ukraine accused Russia of "
    "shelling villages near the border. The Kremlin denied the report. "
)


def test_a_document_over_its_time_budget_is_an_error_of_its_own(pipeline: Pipeline) -> None:
    ticks = iter(range(10**6))  # a clock that moves one second each time it is read
    pipeline.clock = lambda: float(next(ticks))
    pipeline.time_budget = TimeBudget(seconds=20, per_char=0)
    try:
        short = Document("short", "Germany criticized Iran.", TODAY)
        long = Document("long", LONG_STORY * 30, TODAY)
        results = list(pipeline.run([short, long, short]))
    finally:
        pipeline.clock, pipeline.time_budget = time.monotonic, TimeBudget()
    assert [r.document.id for r in results] == ["short", "long", "short"]
    assert results[0].error is None and results[0].mentions and results[2].mentions
    assert results[1].error is not None and results[1].mentions == []
    assert results[1].error.error.startswith("coding stopped: over its time budget of 20 s")


def test_the_budget_grows_with_the_text() -> None:
    assert TimeBudget().for_text("x" * 1_000_000) == TimeBudget().seconds + 2_000
    assert TimeBudget().for_text("") == TimeBudget().seconds


def test_a_long_document_coded_chunk_by_chunk_gives_what_one_batch_gives(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = " ".join(f"In {1990 + n}, " + LONG_STORY for n in range(40))  # one paragraph of 8,000 characters
    chunked = events_of(pipeline, text, monkeypatch, chunk_chars=1_000, batch_chars=2_000)  # parsed one by one
    batched = events_of(pipeline, text, monkeypatch, chunk_chars=1_000, batch_chars=100_000)  # all at once
    assert len(chunked) > 40
    assert [e.to_dict() for e in chunked] == [e.to_dict() for e in batched]


def events_of(
    pipeline: Pipeline, text: str, monkeypatch: pytest.MonkeyPatch, chunk_chars: int, batch_chars: int
) -> list[EventMention]:
    monkeypatch.setattr(pipeline_module, "BATCH_CHARS", batch_chars)
    monkeypatch.setattr(pipeline_module, "_chunks", lambda t, limit=chunk_chars: original_chunks(t, limit))
    [result] = pipeline.run([Document("long", text, TODAY)])
    assert result.error is None
    return result.mentions
