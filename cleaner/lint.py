"""Lint rule files: what would make a rule wrong, slow or useless before it reaches a corpus.

Errors (exit 1): the file does not load (schema, regex, extends; file:line:col),
a rule lacks a ``remove`` or ``keep`` example, a pattern backtracks
catastrophically on adversarial input. Warnings (exit 0): a pattern that
looks like an unescaped literal (``Read more...``), nested quantifiers that
could backtrack, and with a corpus, rules that never fire or fire on too
large a share of lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

from cleaner.engine import strip
from cleaner.errors import RuleError, RuleIssue
from cleaner.io import discover, read_text
from cleaner.loader import load_rules
from cleaner.sre import parser_and_constants
from cleaner.model import Rule, RuleSet

#: Inputs that make backtracking patterns blow up: long runs, near-misses, CJK and mixed.
ADVERSARIAL = (
    "a" * 5000 + "!",
    " " * 5000 + "x",
    "关注" * 2000 + "!",
    "1" * 3000 + "年",
    ("ab" * 2000) + "\u3000",
    "-" * 4000 + "推荐",
    ("x " * 2000) + "。",
)
#: Per-pattern budget on each adversarial input.
ADVERSARIAL_TIMEOUT = 0.25

_LITERAL_DOTS = regex.compile(r"(?<!\\)\.\.")
_LITERAL_PARENS = regex.compile(r"(?<!\\)\((?!\?)[A-Za-z ]{1,3}(?<!\\)\)")


@dataclass(frozen=True)
class Finding:
    """One lint result."""

    where: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


def lint_files(paths: Iterable[Path], corpus: Path | None = None, max_share: float = 0.2) -> list[Finding]:
    """Lint each rule file; with a corpus, also report dead and over-broad rules."""
    findings: list[Finding] = []
    loaded: list[RuleSet] = []
    for path in paths:
        try:
            rule_set = load_rules(path)
        except RuleError as exc:
            findings.extend(_load_finding(issue) for issue in exc.issues)
            continue
        loaded.append(rule_set)
        findings.extend(lint_rule_set(rule_set))
    if corpus is not None and loaded:
        findings.extend(corpus_findings(loaded, corpus, max_share))
    return list(dict.fromkeys(findings))  # a parent's problem is found through every file extending it


def _load_finding(issue: RuleIssue) -> Finding:
    where = ":".join(str(part) for part in (issue.path, issue.line, issue.column) if part is not None)
    rule = f"rule '{issue.rule_id}': " if issue.rule_id else ""
    hint = f" ({issue.help})" if issue.help else ""
    return Finding(where, f"{rule}{issue.message}{hint}")


def lint_rule_set(rule_set: RuleSet) -> Iterable[Finding]:
    """Checks on the rules written in this set's own file (inherited ones are linted in theirs)."""
    for rule in rule_set.rules:
        if rule.source != rule_set.path:
            continue
        where = f"{rule.location}: rule '{rule.id}'"
        if not rule.examples.remove:
            yield Finding(where, "no 'remove' example: add a line this rule must remove")
        if not rule.examples.keep:
            yield Finding(where, "no 'keep' example: add a similar line this rule must keep")
        for label, pattern in _patterns(rule):
            yield from _pattern_findings(where, label, pattern)


def _patterns(rule: Rule) -> Iterable[tuple[str, regex.Pattern[str]]]:
    for label, pattern in (("match", rule.pattern), ("unless", rule.unless), ("until", rule.until)):
        if pattern is not None:
            yield label, pattern


def _pattern_findings(where: str, label: str, pattern: regex.Pattern[str]) -> Iterable[Finding]:
    source = pattern.pattern
    if label == "match" and (_LITERAL_DOTS.search(source) or _LITERAL_PARENS.search(source)):
        yield Finding(
            where,
            f"{label} {source!r} looks like a literal: '.' matches any character and '(...)' is a group; "
            "escape them or use 'contains:'",
            "warning",
        )
    if _has_nested_quantifier(source, pattern.flags):
        yield Finding(where, f"{label} {source!r} nests a quantifier inside a repeated group (may backtrack)", "warning")
    for text in ADVERSARIAL:
        try:
            pattern.search(text, timeout=ADVERSARIAL_TIMEOUT)
        except TimeoutError:
            yield Finding(where, f"{label} {source!r} backtracks catastrophically (over {ADVERSARIAL_TIMEOUT}s on {len(text)} characters)")  # noqa: E501
            break


def _has_nested_quantifier(source: str, flags: int) -> bool:
    """An unbounded repeat of a body made only of repeats, holding another unbounded repeat: ``(a+)+``, ``(\\s*x?)*``."""
    parser, c = parser_and_constants()
    try:
        tree = parser.parse(source, flags & 0xFF)
    except Exception:  # noqa: BLE001 - regex syntax the stdlib parser lacks: no static verdict
        return False
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))

    def only_repeats(items: object) -> bool:
        """A body made of nothing but quantified parts: two iterations can split a string many ways."""
        items = [item for item in items if item[0] is not c.AT]  # type: ignore[attr-defined]
        return bool(items) and all(
            op in repeats or (op is c.SUBPATTERN and only_repeats(arg[-1])) for op, arg in items
        )

    def walk(items: object, inside_repeat: bool) -> bool:
        for op, arg in items:  # type: ignore[attr-defined]
            if op in repeats:
                unbounded = arg[1] is c.MAXREPEAT or arg[1] > 50
                if unbounded and inside_repeat:
                    return True
                if walk(arg[2], inside_repeat or (unbounded and only_repeats(arg[2]))):
                    return True
            elif op is c.SUBPATTERN and walk(arg[-1], inside_repeat):
                return True
            elif op is c.BRANCH and any(walk(b, inside_repeat) for b in arg[1]):
                return True
        return False

    return walk(tree, False)


def corpus_findings(rule_sets: list[RuleSet], corpus: Path, max_share: float) -> Iterable[Finding]:
    """Rules that never fire on the corpus, and rules that remove more than ``max_share`` of its lines."""
    hits: Counter[str] = Counter()
    total_lines = 0
    for unit in discover([corpus], "*.txt"):
        text = read_text(unit.source)
        total_lines += sum(1 for line in text.splitlines() if line.strip())
        for rule_set in rule_sets:
            for removal in strip(text, rule_set.rules).removals:
                hits[removal.rule_id] += removal.last_line - removal.first_line + 1
    for rule_set in rule_sets:
        for rule in rule_set.rules:
            if rule.source != rule_set.path:
                continue
            where = f"{rule.location}: rule '{rule.id}'"
            if hits[rule.id] == 0:
                yield Finding(where, f"never fires on {corpus} (dead rule?)", "warning")
            elif total_lines and hits[rule.id] / total_lines > max_share:
                share = hits[rule.id] / total_lines
                yield Finding(where, f"removes {share:.0%} of the lines of {corpus} (over-broad?)", "warning")
