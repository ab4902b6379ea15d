"""Every removal kind and guard, on small documents with exact expected output."""

from __future__ import annotations

import pickle
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Pipeline, Removal, load_rules_text


def pipe(rules_yaml: str, **kwargs: object) -> Pipeline:
    return Pipeline([load_rules_text(textwrap.dedent(rules_yaml))], **kwargs)


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_line_removes_matching_lines_only() -> None:
    p = pipe("""
        rules:
          - {id: ad, remove: line, match: '^广告$'}
    """)
    assert p(doc("""
        正文一。
        广告
        不是广告的句子。
    """)) == "正文一。\n不是广告的句子。\n"


def test_contains_matches_literals_not_regex() -> None:
    p = pipe("""
        rules:
          - {id: more, remove: line, contains: ['Read more...', '(c)']}
    """)
    assert p("Read more...\nRead more!\nText (c) here\nabc\n") == "Read more!\nabc\n"


def test_span_removes_only_the_match_and_drops_emptied_lines() -> None:
    p = pipe("""
        rules:
          - {id: tag, remove: span, match: '\\[广告\\]\\s*'}
    """)
    result = p.clean("开头[广告] 正文。\n[广告]\n结尾。\n")
    assert result.text == "开头正文。\n结尾。\n"
    assert [(r.rule_id, r.first_line, r.start, r.end, r.text) for r in result.removals] == [
        ("tag", 1, 2, 7, "[广告] "),
        ("tag", 2, 11, 15, "[广告]"),
    ]


def test_rest_drops_from_the_first_hit_to_the_end() -> None:
    p = pipe("""
        rules:
          - {id: tail, remove: rest, match: '^相关阅读$'}
    """)
    assert p("正文。\n相关阅读\n别的标题\n相关阅读\n又一个\n") == "正文。\n"


def test_head_drops_everything_up_to_the_last_hit() -> None:
    p = pipe("""
        rules:
          - {id: skip, remove: head, match: '^Skip to content$', within: {first: 5}}
    """)
    assert p("Home\nNews\nSkip to content\nThe article.\n") == "The article.\n"


def test_block_until_regex_includes_the_terminator() -> None:
    p = pipe("""
        rules:
          - {id: fm, remove: block, match: '^---$', until: '^---$', within: {first: 1}}
    """)
    assert p("---\ntitle: x\n---\n\n# Title\n\nBody.\n") == "# Title\n\nBody.\n"


def test_block_without_terminator_removes_nothing() -> None:
    p = pipe("""
        rules:
          - {id: fm, remove: block, match: '^---$', until: '^===$'}
    """)
    assert p("---\nkept\n") == "---\nkept\n"


def test_block_until_blank_and_lines() -> None:
    blank = pipe("""
        rules:
          - {id: box, remove: block, match: '^相关新闻$', until: blank}
    """)
    assert blank("正文。\n\n相关新闻\n甲\n乙\n\n结尾。\n") == "正文。\n\n结尾。\n"
    counted = pipe("""
        rules:
          - {id: box, remove: block, match: '^相关新闻$', lines: 2}
    """)
    assert counted("正文。\n相关新闻\n\n甲\n乙\n") == "正文。\n乙\n"


def test_run_removes_runs_of_short_unpunctuated_lines() -> None:
    p = pipe("""
        rules:
          - {id: menu, remove: run, run: {min_lines: 3, max_chars: 6}}
    """)
    text = doc("""
        暴雨过后城市排水系统接受考验
        首页
        新闻

        体育
        财经
        正文第一句话很长，而且有标点。
        前言
        短句。
        一
        二
    """)
    assert p(text) == "暴雨过后城市排水系统接受考验\n正文第一句话很长，而且有标点。\n前言\n短句。\n一\n二\n"


def test_run_measures_markdown_links_by_their_text() -> None:
    p = pipe("""
        rules:
          - {id: menu, remove: run, run: {min_lines: 3, max_chars: 8}}
    """)
    text = "Title of the article\n* [首页](https://example.com/a/very/long/path)\n* [科技](/tech)\n* [体育](/sports)\nBody text, long enough.\n"
    assert p(text) == "Title of the article\nBody text, long enough.\n"


def test_a_menu_item_at_the_top_is_not_the_headline() -> None:
    p = pipe("""
        rules:
          - {id: menu, remove: run, run: {min_lines: 3, max_chars: 8}}
          - {id: echo, remove: line, echo: title}
    """)
    text = "首页\n新闻\n体育\n暴雨过后城市排水系统接受考验\n正文。\n暴雨过后城市排水系统接受考验 - 天天要闻\n"
    assert p(text) == "暴雨过后城市排水系统接受考验\n正文。\n"


def test_run_never_takes_the_headline() -> None:
    p = pipe("""
        rules:
          - {id: menu, remove: run, run: {min_lines: 3, max_chars: 30}}
    """)
    text = "Lithium aus dem Schredder | heise online\nNews\nLithium aus dem Schredder\nSecurity\nDeveloper\nBody.\n"
    assert p(text) == "Lithium aus dem Schredder | heise online\nNews\nLithium aus dem Schredder\nSecurity\nDeveloper\nBody.\n"


def test_title_echo_keeps_the_barest_copy_of_the_headline() -> None:
    p = pipe("""
        rules:
          - {id: echo, remove: line, echo: title}
    """)
    assert p("标题党的标题 - 某网站\n\n标题党的标题\n正文。\n标题党的标题_某网站\n") == "标题党的标题\n正文。\n"
    # a sentence that starts with the headline is prose, not an echo
    assert p("标题党的标题\n标题党的标题，这句话接着说了很多。\n") == "标题党的标题\n标题党的标题，这句话接着说了很多。\n"
    # nor is a numbered section heading that repeats it
    assert p("记者的责任和良心\n正文。\n三、记者的责任和良心\n正文。\n") == "记者的责任和良心\n正文。\n三、记者的责任和良心\n正文。\n"


def test_within_first_last_and_fraction() -> None:
    first = pipe("""
        rules:
          - {id: x, remove: line, match: '^X$', within: {first: 2}}
    """)
    assert first("X\na\n\nb\nc\nX\n") == "a\n\nb\nc\nX\n"
    # zones are re-read after each round: a line that moves into the zone goes too (idempotence)
    assert first("X\na\nX\nb\n") == "a\nb\n"
    last = pipe("""
        rules:
          - {id: x, remove: line, match: '^X$', within: {last: 0.5}}
    """)
    assert last("X\na\nb\nX\n") == "X\na\nb\n"


def test_max_and_min_chars() -> None:
    p = pipe("""
        rules:
          - {id: short, remove: line, match: '关注', max_chars: 6}
          - {id: long, remove: line, match: 'zzz', min_chars: 5}
    """)
    assert p("请关注\n这是一个很长的关注句子。\nzzz\nzzzzz\n") == "这是一个很长的关注句子。\nzzz\n"


def test_length_guards_count_what_a_reader_sees() -> None:
    """A markdown link counts as its label: a byline with a long share URL is still a short line."""
    p = pipe("""
        rules:
          - {id: byline, remove: line, match: '发表于', max_chars: 30}
    """)
    share = "[分享](//service.weibo.com/share/share.php?url=" + "x" * 200 + ")"
    assert p(f"正文。\n张三 发表于 2025年09月23日 {share}\n张三 发表于 2025年09月23日，他说这篇文章写得不错，值得一读。\n") == (
        "正文。\n张三 发表于 2025年09月23日，他说这篇文章写得不错，值得一读。\n"
    )


def test_ignore_case() -> None:
    p = pipe("""
        rules:
          - {id: ad, remove: line, match: '^advertisement$', ignore_case: true}
    """)
    assert p("ADVERTISEMENT\nText.\n") == "Text.\n"


def test_blank_lines_collapse_and_ends_are_trimmed() -> None:
    p = pipe("rules: []")
    assert p("\n\n  \na\n\n\n\nb  \n\n") == "a\n\nb  \n"
    assert p("") == ""
    assert p("\n \n") == ""


def test_crlf_input_is_read_as_lines() -> None:
    p = pipe("""
        rules:
          - {id: ad, remove: line, match: '^AD$'}
    """)
    assert p("a\r\nAD\r\nb\r\n") == "a\nb\n"


def test_removals_partition_what_went_and_name_one_rule_per_line() -> None:
    p = pipe("""
        rules:
          - {id: b-tail, remove: rest, match: '^推荐$'}
          - {id: a-counter, remove: line, match: '^\\d+ 阅读$'}
    """)
    result = p.clean("正文。\n推荐\n12 阅读\n其他\n")
    assert result.text == "正文。\n"
    assert result.removals == (
        Removal("b-tail", 2, 2, 4, 6, "推荐"),
        Removal("a-counter", 3, 3, 7, 12, "12 阅读"),
        Removal("b-tail", 4, 4, 13, 15, "其他"),
    )


def test_a_later_round_removes_chrome_the_first_exposed() -> None:
    p = pipe("""
        rules:
          - {id: nav, remove: line, match: '^NAV$'}
          - {id: top, remove: line, match: '^TOP$', within: {first: 1}}
    """)
    result = p.clean("NAV\nTOP\nBody.\n")
    assert result.text == "Body.\n"
    assert [(r.rule_id, r.round) for r in result.removals] == [("nav", 1), ("top", 2)]


def test_over_removal_guard_keeps_the_document_and_flags_it() -> None:
    p = pipe("""
        max_removed: 0.5
        rules:
          - {id: all, remove: line, match: '.'}
    """)
    result = p.clean("a\nb\n")
    assert result.flagged and result.text == "a\nb\n" and result.removals == ()
    assert result.removed_fraction == 1.0


def test_pipeline_pickles_and_cleans_the_same() -> None:
    p = Pipeline.default()
    clone = pickle.loads(pickle.dumps(p))
    text = "标题\n\n0 阅读:0\n"
    assert clone(text) == p(text) == "标题\n"


def test_applies_to_limits_a_set_to_matching_documents() -> None:
    site = load_rules_text("""
name: site
applies_to: {url: '(^|\\.)example\\.com/'}
rules:
  - {id: site-footer, remove: line, match: '^Example footer$'}
""")
    p = Pipeline([site])
    text = "Body.\nExample footer\n"
    assert p.clean(text, url="https://www.example.com/a").text == "Body.\n"
    assert p.clean(text, url="https://other.org/a").text == text
    assert p.clean(text).text == text


@pytest.mark.parametrize("kind", ["line", "rest", "head", "block"])
def test_pattern_kinds_need_a_pattern(kind: str) -> None:
    from cleaner.errors import RuleError

    with pytest.raises(RuleError, match=f"a '{kind}' rule needs 'match' or 'contains'"):
        load_rules_text(f"rules:\n  - {{id: x, remove: {kind}, until: blank}}\n" if kind == "block" else f"rules:\n  - {{id: x, remove: {kind}}}\n")  # noqa: E501


def test_tail_drops_short_unpunctuated_lines_after_the_last_prose_line() -> None:
    p = pipe("""
        rules:
          - {id: tail, remove: tail, tail: {prose_width: 30, max_width: 30}}
    """)
    text = doc("""
        Headline of the story
        Short line before the prose
        The council voted to approve the budget on Tuesday night.
        Related
        Thanks for reading!
        Mayor announces plan
    """)
    assert p(text) == (
        "Headline of the story\nShort line before the prose\n"
        "The council voted to approve the budget on Tuesday night.\nThanks for reading!\n"
    )
    assert p("Only short lines\nNo prose here\n") == "Only short lines\nNo prose here\n"


