"""Measure a pipeline on labelled pages: how much article it keeps, how much chrome it removes.

A labelled folder holds one directory per document with ``raw.txt`` (as
scraped) and ``gold.txt`` (the raw text minus its chrome lines). Both sides
are compared after the same light normalisation (NFKC, one kind of quote,
lower case), token by token: each CJK character is a token, each run of
other letters or digits is one. Tokens are aligned by longest common
subsequence, so order matters and leftover duplicated chrome is not forgiven.

- content kept   = matched tokens / gold tokens
- chrome removed = 1 - leftover tokens / chrome tokens (chrome = raw - gold)

These are the definitions of ``shared/tools/score.py``; figures agree with it.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex

from cleaner.io import read_text
from cleaner.pipeline import Pipeline

_TOKEN = regex.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"  # one CJK character
    r"|[^\W_]+"  # a run of other letters or digits
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).translate(_QUOTES).lower())


def _matched(predicted: list[str], gold: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, predicted, gold, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


@dataclass
class DocScore:
    """Token counts for one document, plus which rules removed gold lines."""

    name: str
    raw: int
    gold: int
    predicted: int
    matched: int
    lost_lines: list[tuple[str, str]] = field(default_factory=list)  # (rule id, line)

    @property
    def chrome(self) -> int:
        return max(self.raw - self.gold, 0)

    @property
    def leftover(self) -> int:
        return max(self.predicted - self.matched, 0)

    @property
    def kept(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def removed(self) -> float:
        return 1 - self.leftover / self.chrome if self.chrome else 1.0


@dataclass
class Summary:
    documents: int
    content_kept: float
    chrome_removed: float
    docs_losing_content: int
    worst_kept: float


def summarise(scores: Iterable[DocScore]) -> Summary:
    """Micro-averaged figures over documents."""
    scores = list(scores)
    total = Counter()
    for s in scores:
        total.update(gold=s.gold, matched=s.matched, chrome=s.chrome, leftover=s.leftover)
    return Summary(
        documents=len(scores),
        content_kept=total["matched"] / total["gold"] if total["gold"] else 1.0,
        chrome_removed=1 - total["leftover"] / total["chrome"] if total["chrome"] else 1.0,
        docs_losing_content=sum(1 for s in scores if s.matched < s.gold),
        worst_kept=min((s.kept for s in scores), default=1.0),
    )


def score_document(name: str, raw: str, gold: str, pipeline: Pipeline) -> DocScore:
    result = pipeline.clean(raw)
    gold_t = tokens(gold)
    score = DocScore(name, len(tokens(raw)), len(gold_t), len(tokens(result.text)), 0)
    score.matched = _matched(tokens(result.text), gold_t)
    if score.matched < score.gold:
        # a removed line is lost when the gold has more copies of it than the output kept
        missing = Counter(line.strip() for line in gold.splitlines() if line.strip())
        missing.subtract(line.strip() for line in result.text.splitlines() if line.strip())
        for removal in result.removals:
            for line in removal.text.splitlines():
                if missing[line.strip()] > 0:
                    missing[line.strip()] -= 1
                    score.lost_lines.append((removal.rule_id, line.strip()))
    return score


def labelled_documents(root: Path) -> list[Path]:
    """Folders under ``root`` that hold both raw.txt and gold.txt, sorted."""
    return sorted(p for p in root.iterdir() if (p / "raw.txt").is_file() and (p / "gold.txt").is_file())


def evaluate(root: Path, pipeline: Pipeline) -> list[DocScore]:
    return [
        score_document(doc.name, read_text(doc / "raw.txt"), read_text(doc / "gold.txt"), pipeline)
        for doc in labelled_documents(root)
    ]
