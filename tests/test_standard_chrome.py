"""Standard site labels go wherever they sit; article lines using the same words stay.

The dev set shows what the rules do on 178 pages; these lists check the labels every portal in a
language shows ("上一篇：…", "Privacy Policy", "Zum Inhalt springen", "Your cart is empty") in the
two places they turn up: right under the headline, where no tail reaches, and after the article.
A label that only a menu run or a tail removed would fail the first.
"""

from __future__ import annotations

import pytest

from cleaner import Pipeline

from .conftest import ROOT

DATA = ROOT / "tests" / "data"
ZH_BODY = [
    "据新华社报道，今年全国夏粮再获丰收，总产量比上年增加了三十五亿斤，创下历史新高。",
    "专家表示，这得益于良种良法的推广和农业机械化水平的提高，也离不开各地的精心组织。",
    "下一步，农业农村部将继续做好秋粮生产工作，确保全年粮食产量稳定在一万三千亿斤以上。",
]
OTHER_BODY = [
    "The city council voted on Tuesday to approve the new budget, which includes funding for roads.",
    "Officials said the plan would take effect next year after a public consultation period ends.",
    "Residents who want to comment can do so at the library until the end of the month, they said.",
]


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _pages(line: str) -> tuple[str, str]:
    """The line under a headline, then after an article, in the article's language (CJK or not)."""
    cjk = any("\u4e00" <= c <= "\u9fff" for c in line)
    body, title = (ZH_BODY, "夏粮再获丰收 总产量创新高") if cjk else (OTHER_BODY, "Council approves new budget for roads")
    return "\n".join([title, line, *body]) + "\n", "\n".join([title, *body, line]) + "\n"


@pytest.fixture(scope="module")
def default() -> Pipeline:
    return Pipeline.default()


def test_every_standard_label_goes_under_the_headline_and_after_the_article(default: Pipeline) -> None:
    kept = [(line, where) for line in _lines("standard-chrome.txt")
            for where, page in zip(("header", "end"), _pages(line)) if line.strip() in default(page)]  # fmt: skip
    assert kept == []


def test_article_lines_with_the_same_words_stay(default: Pipeline) -> None:
    lost = [(line, where) for line in _lines("standard-content.txt")
            for where, page in zip(("header", "end"), _pages(line)) if line.strip() not in default(page)]  # fmt: skip
    assert lost == []