def test_tail_ends_at_a_wide_or_protected_line() -> None:
    """Read from the end, the tail stops where a line does not fit: what is above it stays."""
    p = pipe("""
        rules:
          - {id: tail, remove: tail, tail: {prose_width: 30, max_width: 30}, unless: '^- \\w+: '}
    """)
    text = doc("""
        The council voted to approve the budget on Tuesday night.
        Fact sheet
        - Length: 2.44 m
        Related
        Home
    """)
    assert p(text) == "The council voted to approve the budget on Tuesday night.\nFact sheet\n- Length: 2.44 m\n"


def test_tail_stops_at_two_statements_in_a_row_but_not_at_a_lone_message() -> None:
    p = pipe("""
        rules:
          - {id: tail, remove: tail, tail: {prose_width: 30, max_width: 30}}
    """)
    notice = "This notice is long enough to count as prose here.\n"
    article = "Kyoto trip\nWe went on Sunday.\nThe leaves were red.\n"
    assert p(notice + article + "Recent posts\nArchive\n") == notice + article
    widget = "Song saved\nAn error occurred. Try again.\nMenu\n"
    assert p(notice + widget) == notice + "An error occurred. Try again.\n"


def test_after_prose_fires_only_below_the_first_prose_line() -> None:
    p = pipe("""
        rules:
          - {id: comments, remove: rest, match: '^Comments$', after_prose: true}
    """)
    article = "The council voted to approve the budget on Tuesday night, after a long debate.\n"
    assert p("Comments\n" + article) == "Comments\n" + article
    assert p(article + "Comments\nGreat piece!\n") == article
    assert p("Comments\nNo prose on this page\n") == "Comments\nNo prose on this page\n"


def test_run_repeated_below_is_a_table_of_contents() -> None:
    """Lines whose copies come later in order and apart go; a block repeated whole stays."""
    p = pipe("""
        rules:
          - {id: toc, remove: run, run: {min_lines: 3, max_width: 60, punctuated: true, repeated_below: true}}
    """)
    body = "Setting up¶\nWe begin with a clean repository.\nSharing¶\nNow we push.\nSetting up¶\nAgain, from scratch.\nConclusion¶\nThat is all.\n"
    toc = "Setting up\nSharing\nSetting up\nConclusion\n"
    assert p("A guide to evolve\n" + toc + "\n" + body) == "A guide to evolve\n\n" + body
    chorus = "Here we go\nOne more time\nAll night long\n"
    song = "A song about the night\n" + chorus + "\nThe second verse is here.\n" + chorus
    assert p(song) == song


_HEADLINES_RUN = """
    rules:
      - {id: others, remove: run, run: {min_lines: 3, max_width: 80, punctuated: true, below_body: true, max_overlap: 0.35}}
"""
_STORY = (
    "The harbour council approved the new ferry timetable after residents complained about delays.\n"
    "Ferries will now leave the harbour every twenty minutes, and the council will review the timetable in spring.\n"
)


def test_run_below_body_leaves_lines_above_or_inside_the_article() -> None:
    p = pipe(_HEADLINES_RUN)
    others = "Storm closes the coastal road\nLibrary opens a branch in the mill\nMayor answers stadium questions\n"
    assert p(_STORY + others) == _STORY
    assert p(others + _STORY) == others + _STORY  # above the article: verse, a standfirst, anything
    assert p(others) == others  # no article, no below
    resumed = _STORY + others + _STORY.replace("harbour", "port")  # a list inside a long text: it goes on below
    assert p(resumed) == resumed


def test_run_max_overlap_keeps_the_articles_own_list() -> None:
    """The article's list repeats its words; other stories' headlines do not."""
    p = pipe(_HEADLINES_RUN)
    own = "Ferries every twenty minutes\nTimetable review in spring\nHarbour residents consulted\n"
    assert p(_STORY + own) == _STORY + own
    han = "港口理事会批准了新的渡轮时刻表，居民此前抱怨渡轮经常延误，时刻表将在春季复查。\n"
    assert p(han + "渡轮每二十分钟一班\n时刻表春季复查\n港口居民意见\n") == han + "渡轮每二十分钟一班\n时刻表春季复查\n港口居民意见\n"
    assert p(han + "国家开放大学十大新闻发布\n江苏作弊案二十七人获刑\n老人制万根爱心拐棍\n") == han


def test_echo_below_removes_earlier_copies_and_keeps_the_last() -> None:
    p = pipe("""
        rules:
          - {id: dup, remove: line, echo: below, min_chars: 10}
    """)
    text = "Headline\nA summary of the story.\nShort\nThe story begins.\nA summary of the story.\nShort\n"
    assert p(text) == "Headline\nShort\nThe story begins.\nA summary of the story.\nShort\n"


def test_next_fires_on_a_line_whose_next_non_empty_line_matches() -> None:
    p = pipe("""
        rules:
          - {id: ad, remove: line, next: '^×$', max_chars: 20}
          - {id: close, remove: line, match: '^×$'}
    """)
    assert p("正文第一段。\n限时优惠，点击领取\n\n×\n正文第二段。\n") == "正文第一段。\n\n正文第二段。\n"
    # the last line has no next line; a long line is not an ad
    assert p("这是一个很长很长很长很长很长很长的正文段落。\n×\n短句\n") == "这是一个很长很长很长很长很长很长的正文段落。\n短句\n"


