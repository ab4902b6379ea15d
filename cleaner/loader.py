"""YAML rule files -> validated, compiled, immutable ``RuleSet`` objects.

The file is composed into YAML nodes first, so every value keeps its line and
column: each problem is reported as ``path:line:col: rule 'id': message``, and
all problems in a file are collected before raising. Only YAML's standard tags
are accepted (no ``!!python/...``), duplicate keys are errors, and a file whose
aliases expand past a fixed node budget (a "billion laughs" bomb) is refused
before anything walks it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex
import yaml
from ftfy import TextFixerConfig

from cleaner.errors import RuleError, RuleIssue
from cleaner.kinds import KINDS, Common, Fields, Kind, owner_of
from cleaner.model import AppliesTo, Examples, Rule, RuleSet, SetTest, Within
from cleaner.normalize import DEFAULT_NORMALIZE
from cleaner.prefilter import required_literals

#: Rule files larger than this are refused unread: rule sets are small, and a huge one is a mistake or an attack.
MAX_RULE_FILE_BYTES = 1 << 20
#: How many nodes a rule file may expand to once aliases are followed.
MAX_EXPANDED_NODES = 100_000

SET_KEYS = ("name", "description", "extends", "applies_to", "normalize", "max_removed", "rules", "tests")
#: A rule's keys in the order messages and docs/rules.md list them: the keys every kind shares,
#: and the shipped kinds' own keys (``Kind.keys``) where the reference has always listed them.
RULE_KEYS = (
    "id", "doc", "remove", "match", "contains", "unless", "ignore_case", "within", "after_prose", "protects_next",
    "next", "resume",
    "max_chars", "min_chars", "echo", "max_extra", "until", "lines", "run", "tail", "examples",
)  # fmt: skip
EXAMPLE_KEYS = ("remove", "keep", "todo_remove", "todo_keep")
TEST_KEYS = ("name", "input", "expect")
APPLIES_TO_KEYS = ("url", "path")

_SAFE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_RULE_ID = regex.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_NORMALIZE_FIELDS = frozenset(TextFixerConfig._fields) - {"explain"}
_UNICODE_FORMS = ("NFC", "NFKC", "NFD", "NFKD")


def builtin_rules_dir() -> Path:
    """Where the shipped rule sets live: inside the installed wheel, or ``rules/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "default.yaml").is_file():
            return candidate
    return here / "rules"


def builtin_rule_sets() -> list[str]:
    """Names of the shipped rule sets, sorted."""
    return sorted(p.stem for p in builtin_rules_dir().glob("*.yaml"))


def resolve_rules_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """A built-in set name (``zh-news``) or a YAML path -> the file to read."""
    text = str(name_or_path)
    looks_like_path = text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text
    if looks_like_path:
        path = Path(text)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        return path
    if relative_to is not None and (relative_to / f"{text}.yaml").is_file():
        return relative_to / f"{text}.yaml"
    return builtin_rules_dir() / f"{text}.yaml"


def load_rules(name_or_path: str | Path) -> RuleSet:
    """Load, validate and compile one rule set (a built-in name or a YAML path), with what it extends."""
    path = resolve_rules_path(name_or_path)
    if not path.is_file():
        known = ", ".join(builtin_rule_sets())
        if str(name_or_path) == str(path):
            raise RuleError.at(path, "no such rule file")
        raise RuleError.at(str(name_or_path), f"no such rule set (built-in sets: {known})")
    return _Loader().load_file(path.resolve(), chain=())


def load_rules_text(text: str, path: str = "<string>") -> RuleSet:
    """Load a rule set from YAML text; ``extends`` resolves relative to the current directory."""
    return _Loader().load_text(text, path, base_dir=Path.cwd(), chain=())


def rule_keys() -> tuple[str, ...]:
    """Every key a rule may have: ``RULE_KEYS``, and before ``examples`` any newer kind's own keys."""
    newer = tuple(key for kind in KINDS.values() for key in kind.keys if key not in RULE_KEYS)
    return RULE_KEYS[:-1] + newer + RULE_KEYS[-1:] if newer else RULE_KEYS


