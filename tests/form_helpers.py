"""Read a page's form the way a user meets it: each field's value, whether it
is marked invalid, the message beside it and the summary's links."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    tag: str
    attrs: dict[str, str]
    value: str = ""
    selected: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> bool:
        return self.attrs.get("aria-invalid") == "true"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, Field] = {}
        self.texts: dict[str, str] = {}  # id -> text of any element
        self.summary_links: list[tuple[str, str]] = []
        self._open: list[tuple[str, str | None]] = []  # (tag, id)
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._in_summary = 0
        self._link: str | None = None
        self._link_text = ""

    def handle_starttag(self, tag: str, attrs_list: list) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag in ("input", "select", "textarea") and "id" in attrs:
            found = Field(tag, attrs, attrs.get("value", ""))
            self.by_id[attrs["id"]] = found
            self._select = found if tag == "select" else self._select
            self._textarea = found if tag == "textarea" else None
        if tag == "option" and self._select is not None and "selected" in attrs:
            self._select.selected.append(attrs.get("value", ""))
        if "error-summary" in attrs.get("class", "").split():
            self._in_summary += 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self._link, self._link_text = attrs.get("href", ""), ""
        if tag not in ("input", "br", "meta", "link", "img"):
            self._open.append((tag, attrs.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None
        if tag == "a" and self._link is not None:
            self.summary_links.append((self._link, self._link_text.strip()))
            self._link = None
        if tag == "div" and self._in_summary:
            self._in_summary -= 1
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._link is not None:
            self._link_text += data
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] = self.texts.get(element_id, "") + data


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page
