"""One Hyperscan pass per document that says, for every rule pattern, which lines it may match.

Without it each rule runs its ``regex`` pattern over the whole document (most of the
engine's time). With it the engine asks ``DocumentScan.lines(pattern)`` for a pattern's
candidate lines and runs the exact pattern there alone. Candidates are a superset of the
lines the pattern matches (see ``cleaner.superset``), so the output is the same either way.

Why Hyperscan: it compiles many patterns into one automaton and scans a document at
hundreds of MB/s whatever their number, and it reports where each pattern matched, not
only whether. google-re2's ``Set`` says only *which* patterns
match a text (a per-line call would bring back the per-line Python cost), and an
Aho–Corasick scan over required literals finds many lines that merely mention a word.

Compiling costs seconds for a large rule set, so it is done per rule file (in databases of
about ``CHUNK`` patterns: compile time grows faster than the pattern count) and cached: in
memory for the process (a rule tuple maps to its scanner) and on disk under the user's cache
directory, keyed by the patterns' sources and flags, the rewrite's version and the library
version. A missing, unreadable or stale file is recompiled silently; an unwritable cache
directory only costs the compile in each process; processes starting together on a cold
cache compile a database once (a lock file).

``CLEANER_SCAN=0`` (or ``off``/``no``/``false``) turns the scan off, as does a missing
``hyperscan`` package: the engine then runs every pattern over the whole text, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import regex

from cleaner import superset

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, each process compiles for itself
    fcntl = None  # type: ignore[assignment]

try:
    import hyperscan
except ImportError:  # pragma: no cover - optional speed-up: the engine's own path gives the same output
    hyperscan = None

#: The environment variable that turns the scan off ("0", "off", "no", "false").
ENV_SWITCH = "CLEANER_SCAN"
#: Where compiled databases go, before ``$XDG_CACHE_HOME/cleaner`` and ``~/.cache/cleaner``.
ENV_CACHE_DIR = "CLEANER_CACHE_DIR"

_MAGIC = b"cleaner-scan 2\n"
#: Compiles quicker than this (seconds) are not worth a file: a small rule set, or a test's.
STORE_AFTER = 0.3
#: At most this many databases are kept on disk; the least recently used go first.
MAX_CACHED = 64
#: Patterns per database, about (a rule file with more is split).
CHUNK = 64
_NEWLINE = re.compile(b"\n")
#: Lines no chrome pattern worth scanning for would match all of: a rewrite matching them all is useless.
_PROBES = ("", "a", "1", "。", "中", " ")
_HEX = regex.compile(r"\\x\{([0-9a-f]+)\}")

#: (source, flags, stripped): a pattern, and whether it is matched against stripped lines
PatternKey = tuple[str, int, bool]


def enabled() -> bool:
    """Whether the scan is available and not switched off."""
    return hyperscan is not None and os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "off", "no", "false")


def key(pattern: regex.Pattern[str], stripped: bool = False) -> PatternKey:
    return (pattern.pattern, pattern.flags, stripped)


class Wanted(NamedTuple):
    """A pattern to scan for, on lines as they are or (``stripped``) on ``line.strip()``, as the
    shape kinds match."""

    pattern: regex.Pattern[str]
    stripped: bool = False

    @property
    def key(self) -> PatternKey:
        return key(self.pattern, self.stripped)


class Part:
    """One compiled database: the patterns of one rule file (a user's edit recompiles only its own file's)."""

    def __init__(self, wanted: Iterable[Wanted]) -> None:
        unique = {w.key: w for w in wanted}
        self.keys: frozenset[PatternKey] = frozenset(unique)
        ordered = sorted(unique)
        #: pattern -> its expression id in ``db``; patterns the rewrite refuses are not here
        self.ids: dict[PatternKey, int] = {}
        #: whether this process compiled the database (False: it came from the disk cache); whether
        #: every rewrite in it is line-local (``compile_patterns``)
        included, self.db, self.local, self.compiled_now = _load_or_compile(ordered, [unique[k] for k in ordered])
        self.ids = {ordered[k]: n for n, k in enumerate(included)}
        self._local = threading.local()

    def scratch(self) -> Any:
        """Hyperscan's scratch space, one per thread (a scan may not share it)."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self.db)
        return scratch


