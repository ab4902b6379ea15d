"""explain HTML colours and language, without a browser: 30 rules stay apart, the page says its language."""

from __future__ import annotations

import math

from cleaner.explain import page_language, rule_colours


def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex -> CIELAB (D65), for a perceptual distance between two colours."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_up_to_thirty_rules_get_clearly_different_colours() -> None:
    for n in (2, 5, 12, 20, 30):
        colours = list(rule_colours([f"rule-{i}" for i in range(n)]).values())
        lab = [_lab(c) for c in colours]
        closest = min(math.dist(a, b) for i, a in enumerate(lab) for b in lab[i + 1 :])
        assert closest > 12, (n, closest)  # CIE76 delta E; 2.3 is the smallest difference people notice


def test_colours_do_not_depend_on_the_order_rules_are_given() -> None:
    assert rule_colours(["b", "a", "c"]) == rule_colours(["c", "b", "a"])


def test_page_language_from_script_and_common_words() -> None:
    assert page_language("坚定支持普京，白俄终于拿出实际行动\n正文。") == "zh"
    assert page_language("東京で開催された会議について報告します。") == "ja"
    assert page_language("Der Sturm erreichte die Küste, und die Straßen sind nicht frei.") == "de"
    assert page_language("La tormenta llegó a la costa y los caminos del norte están cerrados.") == "es"
    assert page_language("12345 !!! ---") == "und"
