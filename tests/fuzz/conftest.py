"""Run the generated-inputs check last and print how many inputs the fuzz suite generated."""

from __future__ import annotations

import pytest

from . import GENERATED, MIN_GENERATED

TOTAL_CHECK = "test_suite_generated_enough_inputs"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the total check after every other test, whatever the collection order."""
    items.sort(key=lambda item: item.name == TOTAL_CHECK)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if GENERATED:
        per_test = ", ".join(f"{name} {n:,}" for name, n in sorted(GENERATED.items()))
        terminalreporter.write_line(
            f"fuzz: {sum(GENERATED.values()):,} generated inputs (minimum {MIN_GENERATED:,}): {per_test}"
        )