class Scanner:
    """The parts a rule tuple needs; ``scan(text)`` runs each over the text and gives its candidates."""

    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts = [part for part in parts if part.db is not None]
        #: every pattern this scanner was asked to cover, scanned or not (for reuse by a subset)
        self.known: frozenset[PatternKey] = frozenset().union(*(part.keys for part in parts))
        #: pattern -> (index of its expression across all parts); the first part holding it answers
        self.ids: dict[PatternKey, int] = {}
        self._bases: list[int] = []
        base = 0
        for part in self.parts:
            self._bases.append(base)
            for pattern_key, expression in part.ids.items():
                self.ids.setdefault(pattern_key, base + expression)
            base += len(part.ids)
        self._size = base
        #: Whether a line's candidacy depends on that line alone: then a document's scan carries over to
        #: the text a round leaves (``DocumentScan.carried``) instead of being run again.
        self.local = all(part.local for part in self.parts)
        self._empty_line: frozenset[int] | None = None
        #: id(rules tuple) -> (the tuple, kept alive; each rule and the expressions it needs a hit of)
        self._needs: dict[int, tuple[tuple[Any, ...], list[tuple[Any, frozenset[int]]]]] = {}

    @classmethod
    def of(cls, patterns: Iterable[regex.Pattern[str]], stripped: bool = False) -> Scanner:
        """A scanner with one part for all of ``patterns``."""
        return cls([Part(Wanted(p, stripped) for p in patterns)])

    def live(self, rules: tuple[Any, ...], document: DocumentScan) -> list[Any]:
        """The rules that may take something from the scanned document, in order: those that have a
        candidate line for every pattern they need (``cleaner.kinds.needed_patterns``).

        A rule skipped here would have found nothing (its kind's matcher asks the same scan for
        the same candidates and stops at an empty answer), so the output is the same; what is saved
        is the Python work of asking, per rule and document. The needed expressions are worked
        out once per rule tuple.
        """
        found = self._needs.get(id(rules))
        if found is None or found[0] is not rules:
            from cleaner.kinds import needed_patterns  # here: the kinds import the engine, which imports this

            needs = []
            for rule in rules:
                ids = (self.ids.get(key(pattern, stripped)) for pattern, stripped in needed_patterns(rule))
                needs.append((rule, frozenset(i for i in ids if i is not None)))  # an unscanned pattern gates nothing
            if len(self._needs) >= _MAX_TUPLES:
                self._needs.clear()
            found = self._needs[id(rules)] = (rules, needs)
        hit = document.hit()
        return [rule for rule, ids in found[1] if ids <= hit]

    def empty_line(self) -> frozenset[int]:
        """The expressions that match an empty line (computed once)."""
        if self._empty_line is None:
            found = self.scan("\n")
            self._empty_line = frozenset(e for e, ends in enumerate(found.ends) if 0 in ends) if found else frozenset()
        return self._empty_line

    @property
    def compiled_now(self) -> bool:
        return any(part.compiled_now for part in self.parts)

    def covers(self, pattern: regex.Pattern[str], stripped: bool = False) -> bool:
        return key(pattern, stripped) in self.ids

    def scan(self, text: str) -> DocumentScan | None:
        """The candidates of every scanned pattern in ``text``; None when it cannot be scanned."""
        if not self.parts:
            return None
        try:
            data = superset.fold_for_scan(text).encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not UTF-8, the exact path takes this text
            return None
        ends: list[list[int]] = [[] for _ in range(self._size)]

        def on_match(expression: int, start: int, end: int, flags: int, base: int) -> None:
            ends[base + expression].append(end)

        try:
            for part, base in zip(self.parts, self._bases):
                part.db.scan(data, match_event_handler=on_match, context=base, scratch=part.scratch())
        except hyperscan.error:  # pragma: no cover - never seen; the exact path gives the same output
            return None
        return DocumentScan(self, data, ends)


