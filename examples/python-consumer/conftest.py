"""Shared set-up of the consumer tests: the pact, where it is written, and the client's identity.

`LPA_PY_PACT_DIR` says where the pact goes (default: `pacts/` beside this file, gitignored).
Each run starts that consumer's pact afresh, then every test adds its interaction to it.
`test_broken_expectation.py` is collected only when `LPA_PY_BROKEN_EXPECTATION=1`: it records an
expectation the store cannot meet, to show what a failed verification looks like.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pact import Pact

CONSUMER = "python-example-consumer"
PROVIDER = "data-lpa-store"

PACT_DIR = Path(os.environ.get("LPA_PY_PACT_DIR") or Path(__file__).parent / "pacts")

collect_ignore = (
    [] if os.environ.get("LPA_PY_BROKEN_EXPECTATION") == "1" else ["test_broken_expectation.py"]
)


@pytest.fixture(scope="session", autouse=True)
def fresh_pact_file() -> None:
    """Removes the pact a previous run wrote, so the file holds exactly this run's interactions."""
    (PACT_DIR / f"{CONSUMER}-{PROVIDER}.json").unlink(missing_ok=True)


@pytest.fixture
def pact() -> Iterator[Pact]:
    """A pact with one test's interactions, merged into the pact file when the test ends."""
    pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
    yield pact
    PACT_DIR.mkdir(parents=True, exist_ok=True)
    pact.write_file(PACT_DIR)