def test_a_next_rule_takes_the_line_that_proved_it_so_it_cannot_climb_into_the_article() -> None:
    # no rule of its own takes the "×": left behind, it would prove the line above the ad in the
    # next round, and the one above that, until the article's short lines were gone
    p = pipe("""
        rules:
          - {id: ad, remove: line, next: '^×$', max_chars: 20}
    """)
    assert p("标题\n短句一\n短句二\n限时优惠，点击领取\n×\n正文第二段。\n") == "标题\n短句一\n短句二\n正文第二段。\n"


def test_masthead_goes_between_the_page_title_and_the_articles_headline() -> None:
    p = pipe("""
        rules:
          - {id: masthead, remove: masthead}
    """)
    title = "Council approves the new bike lanes | City News\n"
    headline = "Council approves the new bike lanes\n"
    prose = "The council voted on Tuesday to approve the lanes after a long and heated debate.\n"
    assert p(title + "Home\nNews\nSign in\n" + headline + prose) == title + headline + prose
    # a page title as bare as the headline opens the page (a site that adds no name to its <title>):
    # what sits between is its header. The price: a page that opens with its headline and repeats it
    # in a sticky bar loses the lines between (no dev page has that; 14 more lose their header)
    bare = headline + "Home\nSign in\n" + headline + prose
    assert p(bare) == headline + headline + prose
    # lower down, a copy no barer than the one above is no page title
    captions = "Home\n" + headline + "Photo one\nPhoto two\n" + headline + prose
    assert p(captions) == captions
    # prose between the copies: the second copy is not the article's headline, nothing goes
    assert p(title + prose + "Home\n" + headline + prose) == title + prose + "Home\n" + headline + prose
    # a poem between a title and its heading copy stays (its lines hold a "。")
    poem = "夜雨寄北 - 古诗词网\n君问归期未有期，巴山夜雨涨秋池。\n何当共剪西窗烛，却话巴山夜雨时。\n夜雨寄北\n" + prose
    assert p(poem) == poem
    # no prose after the headline: a page of short lines keeps its top
    assert p(title + "Home\n" + headline + "Short line\n") == title + "Home\n" + headline + "Short line\n"


def test_a_page_title_with_a_long_site_part_still_names_the_headline() -> None:
    """'Name | Site' at the top: a later line that is exactly the name is the article's headline."""
    p = pipe("""
        rules:
          - {id: masthead, remove: masthead}
    """)
    title = "Raubfisch-Rute im Test: die Iaconelli Spinning Rod | Anglerboard – Forum mit Tipps für Angler\n"
    headline = "Raubfisch-Rute im Test: die Iaconelli Spinning Rod\n"
    prose = "Von dem Bassmaster-Gewinner Mike Iaconelli wurde eine Rutenserie entwickelt, die wir getestet haben.\n"
    assert p(title + "Home\nForen\nKalender\n" + headline + prose) == title + headline + prose


PROSE_A = "The council met on Tuesday and approved the budget for the coming year after a long debate."
PROSE_B = "Officials said the new lanes would open in the spring, once the last contracts had been signed."
PROSE_C = "Residents who spoke at the meeting asked for more crossings near the schools on the east side."


def test_shape_kinds_never_take_lines_inside_the_body() -> None:
    # an ingredient list between paragraphs belongs to the article; the same shape above the
    # first paragraph (a menu) does not
    p = pipe("""
        rules:
          - {id: menu, remove: run, run: {min_lines: 3, max_chars: 30}}
    """)
    headline = "The city budget passes after a long night"
    text = "\n".join([headline, "Home", "News", "Sports", "Weather", PROSE_A,
                      "2 pears", "1 lemon", "1 tsp cinnamon", "1 tsp nutmeg", PROSE_B]) + "\n"
    assert p(text) == "\n".join([headline, PROSE_A, "2 pears", "1 lemon", "1 tsp cinnamon", "1 tsp nutmeg", PROSE_B]) + "\n"


def test_body_protection_ends_beyond_the_body_gap() -> None:
    # eleven short lines below the last paragraph are still "between" only if prose follows them
    p = pipe("""
        rules:
          - {id: menu, remove: run, run: {min_lines: 3, max_chars: 30}}
    """)
    items = [f"Item {n}" for n in range(12)]
    assert p("\n".join([PROSE_A, *items, PROSE_B]) + "\n") == "\n".join([PROSE_A, PROSE_B]) + "\n"
    assert p("\n".join([PROSE_A, *items[:11], PROSE_B]) + "\n") == "\n".join([PROSE_A, *items[:11], PROSE_B]) + "\n"


def test_phrase_kinds_still_remove_inside_the_body() -> None:
    p = pipe("""
        rules:
          - {id: ad, remove: line, match: '^Advertisement$'}
    """)
    assert p("\n".join([PROSE_A, "Advertisement", PROSE_B]) + "\n") == "\n".join([PROSE_A, PROSE_B]) + "\n"


def test_rest_with_resume_ends_where_the_article_resumes() -> None:
    rules = """
        rules:
          - {id: related, remove: rest, match: '^Related$', resume: %s}
    """
    box = ["Related", "Another story about lanes", "A third story"]
    text = "\n".join(["Headline", PROSE_A, *box, PROSE_B, PROSE_C]) + "\n"
    assert pipe(rules % "true")(text) == "\n".join(["Headline", PROSE_A, PROSE_B, PROSE_C]) + "\n"
    assert pipe(rules % "false")(text) == "\n".join(["Headline", PROSE_A]) + "\n"
    # a single line of prose below (a teaser, a comment) is not the article resuming
    tail = "\n".join(["Headline", PROSE_A, *box, PROSE_B, "Share"]) + "\n"
    assert pipe(rules % "true")(tail) == "\n".join(["Headline", PROSE_A]) + "\n"


ECHO = """
    rules:
      - {id: echo, remove: line, echo: title}
"""


