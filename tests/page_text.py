"""What a person reads on a page: its text without markup, scripts or styles."""

from html.parser import HTMLParser

HIDDEN = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Attributes a person reads (or hears from a screen reader) as text.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.chunks.append(value.strip())
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.chunks.append((dict(attrs).get("value") or "").strip())

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html):
    """The page's text pieces, in order, each with its white space folded."""
    parser = _Text()
    parser.feed(html)
    return [chunk for chunk in parser.chunks if chunk]


class _Items(HTMLParser):
    """The text of each <li> of the element with ``css_class``."""

    def __init__(self, css_class):
        super().__init__(convert_charrefs=True)
        self.css_class, self.depth, self.items, self.current = css_class, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
            if tag == "li" and self.depth == 2:
                self.current = []
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "li" and self.depth == 2 and self.current is not None:
            self.items.append(" ".join(" ".join(self.current).split()))
            self.current = None
        self.depth -= 1

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def list_items(html, css_class):
    parser = _Items(css_class)
    parser.feed(html)
    return parser.items