class DocumentScan:
    """One document's scan: per pattern, the lines (0-based, as ``engine._Lines`` counts them) it may match."""

    __slots__ = ("scanner", "data", "ends", "_newlines", "_line_ending", "_lines", "_sets", "_source", "_moved", "_blank")

    def __init__(self, scanner: Scanner, data: bytes, ends: list[list[int]]) -> None:
        self.scanner = scanner
        self.data = data
        #: per expression, where its matches end in ``data`` (None for a scan carried over: ``carried``)
        self.ends: list[list[int]] | None = ends
        self._newlines: list[int] | None = None
        self._line_ending: dict[int, int] = {}  # offset of a newline -> the line it ends
        self._lines: dict[int, list[int]] = {}
        self._sets: dict[int, frozenset[int]] = {}
        # a carried scan: the scan it comes from, where that scan's lines went, the new empty lines
        self._source: DocumentScan | None = None
        self._moved: dict[int, int] = {}
        self._blank: list[int] = []

    def hit(self) -> set[int]:
        """The expressions with at least one candidate line."""
        if self._source is not None:
            empty = self.scanner.empty_line() if self._blank else frozenset()
            return {e for e in self._source.hit() | empty if e in empty or self._keeps_a_line(e)}
        return {expression for expression, ends in enumerate(self.ends or ()) if ends}

    def _keeps_a_line(self, expression: int) -> bool:
        """For a carried scan: whether a candidate line of ``expression`` in the source scan is still
        here (without moving all of them, as ``_expression_lines`` does for the expressions asked for)."""
        found = self._lines.get(expression)
        if found is not None:
            return bool(found)
        moved = self._moved
        return any(i in moved for i in self._source._expression_lines(expression))  # type: ignore[union-attr]

    def lines(self, pattern: regex.Pattern[str], stripped: bool = False) -> list[int] | None:
        """Candidate lines of ``pattern`` (matched against the stripped line when ``stripped``) in
        order; None when the scan does not cover it."""
        expression = self.scanner.ids.get(key(pattern, stripped))
        if expression is None:
            return None
        return self._expression_lines(expression)

    def _expression_lines(self, expression: int) -> list[int]:
        found = self._lines.get(expression)
        if found is None:
            if self._source is not None:
                moved = self._moved
                found = [moved[i] for i in self._source._expression_lines(expression) if i in moved]
                if self._blank and expression in self.scanner.empty_line():
                    found = sorted(found + self._blank)
            elif self.ends and self.ends[expression]:
                if self._newlines is None:
                    self._newlines = [m.start() for m in _NEWLINE.finditer(self.data)]
                    self._line_ending = {at: k for k, at in enumerate(self._newlines)}
                # every rewrite ends at ``$``: on a newline (the line it ends is found by a dict lookup,
                # cheaper than a bisection), or at the end of the text
                ending, newlines = self._line_ending, self._newlines
                found = list(dict.fromkeys(
                    k if (k := ending.get(end)) is not None else bisect_left(newlines, end) for end in self.ends[expression]
                ))
            else:
                found = []
            self._lines[expression] = found
        return found

    def line_set(self, pattern: regex.Pattern[str], stripped: bool = False) -> frozenset[int] | None:
        """``lines(pattern, stripped)`` as a set, for membership tests."""
        expression = self.scanner.ids.get(key(pattern, stripped))
        if expression is None:
            return None
        found = self._sets.get(expression)
        if found is None:
            found = self._sets[expression] = frozenset(self._expression_lines(expression))
        return found

    def carried(self, origins: Sequence[int | None]) -> DocumentScan | None:
        """The scan of the text a round made of this one, without scanning it; None when it cannot be.

        ``origins``: for each line of that text, the line of this one it is, unchanged (None: an
        empty line). Every rewrite of a ``local`` scanner matches within one line (``$`` ends it
        and no part of it matches a newline), so a line is a candidate of the same expressions
        wherever it stands; an empty line is one of those that match the empty line. Each
        expression's lines are moved over when first asked for.
        """
        if not self.scanner.local:
            return None
        carried = DocumentScan(self.scanner, b"", None)  # type: ignore[arg-type]
        carried._source = self
        for j, i in enumerate(origins):
            if i is None:
                carried._blank.append(j)
            else:
                carried._moved[i] = j
        return carried