def test_echo_keeps_every_copy_as_bare_as_the_headline() -> None:
    # the title with the site's name goes; a bare copy in the header may be the headline itself
    # (labellers keep it as often as not), so it stays with the one above the body
    text = doc("""
        为什么有些有钱人还努力工作？_百度知道
        为什么有些有钱人还努力工作？
        登录
        为什么有些有钱人还努力工作？
        因为工作本身给了他们意义，而不仅仅是收入，这一点在许多访谈中都被反复提到过。
    """)
    assert pipe(ECHO)(text) == doc("""
        为什么有些有钱人还努力工作？
        登录
        为什么有些有钱人还努力工作？
        因为工作本身给了他们意义，而不仅仅是收入，这一点在许多访谈中都被反复提到过。
    """)


BODY = "因为工作本身给了他们意义，而不仅仅是收入，这一点在许多访谈中都被反复提到过。"


@pytest.mark.parametrize("title", [
    "女儿出嫁，郑板桥画了几笔兰花当嫁妆--文化--人民网",  # "--" between the parts
    "女儿出嫁，郑板桥画了几笔兰花当嫁妆 _文化 _人民网",  # a space before the underscore
    "女儿出嫁，郑板桥画了几笔兰花当嫁妆-人民网",  # a bare hyphen between Han characters
    "女儿出嫁，郑板桥画了几笔兰花当嫁妆人民网文化_人民网",  # the site's name glued on, then a separator
    "女儿出嫁，郑板桥画了几笔兰花当嫁妆 文化频道_人民网",  # ... or after a space
    "人民网文化--女儿出嫁，郑板桥画了几笔兰花当嫁妆",  # the site's name first
])
def test_echo_takes_a_title_whatever_joins_the_sites_name(title: str) -> None:
    text = doc(f"""
        {title}
        女儿出嫁，郑板桥画了几笔兰花当嫁妆
        {BODY}
    """)
    assert pipe(ECHO)(text) == doc(f"""
        女儿出嫁，郑板桥画了几笔兰花当嫁妆
        {BODY}
    """)


@pytest.mark.parametrize("heading", [
    "COVID-19 vaccines: what the trials show | Health News",  # a hyphen between Latin letters joins words
    "海外留学生看两会：出国前后关注点大不同_教育频道",  # a clause mark: the heading goes on
])
def test_echo_does_not_split_a_headline_at_a_joining_mark(heading: str) -> None:
    short = heading.split("-")[0] if heading.startswith("COVID") else "海外留学生看两会"
    text = doc(f"""
        {heading}
        {short}
        {BODY}
    """)
    assert pipe(ECHO)(text) == text


def test_echo_leaves_a_subheading_that_is_part_of_the_headline() -> None:
    text = doc("""
        海外留学生看两会：出国前后关注点大不同_教育频道
        海外留学生看两会：出国前后关注点大不同
        出国前后关注点大不同
        出国前：政治科目会出啥考题？
    """)
    assert pipe(ECHO)(text) == doc("""
        海外留学生看两会：出国前后关注点大不同
        出国前后关注点大不同
        出国前：政治科目会出啥考题？
    """)



def test_tail_stops_at_a_line_that_ends_mid_sentence() -> None:
    # verse-like closing lines broken at commas are the article's; the footer links below them go
    p = pipe("""
        rules:
          - {id: tail, remove: tail, tail: {prose_width: 60, max_width: 60}}
    """)
    last = "注：红色为所有车辆绕行线路图，蓝色仅为小型车辆绕行线路图，请大家提前规划好出行路线。"
    text = "\n".join([last, "道路施工会给大家的出行带来不便，", "日后的更安全、更畅通。", "首页", "联系我们"]) + "\n"
    assert p(text) == "\n".join([last, "道路施工会给大家的出行带来不便，", "日后的更安全、更畅通。"]) + "\n"
    # and the line that goes on with such a sentence, though it has no punctuation of its own
    text = "\n".join([last, "请大家互相转告通知，", "愿大家都能", "平安出行，安全到家。", "首页", "联系我们"]) + "\n"
    assert p(text) == "\n".join([last, "请大家互相转告通知，", "愿大家都能", "平安出行，安全到家。"]) + "\n"


def test_a_comment_heading_with_the_article_going_on_under_it_is_a_subheading() -> None:
    p = pipe("""
        rules:
          - {id: comments, remove: rest, match: '^Comments$'}
    """)
    article = [
        "The council will meet again next month to decide how the new lanes will be paid for, officials said.",
        "Residents have asked for safer routes for years, and the plan answers many of their complaints.",
        "Shop owners on the high street worry that losing parking spaces will keep customers away.",
    ]
    # three lines of prose right under it: the article goes on, nothing is taken
    inside = "\n".join([article[0], "Comments", *article]) + "\n"
    assert p(inside) == inside
    # comments alternate with their names and stamps: the section goes, from the heading down
    thread = "\n".join([*article, "Comments", "jane", "Great plan, about time the council did this.", "3 hours ago"])
    assert p(thread + "\n") == "\n".join(article) + "\n"


def test_rest_with_resume_above_the_article_ends_at_its_first_paragraph() -> None:
    # "Top Stories" in a menu over the article: twice as much prose below as above it
    p = pipe("""
        rules:
          - {id: related, remove: rest, match: '^Top Stories$', resume: true}
    """)
    text = "\n".join(["Headline", "Home", "Top Stories", "Sports", "Opinion", PROSE_A, PROSE_B, PROSE_C, "Top Stories",
                      "Other story"]) + "\n"
    assert p(text) == "\n".join(["Headline", "Home", PROSE_A, PROSE_B, PROSE_C]) + "\n"


def test_one_giant_spam_line_weighs_no_more_than_a_long_line_in_the_removed_share() -> None:
    # the spam line is 99 % of the characters; counted at 5,000 it is about half, under the 0.9 cap
    p = pipe("""
        max_removed: 0.9
        rules:
          - {id: spam, remove: line, match: '^spam '}
    """)
    spam = "spam " + "keyword " * 50_000
    article = "\n".join([PROSE_A] * 60)
    result = p.clean(article + "\n" + spam + "\n")
    assert not result.flagged
    assert result.text == article + "\n"


def test_rest_with_resume_below_the_articles_headline_runs_to_the_end() -> None:
    # a short article under its headline, then "Related" and teasers with more prose: the article is above
    p = pipe("""
        rules:
          - {id: related, remove: rest, match: '^Related$', resume: true}
    """)
    text = "\n".join(["City budget passes - Example News", "Home", "City budget passes", PROSE_A, "Related",
                      "Teaser one", PROSE_B, "Teaser two", PROSE_C]) + "\n"
    assert p(text) == "\n".join(["City budget passes - Example News", "Home", "City budget passes", PROSE_A]) + "\n"


_FEED = """
    rules:
      - id: teasers
        remove: feed
        feed: {min_items: 3, max_item_lines: 3}
        match: '^\\d{1,2}:\\d{2}$'
"""
_ARTICLE = (
    "The council voted on Tuesday to approve the new budget, which includes money for the roads.\n"
    "Officials said the plan would take effect next year after a public consultation ends.\n"
)


def test_feed_removes_a_list_whose_items_end_in_markers() -> None:
    teasers = (
        "Storm closes the coastal road for a week\n"
        "Crews expect to reopen it on Monday\n"
        "10:30\n"
        "Library opens a new branch in the old mill\n"
        "Readers can borrow tools as well as books\n"
        "10:05\n"
        "Mayor answers questions about the stadium plan\n"
        "09:40\n"
    )
    assert pipe(_FEED)(_ARTICLE + teasers) == _ARTICLE


def test_feed_keeps_a_timeline_whose_items_are_sentences() -> None:
    timeline = (
        "09:00\nThe council opened the session with a minute of silence.\n"
        "09:30\nThe finance officer presented the figures, line by line.\n"
        "10:00\nThe vote passed with a majority of two.\n"
    )
    text = _ARTICLE + timeline
    assert pipe(_FEED)(text) == text


def test_feed_needs_min_items_and_short_items() -> None:
    two = "Storm closes the coastal road for a week\n10:30\nLibrary opens a new branch in the old mill\n10:05\n"
    assert pipe(_FEED)(_ARTICLE + two) == _ARTICLE + two
    spread = (
        "Storm closes the coastal road for a week\nCrews expect to reopen it\nA second line\nA third line\n10:30\n"
        "Library opens a new branch in the old mill\nIn the old mill by the river\nA second line\nA third line\n10:05\n"
        "Mayor answers questions about the stadium plan\nAbout the stadium plan\nA second line\nA third line\n09:40\n"
    )
    assert pipe(_FEED)(_ARTICLE + spread) == _ARTICLE + spread  # four lines between markers: not items


def test_feed_never_enters_the_main_stretch_of_prose() -> None:
    """A live blog's entries are the article: timestamps over headline-like lines inside the prose."""
    entry = "Council meets to decide on the budget today\n{time}\n" + (
        "The council began its meeting at ten and heard from residents first, as it does each year.\n"
    )
    live = "".join(entry.format(time=t) for t in ("10:00", "10:30", "11:00", "11:30"))
    assert pipe(_FEED)(live) == live


_THREAD = """
    rules:
      - id: thread
        remove: feed
        feed: {min_items: 3, max_item_lines: 3, headlines: false}
        match: '^\\d{1,2}:\\d{2} Reply$'
"""


def test_a_comment_thread_goes_though_its_comments_read_like_the_article() -> None:
    """Comments are prose and join the article's stretch; stamps below its start still make a thread."""
    comments = (
        "I have driven that road every day for ten years and it has never been this bad, honestly.\n"
        "10:30 Reply\n"
        "The roads were fine until the trucks started using them as a shortcut to the port, sadly.\n"
        "10:05 Reply\n"
        "Pay for it with the parking fees the council already collects downtown, as it promised.\n"
        "09:40 Reply\n"
        "Well said.\n"
    )
    first = comments.split("\n")[0] + "\n"  # above the first stamp: as much the article's as a comment
    assert pipe(_THREAD)(_ARTICLE + comments) == _ARTICLE + first
    as_feed = _THREAD.replace("headlines: false", "headlines: true")  # items opening with sentences
    assert pipe(as_feed)(_ARTICLE + comments) == _ARTICLE + comments


def test_a_comment_thread_needs_its_stamps_below_the_articles_start() -> None:
    """Stamps that open the article's stretch are the article's own (a diary, a live blog)."""
    paragraphs = [*_ARTICLE.splitlines(), _ARTICLE.splitlines()[0]]
    entries = "".join(f"{t} Reply\n{line}\n" for t, line in zip(("09:00", "09:30", "10:00"), paragraphs))
    assert pipe(_THREAD)(entries) == entries


def test_dated_teaser_list_rule_keeps_historical_dates() -> None:
    """An infobox's dated rows ("Dominion / 26 September 1907") are history, not publication stamps."""
    from cleaner.engine import strip
    from cleaner.loader import load_builtin

    rule = load_builtin("base").rule("dated-teaser-list")
    rows = "• Responsible government\n7 May 1856\n• Dominion of New Zealand\n26 September 1907\n• Statute of Westminster adopted\n25 November 1947\n"  # noqa: E501
    assert strip(_ARTICLE + rows, [rule]).removals == ()
    recent = rows.replace("1856", "2021").replace("1907", "2022").replace("1947", "2023")
    assert strip(_ARTICLE + recent, [rule]).text == _ARTICLE


