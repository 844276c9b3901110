"""One configuration: the language data the pipeline reads, built once and passed in.

A :class:`Config` holds every table of language knowledge the stages read: the CAMEO
codebook, the actor gazetteer, the lexicon (triggers, argument rules, constructions,
modality and statement cues), the entity words, referent phrases and pronoun words,
the layout rules and boilerplate patterns, the named periods and the geocoder's
tables. :meth:`Config.load` builds it from the packaged files under each stage's
``data/`` plus the user files of a :class:`DataFiles` (the CLI's ``--gazetteer``,
``--lexicon``, ``--codebook``, ``--boilerplate``, ``--layout``, ``--entities``,
``--referents``, ``--coref``, ``--periods`` and ``--geo`` flags), checking every file
(ValueError naming the file and entry).
The :class:`~realpolitik.pipeline.Pipeline` takes a Config and hands each stage its
part; the readers take its boilerplate.

The packaged configuration (:func:`default_config`) is read once per process. What is
not language knowledge stays where it is: the spaCy model (``nlp.parse.load_model``) and
the GeoNames city index (``geo.places.city_index``) are loaded once per process and
shared by every Config.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from realpolitik.actors.coref import CorefWords, default_words
from realpolitik.actors.entities import EntityTable
from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.actors.referents import ReferentTable
from realpolitik.coding.codebook import Codebook
from realpolitik.coding.lexicon import Lexicon
from realpolitik.coding.modality import ModalityCues
from realpolitik.geo.geocode import GeoTables, default_tables
from realpolitik.readers.clean import Boilerplate
from realpolitik.structure.layout import LayoutRules
from realpolitik.time.resolve import Periods, default_periods


@dataclass(frozen=True, init=False)
class DataFiles:
    """User files over the packaged language data, by kind; each kind's files apply in order.

    ``gazetteer``: actors (YAML, the schema of ``actors/data/*.yaml``; later entries override);
    ``lexicon``: triggers and ``rules:``/``constructions:``/``modality:``/``statements:`` sections
    (YAML, added);
    ``codebook``: CAMEO rows (TSV with the header of ``coding/data/cameo.tsv``; a row replaces its code's);
    ``boilerplate``: ``patterns:`` of lines to drop (YAML, added); ``layout``: structure rules
    (YAML, added); ``entities`` and ``referents``: entity words and referent phrases (YAML, added);
    ``coref``: pronoun words (YAML, added); ``periods``: named periods (YAML; a name given again
    takes the later period); ``geo``: the geocoder's region words, directions, successor states
    and regions (YAML, added; a region name given again takes the later region).
    """

    gazetteer: tuple[str, ...]
    lexicon: tuple[str, ...]
    codebook: tuple[str, ...]
    boilerplate: tuple[str, ...]
    layout: tuple[str, ...]
    entities: tuple[str, ...]
    referents: tuple[str, ...]
    coref: tuple[str, ...]
    periods: tuple[str, ...]
    geo: tuple[str, ...]

    def __init__(
        self,
        gazetteer: Sequence[str | Path] = (),
        lexicon: Sequence[str | Path] = (),
        codebook: Sequence[str | Path] = (),
        boilerplate: Sequence[str | Path] = (),
        layout: Sequence[str | Path] = (),
        entities: Sequence[str | Path] = (),
        referents: Sequence[str | Path] = (),
        coref: Sequence[str | Path] = (),
        periods: Sequence[str | Path] = (),
        geo: Sequence[str | Path] = (),
    ):
        given = (gazetteer, lexicon, codebook, boilerplate, layout, entities, referents, coref, periods, geo)
        for kind, paths in zip(self.kinds(), given):  # kept as tuples of strings: hashable, picklable
            object.__setattr__(self, kind, tuple(str(p) for p in paths))

    @classmethod
    def kinds(cls) -> tuple[str, ...]:
        """The kinds of file, in the order they are loaded (the codebook before what it validates)."""
        return tuple(f.name for f in fields(cls))

    def paths(self) -> Iterable[tuple[str, str]]:
        """(kind, path) of every file."""
        return ((kind, path) for kind in self.kinds() for path in getattr(self, kind))

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in self.kinds())


@dataclass(frozen=True)
class Config:
    """The language data of one pipeline (see the module docstring)."""

    codebook: Codebook
    gazetteer: Gazetteer
    lexicon: Lexicon  # triggers, with the argument rules, constructions, modality and statement cues
    entities: EntityTable
    referents: ReferentTable
    coref: CorefWords
    layout: LayoutRules
    boilerplate: Boilerplate
    periods: Periods
    geo: GeoTables
    files: DataFiles = DataFiles()  # the user files it was built from

    @property
    def modality(self) -> ModalityCues:
        """The modality cues (the lexicon's: ``modality.yaml`` plus ``modality:`` sections)."""
        return self.lexicon.modality

    @classmethod
    def load(cls, files: DataFiles = DataFiles()) -> Config:
        """The packaged data with the user `files` over it; ValueError names a bad file and entry."""
        if not files:
            return default_config()
        codebook = Codebook.load(_paths(files.codebook))
        return cls(
            codebook=codebook,
            gazetteer=Gazetteer.load(_paths(files.gazetteer)),
            lexicon=Lexicon.load(_paths(files.lexicon), codebook),
            entities=EntityTable.load(_paths(files.entities)),
            referents=ReferentTable.load(_paths(files.referents)),
            coref=CorefWords.load(_paths(files.coref)),
            layout=LayoutRules.load(_paths(files.layout)),
            boilerplate=Boilerplate.load(_paths(files.boilerplate)),
            periods=Periods.load(_paths(files.periods)),
            geo=GeoTables.load(_paths(files.geo)),
            files=files,
        )


def _paths(names: tuple[str, ...]) -> list[Path]:
    return [Path(n) for n in names]


@lru_cache(maxsize=1)
def default_config() -> Config:
    """The packaged language data, read once per process."""
    return Config(
        codebook=Codebook.load(),
        gazetteer=Gazetteer.load(),
        lexicon=Lexicon.load(),
        entities=EntityTable.load(),
        referents=ReferentTable.load(),
        coref=default_words(),
        layout=LayoutRules.load(),
        boilerplate=Boilerplate.load(),
        periods=default_periods(),
        geo=default_tables(),
    )