class _Loader:
    """One load: caches each resolved file so diamond ``extends`` loads a file once."""

    def __init__(self) -> None:
        self._cache: dict[Path, RuleSet] = {}

    def load_file(self, path: Path, chain: tuple[Path, ...]) -> RuleSet:
        if path in self._cache:
            return self._cache[path]
        try:
            size = path.stat().st_size
            if size > MAX_RULE_FILE_BYTES:
                raise RuleError.at(path, f"rule file is {size} bytes; the limit is {MAX_RULE_FILE_BYTES}")
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RuleError.at(path, f"rule file is not UTF-8 ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise RuleError.at(path, f"cannot read rule file: {exc.strerror}") from None
        ruleset = self.load_text(text, _display(path), base_dir=path.parent, chain=(*chain, path))
        self._cache[path] = ruleset
        return ruleset

    def load_text(self, text: str, path: str, base_dir: Path, chain: tuple[Path, ...]) -> RuleSet:
        if len(text.encode("utf-8")) > MAX_RULE_FILE_BYTES:
            raise RuleError.at(path, f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes")
        loader, root = _compose(text, path)
        try:
            return _SetBuilder(self, loader, path, base_dir, chain).build(root)
        finally:
            loader.dispose()


def _display(path: Path) -> str:
    """Paths in messages: relative to the working directory when under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _compose(text: str, path: str) -> tuple[yaml.SafeLoader, yaml.Node]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        message = f"invalid YAML: {exc.problem or exc.context}"
        loader.dispose()
        raise RuleError(RuleIssue(path, line, col, message)) from None
    except yaml.YAMLError as exc:
        loader.dispose()
        raise RuleError.at(path, f"invalid YAML: {exc}") from None
    if root is None:
        loader.dispose()
        raise RuleError.at(path, "rule file is empty")
    _check_tags_and_size(root, path)
    return loader, root


def _check_tags_and_size(root: yaml.Node, path: str) -> None:
    """Refuse non-standard tags, and node graphs that aliases blow up past the budget."""
    expanded: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in expanded:
            return expanded[key]
        expanded[key] = 1  # provisional: a recursive alias counts once instead of looping
        if node.tag not in _SAFE_TAGS:
            raise RuleError(RuleIssue(path, *_mark(node), f"tag {node.tag!r} is not allowed in rule files"))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        if total > MAX_EXPANDED_NODES:
            raise RuleError(
                RuleIssue(path, *_mark(node), f"YAML expands to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)")
            )
        expanded[key] = total
        return total

    size(root)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _prefilter(source: str, ignore_case: bool) -> tuple[tuple[str, ...], bool]:
    """A pattern's required literals and whether they compare case-insensitively (then casefolded)."""
    found = required_literals(source, regex.IGNORECASE if ignore_case else 0)
    literals, folded = found if found else ((), False)
    folded = folded or ignore_case
    if folded:
        literals = tuple(dict.fromkeys(literal.casefold() for literal in literals))
    return literals, folded


class _SetBuilder:
    """Validates one rule file's nodes and builds its RuleSet, collecting every issue."""

    def __init__(
        self, owner: _Loader, loader: yaml.SafeLoader, path: str, base_dir: Path, chain: tuple[Path, ...]
    ) -> None:
        self.owner = owner
        self.loader = loader
        self.path = path
        self.base_dir = base_dir
        self.chain = chain
        self.issues: list[RuleIssue] = []

    # -- reporting -------------------------------------------------------------------------

    def issue(self, node: yaml.Node | None, message: str, rule_id: str | None = None, **kw: Any) -> None:
        line, col = _mark(node) if node is not None else (None, None)
        self.issues.append(RuleIssue(self.path, line, col, message, rule_id, kw.get("help")))

    # -- generic node helpers --------------------------------------------------------------

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...], rule_id: str | None = None) -> dict[str, tuple[yaml.Node, yaml.Node]]:  # noqa: E501
        """A mapping node -> {key: (key node, value node)}; unknown and duplicate keys are issues."""
        if not isinstance(node, yaml.MappingNode):
            self.issue(node, f"{what} must be a mapping", rule_id)
            return {}
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.issue(key_node, f"{what} keys must be strings", rule_id)
                continue
            if key in result:
                first_line = result[key][0].start_mark.line + 1
                self.issue(key_node, f"duplicate key '{key}' (first at line {first_line})", rule_id)
                continue
            if key not in allowed:
                self.issue(key_node, f"unknown key '{key}' in {what}", rule_id, help=f"expected one of: {', '.join(allowed)}")  # noqa: E501
                continue
            result[key] = (key_node, value_node)
        return result

    def value(self, node: yaml.Node) -> Any:
        return self.loader.construct_object(node, deep=True)

    def string(self, node: yaml.Node, what: str, rule_id: str | None = None, allow_empty: bool = False) -> str | None:
        value = self.value(node)
        if not isinstance(value, str) or (not value and not allow_empty):
            self.issue(node, f"{what} must be a {'string' if allow_empty else 'non-empty string'}", rule_id)
            return None
        return value

    def strings(self, node: yaml.Node, what: str, rule_id: str | None = None) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
            return (node.value,)
        if not isinstance(node, yaml.SequenceNode):
            self.issue(node, f"{what} must be a string or a list of strings", rule_id)
            return ()
        out = []
        for item in node.value:
            text = self.string(item, f"each item of {what}", rule_id)
            if text is not None:
                out.append(text)
        return tuple(out)

    def integer(self, node: yaml.Node, what: str, rule_id: str | None, minimum: int = 0) -> int | None:
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.issue(node, f"{what} must be a whole number >= {minimum}", rule_id)
            return None
        return value

    def boolean(self, node: yaml.Node, what: str, rule_id: str | None) -> bool | None:
        value = self.value(node)
        if not isinstance(value, bool):
            self.issue(node, f"{what} must be true or false", rule_id)
            return None
        return value

    def fraction(self, node: yaml.Node, what: str, rule_id: str | None = None) -> float | None:
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            self.issue(node, f"{what} must be a number in (0, 1]", rule_id)
            return None
        return float(value)

    def compile(self, node: yaml.Node, source: str, rule_id: str | None, ignore_case: bool = False) -> regex.Pattern[str] | None:  # noqa: E501
        flags = regex.MULTILINE | (regex.IGNORECASE if ignore_case else 0)
        from cleaner.regex_size import MAX_PATTERN_SIZE, pattern_size  # before compiling: compiling eats the memory

        if (size := pattern_size(source)) > MAX_PATTERN_SIZE:
            self.issue(node, f"pattern too large: its counted repeats unroll to about {size:,} items (limit {MAX_PATTERN_SIZE:,})", rule_id)  # noqa: E501
            return None
        try:
            return regex.compile(source, flags)
        except regex.error as exc:
            line, col = _mark(node)
            pos = exc.pos if exc.pos is not None else 0
            quoted = 1 if getattr(node, "style", None) in ("'", '"') else 0
            self.issues.append(
                RuleIssue(self.path, line, col + quoted + pos, f"bad regex: {exc.msg} at position {pos} of {source!r}", rule_id)  # noqa: E501
            )
            return None

    # -- the rule set ----------------------------------------------------------------------

    def build(self, root: yaml.Node) -> RuleSet:
        top = self.mapping(root, "the rule file", SET_KEYS)
        stem = Path(self.path).stem
        name = self.string(top["name"][1], "name") if "name" in top else stem
        description = self.string(top["description"][1], "description", allow_empty=True) if "description" in top else ""  # noqa: E501
        parents = self.load_parents(top["extends"][1]) if "extends" in top else []
        normalize = self.normalize(top.get("normalize"), parents)
        max_removed = self.fraction(top["max_removed"][1], "max_removed") if "max_removed" in top else None
        if max_removed is None:
            caps = [p.max_removed for p in parents if p.max_removed is not None]
            max_removed = min(caps) if caps else None
        applies_to = self.applies_to(top["applies_to"][1]) if "applies_to" in top else None
        own_rules = self.rules(top["rules"][1]) if "rules" in top else []
        rules = self.merge_rules(parents, own_rules)
        tests = self.tests(top["tests"][1]) if "tests" in top else ()
        if self.issues:
            raise RuleError(self.issues)
        return RuleSet(
            name=name or stem,
            description=description or "",
            rules=tuple(rules),
            normalize=normalize,
            max_removed=max_removed,
            applies_to=applies_to,
            tests=tests,
            extends=tuple(p.name for p in parents),
            path=self.path,
        )

    def load_parents(self, node: yaml.Node) -> list[RuleSet]:
        parents = []
        for item in self.strings(node, "extends"):
            item_node = node.value[len(parents)] if isinstance(node, yaml.SequenceNode) else node
            target = resolve_rules_path(item, relative_to=self.base_dir).resolve()
            if target in self.chain:
                cycle = " -> ".join(_display(p) for p in (*self.chain, target))
                self.issue(item_node, f"extends cycle: {cycle}")
                continue
            if not target.is_file():
                self.issue(item_node, f"extends '{item}': no such rule set or file ({_display(target)})")
                continue
            try:
                parents.append(self.owner.load_file(target, self.chain))
            except RuleError as exc:
                self.issues.extend(exc.issues)
        return parents

    def normalize(self, entry: tuple[yaml.Node, yaml.Node] | None, parents: list[RuleSet]) -> TextFixerConfig | None:
        inherited = [p for p in parents]
        base: TextFixerConfig | None = DEFAULT_NORMALIZE
        for parent in inherited:
            base = parent.normalize
        if entry is None:
            return base
        node = entry[1]
        if isinstance(node, yaml.ScalarNode) and self.value(node) is False:
            return None
        options = self.mapping(node, "normalize", tuple(sorted(_NORMALIZE_FIELDS)))
        changes: dict[str, Any] = {}
        for key, (_, value_node) in options.items():
            value = self.value(value_node)
            if key == "normalization":
                ok = value is None or value in _UNICODE_FORMS
                expected = "null or one of NFC, NFKC, NFD, NFKD"
            elif key == "unescape_html":
                ok = value == "auto" or isinstance(value, bool)
                expected = "true, false or auto"
            elif key == "max_decode_length":
                ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
                expected = "a positive whole number"
            else:
                ok = isinstance(value, bool)
                expected = "true or false"
            if ok:
                changes[key] = value
            else:
                self.issue(value_node, f"normalize.{key} must be {expected}")
        return (base or DEFAULT_NORMALIZE)._replace(**changes)

    def applies_to(self, node: yaml.Node) -> AppliesTo | None:
        fields = self.mapping(node, "applies_to", APPLIES_TO_KEYS)
        url = None
        if "url" in fields:
            source = self.string(fields["url"][1], "applies_to.url")
            url = self.compile(fields["url"][1], source, None) if source else None
        path = self.string(fields["path"][1], "applies_to.path") if "path" in fields else None
        return AppliesTo(url=url, path=path) if (url or path) else None

    def merge_rules(self, parents: list[RuleSet], own: list[Rule]) -> list[Rule]:
        """Parents' rules (each file once, even through a diamond) then this file's; ids must be unique."""
        merged: dict[str, Rule] = {}
        for rule in [r for p in parents for r in p.rules] + own:
            seen = merged.get(rule.id)
            if seen is None:
                merged[rule.id] = rule
            elif (seen.source, seen.line) != (rule.source, rule.line):
                self.issues.append(
                    RuleIssue(rule.source, rule.line, None, f"duplicate rule id (also at {seen.location})", rule.id)
                )
        return list(merged.values())

    def rules(self, node: yaml.Node) -> list[Rule]:
        if not isinstance(node, yaml.SequenceNode):
            self.issue(node, "rules must be a list of rules")
            return []
        rules: list[Rule] = []
        first_seen: dict[str, int] = {}
        for rule_node in node.value:
            rule = self.rule(rule_node)
            if rule is None:
                continue
            if rule.id in first_seen:
                self.issue(rule_node, f"duplicate rule id (first at line {first_seen[rule.id]})", rule.id)
                continue
            first_seen[rule.id] = rule.line
            rules.append(rule)
        return rules

    def rule(self, node: yaml.Node) -> Rule | None:
        """One rule: the keys every kind shares are read here, its kind's own keys by its module."""
        before = len(self.issues)
        fields = self.mapping(node, "a rule", rule_keys(), _peek_id(node))
        if not fields:
            return None
        rule_id = self.string(fields["id"][1], "id") if "id" in fields else None
        if "id" not in fields:
            self.issue(node, "rule has no 'id'")
        elif rule_id and not _RULE_ID.match(rule_id):
            self.issue(fields["id"][1], "rule ids are lower-case kebab-case (letters, digits, '-')", rule_id)
        rid = rule_id or None

        kind = self.kind(node, fields, rid)
        common = self.selection(fields, rid)
        if kind is not None:
            self.kind_checks(node, fields, common, kind, rid)
        within = self.within(fields["within"][1], rid) if "within" in fields else None
        after_prose = bool("after_prose" in fields and self.boolean(fields["after_prose"][1], "after_prose", rid))
        protects_next = "protects_next" in fields and self.boolean(fields["protects_next"][1], "protects_next", rid)
        max_chars = self.integer(fields["max_chars"][1], "max_chars", rid) if "max_chars" in fields else None
        min_chars = self.integer(fields["min_chars"][1], "min_chars", rid) if "min_chars" in fields else None
        own = kind.parse(self, node, fields, common, rid) if kind is not None and kind.parse is not None else {}
        for key in rule_keys():
            owner = owner_of(key)
            if key in fields and owner is not None and owner is not kind:
                self.issue(fields[key][0], f"'{key}' only applies to remove: {owner.name}", rid)

        examples = self.examples(fields["examples"][1], rid) if "examples" in fields else Examples()
        doc = self.string(fields["doc"][1], "doc", rid, allow_empty=True) if "doc" in fields else ""

        if len(self.issues) > before or rule_id is None or kind is None:
            return None
        line, _ = _mark(node)
        ignore_case, next_source = common.pop("ignore_case"), common.pop("next_source")  # not Rule fields
        literals, literals_ignore_case = (
            _prefilter(common["pattern_source"], ignore_case) if common["pattern"] else ((), False)
        )
        next_literals, next_ignore_case = _prefilter(next_source, ignore_case) if common["next"] else ((), False)
        return Rule(
            id=rule_id,
            kind=kind.name,
            doc=(doc or "").strip(),
            literals=literals,
            literals_ignore_case=literals_ignore_case,
            within=within,
            after_prose=after_prose,
            protects_next=bool(protects_next),
            next_literals=next_literals,
            next_literals_ignore_case=next_ignore_case,
            max_chars=max_chars,
            min_chars=min_chars,
            examples=examples,
            source=self.path,
            line=line,
            **common,
            **own,
        )

    def kind(self, node: yaml.Node, fields: Fields, rid: str | None) -> Kind | None:
        """The rule's ``remove:`` kind, looked up in ``cleaner.kinds``."""
        expected = f"expected one of: {', '.join(KINDS)}"
        if "remove" not in fields:
            self.issue(node, "rule has no 'remove' kind", rid, help=expected)
            return None
        name = self.string(fields["remove"][1], "remove", rid)
        if name is not None and name not in KINDS:
            self.issue(fields["remove"][1], f"unknown remove kind '{name}'", rid, help=expected)
        return KINDS.get(name) if name is not None else None

    def selection(self, fields: Fields, rid: str | None) -> Common:
        """The keys that choose a rule's lines whatever its kind (match/contains, unless, next, echo)."""
        ignore_case = bool("ignore_case" in fields and self.boolean(fields["ignore_case"][1], "ignore_case", rid))
        pattern, pattern_source = None, ""
        if "match" in fields and "contains" in fields:
            self.issue(fields["contains"][0], "give either 'match' or 'contains', not both", rid)
        elif "match" in fields:
            source = self.string(fields["match"][1], "match", rid)
            if source is not None:
                pattern_source = source
                pattern = self.compile(fields["match"][1], source, rid, ignore_case)
        elif "contains" in fields:
            literals = self.strings(fields["contains"][1], "contains", rid)
            if literals:
                pattern_source = "|".join(regex.escape(s) for s in literals)
                pattern = self.compile(fields["contains"][1], pattern_source, rid, ignore_case)

        unless = None
        if "unless" in fields:
            source = self.string(fields["unless"][1], "unless", rid)
            unless = self.compile(fields["unless"][1], source, rid, ignore_case) if source else None

        next_line, next_source = None, ""
        if "next" in fields:
            next_source = self.string(fields["next"][1], "next", rid) or ""
            next_line = self.compile(fields["next"][1], next_source, rid, ignore_case) if next_source else None

        echo = None
        if "echo" in fields:
            echo = self.string(fields["echo"][1], "echo", rid)
            if echo is not None and echo not in ("title", "below"):
                self.issue(fields["echo"][1], f"unknown echo target '{echo}' (expected: title or below)", rid)
        max_extra = self.integer(fields["max_extra"][1], "max_extra", rid) if "max_extra" in fields else None
        return {
            "ignore_case": ignore_case, "pattern": pattern, "pattern_source": pattern_source, "unless": unless,
            "next": next_line, "next_source": next_source, "echo": echo,
            "max_extra": 24 if max_extra is None else max_extra,
        }  # fmt: skip

    def kind_checks(self, node: yaml.Node, fields: Fields, common: Common, kind: Kind, rid: str | None) -> None:
        """What the kind makes of the selection keys: a pattern kind needs a way to pick lines;
        a shape kind has no use for ``next``; and whatever the kind's own ``check`` refuses."""
        if kind.by_pattern:
            chooses = common["echo"] is not None or "next" in fields or "match" in fields or "contains" in fields
            if not chooses and not common["pattern_source"]:
                self.issue(node, f"a '{kind.name}' rule needs 'match' or 'contains'", rid)
        elif "next" in fields:
            self.issue(fields["next"][0], f"'next' does not apply to remove: {kind.name}", rid)
        if kind.check is not None:
            kind.check(self, fields, common, rid)

    def within(self, node: yaml.Node, rid: str | None) -> Within | None:
        fields = self.mapping(node, "within", ("first", "last"), rid)
        if len(fields) != 1:
            if fields:
                self.issue(node, "within takes one of 'first' or 'last'", rid)
            return None
        side, (_, value_node) = next(iter(fields.items()))
        value = self.value(value_node)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return Within(side=side, count=value)  # type: ignore[arg-type]
        if isinstance(value, float) and 0 < value <= 1:
            return Within(side=side, fraction=value)  # type: ignore[arg-type]
        self.issue(value_node, f"within.{side} must be a line count >= 1 or a fraction in (0, 1]", rid)
        return None

    def examples(self, node: yaml.Node, rid: str | None) -> Examples:
        fields = self.mapping(node, "examples", EXAMPLE_KEYS, rid)
        values: dict[str, tuple[str, ...]] = {}
        lines: list[tuple[str, int]] = []
        for key, (_, value_node) in fields.items():
            values[key] = self.strings(value_node, f"examples.{key}", rid)
            items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            # not strict: invalid items were dropped (and reported), so a bad file may pair fewer
            lines.extend((text, _mark(item)[0]) for text, item in zip(values[key], items))  # noqa: B905
        return Examples(**values, lines=tuple(lines))

    def tests(self, node: yaml.Node) -> tuple[SetTest, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.issue(node, "tests must be a list of {name, input, expect}")
            return ()
        tests = []
        for item in node.value:
            fields = self.mapping(item, "a test", TEST_KEYS)
            missing = [k for k in TEST_KEYS if k not in fields]
            if missing:
                self.issue(item, f"test is missing {', '.join(missing)}")
                continue
            name = self.string(fields["name"][1], "test name")
            text = self.string(fields["input"][1], "test input", allow_empty=True)
            expect = self.string(fields["expect"][1], "test expect", allow_empty=True)
            if name is not None and text is not None and expect is not None:
                tests.append(SetTest(name=name, input=text, expect=expect, line=_mark(item)[0]))
        return tuple(tests)


def _peek_id(node: yaml.Node) -> str | None:
    """A rule's id before its mapping is validated, so even key errors can name the rule."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def iter_rule_files(paths: list[str]) -> Iterator[Path]:
    """Rule names, files or directories (every ``*.yaml`` below) -> files to load."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            yield from sorted(path.rglob("*.yaml"))
        else:
            yield resolve_rules_path(item)


@functools.lru_cache(maxsize=32)
def load_builtin(name: str) -> RuleSet:
    """A shipped rule set, loaded once per process."""
    return load_rules(name)