def test_a_numbered_list_the_article_began_is_kept_by_every_kind() -> None:
    p = pipe("""
        rules:
          - {id: qr, remove: line, match: '微信扫码'}
          - {id: tail-links, remove: tail}
    """)
    text = doc("""
        1.目前市场上支持生成短链的网站已经不多了，试运营期间免费使用，无劫持、无暗扣。
        2.支持批量生成和接口生成，批量单次最多五十条，暂定每人每天一百条短链配额。
        3.微信扫码登录，无需绑定手机号
        4.微信内强开功能正在开发中
        评论
        暂无数据
    """)
    assert p(text) == doc("""
        1.目前市场上支持生成短链的网站已经不多了，试运营期间免费使用，无劫持、无暗扣。
        2.支持批量生成和接口生成，批量单次最多五十条，暂定每人每天一百条短链配额。
        3.微信扫码登录，无需绑定手机号
        4.微信内强开功能正在开发中
    """)
    ranked = doc("""
        据新华社报道，今年全国夏粮再获丰收，总产量比上年增加了三十五亿斤，创下历史新高。
        1.微信扫码领红包
        2.热门推荐
    """)
    assert p(ranked) == doc("""
        据新华社报道，今年全国夏粮再获丰收，总产量比上年增加了三十五亿斤，创下历史新高。
    """)  # a list that did not begin in prose is not the article's


def test_a_chinese_documents_outline_is_kept_and_ends_the_tail() -> None:
    # a notice after its one paragraph of prose: its sections are short lines that do not end like
    # sentences, as a footer's links do; 一、二、三 in order say they are the document's outline
    p = pipe("""
        rules:
          - {id: tail-links, remove: tail}
    """)
    notice = doc("""
        为深入贯彻落实有关文件精神，进一步弘扬志愿服务精神，经研究，决定开展年度志愿服务活动，现将有关事项通知如下。
        一、活动时间
        2024年6月1日至6月30日
        二、活动地点
        市民中心广场
        三、报名方式
        请于5月25日前将报名表发送至指定邮箱。
        关于我们
        联系我们
    """)
    assert p(notice) == notice.replace("关于我们\n联系我们\n", "")
    # one section alone is no outline: a footer's "一、" line is not kept for it
    lone = doc("""
        为深入贯彻落实有关文件精神，进一步弘扬志愿服务精神，经研究，决定开展年度志愿服务活动，现将有关事项通知如下。
        一、网站地图
        关于我们
    """)
    assert p(lone) == doc("""
        为深入贯彻落实有关文件精神，进一步弘扬志愿服务精神，经研究，决定开展年度志愿服务活动，现将有关事项通知如下。
    """)


def test_tail_ends_where_most_of_what_it_read_is_kept() -> None:
    # the items end like sentences ("(1903)"), so the tail keeps them; their headings, kept lines
    # all around, are the article's too
    p = pipe("""
        rules:
          - {id: tail-links, remove: tail}
    """)
    text = doc("""
        Sie wurde in Warschau geboren und studierte ab 1891 in Paris Physik und Mathematik, bevor sie forschte.
        Auszeichnungen
        Nobelpreis für Physik (1903)
        Nobelpreis für Chemie (1911)
        Werke
        Recherches sur les substances radioactives (1904)
        Impressum
        Datenschutz
    """)
    assert p(text) == text.replace("Impressum\nDatenschutz\n", "")


def test_tail_ends_at_a_code_fence() -> None:
    p = pipe("""
        rules:
          - {id: tail-links, remove: tail}
    """)
    text = doc("""
        Then create a configuration file in your home directory, as the example below shows here.
        ```
        [settings]
        colour = true
        ```
        Home
        Contact
    """)
    assert p(text) == text.replace("Home\nContact\n", "")


def test_strip_records_which_input_line_each_output_line_is() -> None:
    """A later round's removals map back onto the input through these, duplicates included."""
    from cleaner.engine import strip

    rules = load_rules_text("rules:\n  - {id: ad, remove: line, match: '^AD$'}\n").rules
    text = "\n\nSame line\nAD\n\n\nSame line\nAD\nLast\n\n"
    result = strip(text, rules)
    assert result.text == "Same line\n\nSame line\nLast\n"
    assert result.origins == (2, None, 6, 8, None)
    assert strip("AD\n", rules).origins == (None,)


def test_a_stamp_that_protects_next_keeps_a_one_line_reply_from_the_shape_kinds() -> None:
    """A forum reply between its stamp and its buttons is as short as the menu around it."""
    rules = """
        rules:
          - {id: stamp, remove: line, match: '^发表于 ', protects_next: %s}
          - {id: menu-run, remove: run, run: {min_lines: 4, max_width: 26}}
    """
    thread = "积分\n帖子\n新手上路\n注册会员\n发表于 2024-4-14 11:32:04\n同质化太严重了就没意思了\n回复\n举报\n发消息\n"
    assert pipe(rules % "true")(thread) == "同质化太严重了就没意思了\n"
    assert pipe(rules % "false")(thread) == ""


def test_a_letters_close_and_its_signature_stay_with_the_article() -> None:
    p = pipe("""
        rules:
          - {id: tail-links, remove: tail}
    """)
    letter = (
        "We have been using the test suite for a year now and have automated most of our test cases.\n"
        "Kind Regards,\n"
        "Ashwin A.K\n"
    )
    footer = "Privacy\nTerms\n"
    assert p(letter + footer) == letter
    unsigned = letter.replace("Kind Regards,\n", "")
    assert p(unsigned + footer) == unsigned.replace("Ashwin A.K\n", "")  # no close: the tail takes a lone name
    cheered = letter.replace("Kind Regards,\n", "All the best!\n")
    assert p(cheered + footer) == cheered  # a common closing and the name under it


