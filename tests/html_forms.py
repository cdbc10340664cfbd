"""The forms of a page, read as a browser reads them, and what a browser would send back.

A browser sends each named control of the form that is not disabled: inputs with their
value attribute (a value the input type cannot hold, such as ``01-12-2026`` in a date
input, becomes empty, as the HTML value sanitization algorithm says), only the ticked check
boxes and radio buttons, the selected options of a
select (the first option when none is selected and only one may be), the text of a
textarea without the one line break that follows its opening tag, and the first submit
button (the one Enter presses). File inputs are not sent but named in ``files``, for a
test that uploads.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

UNSENT_INPUTS = {"submit", "image", "button", "reset", "file"}
# Controls whose value is text a person types or a page keeps (``HtmlForm.texts``).
TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password", "hidden"}
# The values each typed input can hold (HTML: "valid date string" and so on); the browser
# drops any other value.
SECONDS = r"(:\d{2}(\.\d{1,3})?)?"
VALID_VALUES = {
    "date": (r"\d{4}-\d{2}-\d{2}", lambda v: date.fromisoformat(v)),
    "datetime-local": (
        rf"\d{{4}}-\d{{2}}-\d{{2}}[T ]\d{{2}}:\d{{2}}{SECONDS}",
        lambda v: datetime.fromisoformat(v.replace(" ", "T")),
    ),
    "time": (rf"\d{{2}}:\d{{2}}{SECONDS}", lambda v: time.fromisoformat(v)),
    "number": (r"-?(\d+|\d*\.\d+)([eE][-+]?\d+)?", float),
}


def sanitized(kind, value):
    """The value a browser keeps in an input of type ``kind``."""
    if kind not in VALID_VALUES:
        return value
    pattern, parse = VALID_VALUES[kind]
    if not re.fullmatch(pattern, value):
        return ""
    try:
        parse(value)
    except ValueError:
        return ""
    return value


@dataclass
class HtmlForm:
    method: str
    action: str | None
    pairs: list = field(default_factory=list)
    # Names of controls whose value came from the page, for telling edits from new records.
    prefilled: set = field(default_factory=set)
    hidden: set = field(default_factory=set)
    submit: tuple | None = None
    enctype: str = "application/x-www-form-urlencoded"
    files: list = field(default_factory=list)
    # Names of the text inputs (TEXT_INPUTS) and textareas.
    texts: set = field(default_factory=set)

    def posts_to(self, page_url):
        """Whether the form posts back to the page it is on."""
        target = urljoin(page_url, self.action or "")
        return self.method == "post" and urlsplit(target).path == urlsplit(page_url).path

    def data(self, *, submit=True):
        """What the browser submits, as a dict of lists for Django's test client; with
        ``submit`` the first submit button's name and value too, as pressing Enter sends."""
        sent = {}
        pressed = [self.submit] if submit and self.submit and self.submit[0] else []
        pairs = [*self.pairs, *pressed]
        for name, value in pairs:
            sent.setdefault(name, []).append(value)
        return sent


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form = [], None
        self.select = self.option = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: "" if value is None else value for name, value in attrs}
        if tag == "form":
            self.form = HtmlForm(attrs.get("method", "get").lower(), attrs.get("action"))
            self.form.enctype = attrs.get("enctype", self.form.enctype).lower()
            self.forms.append(self.form)
        elif self.form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            if self.form.submit is None:
                self.form.submit = (attrs.get("name"), attrs.get("value", ""))
        elif tag == "select" and attrs.get("name"):
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = {"name": attrs["name"], "text": ""}

    def _input(self, attrs):
        kind, name = attrs.get("type", "text").lower(), attrs.get("name")
        if kind in UNSENT_INPUTS or not name:
            if kind == "file" and name:
                self.form.files.append(name)
            if kind in {"submit", "image"} and self.form.submit is None:
                self.form.submit = (name, attrs.get("value", ""))
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self._add(name, attrs.get("value", "on"))
            return
        if kind in TEXT_INPUTS:
            self.form.texts.add(name)
        self._add(name, sanitized(kind, attrs.get("value", "")), hidden=kind == "hidden")

    def _add(self, name, value, *, hidden=False):
        self.form.pairs.append((name, value))
        if hidden:
            self.form.hidden.add(name)
        elif value != "":
            self.form.prefilled.add(name)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data
        if self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            self._add(self.textarea["name"], text[1:] if text.startswith("\n") else text)
            self.form.texts.add(self.textarea["name"])
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self._end_select()

    def _end_select(self):
        select, self.select = self.select, None
        options = select["options"]
        chosen = [o for o in options if o["selected"]]
        if not chosen and options and not select["multiple"]:
            chosen = options[:1]
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"].strip()
            self.form.pairs.append((select["name"], value))
            if option["selected"] and value != "":
                self.form.prefilled.add(select["name"])


def read_forms(html):
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms
