"""Benchmark: cleaner's normaliser against ftfy.fix_text on the same documents, same run.

Builds a deterministic corpus from the public-domain novels in shared/bench-seed
(Chinese and English), cut into article-sized documents; 3 % of documents get
damage ftfy exists to repair (UTF-8 read as cp1252, HTML entities, a control
character). Prints MB/s for both, the ratio, and the number of documents whose
outputs differ (must be 0), for the shipped CJK-safe options and ftfy's defaults.

    python bench/normalize_bench.py [--mb 20]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import ftfy
from ftfy import TextFixerConfig

from cleaner.normalize import DEFAULT_NORMALIZE, fix_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "bench-seed"


def corpus(megabytes: float, seed: int = 7) -> list[str]:
    """Article-sized documents (1-8 KB) from the novels, deterministic for a seed."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    docs, size, target = [], 0, megabytes * 1_000_000
    while size < target:
        text = rng.choice(texts)
        start = rng.randrange(0, len(text) - 10_000)
        doc = text[start : start + rng.randrange(1_000, 8_000)]
        if rng.random() < 0.03:
            cut = rng.randrange(0, len(doc))
            damaged = doc[cut : cut + 80].encode("utf-8").decode("cp1252", errors="replace")
            doc = doc[:cut] + damaged + " &amp; &hellip;\x07" + doc[cut + 80 :]
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def timed(fn, docs: list[str], config: TextFixerConfig) -> tuple[float, list[str]]:
    started = time.perf_counter()
    out = [fn(doc, config) for doc in docs]
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (UTF-8)")
    args = parser.parse_args()
    docs = corpus(args.mb)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {megabytes:.1f} MB (zh + en novels, 3% damaged)")
    for name, config in (("cjk-safe (shipped)", DEFAULT_NORMALIZE), ("ftfy defaults", TextFixerConfig(explain=False))):
        slow, expected = timed(ftfy.fix_text, docs, config)
        fast, got = timed(fix_text, docs, config)
        differing = sum(1 for a, b in zip(expected, got) if a != b)
        print(
            f"{name:20} ftfy.fix_text {megabytes / slow:7.2f} MB/s   cleaner {megabytes / fast:8.2f} MB/s   "
            f"ratio {slow / fast:6.1f}x   differing outputs: {differing}"
        )


if __name__ == "__main__":
    main()
