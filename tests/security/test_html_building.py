"""HTML comes only from templates and ``format_html``: no code marks a string it built as safe, so a
forgotten ``escape()`` cannot become an XSS hole. The builders of the long tables and grids escape
every value they are given."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

from competencies import forms, tables

ROOT = Path(__file__).resolve().parents[2]
APPS = ("competencies", "teams", "qualification", "servicelead", "jobs")
# mark_safe / SafeString(...) on anything, or templates switching escaping off.
MARKING_SAFE = re.compile(r"\bmark_safe\b|\bSafeString\(|\bSafeText\(|\|\s*safe\b|autoescape\s+off")
NAME = "<script>alert(1)</script>\"'"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;"


def sources():
    for app in APPS:
        yield from (ROOT / app).rglob("*.py")
    yield from (ROOT / "templates").rglob("*.html")


def test_no_code_or_template_marks_built_html_safe():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources()
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MARKING_SAFE.search(line)
    ]
    assert not found, "HTML marked safe outside format_html / templates:\n" + "\n".join(found)


def named(pk, name):
    return SimpleNamespace(pk=pk, name=name)


def test_history_tables_escape_every_text():
    history = [
        {
            "competency": named(1, NAME),
            "rows": [
                {
                    "assessed_on": datetime.date(2026, 9, 30),
                    "level": 3,
                    "source_label": NAME,
                    "valid_until": None,
                    "note": NAME,
                }
            ],
        }
    ]
    html = tables.history_tables(history)
    assert "<script>" not in html
    assert html.count(ESCAPED) == 3


def test_level_groups_escape_every_text():
    row = {
        "competency": named(2, NAME),
        "interest_target": 3,
        "level": 2,
        "label": NAME,
        "target": 3,
        "below_target": True,
        "assessed": True,
        "source_label": NAME,
        "confirmed": False,
        "assessed_on": datetime.date(2026, 9, 30),
    }
    html = tables.level_groups([{"category": named(1, NAME), "rows": [row]}], with_target=True)
    assert "<script>" not in html
    assert html.count(ESCAPED) == 4
    assert '<span class="sl-level sl-level-2">2</span>' in html


def test_level_inputs_escape_labels_and_descriptors():
    level = SimpleNamespace(pk=1, value=1, label=NAME, descriptor=NAME)
    parts = forms._ScaleParts([level])
    radios = forms._level_radios("c7", parts, checked=1, required=1)
    options = forms._target_options(parts, selected=1)
    assert "<script>" not in radios + options
    assert radios.count(ESCAPED) == 2
    assert 'id="c7-l1" value="1" checked>' in radios
    assert options == f'<option value="1" selected>1 · {ESCAPED}</option>'
