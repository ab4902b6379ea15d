"""Which rule removed which line: the input annotated, as text, JSON or one self-contained HTML page.

Removals of every round name input lines and offsets (``Pipeline.clean`` maps a
later round's removals back onto the input), so each removed input line shows
the rule that removed it.
"""

from __future__ import annotations

import colorsys
import html
import json
import re
from collections import Counter
from dataclasses import dataclass

from cleaner.model import CleanResult


@dataclass(frozen=True)
class ExplainedLine:
    number: int
    text: str
    #: The rule that removed the whole line, or None.
    rule_id: str | None = None
    #: Rules that cut spans out of a kept line.
    span_rules: tuple[str, ...] = ()


def explain_lines(text: str, result: CleanResult) -> list[ExplainedLine]:
    """The input's lines, each with the rule that removed it (if any)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    owner: dict[int, str] = {}
    spans: dict[int, list[str]] = {}
    for r in sorted(result.removals, key=lambda r: r.round):
        targets = range(r.first_line - 1, min(r.last_line, len(lines)))
        whole = r.first_line != r.last_line or (len(targets) > 0 and r.text == lines[targets[0]])
        for i in targets:
            if whole:
                owner.setdefault(i, r.rule_id)
            else:
                spans.setdefault(i, []).append(r.rule_id)
    return [
        ExplainedLine(n + 1, line, owner.get(n), tuple(dict.fromkeys(spans.get(n, []))))
        for n, line in enumerate(lines)
    ]


def rule_counts(explained: list[ExplainedLine]) -> Counter[str]:
    return Counter(line.rule_id for line in explained if line.rule_id)


def render_text(explained: list[ExplainedLine], width: int = 24) -> str:
    """The document with a margin: ``- rule-id`` on removed lines, ``~ rule-id`` on cut lines."""
    out = []
    for line in explained:
        if line.rule_id:
            margin = f"- {line.rule_id}"
        elif line.span_rules:
            margin = f"~ {','.join(line.span_rules)}"
        else:
            margin = ""
        out.append(f"{margin[:width]:<{width}} {line.number:>5} | {line.text}")
    counts = rule_counts(explained)
    removed = sum(counts.values())
    summary = ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
    out.append(f"{removed} of {len(explained)} lines removed" + (f": {summary}" if summary else ""))
    return "\n".join(out) + "\n"


def render_json(result: CleanResult) -> str:
    return json.dumps(
        {
            "text": result.text,
            "removals": [r.to_dict() for r in result.removals],
            "flagged": result.flagged,
            "removed_fraction": round(result.removed_fraction, 6),
            "rule_sets": list(result.rule_sets),
        },
        ensure_ascii=False,
        indent=1,
    )


def rule_colours(rule_ids: list[str]) -> dict[str, str]:
    """A light background per rule, as far apart as the page's number of rules allows.

    Hues are spread evenly around the wheel (in sorted id order, so a page's colours are
    stable), and neighbouring hues alternate between three lightness/saturation steps,
    so even 30 rules on one page stay apart; a hash of the id would put two rules on
    nearly the same colour as soon as there are a dozen.
    """
    ordered = sorted(dict.fromkeys(rule_ids))
    steps = ((0.78, 1.0), (0.86, 0.8), (0.62, 0.5))  # (lightness, saturation): chosen for the widest CIELAB gap
    colours = {}
    for index, rule_id in enumerate(ordered):
        hue = index / max(len(ordered), 1)
        light, sat = steps[index % 3] if len(ordered) > 8 else steps[1]
        r, g, b = colorsys.hls_to_rgb(hue, light, sat)
        colours[rule_id] = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    return colours


def page_language(text: str) -> str:
    """A BCP 47 tag for ``<html lang>``, from the script and, for Latin text, common words; "und" if unsure.

    >>> page_language("坚定支持普京，白俄终于拿出实际行动"), page_language("The storm reached the coast.")
    ('zh', 'en')
    """
    sample = text[:20_000]
    counts = Counter(_script(ch) for ch in sample if not ch.isspace())
    kana, han, hangul, latin = counts["kana"], counts["han"], counts["hangul"], counts["latin"]
    if kana and kana * 20 >= han:
        return "ja"
    if hangul > max(han, latin):
        return "ko"
    if han > latin:
        return "zh"
    if not latin:
        return "und"
    words = Counter(w.lower() for w in _WORD.findall(sample))
    scores = {lang: sum(words[w] for w in common) for lang, common in _COMMON_WORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] else "und"


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0xAC00 <= code <= 0xD7AF:
        return "hangul"
    if ch.isalpha() and code < 0x250:
        return "latin"
    return "other"


_WORD = re.compile(r"[^\W\d_]+")
_COMMON_WORDS = {
    "en": ("the", "and", "of", "to", "is", "in", "that", "with"),
    "de": ("der", "die", "und", "das", "ist", "nicht", "mit", "ein"),
    "fr": ("le", "les", "et", "des", "est", "une", "dans", "pour"),
    "es": ("el", "los", "y", "las", "del", "una", "por", "que"),
    "pt": ("o", "os", "e", "do", "da", "uma", "não", "com"),
    "it": ("il", "di", "che", "della", "è", "per", "una", "gli"),
}


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>cleaner explain: {title}</title>
<style>
body {{ font: 14px/1.5 system-ui, sans-serif; margin: 0; display: flex; }}
main {{ flex: 1; min-width: 0; }}
#legend {{ position: sticky; top: 0; align-self: flex-start; min-width: 16em; max-width: 20em; padding: 1em; border-right: 1px solid #ccc; }}
#legend h1 {{ font-size: 1.1em; word-break: break-all; }}
#legend ul {{ list-style: none; padding: 0; }} #legend li {{ padding: 2px 6px; margin: 2px 0; border-radius: 3px; }}
#doc {{ padding: 1em; white-space: pre-wrap; font-family: ui-monospace, monospace; }}
.line {{ display: flex; gap: 1em; }} .line .n {{ color: #999; min-width: 4em; text-align: right; flex: none; }}
.line .rule {{ color: #555; width: 14em; flex: none; font-size: 12px; overflow-wrap: anywhere; }}
.line .t {{ flex: 1; min-width: 0; overflow-wrap: anywhere; }}
.removed .t {{ text-decoration: line-through; }}
body.hide-removed .removed {{ display: none; }}
{rule_styles}
</style></head>
<body>
<nav id="legend"><h1>{title}</h1>
<p>{removed} of {total} lines removed</p>
<label><input type="checkbox" id="toggle"> hide removed text</label>
<ul>{legend}</ul></nav>
<main id="doc">{lines}</main>
<script>
document.getElementById("toggle").addEventListener("change", function (e) {{
  document.body.classList.toggle("hide-removed", e.target.checked);
}});
document.body.dataset.removedLines = document.querySelectorAll(".removed").length;
</script>
</body></html>
"""


def render_html(explained: list[ExplainedLine], title: str) -> str:
    """One self-contained page: removed lines highlighted per rule, a legend with counts, a hide toggle.

    Long lines (URLs, whole paragraphs) wrap inside the text column instead of running
    off the page; ``<html lang>`` is the page's language, so the browser picks CJK fonts
    and line breaking for it.
    """
    counts = rule_counts(explained)
    rules = sorted(counts)
    colours = rule_colours(rules)
    styles = "\n".join(f'.removed[data-rule="{html.escape(r)}"], li[data-rule="{html.escape(r)}"] {{ background: {colours[r]}; }}' for r in rules)  # noqa: E501
    legend = "".join(f'<li data-rule="{html.escape(r)}">{html.escape(r)} <b>{counts[r]}</b></li>' for r in rules)
    rows = []
    for line in explained:
        cls = "line removed" if line.rule_id else ("line cut" if line.span_rules else "line")
        rule = line.rule_id or ",".join(line.span_rules)
        attr = f' data-rule="{html.escape(line.rule_id)}"' if line.rule_id else ""
        rows.append(
            f'<div class="{cls}"{attr}><span class="n">{line.number}</span>'
            f'<span class="rule">{html.escape(rule)}</span><span class="t">{html.escape(line.text)}</span></div>'
        )
    return _PAGE.format(
        lang=page_language("\n".join(line.text for line in explained)),
        title=html.escape(title),
        rule_styles=styles,
        removed=sum(counts.values()),
        total=len(explained),
        legend=legend,
        lines="".join(rows),
    )
