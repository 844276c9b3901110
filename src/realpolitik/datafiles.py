"""Reading the YAML data files: the tables under each stage's ``data/`` and the user files that extend them.

Every table is read by :func:`read_yaml`, the same way:

* with a safe loader (libyaml's when it is installed) in which only ``true`` and ``false``
  are booleans and dates stay strings, so word lists may hold "on", "off", "no" and "yes"
  (``particle: off``, ``[on]``), and the module that reads dates checks them itself and
  names the field of a bad one;
* a file that is not valid YAML or not UTF-8, whose top level is not a mapping, or that
  holds a top-level key outside ``keys``, is a ValueError naming the file; a file that
  cannot be opened raises the OSError that names it;
* an empty file is an empty mapping (a user file with every entry commented out adds nothing).

What the keys hold is validated by the module that owns the table. Word-list tables that a
user file extends (modality cues, statement cues, pronoun words) are merged by
:func:`merge_tables`: a user file's lists are added to the packaged ones, key by key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """A safe loader: booleans only as true/false, no timestamps."""


_DROPPED = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def data_file(package: str, name: str) -> Traversable:
    """The packaged data file ``realpolitik/<package>/data/<name>`` ("coding", "rules.yaml")."""
    return files(f"realpolitik.{package}") / "data" / name


@cache
def package_table(package: str, name: str, keys: tuple[str, ...] | None = None) -> tuple[str, dict[str, Any]]:
    """(file name, contents) of the packaged YAML table ``realpolitik/<package>/data/<name>``,
    read once per process (see :func:`read_yaml` for `keys`): the first of the tables a loader
    merges user files over. Callers copy what they change."""
    resource = data_file(package, name)
    return str(resource), read_yaml(resource, keys)


def read_yaml(
    source: str | Path | Traversable, keys: Iterable[str] | None = None, expected: str | None = None
) -> dict[str, Any]:
    """The top-level mapping of one YAML file; ValueError naming the file when it is not one.

    With `keys`, a top-level key outside them is an error too. `expected` says what the file
    should hold in the message for a file that is no mapping (default: the mapping and its keys).
    """
    name = str(source)
    path = Path(source) if isinstance(source, str) else source
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not UTF-8 text: {exc}") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"{name}: invalid YAML: {exc}") from None
    allowed = sorted(keys) if keys is not None else None
    if data is None:
        return {}
    if not isinstance(data, dict):
        shape = expected or "a mapping" + (f" with keys {', '.join(allowed)}" if allowed else "")
        raise ValueError(f"{name}: expected {shape}")
    unknown = set(data) - set(allowed) if allowed is not None else set()
    if unknown:
        raise ValueError(
            f"{name}: unknown top-level key(s) {sorted(map(str, unknown))}; allowed: {', '.join(allowed or ())}"
        )
    return data


def merge_tables(tables: Iterable[tuple[str, Any]], where: str) -> dict[str, Any]:
    """The word-list tables (file name, mapping), merged in order: every list is added to the one
    before, key by key, nested mappings the same way, ``version`` skipped. The first table sets the
    keys; a later table's unknown key, a table that is no mapping, or anything but a list of
    strings is a ValueError naming the file and the place (`where`: "modality", "coref")."""
    merged: dict[str, Any] = {}
    for n, (name, table) in enumerate(tables):
        if not isinstance(table, Mapping):
            raise ValueError(f"{name}: '{where}' must be a mapping")
        _merge_lists(merged, table, name, where, known=n > 0)
    return merged


def _merge_lists(into: dict[str, Any], section: Mapping[str, Any], name: str, where: str, known: bool) -> None:
    for key, value in section.items():
        here = f"{where}.{key}"
        if key == "version":
            continue
        if known and key not in into:
            raise ValueError(f"{name}: unknown key {here}; allowed: {sorted(into)}")
        if isinstance(value, Mapping):
            _merge_lists(into.setdefault(key, {}), value, name, here, known)
        elif isinstance(value, list) and all(isinstance(w, str) for w in value):
            into[key] = [*into.get(key, []), *value]
        else:
            raise ValueError(f"{name}: {here} must be a list of words")
