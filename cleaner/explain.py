"""Which rule removed which line: the input annotated, as text, JSON or one self-contained HTML page.

Removals of every round name input lines and offsets (``Pipeline.clean`` maps a
later round's removals back onto the input), so each removed input line shows
the rule that removed it.
"""

from __future__ import annotations

import colorsys
import hashlib
import html
import json
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


def rule_colour(rule_id: str) -> str:
    """A stable, light background colour per rule id."""
    hue = int(hashlib.sha1(rule_id.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.85, 0.75)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


_PAGE = """<!DOCTYPE html>
<html lang="und"><head><meta charset="utf-8"><title>cleaner explain: {title}</title>
<style>
body {{ font: 14px/1.5 system-ui, sans-serif; margin: 0; display: flex; }}
#legend {{ position: sticky; top: 0; align-self: flex-start; min-width: 16em; max-width: 20em; padding: 1em; border-right: 1px solid #ccc; }}
#legend h1 {{ font-size: 1.1em; word-break: break-all; }}
#legend ul {{ list-style: none; padding: 0; }} #legend li {{ padding: 2px 6px; margin: 2px 0; border-radius: 3px; }}
#doc {{ padding: 1em; white-space: pre-wrap; font-family: ui-monospace, monospace; }}
.line {{ display: flex; gap: 1em; }} .line .n {{ color: #999; min-width: 4em; text-align: right; }}
.line .rule {{ color: #555; min-width: 14em; font-size: 12px; }}
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
    """One self-contained page: removed lines highlighted per rule, a legend with counts, a hide toggle."""
    counts = rule_counts(explained)
    rules = sorted(counts)
    styles = "\n".join(f'.removed[data-rule="{html.escape(r)}"], li[data-rule="{html.escape(r)}"] {{ background: {rule_colour(r)}; }}' for r in rules)  # noqa: E501
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
        title=html.escape(title),
        rule_styles=styles,
        removed=sum(counts.values()),
        total=len(explained),
        legend=legend,
        lines="".join(rows),
    )
