"""The POST forms of a page as a browser would submit them, for the smoke and load tests (no browser)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    fields: list = field(default_factory=list)  # (name, value) with each field's current value
    options: dict = field(default_factory=dict)  # select name → its option values

    def data(self, changes=None):
        """The fields to post, with the values in ``changes`` (name → value) replacing or adding fields."""
        changes = changes or {}
        names = {name for name, _value in self.fields}
        posted = [(name, changes.get(name, value)) for name, value in self.fields]
        return posted + [(name, value) for name, value in changes.items() if name not in names]


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._select = None
        self._selected = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = Form(action=attrs.get("action") or "")
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if (
            tag == "input"
            and name
            and attrs.get("type") not in ("submit", "button", "file", "image", "reset")
        ):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._form.fields.append((name, attrs.get("value") or ("on" if "checked" in attrs else "")))
        elif tag == "select" and name:
            self._select, self._selected = name, None
            self._form.options[name] = []
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._form.options[self._select].append(value)
            if "selected" in attrs and self._selected is None:
                self._selected = value
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select:
            # Without a selected option a browser submits the first one.
            options = self._form.options[self._select]
            value = self._selected if self._selected is not None else (options[0] if options else "")
            self._form.fields.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the newline that browsers drop right after <textarea>.
            name, text = self._textarea
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def post_forms(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_for(html, url):
    """The page's POST form that submits to ``url`` (or to the page itself); None when there is none."""
    return next((form for form in post_forms(html) if form.action in ("", url)), None)
