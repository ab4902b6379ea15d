"""Lint rule files: what would make a rule wrong, slow or useless before it reaches a corpus.

Findings have ruff's shape, one per line on stdout, so editors and CI annotate them::

    rules/site.yaml:12:5: error unknown-key: rule 'promo': unknown key 'mach' in a rule; did you mean `match`?

Errors (exit 1): the file does not load (YAML syntax, schema, regex, ``extends``),
a rule lacks a ``remove`` or ``keep`` example, an example or a set test fails,
a pattern whose structure backtracks catastrophically (``cleaner.backtracking``:
decided from the parse tree, never from a stopwatch, so the verdict is the same
on every machine). Warnings: a pattern that looks like an unescaped literal
(``Read more...``), a pattern the structural check passed that still ran slowly
on adversarial input here (extra evidence, machine-dependent, never an error), and
with a corpus, rules that never fire or fire on too large a share of lines.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from cleaner.backtracking import catastrophic
from cleaner.engine import strip
from cleaner.errors import RuleError, RuleIssue
from cleaner.formats import documents
from cleaner.io import discover
from cleaner.kinds import KINDS
from cleaner.loader import load_rules
from cleaner.model import Rule, RuleSet
from cleaner.testing import example_failures, set_test_failures

#: Inputs for the timed run (extra evidence only): long runs, near-misses, CJK and mixed.
ADVERSARIAL = (
    "a" * 5000 + "!",
    " " * 5000 + "x",
    "关注" * 2000 + "!",
    "1" * 3000 + "年",
    ("ab" * 2000) + "\u3000",
    "-" * 4000 + "推荐",
    ("x " * 2000) + "。",
)
#: Per-pattern budget on each adversarial input, for the "slow-pattern" warning: generous, since the
#: shipped patterns take milliseconds and only a pattern that is slow on any machine should show.
ADVERSARIAL_TIMEOUT = 1.0

_LITERAL_DOTS = regex.compile(r"(?<!\\)\.\.")
_LITERAL_PARENS = regex.compile(r"(?<!\\)\((?!\?)[A-Za-z ]{1,3}(?<!\\)\)")
_EXPECTED = re.compile(r"^expected one of: (.*)$")
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class Finding:
    """One lint result: where, how bad, which check (``code``), and what to do about it."""

    path: str
    line: int
    column: int
    level: str  # "error" | "warning"
    code: str
    message: str

    @property
    def severity(self) -> str:
        return self.level

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level} {self.code}: {self.message}"


def summary(findings: list[Finding]) -> str:
    """``1 error, 2 warnings``: always both counts, each with its own plural."""
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    return f"{errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"


def lint_files(
    paths: Iterable[Path], corpus: Path | None = None, max_share: float = 0.2, timed: bool = True
) -> list[Finding]:
    """Lint each rule file; with a corpus, also report dead and over-broad rules. Sorted by position.

    ``timed`` adds the stopwatch evidence (``slow-pattern`` warnings); tests that compare
    output exactly turn it off, since a loaded machine can make any pattern slow.
    """
    findings: list[Finding] = []
    loaded: list[RuleSet] = []
    for path in paths:
        try:
            rule_set = load_rules(path)
        except RuleError as exc:
            findings.extend(_load_finding(issue) for issue in exc.issues)
            continue
        loaded.append(rule_set)
        findings.extend(lint_rule_set(rule_set, timed))
    if corpus is not None and loaded:
        findings.extend(corpus_findings(loaded, corpus, max_share))
    unique = list(dict.fromkeys(findings))  # a parent's problem is found through every file extending it
    return sorted(unique, key=lambda f: (f.path, f.line, f.column))


# -- the file does not load ------------------------------------------------------------------------

def _load_finding(issue: RuleIssue) -> Finding:
    rule = f"rule '{issue.rule_id}': " if issue.rule_id else ""
    message, code = issue.message, _code(issue.message)
    hint = issue.help
    if hint and (expected := _EXPECTED.match(hint)):
        quoted = _QUOTED.search(message)
        guess = difflib.get_close_matches(quoted.group(1), expected.group(1).split(", "), n=1) if quoted else []
        hint = f"did you mean `{guess[0]}`?" if guess else hint
    if code == "yaml-syntax":
        message = _plain_yaml(message)
    text = f"{rule}{message}" + (f"; {hint}" if hint and hint.startswith("did you") else f" ({hint})" if hint else "")
    return Finding(issue.path, issue.line or 1, issue.column or 1, "error", code, text)


def _code(message: str) -> str:
    for prefix, code in (
        ("invalid YAML", "yaml-syntax"), ("unknown key", "unknown-key"), ("unknown remove kind", "unknown-kind"),
        ("bad regex", "bad-regex"), ("duplicate rule id", "duplicate-id"), ("no such rule", "missing-file"),
        ("cycle", "extends-cycle"),
    ):  # fmt: skip
        if message.startswith(prefix):
            return code
    return "invalid-rule"


#: PyYAML's parser vocabulary -> what a person editing the file did.
_YAML_PROBLEMS = (
    ("expected <block end>, but found", "a line is indented differently from the keys above it"),
    ("mapping values are not allowed here", "a ':' where a value was expected (quote values that contain ': ')"),
    ("found character '\\t' that cannot start any token", "a tab character: indent with spaces"),
    ("could not find expected ':'", "a key without ':' (or a value on a line of its own)"),
    ("found unexpected end of stream", "a quote or bracket that is never closed"),
    ("did not find expected key", "a line is indented differently from the keys above it"),
    ("found duplicate anchor", "an anchor (&name) defined twice"),
)


def _plain_yaml(message: str) -> str:
    for problem, plain in _YAML_PROBLEMS:
        if problem in message:
            return f"invalid YAML: {plain}"
    return message


# -- rules that load -------------------------------------------------------------------------------

def lint_rule_set(rule_set: RuleSet, timed: bool = True) -> Iterable[Finding]:
    """Checks on the rules written in this set's own file (inherited ones are linted in theirs)."""
    for rule in rule_set.rules:
        if rule.source != rule_set.path:
            continue
        line, column = rule.line, _column(rule.source, rule.line)
        who = f"rule '{rule.id}'"
        if not rule.examples.remove:
            yield Finding(rule.source, line, column, "error", "missing-example", f"{who}: no 'remove' example: add a line this rule must remove")  # noqa: E501
        if not rule.examples.keep:
            yield Finding(rule.source, line, column, "error", "missing-example", f"{who}: no 'keep' example: add a similar line this rule must keep")  # noqa: E501
        for label, pattern in _patterns(rule):
            yield from _pattern_findings(rule, who, label, pattern, timed)
    for failure in [*example_failures(rule_set), *set_test_failures(rule_set)]:
        path, _, number = failure.where.rpartition(":")
        line = int(number) if number.isdigit() else 1
        code = "failing-test" if " test '" in failure.message else "failing-example"
        yield Finding(path or failure.where, line, _column(path, line), "error", code, failure.message)


