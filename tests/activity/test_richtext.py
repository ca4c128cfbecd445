"""The rich-text sanitiser: what people write becomes HTML that is safe to render as is."""

from __future__ import annotations

import pytest

from workos.activity.richtext import html_to_text, mention_ids, render, sanitize


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>hello",
    "<img src=x onerror=alert(1)>hello",
    "<p onclick=\"alert(1)\">hello</p>",
    "<a href=\"javascript:alert(1)\">hello</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">hello</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">hello</a>",
    "<svg onload=alert(1)><p>hello</p></svg>",
    "<iframe src=\"https://evil.example\"></iframe>hello",
    "<style>body{display:none}</style>hello",
    "<span style=\"background:url(javascript:alert(1))\">hello</span>",
    "<!-- <script>alert(1)</script> -->hello",
])
def test_script_in_any_form_is_removed_and_the_text_kept(attack):
    result = render(attack)
    lowered = result.html.lower()
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "data:", "<iframe",
                "<svg", "<style", "style=", "<!--"):
        assert bad not in lowered, (attack, result.html)
    assert "hello" in result.text


def test_the_small_set_of_formatting_tags_is_kept():
    body = ("<p><strong>bold</strong> <em>it</em> <code>x()</code></p><pre>line</pre>"
            "<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>q</blockquote><br>")
    assert sanitize(body) == body


def test_other_tags_are_dropped_but_their_text_stays():
    assert sanitize("<h1>Title</h1><div><b>bold</b></div><table><tr><td>cell</td></tr></table>"
                    ) == "Titleboldcell"


def test_links_keep_only_safe_schemes_and_get_rel_noopener():
    html = sanitize('<a href="https://example.com/x" target="_blank" title="t">web</a> '
                    '<a href="mailto:ana@example.com">mail</a> <a href="/admin/">relative</a>')
    assert '<a href="https://example.com/x" rel="noopener noreferrer">web</a>' in html
    assert '<a href="mailto:ana@example.com" rel="noopener noreferrer">mail</a>' in html
    assert "/admin/" not in html and "target=" not in html and "title=" not in html


def test_plain_text_becomes_escaped_paragraphs():
    text = render("if a < b && c > d\nsecond line\n\nnext paragraph")
    assert text.html == "<p>if a &lt; b &amp;&amp; c &gt; d<br>second line</p><p>next paragraph</p>"
    assert text.text == "if a < b && c > d\nsecond line\nnext paragraph"


def test_mentions_of_known_members_become_spans_with_their_real_name():
    result = render("Hi @[The CEO](member:7) and @[Someone](member:8)", members={7: "Ana Silva"})
    assert result.html == '<p>Hi <span data-mention="7">@Ana Silva</span> and @Someone</p>'
    assert result.mentions == [7]
    assert result.text == "Hi @Ana Silva and @Someone"


def test_a_member_name_with_markup_is_escaped_in_the_mention():
    result = render("@[x](member:3)", members={3: '<img src=x onerror=alert(1)>"'})
    assert "<img" not in result.html and "onerror=alert(1)&gt;" in result.html
    assert result.mentions == [3]


def test_a_hand_written_mention_span_is_not_a_mention():
    result = render('<span data-mention="7">@Ana</span>', members={7: "Ana"})
    assert result.html == "<span>@Ana</span>"
    assert result.mentions == []


def test_mention_syntax_inside_a_link_address_stays_text_of_the_link():
    result = render('<a href="https://x.example/@[A](member:7)">x</a>', members={7: "Ana"})
    assert result.mentions == []
    assert 'href="https://x.example/@[A](member:7)"' in result.html


def test_mention_ids_lists_each_id_once_in_order():
    assert mention_ids("@[a](member:2) @[b](member:1) @[a](member:2) @[c](member:x)") == [2, 1]
    assert mention_ids("") == []


def test_html_to_text_puts_blocks_on_their_own_lines():
    assert html_to_text("<p>one</p><ul><li>two</li><li>three &amp; four</li></ul>") == (
        "one\ntwo\nthree & four"
    )
