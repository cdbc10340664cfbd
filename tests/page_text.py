"""What a person reads on a page: its text without markup, scripts or styles."""

from html import escape
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


class _Rows(HTMLParser):
    """The cells of each body row of the table with ``css_class``, each as its markup with
    the white space folded and the attributes sorted, so that two ways of writing the same
    row compare equal."""

    def __init__(self, css_class):
        super().__init__(convert_charrefs=True)
        self.css_class, self.rows, self.cell = css_class, [], None
        self.table = self.body = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = self.css_class in (dict(attrs).get("class") or "").split()
        elif tag == "tbody":
            self.body = self.table
        elif self.body and tag == "tr":
            self.rows.append([])
        elif self.body and tag in ("th", "td"):
            self.cell = []
        elif self.cell is not None:
            shown = "".join(f' {name}="{value or ""}"' for name, value in sorted(attrs))
            self.cell.append(f"<{tag}{shown}>")

    def handle_endtag(self, tag):
        if tag in ("table", "tbody"):
            self.table = self.table and tag == "tbody"
            self.body = False
        elif self.cell is not None and tag in ("th", "td"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif self.cell is not None:
            self.cell.append(f"</{tag}>")

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(escape(data, quote=False))


def table_rows(html, css_class):
    """The cells of each row in the body of the table with ``css_class`` (see ``_Rows``)."""
    parser = _Rows(css_class)
    parser.feed(html)
    return parser.rows
