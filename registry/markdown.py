"""Markdown of guides and reports as safe HTML: markdown-it-py renders, nh3 sanitizes.

Two layers, because the text comes from strangers (repositories, deployment tokens): the
renderer escapes raw HTML instead of passing it through, and the sanitizer then keeps only an
allow-list of tags and attributes (no script, no style, no event handlers, only http(s) and
mailto links, each with ``rel="nofollow noopener"``). Headings move one level down, so a
guide's ``# Title`` becomes an ``<h2>`` below the page's own ``<h1>``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

LINK_REL = "nofollow noopener"
TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "code": {"class"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Table alignment is the only style markdown-it writes; nh3 keeps just these properties.
STYLE_PROPERTIES = frozenset({"text-align"})


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def _shift_headings(state: Any) -> None:
    tokens: list[Token] = state.tokens
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + 1)
            token.tag = f"h{level}"


def render_markdown(text: str) -> str:
    """``text`` (Markdown) as sanitized HTML, safe to insert into a page as it is."""
    html = _renderer().render(text or "")
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
    )


def plain_text(text: str, limit: int = 240) -> str:
    """The first ``limit`` characters of the text a Markdown document shows (for excerpts)."""
    tokens = _renderer().parse(text or "")
    words = " ".join(
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type in ("text", "code_inline")
    )
    words = " ".join(words.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def first_heading(text: str) -> str | None:
    """The text of the document's first heading of level 1 (a repository guide's title)."""
    tokens = _renderer().parse(text or "")
    for index, token in enumerate(tokens):
        # The core rule shifted the level already: "# Title" is an h2 by now.
        if token.type == "heading_open" and token.markup == "#" and index + 1 < len(tokens):
            inline = tokens[index + 1].children or []
            title = "".join(c.content for c in inline if c.type in ("text", "code_inline"))
            return title.strip() or None
    return None
