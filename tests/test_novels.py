"""The public-domain novels in shared/bench-seed are pure content: the default rules keep them whole.

Each may lose less than 0.02 % of its non-whitespace characters (issue 12's bar); what goes must
be e-text furniture, never a sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Pipeline
from cleaner.io import read_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "bench-seed"
NOVELS = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.skipif(not NOVELS, reason="shared/bench-seed is not beside the project")
@pytest.mark.parametrize("novel", NOVELS, ids=lambda p: p.stem)
def test_a_novel_loses_under_two_hundredths_of_a_percent(novel: Path) -> None:
    text = read_text(novel)
    cleaned = Pipeline.default().clean(text).text
    before, after = len("".join(text.split())), len("".join(cleaned.split()))
    assert (before - after) / before < 0.0002
