"""The POST forms of a page as a browser would submit them, for the smoke and load tests (no browser)."""

import re
from dataclasses import dataclass, field
from html import unescape


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


# Tags are found with regular expressions rather than html.parser, which took 50 ms of the load generator's
# CPU for one self-assessment page (250 kB); this reads the same forms in a few milliseconds. Enough HTML
# for the project's own pages: no comments around form fields, no "<" inside attribute values.
_TAG = re.compile(
    r"<(/?)(form|input|select|option|textarea)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_TEXTAREA_END = re.compile(r"</textarea\s*>", re.IGNORECASE)


def _attributes(text):
    """name → unescaped value (None for a bare attribute such as ``checked``); the first of each name."""
    found = {}
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        value = next((group for group in match.group(2, 3, 4) if group is not None), None)
        found.setdefault(name, None if value is None else unescape(value))
    return found


def post_forms(html):
    """Every POST form of ``html`` with the values a browser would submit unchanged."""
    forms, form, select = [], None, None
    position = 0
    while match := _TAG.search(html, position):
        position = match.end()
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if tag == "select" and form is not None and select is not None:
                # Without a selected option a browser submits the first one.
                name, options, selected = select
                form.fields.append(
                    (name, selected if selected is not None else (options[0] if options else ""))
                )
                select = None
            elif tag == "form":
                form = None
            continue
        attrs = _attributes(attributes)
        if tag == "form":
            if (attrs.get("method") or "").lower() == "post":
                form = Form(action=attrs.get("action") or "")
                forms.append(form)
            continue
        if form is None:
            continue
        name = attrs.get("name")
        if (
            tag == "input"
            and name
            and attrs.get("type") not in ("submit", "button", "file", "image", "reset")
        ):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                form.fields.append((name, attrs.get("value") or ("on" if "checked" in attrs else "")))
        elif tag == "select" and name:
            select = (name, [], None)
            form.options[name] = select[1]
        elif tag == "option" and select is not None:
            value = attrs.get("value", "") or ""
            select[1].append(value)
            if "selected" in attrs and select[2] is None:
                select = (select[0], select[1], value)
        elif tag == "textarea":
            end = _TEXTAREA_END.search(html, position)
            text = unescape(html[position : end.start() if end else len(html)])
            position = end.end() if end else len(html)
            if name:
                # Browsers drop the newline right after <textarea>.
                form.fields.append((name, text[1:] if text.startswith("\n") else text))
    return forms


def form_for(html, url):
    """The page's POST form that submits to ``url`` (or to the page itself); None when there is none."""
    return next((form for form in post_forms(html or "") if form.action in ("", url)), None)
