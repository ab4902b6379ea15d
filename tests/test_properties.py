"""Properties that must hold for any document: idempotence and rule-order independence."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Pipeline
from cleaner.loader import load_builtin

ARTICLE = [
    "白俄罗斯总统卢卡申科的一系列表态却引发了广泛关注。",
    "外界高度关注此次会谈的结果。",
    "前言",
    "The council voted to approve the budget on Tuesday.",
    "2024年10月7日，普京在莫斯科会见了卢卡申科。",
    "这本书值得推荐。",
    "“关注”两个字，引号要留着。",
]
CHROME = [
    "念娱 2024-10-07 01:49:21",
    "点个“关注”,每天为您更新",
    "免责声明:本文内容来源于互联网",
    "0 阅读:0",
    "国际分类资讯推荐",
    "Copyright © 2024 Example. All rights reserved.",
    "Advertisement",
    "首页",
    "新闻",
    "体育",
    "标题 - 天天要闻",
    "",
    "",
]

documents = st.lists(st.sampled_from(ARTICLE + CHROME), min_size=0, max_size=40).map(
    lambda lines: "\n".join(["标题", *lines]) + "\n"
)
DEFAULT = Pipeline.default()


@settings(max_examples=300, deadline=None)
@given(documents)
def test_cleaning_is_idempotent(text: str) -> None:
    once = DEFAULT(text)
    assert DEFAULT(once) == once


@settings(max_examples=100, deadline=None)
@given(documents, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_rule_order(text: str, rng: random.Random) -> None:
    rule_set = load_builtin("default")
    rules = list(rule_set.rules)
    rng.shuffle(rules)
    shuffled = Pipeline([rule_set.__class__(**{**_fields(rule_set), "rules": tuple(rules)})])
    assert shuffled.clean(text) == DEFAULT.clean(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab 关注推荐阅读:0\n-–—“”。,"), max_size=200))
def test_idempotent_on_arbitrary_text(text: str) -> None:
    once = DEFAULT(text)
    assert DEFAULT(once) == once


def _fields(rule_set: object) -> dict[str, object]:
    return {name: getattr(rule_set, name) for name in rule_set.__slots__}  # type: ignore[attr-defined]
