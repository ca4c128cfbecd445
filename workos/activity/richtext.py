"""Rich text written by people (comments, updates): sanitised HTML, plain text and mentions.

A body may be plain text or HTML. Either way it leaves here as HTML that is safe to put into a
page as is: a small set of tags, links only to http, https and mailto (with
rel="noopener noreferrer"), no attributes that run script.

Mentions are written `@[Display Name](member:12)`. They become
`<span data-mention="12">@Display Name</span>` only for the ids the caller names as members (with
the member's real name, so a mention cannot pose as someone else); any other becomes plain
`@Display Name`. A `data-mention` written by hand is removed, so the attribute in stored HTML
always comes from this module.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "a", "blockquote", "span"}
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

MENTION = re.compile(r"@\[([^\[\]\n<>]{1,100})\]\(member:(\d{1,18})\)")
# In nh3's output every literal `<` and `>` is markup (text and attribute values are escaped),
# so this splits it into tags and the text between them.
_TAG = re.compile(r"(<[^>]*>)")
_MENTION_SPAN = re.compile(r'<span data-mention="(\d+)">')
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_END = re.compile(r"(</p>|<br\s*/?>|</li>|</pre>|</blockquote>)", re.IGNORECASE)


def _digits_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "span" and attribute == "data-mention":
        return value if value.isdigit() else None
    return value


_COMMON = {
    "tags": set(ALLOWED_TAGS),
    "clean_content_tags": {"script", "style"},
    "url_schemes": set(URL_SCHEMES),
    "url_relative": "deny",
    "link_rel": LINK_REL,
    "strip_comments": True,
}
# First pass, over what the person wrote: no data-mention, so none can be forged.
# ("*": nothing, because nh3 otherwise allows `lang` and `title` on every tag.)
_INPUT = nh3.Cleaner(attributes={"*": set(), "a": {"href"}}, **_COMMON)
# Last pass, after mentions became spans: keeps them, and re-checks everything else.
_OUTPUT = nh3.Cleaner(
    attributes={"*": set(), "a": {"href"}, "span": {"data-mention"}},
    attribute_filter=_digits_only,
    **_COMMON,
)
_NO_TAGS = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, link_rel=None)


@dataclass(frozen=True)
class RichText:
    html: str
    text: str
    mentions: list[int] = field(default_factory=list)


def mention_ids(body: str) -> list[int]:
    """The member ids a body mentions, in order, each once (not yet checked against anything)."""
    return list(dict.fromkeys(int(match.group(2)) for match in MENTION.finditer(body or "")))


def sanitize(body: str) -> str:
    """Safe HTML from HTML or plain text, without mentions."""
    return render(body).html


def render(body: str, *, members: Mapping[int, str] | None = None) -> RichText:
    """Sanitise `body` and turn mentions of `members` (id → display name) into spans."""
    body = body or ""
    source = body if _LOOKS_LIKE_HTML.search(body) else _text_to_html(body)
    pieces = _TAG.split(_INPUT.clean(source))
    known = members or {}

    def replace(match: re.Match[str]) -> str:
        member_id = int(match.group(2))
        if member_id in known:
            name = html.escape(known[member_id])
            return f'<span data-mention="{member_id}">@{name}</span>'
        return f"@{match.group(1)}"  # already escaped text of the first pass

    # Even indexes are text between tags; mentions inside attribute values are left alone.
    for index in range(0, len(pieces), 2):
        pieces[index] = MENTION.sub(replace, pieces[index])
    safe = _OUTPUT.clean("".join(pieces)).strip()
    mentioned = list(dict.fromkeys(int(i) for i in _MENTION_SPAN.findall(safe)))
    return RichText(html=safe, text=html_to_text(safe), mentions=mentioned)


def html_to_text(fragment: str) -> str:
    """Plain text of sanitised HTML: blocks and line breaks become new lines."""
    marked = _BLOCK_END.sub(lambda m: m.group(1) + "\n", fragment)
    text = html.unescape(_NO_TAGS.clean(marked))
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _text_to_html(text: str) -> str:
    """Plain text as paragraphs: a blank line starts a paragraph, a new line is a <br>."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in p.strip().split("\n"))
        + "</p>"
        for p in paragraphs
    )
