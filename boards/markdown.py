"""Item descriptions are written in Markdown and shown as HTML that is safe to put in a page.

The Markdown is rendered with raw HTML turned off (any HTML written is shown as text), then
the output goes through the same sanitiser as comments (`workos.activity.richtext`): a small
set of tags, links only to http, https and mailto. Headings become bold paragraphs and images
become links, since the sanitiser keeps neither tag; nothing rendered here is trusted as is.

Descriptions are stored after an HTML clean-up on write, which escapes `<`, `>` and `&`;
`description_source` gives the text back as the person wrote it, for the editor.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from workos.activity.richtext import sanitize


def _heading_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "<p><strong>"


def _heading_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
                   ) -> str:
    return "</strong></p>\n"


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = html.escape(str(token.attrGet("src") or ""))
    alt = html.escape(token.content or "image")
    return f'<a href="{src}">{alt}</a>'


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("image", _image)
    return md


_MD = _markdown()


def description_html(text: str) -> str:
    """Sanitised HTML of a Markdown description ("" for none)."""
    if not (text or "").strip():
        return ""
    return sanitize(_MD.render(text))


def description_source(stored: str) -> str:
    """The description as its author typed it (entities the write escaped turned back)."""
    return html.unescape(stored or "")