def _patterns(rule: Rule) -> Iterable[tuple[str, regex.Pattern[str]]]:
    """The rule's patterns labelled by key: the common ones and its kind's own (``block``'s ``until``)."""
    own = KINDS[rule.kind].patterns
    labelled = [("match", rule.pattern), ("unless", rule.unless), *(own(rule) if own else ()), ("next", rule.next)]
    return [(label, pattern) for label, pattern in labelled if pattern is not None]


def _pattern_findings(rule: Rule, who: str, label: str, pattern: regex.Pattern[str], timed: bool) -> Iterable[Finding]:  # noqa: E501
    source = pattern.pattern
    line = _key_line(rule.source, rule.line, label) if label != "match" or rule.pattern_source == source else rule.line
    column = _column(rule.source, line, label)
    if label == "match" and (_LITERAL_DOTS.search(source) or _LITERAL_PARENS.search(source)):
        yield Finding(
            rule.source, line, column, "warning", "literal-pattern",
            f"{who}: {label} {source!r} looks like a literal: '.' matches any character and '(...)' is a group; "
            "escape them or use 'contains:'",
        )  # fmt: skip
    why = catastrophic(source, pattern.flags)
    if why:
        yield Finding(rule.source, line, column, "error", "catastrophic-backtracking", f"{who}: {label} {source!r} can backtrack catastrophically: {why}")  # noqa: E501
        return
    for text in ADVERSARIAL if timed else ():
        try:
            pattern.search(text, timeout=ADVERSARIAL_TIMEOUT)
        except TimeoutError:
            yield Finding(rule.source, line, column, "warning", "slow-pattern", f"{who}: {label} {source!r} ran over {ADVERSARIAL_TIMEOUT}s on {len(text)} characters on this machine")  # noqa: E501
            break


@lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def _key_line(path: str, start: int, key: str) -> int:
    """The line of ``key:`` in the rule that starts at ``start`` (the rule's own line if not found)."""
    lines = _lines(path)
    for number in range(start, min(start + 40, len(lines)) + 1):
        text = lines[number - 1]
        if number > start and text.lstrip().startswith("- "):
            break  # the next rule
        if re.search(rf"(^|[\s{{,-]){re.escape(key)}:", text):
            return number
    return start


def _column(path: str, line: int, key: str | None = None) -> int:
    """1-based column of ``key:`` (or of the first thing after '- ') on a line of the file; 1 if unknown."""
    lines = _lines(path)
    if not 1 <= line <= len(lines):
        return 1
    text = lines[line - 1]
    if key is not None and (m := re.search(rf"(?:^|[\s{{,-]){re.escape(key)}:", text)):
        return m.end() - len(key)
    stripped = text.lstrip()
    indent = len(text) - len(stripped)
    return indent + (3 if stripped.startswith("- ") else 1)


# -- with a corpus ---------------------------------------------------------------------------------

def corpus_findings(rule_sets: list[RuleSet], corpus: Path, max_share: float) -> Iterable[Finding]:
    """Rules that never fire on the corpus, and rules that remove more than ``max_share`` of its lines."""
    hits: Counter[str] = Counter()
    total_lines = 0
    for doc in documents(discover([corpus])):
        if doc.error is not None:
            continue
        text = doc.text
        total_lines += sum(1 for line in text.splitlines() if line.strip())
        for rule_set in rule_sets:
            for removal in strip(text, rule_set.rules).removals:
                hits[removal.rule_id] += removal.last_line - removal.first_line + 1
    for rule_set in rule_sets:
        for rule in rule_set.rules:
            if rule.source != rule_set.path:
                continue
            where = (rule.source, rule.line, _column(rule.source, rule.line))
            if hits[rule.id] == 0:
                yield Finding(*where, "warning", "dead-rule", f"rule '{rule.id}': never fires on {corpus}")
            elif total_lines and hits[rule.id] / total_lines > max_share:
                share = hits[rule.id] / total_lines
                yield Finding(*where, "warning", "over-broad", f"rule '{rule.id}': removes {share:.0%} of the lines of {corpus}")  # noqa: E501
