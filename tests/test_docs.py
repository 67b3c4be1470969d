"""README.md and docs/ are complete in a clone: every markdown link points to a file in the repository
(and, with ``#anchor``, to a heading in it), and nothing sends the reader to ``../shared`` or another
place outside the repository. Web links (http, https) are allowed; other schemes and absolute paths not."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_MENTIONS = ("../shared", "shared/SPEC.md", "/work/")
WEB = re.compile(r"^https?://", re.IGNORECASE)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target "title") and ![alt](target); the target may be wrapped in <…>.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def documents():
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _prose(text):
    """The text without fenced code blocks and inline code, where a bracket is no link."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def link_targets(text):
    prose = _prose(text)
    return [m.group(1) for m in INLINE_LINK.finditer(prose)] + [m.group(1) for m in REFERENCE.finditer(prose)]


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*|_(?=\W)|(?<=\W)_", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def link_problems(path, root=ROOT):
    """What is wrong with the links and mentions of the document at ``path``, as readable lines."""
    text = path.read_text(encoding="utf-8")
    problems = [f"mentions {m!r}" for m in OUTSIDE_MENTIONS if m in text]
    for target in link_targets(text):
        if not target:
            problems.append("an empty link")
            continue
        if WEB.match(target):
            continue
        if SCHEME.match(target) or target.startswith(("/", "\\", "~")):
            problems.append(f"links outside the repository: {target}")
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / unquote(file_part)).resolve() if file_part else path
        try:
            linked.relative_to(root.resolve())
        except ValueError:
            problems.append(f"links outside the repository: {target}")
            continue
        if not linked.exists():
            problems.append(f"links to a missing file: {target}")
            continue
        if anchor and linked.suffix == ".md" and unquote(anchor).lower() not in anchors(linked):
            problems.append(f"links to a missing heading: {target}")
    return problems


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_document_links_stay_in_the_repository(path):
    assert link_problems(path) == []


def test_readme_leads_with_run_and_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^make [a-z-]+", readme, re.MULTILINE)
    assert commands[:2] == ["make run", "make test"]


def test_readme_links_every_document():
    targets = set(link_targets((ROOT / "README.md").read_text(encoding="utf-8")))
    for document in (ROOT / "docs").glob("*.md"):
        if document.name != "README.md":
            assert f"docs/{document.name}" in targets, f"README.md does not link docs/{document.name}"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("See [the spec](../shared/SPEC.md).", "mentions '../shared'"),
        ("See [x](../../etc/passwd).", "links outside the repository: ../../etc/passwd"),
        ("See [x](/etc/passwd).", "links outside the repository: /etc/passwd"),
        ("See [x](file:///etc/passwd).", "links outside the repository: file:///etc/passwd"),
        ("See [x](nothing-here.md).", "links to a missing file: nothing-here.md"),
        ("See [x][ref].\n\n[ref]: gone.md", "links to a missing file: gone.md"),
        ("# Title\n\nSee [x](#no-such-heading).", "links to a missing heading: #no-such-heading"),
    ],
)
def test_bad_links_are_found(tmp_path, text, problem):
    document = tmp_path / "doc.md"
    document.write_text(text, encoding="utf-8")
    assert problem in link_problems(document, root=tmp_path)


def test_good_links_and_code_pass(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## Cross-cutting\n", encoding="utf-8")
    document = tmp_path / "doc.md"
    document.write_text(
        "# A `code` title\n\n[a](other.md) [b](other.md#cross-cutting) [c](#a-code-title) "
        "[d](https://example.com/x)\n\n```\n[not a link](../../outside.md)\n```\n`[nor](/this)`\n",
        encoding="utf-8",
    )
    assert link_problems(document, root=tmp_path) == []
