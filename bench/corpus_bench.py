"""Benchmark: `cleaner clean` over a generated corpus, against ftfy.fix_text on the same documents.

Generates a deterministic JSONL corpus of Chinese and English articles (paragraphs from the
public-domain novels in shared/bench-seed) wrapped in typical site chrome: menus, bylines with
timestamps, follow prompts, counters, share and cookie lines, recommendation tails; 3 % of the
documents carry mojibake and HTML entities. Then, in one run, prints for each corpus size:
MB/s and peak RSS (largest single process, parent or worker) of `cleaner clean --jobs 1` and
`--jobs 2`, MB/s of ftfy.fix_text alone over the same texts, and the ratios.

``--in-process`` instead times the default pipeline and ftfy.fix_text inside one process, in
CPU seconds, taking turns, on a generated corpus of the first size and on the dev set pages:
a ratio that survives a busy shared machine better than wall-clock runs of the CLI. The
pipeline is timed with the multi-pattern scan (cleaner.scan) and without it (CLEANER_SCAN=0).

    python bench/corpus_bench.py [--sizes 50 200] [--keep DIR]
    python bench/corpus_bench.py --in-process [--sizes 5]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ftfy

from cleaner.normalize import DEFAULT_NORMALIZE

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "bench-seed"
DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
ZH_CHROME_TOP = ["首页", "新闻", "国际", "财经", "体育", "娱乐", "科技", "汽车"]
EN_CHROME_TOP = ["Home", "News", "World", "Business", "Sports", "Entertainment", "Opinion", "Contact Us"]


def _paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n") if len(p.strip()) > 30]


def make_corpus(path: Path, megabytes: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    zh = [p for f in sorted(SEEDS.glob("zh_*.txt")) for p in _paragraphs(f)]
    en = [p for f in sorted(SEEDS.glob("en_*.txt")) for p in _paragraphs(f)]
    target, size, count = megabytes * 1_000_000, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            chinese = rng.random() < 0.7
            body = rng.sample(zh if chinese else en, rng.randrange(4, 14))
            title = body[0][:24]
            date = f"20{rng.randrange(10, 25)}-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02} {rng.randrange(24):02}:{rng.randrange(60):02}"  # noqa: E501
            if chinese:
                lines = [title, *rng.sample(ZH_CHROME_TOP, 5), f"念娱 {date}", "为了您及时看到更多内容,点个“关注”,我们每天为您更新"]
                lines += body + [f"{title} - 天天要闻", "免责声明:本文内容来源于互联网,如有侵权请联系删除", f"{rng.randrange(9999)} 阅读:{rng.randrange(999)}", "相关推荐"]  # noqa: E501
                lines += [p[:20] for p in rng.sample(zh, 4)]
            else:
                lines = [title, *rng.sample(EN_CHROME_TOP, 5), f"By Jane Doe | {date}", "Share this article"]
                lines += body + ["We use cookies to improve your experience on our site.", "Related Articles"]
                lines += [p[:40] for p in rng.sample(en, 4)]
            text = "\n\n".join(lines) + "\n"
            if rng.random() < 0.03:
                cut = rng.randrange(len(text) // 2)
                text = text[:cut] + text[cut : cut + 60].encode("utf-8").decode("cp1252", "replace") + " &amp;" + text[cut + 60 :]  # noqa: E501
            record = {"id": f"doc-{count}", "url": f"https://example.com/{count}", "text": text}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            size += len(line.encode("utf-8"))
            count += 1
    return count


def peak_rss_mb(pid: int, seen: dict[int, int]) -> None:
    """Record VmHWM (peak RSS) of ``pid`` and its descendants into ``seen``."""
    procs = Path("/proc")
    children: dict[int, list[int]] = {}
    for status in procs.glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        child, parent = int(fields.get("Pid", "0")), int(fields.get("PPid", "0"))
        children.setdefault(parent, []).append(child)
        if "VmHWM" in fields:
            seen.setdefault(-child, int(fields["VmHWM"].split()[0]) // 1024)
            seen[-child] = max(seen[-child], int(fields["VmHWM"].split()[0]) // 1024)
    stack, tree = [pid], set()
    while stack:
        p = stack.pop()
        tree.add(p)
        stack.extend(children.get(p, []))
    for p in tree:
        if -p in seen:
            seen[p] = max(seen.get(p, 0), seen[-p])


def run_clean(corpus: Path, out: Path, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", str(corpus), "-o", str(out), "-j", str(jobs), "-q"]
    )
    seen: dict[int, int] = {}
    while proc.poll() is None:
        peak_rss_mb(proc.pid, seen)
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"cleaner clean exited {proc.returncode}")
    return elapsed, max((v for k, v in seen.items() if k > 0), default=0)


def ftfy_alone(corpus: Path) -> float:
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    started = time.perf_counter()
    for text in texts:
        ftfy.fix_text(text, DEFAULT_NORMALIZE)
    return time.perf_counter() - started


def in_process(texts: list[str], rounds: int = 2) -> dict[str, float]:
    """MB per CPU-second of the pipeline with the scan ("pipeline"), without it ("plain") and of
    ftfy.fix_text alone ("ftfy"), the three taking turns."""
    import os

    from cleaner import Pipeline

    pipeline = Pipeline.default()
    pipeline(texts[0])  # compile and warm up outside the timing
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6

    def switched(value: str):
        def run(text: str) -> None:
            os.environ["CLEANER_SCAN"] = value
            pipeline(text)
        return run

    runs = {
        "pipeline": switched("1"),
        "plain": switched("0"),
        "ftfy": lambda text: ftfy.fix_text(text, DEFAULT_NORMALIZE),
    }
    spent = dict.fromkeys(runs, 0.0)
    for turn in range(rounds):
        for name in list(runs) if turn % 2 == 0 else list(runs)[::-1]:
            run = runs[name]
            started = time.process_time()
            for text in texts:
                run(text)
            spent[name] += time.process_time() - started
    os.environ.pop("CLEANER_SCAN", None)
    return {name: rounds * megabytes / spent[name] for name in runs}


def main_in_process(work: Path, megabytes: int) -> None:
    corpus = work / f"corpus-{megabytes}mb.jsonl"
    make_corpus(corpus, megabytes)
    sets = {f"generated corpus, {megabytes} MB": [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]}
    pages = sorted(DEVSET.glob("*/raw.txt"))
    if pages:
        sets[f"dev set pages ({len(pages)})"] = [path.read_text(encoding="utf-8") for path in pages]
    for name, texts in sets.items():
        speed = in_process(texts)
        fast, plain, alone = speed["pipeline"], speed["plain"], speed["ftfy"]
        print(f"{name:28} default rules {fast:6.2f} MB/CPU-s (without the scan {plain:5.2f})   "
              f"ftfy.fix_text alone {alone:6.2f} MB/CPU-s   pipeline = {fast / alone:.2f}x ftfy "
              f"({plain / alone:.2f}x without the scan)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], help="corpus sizes in MB")
    parser.add_argument("--keep", type=Path, help="keep the corpora and outputs here")
    parser.add_argument("--in-process", action="store_true", help="CPU-second ratio of pipeline and ftfy, one process")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.in_process:
            main_in_process(work, args.sizes[0])
            return
        for megabytes in args.sizes:
            corpus = work / f"corpus-{megabytes}mb.jsonl"
            docs = make_corpus(corpus, megabytes)
            size = corpus.stat().st_size / 1e6
            one, rss_one = run_clean(corpus, work / f"out-{megabytes}-j1", 1)
            two, rss_two = run_clean(corpus, work / f"out-{megabytes}-j2", 2)
            same = (work / f"out-{megabytes}-j1" / corpus.name).read_bytes() == (work / f"out-{megabytes}-j2" / corpus.name).read_bytes()  # noqa: E501
            fix = ftfy_alone(corpus)
            print(f"{megabytes} MB corpus ({docs:,} documents, {size:.1f} MB):")
            print(f"  cleaner --jobs 1   {size / one:7.2f} MB/s   peak RSS {rss_one:4d} MB")
            print(f"  cleaner --jobs 2   {size / two:7.2f} MB/s   peak RSS {rss_two:4d} MB   speed-up {one / two:.2f}x   same output: {same}")  # noqa: E501
            print(f"  ftfy.fix_text      {size / fix:7.2f} MB/s   (texts only, one process; cleaner --jobs 1 is {fix / one:.2f}x its speed)")  # noqa: E501
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
