"""The structure stage: headlines, headings, captions, datelines, markup (realpolitik.structure.layout)."""

from __future__ import annotations

from datetime import date

import pytest

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.actors.names import GazetteerNames
from realpolitik.geo.places import city_index
from realpolitik.pipeline import Pipeline
from realpolitik.structure.layout import LayoutRules, layout


@pytest.fixture(scope="module")
def names() -> GazetteerNames:
    return GazetteerNames(Gazetteer.load(), city_index())


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def blocks(text: str, names: GazetteerNames) -> list[tuple[str, str]]:
    return [(b.kind, b.parse_text) for b in layout(text, LayoutRules.load(), names).blocks]


@pytest.mark.parametrize(
    "text, place, country, first",
    [
        ("NAIROBI, Kenya — Police arrested five men on Monday.", "NAIROBI, Kenya", "KEN", "Police arrested"),
        ("CUTTACK: A former chief minister was arrested.", "CUTTACK", "IND", "A former"),
        ("NAIROBI, June 3 - Kenya and Somalia agreed on Monday to reopen their border.", "NAIROBI", "KEN", "Kenya"),
        ("WASHINGTON (Reuters) - The Pentagon said on Tuesday it would send more troops.", "WASHINGTON", "USA", "The"),
        (
            "GAZA CITY, Palestinian Territories: Israeli jets struck a house.",
            "GAZA CITY, Palestinian Territories",
            "PSE",
            "Israeli",
        ),
        ("new delhi: the bjp-led central government has begun exploring the possibility.", "new delhi", "IND", "the"),
        # Wikinews archives glue a section tag to the first sentence
        ("Brazil Hu Jintao, the President of the People's Republic of China had lunch today.", "Brazil", "BRA", "Hu"),
        (
            "Palestine The delegation representing Brazil at the funeral of Yasser Arafat returned today.",
            "Palestine",
            "PSE",
            "The delegation",
        ),
    ],
)
def test_datelines_are_cut_off_and_kept_as_the_place(names, text, place, country, first):
    lay = layout(text, LayoutRules.load(), names)
    assert lay.dateline is not None and (lay.dateline.place, lay.dateline.country) == (place, country)
    assert lay.blocks[0].text.startswith(first)
    assert text[lay.blocks[0].start : lay.blocks[0].end] == lay.blocks[0].text  # offsets into the document


@pytest.mark.parametrize(
    "text",
    [
        "Brazil President Lula da Silva met Hu Jintao on Friday.",
        "BREAKING NEWS: Russia and Ukraine exchanged prisoners.",
        "Russia Ukraine talks collapsed in Istanbul on Tuesday.",
        "US Secretary of Defense Donald Rumsfeld was in Brazil on March 22.",  # Wikinews 2005-03-30
        "US troops left the base on Monday.",
    ],
)
def test_sentences_that_only_look_like_datelines_are_left_alone(names, text):
    lay = layout(text, LayoutRules.load(), names)
    assert lay.dateline is None and lay.blocks[0].start == 0


def test_headlines_captions_and_headings_are_blocks_of_their_own(names):
    text = (
        "Police Arrest Opposition Leader In Nairobi\n\n"
        "Kenyan police arrested opposition leader Raila Odinga. Odinga denied the charges.\n\n"
        "Photo: Odinga speaks to supporters\nPhoto: Odinga speaks to supporters\n"
        "The arrest drew protests. ==Reaction== The United States criticised the arrest."
    )
    assert blocks(text, names) == [
        ("headline", "Police arrest opposition leader in Nairobi"),  # title case read in sentence case
        ("body", "Kenyan police arrested opposition leader Raila Odinga. Odinga denied the charges."),
        ("heading", "Photo: Odinga speaks to supporters"),  # the second copy is read once
        ("body", "The arrest drew protests."),
        ("heading", "Reaction"),
        ("body", "The United States criticised the arrest."),
    ]


def test_hard_wrapped_lines_stay_one_paragraph(names):
    text = "The report was released\nby the ministry on Monday and it said that the\ngovernment had failed."
    assert blocks(text, names) == [("body", text)]


def test_markup_and_inline_boilerplate_are_masked_without_moving_offsets(names):
    text = (
        "April 8, 2005<br> Brazil ian cardinal Dom Eusébio Oscar Scheid criticised the law. "
        "<!-- info box --> ARTICLE AD BOX The government defended it."
    )
    [block] = layout(text, LayoutRules.load(), names).blocks
    assert len(block.text) == block.end - block.start
    assert "<br>" not in block.parse_text and "ARTICLE AD BOX" not in block.parse_text
    assert "Brazilian  cardinal" in block.parse_text  # a link-split demonym joined, length kept


def test_a_user_file_adds_patterns(tmp_path, names):
    extra = tmp_path / "layout.yaml"
    extra.write_text("inline_boilerplate: ['PROMOTED CONTENT']\n", encoding="utf-8")
    [block] = layout(
        "Iran condemned the strike. PROMOTED CONTENT Iraq agreed.", LayoutRules.load([extra]), names
    ).blocks
    assert "PROMOTED" not in block.parse_text
    bad = tmp_path / "bad.yaml"
    bad.write_text("datelines: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        LayoutRules.load([bad])
    bad.write_text("captions: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key 'captions'"):
        LayoutRules.load([bad])


def test_the_headline_is_not_glued_to_the_first_sentence(pipeline):
    text = (
        "Police arrest opposition leader in Nairobi\n\n"
        "NAIROBI, Kenya — Kenyan police arrested opposition leader Raila Odinga on Tuesday."
    )
    result = next(pipeline.run([_doc(text)]))
    assert [s.text for s in result.sentences] == [
        "Police arrest opposition leader in Nairobi",
        "Kenyan police arrested opposition leader Raila Odinga on Tuesday.",
    ]
    assert result.dateline is not None and result.dateline.country == "KEN"
    arrests = [e for e in result.mentions if e.code == "173" and e.sentence_index == 1]
    assert arrests and arrests[0].source.code == "KENCOP"  # not "NAIROBI" as the subject


def test_a_caption_printed_twice_is_coded_once(pipeline):
    text = (
        "Russian troops shelled Kharkiv overnight\n"
        "Russian troops shelled Kharkiv overnight\n"
        "Regional officials said three people died."
    )
    result = next(pipeline.run([_doc(text)]))
    assert [e.trigger_text for e in result.mentions].count("shelled") == 1


def _doc(text: str):
    from realpolitik.types import Document

    return Document(id="structure-test", text=text, date=date(2008, 1, 17))