_RUN_ITEMS = ["Home", "News", "新闻频道", "World news", "Sports, today.", "a", "# Title", "", "x" * 30]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_RUN_ITEMS), max_size=40),
    st.integers(2, 5),
    st.booleans(),
)
def test_a_run_without_gaps_is_found_as_the_walk_finds_it(items: list[str], min_lines: int, toc: bool) -> None:
    """``max_gap: 0`` runs are searched by probing a stretch's last line first; the walk line by line
    (what every other run takes) must find the same runs."""
    from cleaner.engine import _Lines
    from cleaner.kinds import run

    rules = load_rules_text(textwrap.dedent(f"""\
        rules:
          - id: r
            remove: run
            run: {{min_lines: {min_lines}, max_chars: 12, max_gap: 0, repeated_below: {str(toc).lower()}}}
            unless: '^#|[,.]'
        """)).rules
    rule = rules[0]
    lines = _Lines("\n".join(["A headline long enough", *items, *items]) + "\n")
    shaped = run._shaped(lines, rule.run, 0, len(lines.lines), set(lines.headline_copies()), None)
    viable = run._chains(shaped, rule.run)
    headline = set(lines.headline_copies())
    assert run._gapless_runs(rule, lines, 2.0, viable, None) == run._walk(rule, lines, 2.0, viable, None, headline)


_CONFIRM_PATTERNS = [
    r"^\s*ab$", r"a\s*b", r"\bab\b", r"^$", r"(?i)AB\s*$", r"b$|^a", r"\s+", r"a\Z", r"\Aa", r"(?s)a.b",
    r"(?m)^b", r"[^a]*b$", r"a(?=\nb)", r"(?<=\n)a", r"a(?!b)", r"(?>a\s*)b", r"(?-m:^a)", r"\s*$", r"(?s)^.*b",
    r"\bb\s", r"(?:^|\s)a(?:$|\s)", r"b\n?$", r"(?<=a)b", r"(?<![ab])a", r"^\s*(?=[^\n]*b)a", r"a(?=.)", r"a(?=\s)",
    r"(?s)a(?=.)", r"a(?=b$)", r"b(?=[^b])", r"(?<=[^a])b", r"\p{Ll}b", r"[\p{Lu}a]\s*b|^\s+$",
]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=40), st.sampled_from(_CONFIRM_PATTERNS), st.booleans())
def test_a_candidate_line_is_confirmed_alone_exactly_when_in_the_text(text: str, source: str, multiline: bool) -> None:
    """A pattern without lookarounds decides a line by the line alone (``line_alone_decides``, after
    the ``_literal_gate``); the search from the line's start in the text, its definition, must give
    the same lines."""
    import regex

    from cleaner.engine import _confirmed_in_text, _confirmed_lines, _Lines
    from cleaner.pattern_facts import line_alone_decides

    rule = load_rules_text("rules:\n  - {id: r, remove: line, match: 'x'}\n").rules[0]
    pattern = regex.compile(source, regex.MULTILINE if multiline else 0)
    lines = _Lines(text)
    every = list(range(len(lines.lines)))
    end = len(text)
    assert _confirmed_lines(rule, pattern, lines, every, end, 2.0) == _confirmed_in_text(rule, pattern, lines, every, end, 2.0)  # noqa: E501
    if multiline and not any(mark in source for mark in ("(?=", "(?<", "(?!", "\\A", "\\Z", "(?-")):
        assert line_alone_decides(pattern)  # what the fast path takes
    cleared = {r"(?<=a)b": True, r"^\s*(?=[^\n]*b)a": True, r"b(?=[^b])": False}  # [^b] may read the newline
    if multiline and source in cleared:
        assert line_alone_decides(pattern) == cleared[source]


def test_only_patterns_cleared_of_catastrophic_backtracking_search_without_the_clock() -> None:
    import regex

    from cleaner.pattern_facts import CLOCK_FREE_AFTER, clock_free

    def verdict(source: str) -> bool:
        pattern = regex.compile(source)
        first = [clock_free(pattern) for _ in range(CLOCK_FREE_AFTER - 1)]
        assert not any(first)  # a pattern seldom searched is not analysed: its searches keep the clock
        return clock_free(pattern)

    assert verdict(r"^\s*(?:阅读|评论)\s*\d+$")
    assert verdict(r"\p{Han}{4}")
    assert not verdict(r"^(a|aa)+(?=b)")  # catastrophic: keeps the timeout
    assert not verdict(r"(?|a|b)c")  # the analysis cannot read it: keeps the timeout


_BODY = (
    "白俄罗斯总统卢卡申科的一系列表态引发了广泛关注，各方都在等待进一步的消息和解释。\n"
    "The committee published its findings about regional transport networks and their maintenance budgets.\n"
)
_MENU_ITEMS = ["卢卡申科表态", "体育新闻", "transport networks", "Weather today", "关注", "Home", "各方等待消息", "budgets"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MENU_ITEMS), min_size=1, max_size=12), st.sampled_from([0.0, 0.2, 0.35, 0.5, 1.0]))
def test_a_runs_overlap_verdict_given_early_is_the_averages(items: list[str], bar: float) -> None:
    """``_own_list`` stops reading a run's lines once the rest cannot change the verdict; the average
    over every line (its definition) must agree."""
    from cleaner.engine import _Lines
    from cleaner.kinds import run
    from cleaner.model import RunShape

    lines = _Lines("标题在这里\n" + _BODY * 3 + "\n".join(items) + "\n")
    shape = RunShape(min_lines=2, max_chars=30, max_overlap=bar)
    menu = list(range(7, 7 + len(items)))
    assert run._own_list(menu, shape, lines) == run._own_list_average(menu, shape, lines)