# -- which scanner a rule tuple uses --------------------------------------------------------------

_LOCK = threading.Lock()
#: id(rules tuple) -> (the tuple, kept alive so the id stays its own; its scanner)
_BY_RULES: dict[int, tuple[tuple[Any, ...], Scanner | None]] = {}
_SCANNERS: list[Scanner] = []
_MAX_TUPLES = 64


_PARTS: dict[frozenset[PatternKey], Part] = {}


def for_rules(rules: tuple[Any, ...]) -> Scanner | None:
    """The scanner for a tuple of rules; None when the scan is off.

    It covers each rule's ``pattern`` and ``next`` on whole lines, and the ``pattern`` and
    ``unless`` of the kinds that match stripped lines (``Kind.matches_stripped``: ``run``, ``tail``)
    on stripped lines too.

    One part per rule file (``rule.source``), each compiled once per process and cached on
    disk, so a rule set extending ``default`` reuses the shipped files' databases and an edit
    recompiles only the edited file. A tuple is looked up by identity (the pipeline passes the
    same tuples for every document); a tuple whose patterns an existing scanner covers (a
    confirming round's subset of the rules) reuses that scanner.
    """
    if not enabled():
        return None
    from cleaner.kinds import KINDS  # here: the kinds import the engine, which imports this module

    found = _BY_RULES.get(id(rules))
    if found is not None and found[0] is rules:
        return found[1]
    with _LOCK:
        groups: dict[str, list[Wanted]] = {}
        for rule in rules:
            group = groups.setdefault(rule.source or rule.rule_set, [])
            group.extend(Wanted(p) for p in (rule.pattern, rule.next) if p is not None)
            if KINDS[rule.kind].matches_stripped:
                group.extend(Wanted(p, stripped=True) for p in (rule.pattern, rule.unless) if p is not None)
        needed = {w.key for wanted in groups.values() for w in wanted}
        scanner = next((s for s in _SCANNERS if needed <= s.known), None)
        if scanner is None and needed:
            parts = []
            for wanted in groups.values():
                for chunk in _chunks(wanted):
                    keys = frozenset(w.key for w in chunk)
                    part = _PARTS.get(keys)
                    if part is None:
                        part = _PARTS[keys] = Part(chunk)
                    parts.append(part)
            scanner = Scanner(parts)
            _SCANNERS.append(scanner)
        if len(_BY_RULES) >= _MAX_TUPLES:
            _BY_RULES.clear()
        _BY_RULES[id(rules)] = (rules, scanner)
    return scanner


def _chunks(patterns: list[Wanted]) -> list[list[Wanted]]:
    """A file's patterns in databases of about ``CHUNK`` each, by a stable hash of each pattern.

    Compile time grows faster than the pattern count (1,000 literal-free line shapes: 46 s in
    one database, 13 s in databases of 50-100), while scanning a few more databases costs
    little; and editing one rule of a large file recompiles only its chunk.
    """
    count = len(patterns) // CHUNK + 1
    if count == 1:
        return [patterns]
    chunks: list[list[Wanted]] = [[] for _ in range(count)]
    for wanted in patterns:
        described = f"{wanted.stripped}:{wanted.pattern.flags}:{wanted.pattern.pattern}"
        digest = hashlib.blake2b(described.encode("utf-8", "surrogatepass"), digest_size=4)
        chunks[int.from_bytes(digest.digest(), "big") % count].append(wanted)
    return [chunk for chunk in chunks if chunk]


def forget() -> None:
    """Drop this process's compiled databases (the disk cache stays): for benchmarks of a cold or warm start."""
    with _LOCK:
        _PARTS.clear()
        _SCANNERS.clear()
        _BY_RULES.clear()


