"""Benchmark: what extra rules cost, with the multi-pattern scan and without it.

Writes rule sets that extend ``default`` with 10, 100 and 1,000 generated rules (a third literal
phrases, ``contains:``; a third anchored regexes around a few words in the shape of the shipped
ones, such as ``^\\s*(?:word|word)\\s*[:：]\\s*\\d+\\s*$``; a third anchored line shapes with no
literal, such as ``^\\s*\\d{1,3}\\s*[|｜·•/]\\s*\\p{Han}{2,4}\\s*$``; half of the regexes ignoring
case), then, in one process, times the pipeline over the dev set pages (CPU seconds, the sets
taking turns) with the scan (``CLEANER_SCAN=1``) and without it (``CLEANER_SCAN=0``), and prints
each run's ratio to the default rules alone. It also prints, per rule set, the Hyperscan compile
(what the set adds to what is already compiled) and the load of its databases from the disk
cache (a warm start).

    python bench/rules_bench.py [--extra 10 100 1000] [--pages N] [--no-fallback]

The generated words are mostly invented, with a share of real menu words, so most extra rules
never fire and some find candidates: like site-specific rules on pages of other sites.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
REAL = [
    "share", "news", "login", "more", "home", "comments", "subscribe", "menu", "top", "print",
    "阅读", "评论", "分享", "首页", "关注", "推荐", "登录", "更多", "热门", "新闻",
]  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "zu", "ter", "an", "bri", "qua", "dex", "nor", "vel", "sio", "pra", "gum"]
HAN = "云海风竹墨兰松石泉峰川林雪星月岚霞溪"


def _word(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return rng.choice(REAL)
    if rng.random() < 0.4:
        return "".join(rng.choice(HAN) for _ in range(rng.randrange(2, 4)))
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4)))


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: Pieces of literal-free line shapes (dates, counters, names, separators), as shipped rules have.
PIECES = [r"\d{1,3}", r"[A-Z][a-z]{2,8}", r"\p{Han}{2,4}", r"[|｜·•/]", r"[:：]", r"\S{1,6}", r"[（(]\d+[)）]",
          r"\d{4}[-/.]\d{1,2}", r"[a-z]{3,9}", r"\p{Lu}\p{L}+"]  # fmt: skip


def extra_rules_yaml(count: int, seed: int = 7) -> str:
    """A rule set extending ``default`` with ``count`` generated rules, in three equal shares:
    literal phrases, anchored regexes around a few words, and anchored regexes with no literal
    at all (the literal prefilter cannot skip those: the old engine searched each of them)."""
    rng = random.Random(seed)
    out = [f"name: extra-{count}", "extends: [default]", "rules:"]
    for k in range(count):
        out.append(f"  - id: extra-{k}")
        out.append("    remove: line")
        if k % 3 == 0:
            phrase = " ".join(_word(rng) for _ in range(rng.randrange(2, 4)))
            out.append(f"    contains: [{_quoted(phrase)}]")
            out.append("    max_chars: 120")
            continue
        if k % 3 == 1:
            words = "|".join(_word(rng) for _ in range(rng.randrange(1, 5)))
            shape = rng.choice([r"^\s*(?:{w})\s*[:：]\s*\d+\s*$", r"^[\s#*]*(?:{w})(?:\s+\S+){{0,3}}\s*$",
                                r"^\W*(?:{w})\W*$", r"(?:{w})\s?[:：]\s?\S{{1,20}}$"])  # fmt: skip
            pattern = shape.format(w=words)
        else:
            pattern = r"^\s*" + r"\s*".join(rng.sample(PIECES, rng.randrange(3, 6))) + r"\s*$"
        out.append(f"    match: {_quoted(pattern)}")
        if rng.random() < 0.5:
            out.append("    ignore_case: true")
    return "\n".join(out) + "\n"


def _cpu(pipeline, texts: list[str]) -> float:
    started = time.process_time()
    for text in texts:
        pipeline.clean(text)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, nargs="+", default=[10, 100, 1000], help="extra rule counts")
    parser.add_argument("--pages", type=int, default=0, help="use the first N dev set pages (default: all)")
    parser.add_argument("--no-fallback", action="store_true", help="time only the scanning engine")
    args = parser.parse_args()
    os.environ.setdefault("CLEANER_CACHE_DIR", tempfile.mkdtemp(prefix="cleaner-scan-cache-"))

    from cleaner import Pipeline, scan
    from cleaner.loader import load_builtin, load_rules

    pages = sorted(DEVSET.glob("*/raw.txt"))
    if args.pages:
        pages = pages[: args.pages]
    if not pages:
        raise SystemExit(f"no dev set pages under {DEVSET}")
    texts = [page.read_text(encoding="utf-8") for page in pages]
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    work = Path(tempfile.mkdtemp(prefix="cleaner-rules-bench-"))
    sets = {"none": load_builtin("default")}
    for count in args.extra:
        path = work / f"extra-{count}.yaml"
        path.write_text(extra_rules_yaml(count), encoding="utf-8")
        sets[f"+{count}"] = load_rules(path)

    print(f"{len(texts)} dev set pages, {megabytes:.2f} MB; Hyperscan {'present' if scan.hyperscan else 'missing'}")
    if scan.hyperscan is not None:
        # cold: what this rule set adds to what is already compiled (the extra sets share default's
        # files); warm: a new process loading every file's database from the disk cache
        print(f"{'rules':>8} {'patterns':>9} {'compile':>9} {'warm load':>10}")
        for name, rule_set in sets.items():
            rules = tuple(rule_set.rules)
            started = time.perf_counter()
            scanner = scan.for_rules(rules)
            compiled = time.perf_counter() - started
            scan.forget()
            started = time.perf_counter()
            scan.for_rules(rules)
            loaded = time.perf_counter() - started
            patterns = [p for rule in rules for p in (rule.pattern, rule.next) if p is not None]
            covered = sum(1 for p in patterns if scanner is not None and scanner.covers(p))
            print(f"{name:>8} {covered:>4}/{len(patterns):<4} {compiled:8.2f}s {loaded:9.3f}s")

    modes = ["1"] if args.no_fallback else ["1", "0"]
    pipelines = {name: Pipeline([rule_set]) for name, rule_set in sets.items()}
    spent: dict[tuple[str, str], float] = {}
    for mode in modes:
        os.environ["CLEANER_SCAN"] = mode
        for pipeline in pipelines.values():
            pipeline.clean(texts[0])  # compile or load outside the timing
        for turn, order in enumerate((list(pipelines), list(pipelines)[::-1])):
            for name in order:
                spent[mode, name] = spent.get((mode, name), 0.0) + _cpu(pipelines[name], texts)
            if mode == "0" and turn == 0:
                break  # the plain engine with 1,000 extra rules is slow: one turn is enough
    print(f"\n{'rules':>8} {'scan MB/CPU-s':>14} {'vs none':>8}", end="")
    print("" if args.no_fallback else f" {'plain MB/CPU-s':>15} {'vs none':>8} {'scan vs plain':>14}", end="\n")
    for name in pipelines:
        turns = {mode: 2 if mode == "1" else 1 for mode in modes}
        speed = {mode: turns[mode] * megabytes / spent[mode, name] for mode in modes}
        ratio = {mode: spent[mode, name] / spent[mode, "none"] for mode in modes}
        line = f"{name:>8} {speed['1']:14.2f} {ratio['1']:7.2f}x"
        if not args.no_fallback:
            line += f" {speed['0']:15.2f} {ratio['0']:7.2f}x {speed['1'] / speed['0']:13.2f}x"
        print(line)


if __name__ == "__main__":
    main()
