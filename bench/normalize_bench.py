"""Benchmark: cleaner's normaliser against ftfy.fix_text on the same documents, same run.

Builds a deterministic corpus from the public-domain novels in shared/bench-seed
(Chinese and English), cut into article-sized documents; 3 % of documents get
damage ftfy exists to repair (UTF-8 read as cp1252, HTML entities, a control
character). Prints MB/s for both, the ratio, and the number of documents whose
outputs differ (must be 0), for the shipped CJK-safe options and ftfy's defaults.

With ``--devset`` it runs on the real pages of shared/devset instead, one row per language
group (zh, ja/ko, en, de/es/fr/it/pt, ru): each group's pages are fixed over and over, ftfy
and cleaner taking turns page set by page set, until each has processed ``--group-mb`` MB,
so the ratio comes from one stretch of time on this shared machine.

    python bench/normalize_bench.py [--mb 20]
    python bench/normalize_bench.py --devset [--group-mb 1]
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
DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
GROUPS = {"zh": "zh", "ja": "ja/ko", "ko": "ja/ko", "en": "en", "de": "de/es/fr/it/pt", "es": "de/es/fr/it/pt",
          "fr": "de/es/fr/it/pt", "it": "de/es/fr/it/pt", "pt": "de/es/fr/it/pt", "ru": "ru"}  # fmt: skip
CONFIGS = (("cjk-safe (shipped)", DEFAULT_NORMALIZE), ("ftfy defaults", TextFixerConfig(explain=False)))


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


def devset_groups(root: Path) -> dict[str, list[str]]:
    """The raw pages of the dev set by language group (page directories are named like ``de-001``)."""
    groups: dict[str, list[str]] = {}
    for path in sorted(root.glob("*/raw.txt")):
        group = GROUPS.get(path.parent.name.split("-")[0], "other")
        groups.setdefault(group, []).append(path.read_text(encoding="utf-8"))
    order = list(dict.fromkeys(GROUPS.values()))
    return dict(sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


def interleaved(pages: list[str], config: TextFixerConfig, megabytes: float) -> tuple[float, float, int, int]:
    """(ftfy seconds, cleaner seconds, bytes each processed, differing pages): turns alternate by round."""
    expected = [ftfy.fix_text(page, config) for page in pages]
    got = [fix_text(page, config) for page in pages]  # also warms up the compiled gates
    differing = sum(1 for a, b in zip(expected, got) if a != b)
    size = sum(len(page.encode("utf-8")) for page in pages)
    slow = fast = 0.0
    done = 0
    while done < megabytes * 1_000_000:
        for fn in (ftfy.fix_text, fix_text) if done // size % 2 == 0 else (fix_text, ftfy.fix_text):
            started = time.perf_counter()
            for page in pages:
                fn(page, config)
            elapsed = time.perf_counter() - started
            if fn is fix_text:
                fast += elapsed
            else:
                slow += elapsed
        done += size
    return slow, fast, done, differing


def main_devset(root: Path, megabytes: float) -> None:
    groups = devset_groups(root)
    print(f"dev set pages: {root} ({sum(len(p) for p in groups.values())} pages); {megabytes:g} MB per group and side")
    for name, config in CONFIGS:
        print(f"options: {name}")
        for group, pages in groups.items():
            slow, fast, done, differing = interleaved(pages, config, megabytes)
            print(
                f"  {group:15} {len(pages):4} pages   ftfy.fix_text {done / 1e6 / slow:7.2f} MB/s   "
                f"cleaner {done / 1e6 / fast:8.2f} MB/s   ratio {slow / fast:6.1f}x   differing outputs: {differing}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (UTF-8)")
    parser.add_argument("--devset", nargs="?", const=DEVSET, type=Path, help="run on the dev set pages instead")
    parser.add_argument("--group-mb", type=float, default=1.0, help="with --devset: MB per language group and side")
    args = parser.parse_args()
    if args.devset is not None:
        main_devset(args.devset, args.group_mb)
        return
    docs = corpus(args.mb)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {megabytes:.1f} MB (zh + en novels, 3% damaged)")
    for name, config in CONFIGS:
        slow, expected = timed(ftfy.fix_text, docs, config)
        fast, got = timed(fix_text, docs, config)
        differing = sum(1 for a, b in zip(expected, got) if a != b)
        print(
            f"{name:20} ftfy.fix_text {megabytes / slow:7.2f} MB/s   cleaner {megabytes / fast:8.2f} MB/s   "
            f"ratio {slow / fast:6.1f}x   differing outputs: {differing}"
        )


if __name__ == "__main__":
    main()