_CONFIRMERS: dict[PatternKey, regex.Pattern[str]] = {}


def line_start_matcher(pattern: regex.Pattern[str]) -> regex.Pattern[str]:
    """``pattern`` behind a lazy run of non-newlines: ``.match(text, start_of_line, endpos)`` finds
    the leftmost match of ``pattern`` that starts on that line, exactly as ``pattern.search`` from
    the line's start would, but gives up at the line's end instead of searching the rest of the text.
    """
    found = _CONFIRMERS.get(key(pattern))
    if found is None:
        found = _CONFIRMERS[key(pattern)] = regex.compile(r"[^\n]*?(?:" + pattern.pattern + ")", pattern.flags)
    return found


# -- compiling, and the cache on disk -------------------------------------------------------------


def _flags() -> int:
    return hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY  # noqa: E501


def cache_dir() -> Path:
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleaner"


def _cache_key(keys: Sequence[PatternKey]) -> str:
    rewrite = [superset.VERSION, superset.MAX_RANGES, superset.COARSE_RANGES, superset.MAX_KEPT_MIN]
    described = json.dumps([*rewrite, hyperscan.__version__, _flags(), list(keys)])
    return hashlib.sha256(described.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _load_or_compile(
    keys: Sequence[PatternKey], patterns: Sequence[Wanted]
) -> tuple[list[int], Any, bool, bool]:
    """(indices of the patterns in the database, the database, whether its rewrites are line-local,
    whether it was compiled now): from the disk cache, or compiled and stored there."""
    if hyperscan is None or not keys:
        return [], None, True, False
    path = cache_dir() / f"scan-{_cache_key(keys)}.hsdb"
    loaded = _load(path)
    if loaded is not None:
        return (*loaded, False)
    with _compiling(path):  # worker processes starting together: one compiles, the others then load
        loaded = _load(path)
        if loaded is not None:
            return (*loaded, False)
        started = time.perf_counter()
        included, db, local = compile_patterns(patterns)
        if time.perf_counter() - started >= STORE_AFTER:
            _store(path, included, db, local)
    return included, db, local, True


@contextlib.contextmanager
def _compiling(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file while compiling it, where the platform and
    the directory allow one; without a lock each process simply compiles for itself."""
    handle, lock = None, path.with_suffix(".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a+b")  # noqa: SIM115 - closed below
        fcntl.flock(handle, fcntl.LOCK_EX)
    except Exception:  # noqa: BLE001 - no fcntl (Windows), read-only cache: go on unlocked
        pass
    try:
        yield
    finally:
        if handle is not None:
            # those waiting hold the file open and find the database stored (or compile their own);
            # those who come later load it without a lock
            lock.unlink(missing_ok=True)
            handle.close()  # releases the lock


def compile_patterns(patterns: Sequence[Wanted]) -> tuple[list[int], Any, bool]:
    """Rewrite and compile; patterns that cannot be rewritten, or whose rewrite matches every line, stay out.

    A rewrite Hyperscan refuses (too long: a date pattern with a dozen Unicode ``\\d``) is tried
    once more with fewer ranges per class (``superset.COARSE_RANGES``) before it is left out.
    Also says whether every rewrite compiled is line-local (``line_local``).
    """
    expressions: list[bytes] = []
    included: list[int] = []
    coarse: list[bool] = []
    for index, (pattern, stripped) in enumerate(patterns):
        rewritten = _rewrite(pattern, stripped, superset.MAX_RANGES)
        wide = rewritten is not None and len(rewritten) > _MAX_EXPRESSION
        if wide:  # known to be refused: a failed compile of the whole set costs a compile of each pattern
            rewritten = _rewrite(pattern, stripped, superset.COARSE_RANGES)
        if rewritten is not None:
            expressions.append(rewritten)
            included.append(index)
            coarse.append(wide)
    while expressions:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            db.compile(expressions=expressions, ids=list(range(len(expressions))), flags=_flags())
            return included, db, all(line_local(e.decode("utf-8")) for e in expressions)
        except hyperscan.error:
            bad = _first_rejected(expressions)  # rare: find the one Hyperscan refuses
            wider = None if coarse[bad] else _rewrite(*patterns[included[bad]], superset.COARSE_RANGES)
            if wider is not None:
                expressions[bad], coarse[bad] = wider, True
            else:  # leave it out: its rule keeps the exact path
                del expressions[bad], included[bad], coarse[bad]
    return [], None, True


#: Hyperscan refuses a longer expression ("Pattern length exceeds limit"; measured on hyperscan 0.7):
#: such a rewrite is made coarser before the compile. Another refusal is found by compiling.
_MAX_EXPRESSION = 16_000


def _rewrite(pattern: regex.Pattern[str], stripped: bool, max_ranges: int) -> bytes | None:
    """The pattern's rewrite for Hyperscan; None when it has none, or when the rewrite matches every line."""
    try:
        rewritten = superset.superset(pattern, stripped, max_ranges)
    except superset.Unsupported:
        return None
    return None if _matches_everything(rewritten) else rewritten.encode("utf-8")


#: What in a rewrite can match a newline: ``\n`` (``superset`` writes it for a class that matches
#: nothing on a line) and ``\x{a}`` (a newline character written in the pattern itself).
_NEWLINE_ATOM = re.compile(r"\\n|\\x\{0*a\}", re.IGNORECASE)


def line_local(rewritten: str) -> bool:
    r"""Whether every match of a rewrite lies within one line (its classes leave the newline out; see
    ``cleaner.superset``), so that whether a line is a candidate depends on that line alone.

    >>> line_local(r"^\s*[^\n]*$"), line_local(r"a\nb[^\n]*$"), line_local(r"a\x{a}b$")
    (True, False, False)
    """
    return _NEWLINE_ATOM.search(rewritten.replace(r"[^\n]", "")) is None


def _first_rejected(expressions: list[bytes]) -> int:
    for index, expression in enumerate(expressions):
        try:
            hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(expressions=[expression], ids=[0], flags=_flags())
        except hyperscan.error:
            return index
    return len(expressions) - 1  # only the set fails (too large as a whole): shed the last


def _matches_everything(rewritten: str) -> bool:
    """Whether the rewrite matches every probe line (then scanning for it only costs time)."""
    # the stdlib compiles large classes much faster than regex does, and reads the rewrite's syntax
    try:
        as_re = re.compile(_HEX.sub(lambda m: f"\\U{int(m.group(1), 16):08x}", rewritten), re.MULTILINE)
    except re.error:  # pragma: no cover - a rewrite the stdlib cannot read: let Hyperscan judge it
        return False
    return all(as_re.search(probe) for probe in _PROBES)


def _load(path: Path) -> tuple[list[int], Any, bool] | None:
    try:
        raw = path.read_bytes()
        if not raw.startswith(_MAGIC):
            return None
        header_end = raw.index(b"\n", len(_MAGIC))
        header = json.loads(raw[len(_MAGIC) : header_end])
        db = hyperscan.loadb(raw[header_end + 1 :], hyperscan.HS_MODE_BLOCK)
        os.utime(path)  # recently used: the last to be evicted
        return [int(i) for i in header["included"]], db, bool(header["local"])
    except Exception:  # noqa: BLE001 - missing, truncated, foreign or stale: compile again
        return None


def _store(path: Path, included: list[int], db: Any, local: bool) -> None:
    """Write atomically (a temporary file renamed into place); any failure only loses the cache."""
    if db is None:
        return
    try:
        header = {"included": included, "local": local}
        payload = _MAGIC + json.dumps(header).encode() + b"\n" + bytes(hyperscan.dumpb(db))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _evict(path.parent)
    except Exception:  # noqa: BLE001 - read-only home, full disk: the database still works in memory
        return


def _evict(directory: Path) -> None:
    """Keep the ``MAX_CACHED`` most recently used databases (a load touches its file)."""
    stored = sorted(directory.glob("scan-*.hsdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in stored[MAX_CACHED:]:
        stale.unlink(missing_ok=True)
